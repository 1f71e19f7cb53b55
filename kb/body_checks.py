"""The checks of an entry's Markdown text, below its front matter: not too much, no HTML
(shown as text: raw HTML is off), headings that link apart and step down one level at a time,
the sections commissioners look for: warnings; the entry still publishes. What would surely
publish broken is an error: no text or a whole report, a link or heading shown as typed
('[text](address' never closed, '##Outcomes'), a link to a file on the writer's computer or
network, and control characters (a question mark in a diamond)."""

from __future__ import annotations

import difflib
import re

from markdown_it import MarkdownIt

from kb.entry import CONTROL_CHARACTERS, INVISIBLE, REQUIRED_SECTIONS, Problems, invisible_character
from kb.render import MARKDOWN, heading_id, names_as_text, split_kept

RAW_HTML = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][\w-]*(\s[^<>]*)?/?>")
MAX_BODY = 100_000  # characters: a page read on phones, a summary of its sources
MAX_PAGE = 1_000_000  # characters no page is published with: a whole report pasted in
MAX_HTML_REPORTED = 10  # lines with HTML named one by one; the rest are counted
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)\s*#*\s*$")  # a space or tab: Markdown's rule
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
HEADING_LIKE = re.compile(r"^\s*(#+)\s*(.+?)\s*#*\s*$")  # '##Learning points', '# Outcomes'
CONFLICT_START = re.compile(r"^<{7}(?: |$)")
CONFLICT_MARK = re.compile(r"^(?:<{7}|>{7})(?: |$)|^={7}$")


def merge_conflicts(text: str) -> list[int]:
    """Each unresolved Git merge conflict's first line (<<<<<<< ... >>>>>>>), or a lone marker."""
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, 1) if CONFLICT_START.match(line)]
    return starts or [n for n, line in enumerate(lines, 1)
                      if CONFLICT_MARK.match(line) and not line.startswith("=")][:1]


def check_body(r: Problems, body: str, body_line: int) -> None:
    """Warn of what would make the entry's page wrong or hard to use (no text, or a whole
    report, is an error). Code (fenced blocks, `spans`) is not read for headings or links."""
    if not body.strip():
        r.error(body_line, "the entry has no text below the front matter: write what the "
                           "source says under '## What they did' and '## Learning points'")
        return
    if len(body) > MAX_PAGE:
        r.error(body_line, f"the text is {len(body):,} characters, over the {MAX_PAGE:,} a "
                           "page is published with: sum up the source and link to it")
    elif len(body) > MAX_BODY:
        r.warning(body_line, f"the text is {len(body):,} characters: an entry sums up its "
                             f"sources in under {MAX_BODY:,}; link to the rest")
    lines = without_code(body, r, body_line).split("\n")
    _control_characters(r, body, body_line)
    _raw_html(r, lines, body_line)
    _unsupported(r, lines, body_line)
    _local_file_links(r, lines, body_line)
    _broken_links(r, body, body_line)
    sections = _headings(r, lines, body_line) | _headings_without_space(r, lines, body_line)
    _empty_sections(r, lines, body_line)
    for section in REQUIRED_SECTIONS:
        if section.lower() not in sections:
            _missing_section(r, section, lines, body_line)


IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")


def _unsupported(r: Problems, lines: list[str], body_line: int) -> None:
    """Markdown the site does not show as written: images (kb.render links to them: pages
    load images from the site alone, which keeps none) and footnotes (shown as '[^1]')."""
    for n, line in enumerate(lines):
        if IMAGE.search(line):
            r.warning(body_line + n, "an image: entry pages show no pictures, only a link to "
                                     "it named by its description; say in words what it shows")
        note = FOOTNOTE.search(line)
        if note:
            r.warning(body_line + n, f"a footnote '{note.group()}': the page shows it as typed; "
                                     "put the note in the sentence, or the document under "
                                     "'sources'")


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def without_code(body: str, r: Problems | None = None, body_line: int = 1) -> str:
    """The text with its code blanked out, line for line (fenced blocks' lines emptied, `code
    spans` turned to spaces); a fence never closed hides the rest: a warning in `r`."""
    out, fence, opened = [], None, 0
    for n, line in enumerate(body.split("\n")):
        m = FENCE.match(line)
        if fence is None and m:
            fence, opened = m.group(1), n
            out.append("")
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and \
                    not line.strip().strip(fence[0]):
                fence = None
            out.append("")
        else:
            out.append(CODE_SPAN.sub(lambda c: " " * len(c.group(0)), line))
    if fence is not None and r is not None:
        r.warning(body_line + opened, f"the code block opened with {fence} here is never "
                                      f"closed: the rest of the text shows as code; close it "
                                      f"with a line {fence}")
    return "\n".join(out)


def _raw_html(r: Problems, lines: list[str], body_line: int) -> None:
    """Each line with HTML tags (each named) or comments: the first ten; then how many more."""
    found = [(n, tags) for n, line in enumerate(lines)
             for tags in [[m.group(0) for m in RAW_HTML.finditer(line)]] if tags]
    for n, tags in found[:MAX_HTML_REPORTED]:
        named = [f"'{tag[:40]}'" for tag in tags if not tag.startswith("<!--")]
        r.warning(body_line + n, f"{', '.join(named)} {'are' if len(named) > 1 else 'is'} shown "
                                 "as text, not as HTML: write it in Markdown (## Heading, "
                                 "**bold**, [link](url))" if named else
                  "an HTML comment is shown on the page as text: remove it (notes for editors "
                  "belong in the pull request)")
    if len(found) > MAX_HTML_REPORTED:
        r.warning(body_line + found[MAX_HTML_REPORTED][0],
                  f"{len(found) - MAX_HTML_REPORTED} more lines with HTML from here")


SECTIONS = ("what they did", "outcomes", "learning points", "contact")  # as kb new writes them
RESERVED_IDS = {"main": "the page's own main content", "sources": "the page's own Sources list",
                "cite-title": "the page's citation", "related-title": "the related examples",
                "embed-code": "the page's embed code"}


def _headings(r: Problems, lines: list[str], body_line: int) -> set[str]:
    """The '## ' sections (lowercase); a warning for each heading that links as an earlier
    one does (its id gets '-2': links to it land on the first), or as a part of the page."""
    sections, first, above = set(), {}, 1  # heading id -> (line, text) of the first with it
    for n, level, text in _each_heading(lines):
        if level == 1 and text not in REQUIRED_SECTIONS:  # those are told as such, below
            r.warning(body_line + n, f"'# {text}' is a heading at the level of the page's "
                                     f"title: write '## {text}'")
        elif level > above + 1:  # screen readers list and skip through headings by level
            fix = 2 if text.lower() in SECTIONS else above + 1  # the template's own: a section
            r.warning(body_line + n, f"the heading '{text}' is level {level} under a level "
                                     f"{above} one: write '{'#' * fix} {text}'")
            level = fix  # the headings after it are judged as under the level to write
        above, hid = max(level, 2), heading_id(text)
        if hid in first:
            at, earlier = first[hid]
            same = _visible(earlier).lower() == _visible(text).lower()
            r.warning(body_line + n, (f"a second section called '{text}'" if same else
                                      f"the heading '{text}' links as #{hid}, as '{earlier}' "
                                      "does") + f" (line {at}): links need headings that differ")
        elif hid in RESERVED_IDS:
            r.warning(body_line + n, f"the heading '{text}' links as #{hid}, which is "
                                     f"{RESERVED_IDS[hid]}: call it something else")
        first.setdefault(hid, (body_line + n, text))
        if level == 2:  # '## Lessons {#learning-points}' is the Learning points section too
            kept = split_kept(m.group(2))[1] if (m := HEADING.match(lines[n])) else ()
            sections |= {text.lower(), *(s.lower() for s in SECTIONS if heading_id(s) in kept)}
    return sections


def _empty_sections(r: Problems, lines: list[str], body_line: int) -> None:
    """A warning for each heading with no text before the next (or the end): a bare heading."""
    headings = [n for n, _, _ in _each_heading(lines)] + [len(lines)]
    for n, after in zip(headings, headings[1:], strict=False):
        text = [line for line in lines[n + 1:after] if line.strip() and not SETEXT.match(line)]
        if not text:
            title = HEADING_LIKE.match(lines[n]).group(2) if HEADING.match(lines[n]) else \
                lines[n].strip()
            r.warning(body_line + n, f"the section '{title}' has no text: write what the "
                                     "source says, or delete the heading")


def _each_heading(lines: list[str]):
    """(line index, level, text) of each heading, without its kept anchors ('## Text', '===')."""
    for n, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading:
            yield n, len(heading.group(1)), split_kept(heading.group(2))[0]
        elif n + 1 < len(lines) and line.strip() and not line.startswith((" " * 4, "-", "*")) \
                and (m := SETEXT.match(lines[n + 1])):
            yield n, 1 if m.group(1)[0] == "=" else 2, line.strip()


def _missing_section(r: Problems, section: str, lines: list[str], body_line: int) -> None:
    """Say a required section is missing: at a heading that nearly is it ('##Learning points',
    '# Learning points', '## Learning point') or only looks it (an invisible character in it),
    or at the words written as plain text, with the fix; else at the text's start."""
    fix = f"'## {section}'"
    for n, line in enumerate(lines):
        near = HEADING_LIKE.match(line)
        if near and _similar(near.group(2), section, 0.7):
            hidden = invisible_character(near.group(2))
            if hidden and _visible(near.group(2)).lower() == section.lower():
                r.warning(body_line + n, f"the heading '{line.strip()[:60]}' has {hidden[1]} "
                                         f"in it, {_between(near.group(2), hidden[0])}: it "
                                         f"looks like {fix} but is not the section "
                                         "commissioners look for; retype the heading")
            else:
                r.warning(body_line + n, f"'{line.strip()[:60]}' is not the section "
                                         f"{fix} commissioners look for: write {fix} (two #, "
                                         "a space, these words)")
            return
    for n, line in enumerate(lines):
        if _alone(lines, n) and len(line) <= 60 and _similar(line.strip(" *_:"), section, 0.8):
            r.warning(body_line + n, f"'{line.strip()}' is plain text, not the section {fix} "
                                     f"commissioners look for: make it the heading: write "
                                     f"{fix} (two #, a space, these words)")
            return
    r.warning(body_line, f"no {fix} section; commissioners look for it")


def _similar(text: str, section: str, ratio: float) -> bool:
    """Whether some text is near enough a section's name to have been meant as it."""
    return difflib.SequenceMatcher(None, _visible(text).lower(), section.lower()).ratio() >= ratio


def _visible(text: str) -> str:
    """Text as it looks: an invisible character gone, a no-break space a space."""
    return INVISIBLE.sub(lambda c: " " if c.group() == "\u00a0" else "", text)


def _between(text: str, at: int) -> str:
    """Where in some words a character is: "between 'Learning' and 'points'"."""
    before, after = text[:at].split()[-1:], text[at + 1:].split()[:1]
    if before and after:
        return f"between '{before[0]}' and '{after[0]}'"
    return f"after '{before[0]}'" if before else f"before '{after[0]}'" if after else "alone"


MAX_CONTROL_REPORTED = 10  # lines with control characters named one by one


def _control_characters(r: Problems, body: str, body_line: int) -> None:
    """An error for each line with a control character (NUL, form feed, ...), code included:
    it shows as '\ufffd' or nothing (XML forbids it). The first ten lines; then how many more."""
    found = [(n, line) for n, line in enumerate(body.split("\n"))
             if CONTROL_CHARACTERS.search(line)]
    for n, line in found[:MAX_CONTROL_REPORTED]:
        each = [f"U+{ord(m.group()):04X} {_after(line, m.start())}"
                for m in CONTROL_CHARACTERS.finditer(line)]
        what, it = ((f"an invisible control character, {each[0]}, is", "it") if len(each) == 1
                    else (f"invisible control characters ({'; '.join(each[:5])}) are", "them"))
        r.error(body_line + n, f"{what} in the text: the page shows {it} as '\ufffd' (a "
                               f"question mark in a diamond) or not at all; delete {it} "
                               f"(retype the words around {it})")
    if len(found) > MAX_CONTROL_REPORTED:
        r.error(body_line + found[MAX_CONTROL_REPORTED][0],
                f"{len(found) - MAX_CONTROL_REPORTED} more lines with control characters from "
                "here: was the file saved as UTF-8 text?")


def _after(line: str, at: int) -> str:
    """Where a character is on its line, in words: "after 'the words before'"."""
    words = CONTROL_CHARACTERS.sub(" ", INVISIBLE.sub(" ", line[:at])).split()[-3:]
    return f"after '{' '.join(words)}'" if words else "at the start of the line"


NO_SPACE_HEADING = re.compile(r"^ {0,3}(#{1,6})(?![ \t#])(.+)$")


def _headings_without_space(r: Problems, lines: list[str], body_line: int) -> set[str]:
    """The headings written without the space after the '#' ('##Outcomes', or with a no-break
    space after it): the page shows them as typed. Two or more '#' then a word are surely a
    heading: an error. One '#' may be a hashtag ('#MeToo'): a warning, and only for a line on
    its own; '#1' is no heading. Returns the sections meant (lowercase), said here already."""
    meant = set()
    for n, line in enumerate(lines):
        m = NO_SPACE_HEADING.match(line)
        text = m and " ".join(INVISIBLE.sub(" ", m.group(2)).split()).rstrip("#").strip()
        if not text or len(m.group(1)) == 1 and (text[0].isdigit() or not _alone(lines, n)):
            continue
        hashes = m.group(1) if len(m.group(1)) > 1 else "##"
        hidden = invisible_character(m.group(2))
        why = (f"has {hidden[1]} after the #, which Markdown does not take for a space"
               if hidden and hidden[0] == 0 else "has no space after the #")
        message = (f"'{line.strip()[:60]}' {why}: the page shows it as typed, not as a "
                   f"heading; write '{hashes} {text}'")
        if len(m.group(1)) > 1:
            r.error(body_line + n, message)
        else:
            r.warning(body_line + n, message + " if it is a heading")
        meant.add(text.lower())
    return meant


def _alone(lines: list[str], n: int) -> bool:
    """Whether line n is a paragraph of its own: blank lines (or the text's start or end, or
    a list) around it."""
    before = n == 0 or not lines[n - 1].strip()
    after = n + 1 == len(lines) or not lines[n + 1].strip() or \
        re.match(r"^\s*([-*+]|\d+[.)])\s", lines[n + 1])
    return bool(lines[n].strip() and before and after)


LOCAL_ADDRESS = (r"(?:file:|\\\\|[A-Za-z]:[\\/]|"  # or a web host with no dot (a site preview
                 r"https?://(?!localhost\b)[A-Za-z0-9-]+(?=[:/)>\s]|$))")  # is kb.entry_links')
LOCAL_LINK = re.compile(rf"\]\(\s*<?({LOCAL_ADDRESS}[^)>]*)|(?<![\w/])(file:/[^\s)>\]]*)",
                        re.IGNORECASE)


def _local_file_links(r: Problems, lines: list[str], body_line: int) -> None:
    """An error for each link to a file on the writer's computer or office network
    ('file:///C:/x.pdf', '\\\\server\\share\\x.docx', 'C:\\x.pdf', 'http://intranet/x'):
    it works for them alone, and may publish their user name."""
    for n, line in enumerate(lines):
        for m in LOCAL_LINK.finditer(line):
            address = m.group(1).strip() if m.group(1) else m.group(2).rstrip(".,;:!?'\"")
            r.error(body_line + n, f"the link '{address[:80]}' only works on your computer or "
                                   "your network: link to the published copy of the document "
                                   "instead, or if it was never online, name it in 'sources'")


def _markdown_parser() -> MarkdownIt:
    """kb.render's parser, but an escaped '\\[' kept as a token: no link is made of it."""
    parser = MarkdownIt("zero", dict(MARKDOWN.options)).enable([
        rule for rules in MARKDOWN.get_active_rules().values() for rule in rules
        if rule != "names_as_text"])
    parser.core.ruler.after("linkify", "names_as_text", names_as_text)
    parser.validateLink = MARKDOWN.validateLink  # what the page refuses to link, this does
    return parser.disable("text_join")


PARSER = _markdown_parser()
SHOWN = "\ufffc"  # stands, in the text shown, for what is no plain text: code, links, escapes


def _shown_lines(body: str) -> list[tuple[int, str, list[str]]]:
    """(line index, text, as written) of each line of text as the page shows it: what
    Markdown read as a link, code, emphasis or an escaped character ('\\[') is one SHOWN
    character in the text; `as written` has, for each character of the text, what the file
    has there ('`code`', '\\[')."""
    out = []
    for token in PARSER.parse(body):
        if token.type != "inline" or not token.map:
            continue
        n, text, written = token.map[0], "", []
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                out.append((n, text, written))
                n, text, written = n + 1, "", []
            elif child.type == "text" or child.type == "text_special" and \
                    child.content == child.markup:  # '\U' is no escape: a backslash and U
                text += child.content
                written += list(child.content)
            else:
                text += SHOWN
                written.append(_as_written(child))
        out.append((n, text, written))
    return out


def _as_written(token) -> str:
    """Roughly what the file has for an inline token that is not plain text."""
    if token.type == "code_inline":
        return token.markup + token.content + token.markup
    return {"link_open": "[", "link_close": "](...)",
            "image": f"![{token.content}](...)"}.get(token.type, token.markup)


LINK_AS_TYPED = re.compile(r"\[([^\[\]]*)\]([ \t]*)\(")
ADDRESS_LIKE = re.compile(r"[ \t]*<?(?:https?://|www\.|/|#|mailto:)", re.IGNORECASE)


def _broken_links(r: Problems, body: str, body_line: int) -> None:
    """An error for each link Markdown could not read, which the page shows as typed: what
    still reads '[text](' in the text as shown (outside code), or '[text] (address'. Such
    text is always a mistake, so it is an error; '[sic] (2009)' is prose, and not reported."""
    for n, text, written in _shown_lines(body):
        for m in LINK_AS_TYPED.finditer(text):
            rest = text[m.end():]
            if re.match(rf"\s*<?{LOCAL_ADDRESS}", rest):  # said by _local_file_links
                continue
            if m.group(2) and ADDRESS_LIKE.match(rest):
                fix = "remove the space between ']' and '('"
            elif m.group(2):
                continue
            else:
                fix = _link_fix(rest)
            end = m.end() + len(rest.split(")")[0]) + 1
            shown = "".join(written[m.start():end])
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            r.error(body_line + n, f"the link '{shown}' is shown on the page as typed: {fix}")


def _link_fix(rest: str) -> str:
    """How to mend a link Markdown could not read, from what follows its '](' on the line."""
    refused = re.match(r"\s*<?(javascript|vbscript|data):", rest, re.IGNORECASE)
    if refused:  # markdown-it links to none of these: they run or hide what they open
        return (f"the site never links to a {refused.group(1).lower()}: address; link to the "
                "page or document meant, with its https:// address")
    if ")" not in rest:
        return "close the link with ')' straight after the address"
    address, _, after = rest.split(")")[0].strip().partition(" ")
    if after.strip()[:1] in ('"', "'", "("):
        return ("the title after the address (the text in quotes) is never closed: delete it, "
                "or close its quote before the ')'")
    if after.strip():
        return ("the address has a space in it: copy it again from the browser, or write "
                "%20 in place of each space")
    return ("write it as [text](address): nothing between ']' and '(', the address with no "
            "space in it, and ')' straight after it")
