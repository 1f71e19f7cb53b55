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
HEADING_LIKE = re.compile(r"^\s*(#+)\s*(.+?)\s*#*\s*$")  # '##Learning points', '# Outcomes'


def check_body(r: Problems, body: str, body_line: int) -> None:
    """Warn of what would make the entry's page wrong or hard to use."""
    if not body.strip():
        r.warning(body_line, "the entry has no text below the front matter")
        return
    if len(body) > MAX_BODY:
        r.warning(body_line, f"the text is {len(body):,} characters: an entry sums up its "
                             f"sources in under {MAX_BODY:,}; link to the rest")
    lines = body.split("\n")
    _raw_html(r, lines, body_line)
    sections = _headings(r, lines, body_line)
    for section in REQUIRED_SECTIONS:
        if section.lower() not in sections:
            _missing_section(r, section, lines, body_line)


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


def _headings(r: Problems, lines: list[str], body_line: int) -> set[str]:
    """The '## ' sections (lowercase); a warning for each heading that links as an earlier
    one does (its id gets '-2': links to it land on the first)."""
    sections, first = set(), {}  # heading id -> (line, text) of the first heading with it
    for n, line in enumerate(lines):
        heading = HEADING.match(line)
        if not heading:
            continue
        text, hid = heading.group(2), heading_id(heading.group(2))
        if hid in first:
            at, earlier = first[hid]
            same = earlier.lower() == text.lower()
            r.warning(body_line + n, (f"a second section called '{text}'" if same else
                                      f"the heading '{text}' links as #{hid}, as '{earlier}' "
                                      "does") + f" (line {at}): links need headings that differ")
        first.setdefault(hid, (body_line + n, text))
        if len(heading.group(1)) == 2:
            sections.add(text.lower())
    return sections


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
