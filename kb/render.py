"""Markdown -> safe HTML. Raw HTML is disabled, unsafe link schemes are refused by markdown-it,
and every heading gets a stable id derived from its text so that `#learning-points` deep links
keep working. A heading renamed keeps its old anchor when it ends with it in braces
(`## Results {#outcomes}`): links to #outcomes still land on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
MARKDOWN.enable(["table", "strikethrough", "linkify"])  # a bare address links, as on GitHub
_SAFE = MARKDOWN.validateLink  # markdown-it refuses javascript:, vbscript:, file: and data:,
MARKDOWN.validateLink = lambda url: _SAFE(url) and not url.strip().lower().startswith(
    "data:")  # but for pictures; entry pages show none, so none of those either


def _table_open(renderer, tokens, idx, options, env) -> str:
    """A table scrolls sideways in its own box, which a keyboard can reach and a screen
    reader names ('Table 2'), so a wide one never widens the page on a phone."""
    env["tables"] = env.get("tables", 0) + 1
    return (f'<div class="table-scroll" role="region" tabindex="0" '
            f'aria-label="Table {env["tables"]}">\n'
            + renderer.renderToken(tokens, idx, options, env))


def _table_close(renderer, tokens, idx, options, env) -> str:
    return renderer.renderToken(tokens, idx, options, env) + "</div>\n"


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """Entry pages show no pictures (they load images from the site alone, which keeps none
    for entries): an image is a link to the picture, named by its description, or the
    description alone inside another link or for an address on no other site (refused, or
    a file beside the entry's, which the site does not serve)."""
    token = tokens[idx]
    words = renderer.renderInlineAsText(token.children or [], options, env)
    src = token.attrGet("src") or ""
    opened = sum(+1 if t.type == "link_open" else -1 if t.type == "link_close" else 0
                 for t in tokens[:idx])
    if not src.startswith(("https://", "http://")) or opened:  # none beside the entry
        return escapeHtml(words)
    return f'<a href="{escapeHtml(src)}">{escapeHtml(words or src)}</a>'


def names_as_text(state) -> None:
    """Linkify also finds names written as sites in prose ('GOV.UK', 'Leigh-on-Sea.com'): as
    on GitHub, only an address with its scheme, one starting 'www.' (linked as https), or an
    email address becomes a link. A link whose text is its address is marked 'bare': print
    does not write the address twice."""
    for block in (t for t in state.tokens if t.type == "inline" and t.children):
        kids, kept, i = block.children, [], 0
        while i < len(kids):
            found = kids[i].type == "link_open" and kids[i].markup in ("linkify", "autolink")
            if found and i + 2 < len(kids) and not _an_address(kids[i + 1].content):
                kept.append(kids[i + 1])  # the text alone; text_join merges it after
                i += 3
                continue
            if found:
                kids[i].attrSet("class", "bare")
                if kids[i].attrGet("href").startswith("http://www."):
                    kids[i].attrSet("href", "https://" + kids[i].attrGet("href")[7:])
            kept.append(kids[i])
            i += 1
        block.children = kept


def _an_address(text: str) -> bool:
    return text.lower().startswith(("http://", "https://", "www.")) or "@" in text


# A path of the site written bare in a note ('see /entries/x'): not in a tag, nor a Markdown
# link's address '(/entries/x)'
SITE_PATH = re.compile(r'(?<![\w"/>=.(])(/entries/[a-z0-9]+(?:-[a-z0-9]+)*)')


def render_note(text: str) -> str:
    """A one-line note (why an entry was withdrawn) as HTML: its Markdown links, addresses and
    entries' paths written bare ('see /entries/x') are links; raw HTML is shown as text."""
    return SITE_PATH.sub(r'<a href="\1">\1</a>', MARKDOWN.renderInline(text))


MARKDOWN.core.ruler.after("linkify", "names_as_text", names_as_text)
MARKDOWN.add_render_rule("table_open", _table_open)
MARKDOWN.add_render_rule("table_close", _table_close)
MARKDOWN.add_render_rule("image", _image_as_link)


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str
    kept: tuple[str, ...] = ()  # old anchors it keeps: '## Results {#outcomes}'
    line: int = 0  # line in the body, from 1
    token: int = field(default=0, compare=False, repr=False)  # where it is among the tokens


# A heading's old anchors, at its end: '{#outcomes}', '{#outcomes #results-2}'
KEPT_ANCHORS = re.compile(r"\s*\{\s*((?:#[a-z0-9]+(?:-[a-z0-9]+)*\s*)+)\}\s*$")


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    text: str  # plain text of the body without headings or Contact, for indexing and snippets


# Sections that say how to reach people, not what was done: shown, never searched. (The
# Contact line that most entries share made 'give', 'sources' and 'contact details' match
# nearly every example.)
UNSEARCHED_SECTIONS = {"contact"}


def heading_id(text: str) -> str:
    """GitHub-style anchor: lowercase words joined by hyphens."""
    slug = re.sub(r"[^\w\s-]", "", text.lower(), flags=re.UNICODE)
    return re.sub(r"[\s_-]+", "-", slug).strip("-") or "section"


def _inline_text(token) -> str:
    return "".join(
        " " if c.type in ("softbreak", "hardbreak") else c.content
        for c in token.children or ()
        if c.type in ("text", "code_inline", "softbreak", "hardbreak")
    )


def split_kept(text: str) -> tuple[str, tuple[str, ...]]:
    """A heading's text and the old anchors it ends with: 'Results {#outcomes}' -> ('Results',
    ('outcomes',))."""
    found = KEPT_ANCHORS.search(text)
    if found is None:
        return text, ()
    return text[:found.start()], tuple(dict.fromkeys(a.lstrip("#") for a in found[1].split()))


def _kept_anchors(inline) -> tuple[str, ...]:
    """The old anchors written at the end of a heading, taken out of its text."""
    last = inline.children[-1] if inline.children else None
    if last is None or last.type != "text":
        return ()
    last.content, kept = split_kept(last.content)
    return kept


def _anchor(anchor: str) -> Token:
    """An empty element with an old anchor's id (the anchor is letters, digits and hyphens)."""
    return Token("html_inline", "", 0, content=f'<span id="{anchor}"></span>')


def render_markdown(source: str) -> Rendered:
    """Render an entry body. Headings get unique ids (a repeated heading gets -2, -3 ..., and
    one that would then clash with another heading's id gets the next number free); the old
    anchors a heading keeps come after every heading's own (one that is another heading's id,
    or kept twice, is left out)."""
    tokens = MARKDOWN.parse(source)
    headings, taken, text_parts, searched = [], set(), [], True
    for i, token in enumerate(tokens):
        if token.type == "inline" and tokens[i - 1].type != "heading_open" and searched:
            text_parts.append(_inline_text(token))
        elif token.type in ("fence", "code_block") and searched:
            text_parts.append(token.content)
        if token.type != "heading_open":
            continue
        kept = _kept_anchors(tokens[i + 1]) if i + 1 < len(tokens) else ()
        title = _inline_text(tokens[i + 1]) if i + 1 < len(tokens) else ""
        if token.tag == "h2":
            searched = not {title.strip().lower(), *kept} & UNSEARCHED_SECTIONS
        base = hid = heading_id(title)
        n = 1
        while hid in taken:
            n += 1
            hid = f"{base}-{n}"
        taken.add(hid)
        token.attrSet("id", hid)
        headings.append(Heading(int(token.tag[1]), hid, title, kept, token.map[0] + 1, i))
    for n, h in enumerate(headings):
        kept = tuple(k for k in h.kept if k not in taken)
        taken.update(kept)
        tokens[h.token + 1].children[:0] = [_anchor(k) for k in kept]
        headings[n] = Heading(h.level, h.id, h.text, kept, h.line)
    html = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    return Rendered(html=html, headings=tuple(headings), text="\n".join(text_parts))
