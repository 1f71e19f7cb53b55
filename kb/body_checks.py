"""The checks of an entry's Markdown text, below its front matter: that it has some, not too
much, no HTML (shown as text, since Markdown renders with raw HTML off), headings that link
apart, and the sections commissioners look for. All are warnings: the entry still publishes.
"""

from __future__ import annotations

import difflib
import re

from kb.entry import REQUIRED_SECTIONS, Problems
from kb.render import heading_id

RAW_HTML = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][\w-]*(\s[^<>]*)?/?>")
MAX_BODY = 100_000  # characters: a page read on phones, a summary of its sources
MAX_HTML_REPORTED = 10  # lines with HTML named one by one; the rest are counted
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
HEADING_LIKE = re.compile(r"^\s*(#+)\s*(.+?)\s*#*\s*$")  # '##Learning points', '# Outcomes'
CONFLICT_START = re.compile(r"^<{7}(?: |$)")
CONFLICT_MARK = re.compile(r"^(?:<{7}|>{7})(?: |$)|^={7}$")


def merge_conflicts(text: str) -> list[int]:
    """The first line of each unresolved Git merge conflict in a file (<<<<<<< ... =======
    ... >>>>>>>); a lone marker line counts as one too."""
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, 1) if CONFLICT_START.match(line)]
    return starts or [n for n, line in enumerate(lines, 1)
                      if CONFLICT_MARK.match(line) and not line.startswith("=")][:1]


def check_body(r: Problems, body: str, body_line: int) -> None:
    """Warn of what would make the entry's page wrong or hard to use. Code (fenced blocks
    and `spans`) is shown as written, so it is not read for headings, HTML or links."""
    if not body.strip():
        r.warning(body_line, "the entry has no text below the front matter")
        return
    if len(body) > MAX_BODY:
        r.warning(body_line, f"the text is {len(body):,} characters: an entry sums up its "
                             f"sources in under {MAX_BODY:,}; link to the rest")
    lines = without_code(body, r, body_line).split("\n")
    _raw_html(r, lines, body_line)
    _unsupported(r, lines, body_line)
    sections = _headings(r, lines, body_line)
    _empty_sections(r, lines, body_line)
    for section in REQUIRED_SECTIONS:
        if section.lower() not in sections:
            _missing_section(r, section, lines, body_line)


IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")


def _unsupported(r: Problems, lines: list[str], body_line: int) -> None:
    """Markdown the site does not show as written: images (the site's pages load images from
    itself alone, and it keeps none for entries) and footnotes (shown as '[^1]')."""
    for n, line in enumerate(lines):
        if IMAGE.search(line):
            r.warning(body_line + n, "an image: entry pages show no images; say in words what "
                                     "it shows, or link to it where the source has it")
        note = FOOTNOTE.search(line)
        if note:
            r.warning(body_line + n, f"a footnote '{note.group()}': the page shows it as typed; "
                                     "put the note in the sentence, or the document under "
                                     "'sources'")


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def without_code(body: str, r: Problems | None = None, body_line: int = 1) -> str:
    """The text with its code blanked out, line for line: fenced blocks' lines emptied and
    `code spans` turned to spaces. A fence never closed (it hides the rest of the text on the
    page) is a warning in `r`."""
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
    """Each line with an HTML tag or comment (the first ten; then how many more)."""
    found = [(n, m.group(0)) for n, line in enumerate(lines)
             for m in [RAW_HTML.search(line)] if m]
    for n, tag in found[:MAX_HTML_REPORTED]:
        if tag.startswith("<!--"):
            r.warning(body_line + n, "an HTML comment is shown on the page as text: remove it "
                                     "(notes for editors belong in the pull request)")
        else:
            r.warning(body_line + n, f"'{tag[:40]}' is shown as text, not as HTML: write it in "
                                     "Markdown (## Heading, **bold**, [link](url))")
    if len(found) > MAX_HTML_REPORTED:
        r.warning(body_line + found[MAX_HTML_REPORTED][0],
                  f"{len(found) - MAX_HTML_REPORTED} more lines with HTML from here")


RESERVED_IDS = {"main": "the page's own main content", "sources": "the page's own Sources list",
                "cite-title": "the page's citation", "related-title": "the related examples",
                "embed-code": "the page's embed code"}


def _headings(r: Problems, lines: list[str], body_line: int) -> set[str]:
    """The '## ' sections (lowercase); a warning for each heading that links as an earlier
    one does (its id gets '-2': links to it land on the first), or as a part of the page."""
    sections, first = set(), {}  # heading id -> (line, text) of the first heading with it
    for n, level, text in _each_heading(lines):
        hid = heading_id(text)
        if hid in first:
            at, earlier = first[hid]
            same = earlier.lower() == text.lower()
            r.warning(body_line + n, (f"a second section called '{text}'" if same else
                                      f"the heading '{text}' links as #{hid}, as '{earlier}' "
                                      "does") + f" (line {at}): links need headings that differ")
        elif hid in RESERVED_IDS:
            r.warning(body_line + n, f"the heading '{text}' links as #{hid}, which is "
                                     f"{RESERVED_IDS[hid]}: call it something else")
        first.setdefault(hid, (body_line + n, text))
        if level == 2:
            sections.add(text.lower())
    return sections


def _empty_sections(r: Problems, lines: list[str], body_line: int) -> None:
    """A warning for each heading with no text before the next one (or the end): the
    template's sections left empty publish as bare headings."""
    headings = [n for n, _, _ in _each_heading(lines)] + [len(lines)]
    for n, after in zip(headings, headings[1:], strict=False):
        text = [line for line in lines[n + 1:after] if line.strip() and not SETEXT.match(line)]
        if not text:
            title = HEADING_LIKE.match(lines[n]).group(2) if HEADING.match(lines[n]) else \
                lines[n].strip()
            r.warning(body_line + n, f"the section '{title}' has no text: write what the "
                                     "source says, or delete the heading")


def _each_heading(lines: list[str]):
    """(line index, level, text) of each heading: '## Text', or text underlined with '==='
    or '---'."""
    for n, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading:
            yield n, len(heading.group(1)), heading.group(2)
        elif n + 1 < len(lines) and line.strip() and not line.startswith((" " * 4, "-", "*")) \
                and (m := SETEXT.match(lines[n + 1])):
            yield n, 1 if m.group(1)[0] == "=" else 2, line.strip()


def _missing_section(r: Problems, section: str, lines: list[str], body_line: int) -> None:
    """Say a required section is missing: at a heading that nearly is it ('##Learning points',
    '# Learning points', '## Learning point'), with the fix; else at the text's start."""
    fix = f"'## {section}'"
    for n, line in enumerate(lines):
        near = HEADING_LIKE.match(line)
        if near and difflib.SequenceMatcher(None, near.group(2).lower(),
                                            section.lower()).ratio() >= 0.7:
            r.warning(body_line + n, f"'{line.strip()[:60]}' is not the section "
                                     f"{fix} commissioners look for: write {fix} (two #, a "
                                     "space, these words)")
            return
    r.warning(body_line, f"no {fix} section; commissioners look for it")
