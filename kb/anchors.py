"""Headings' anchors that links rely on: a guidance document that links to
/entries/x#outcomes must still land on that section after the entry is edited. Each anchor
an entry's headings had at a git revision (kb check --against) must be on one of its headings
now, as its id or as an old anchor it keeps (`## Results {#outcomes}`: see kb.render); and
an anchor kept must be written so that it is read, and be no other heading's or the page's."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from kb.body_checks import RESERVED_IDS
from kb.entry import Problem, Problems
from kb.front_matter import split_front_matter
from kb.render import MARKDOWN, Heading, render_markdown, split_kept

# braces at a heading's end that are not read as anchors: '{#Outcomes}', '{outcomes}',
# '{#outcomes}.' (with a stop after), or a second group: '{#outcomes} {#results}'
SAME_TEXT = 0.6  # share of words in common that makes a section the same one, renamed
WRITTEN_AS_ANCHOR = re.compile(r"\{#?[\w\s#.-]*\}[\s.]*$")


def kept_anchor_problems(r: Problems, body: str, body_line: int) -> None:
    """Warnings for anchors a heading means to keep but does not: braces not read as one (an
    anchor is '#' then lowercase letters, digits and hyphens), an anchor that is another
    heading's own or the page's, one kept twice, and a heading that is only an anchor."""
    if "{" not in body:  # no heading keeps anything: nothing to read again
        return
    own = {h.id: h.text for h in render_markdown(body).headings}
    seen: set[str] = set()
    for token, inline in zip(tokens := MARKDOWN.parse(body), tokens[1:], strict=False):
        if token.type != "heading_open":
            continue
        line, (text, kept) = body_line + token.map[0], split_kept(inline.content)
        if stray := WRITTEN_AS_ANCHOR.search(text):
            r.warning(line, f"the heading ends with '{stray[0].strip()}', which is not read as "
                            "an anchor to keep: write them all in one pair of braces at the "
                            "end, each '#' then lowercase letters, digits and hyphens, e.g. "
                            "{#outcomes #results}")
        if kept and not text.strip():
            r.warning(line, "this heading is only an anchor: write its text before the braces")
        for anchor in kept:
            if anchor in own:
                r.warning(line, f"#{anchor}, kept by this heading, is the link of the heading "
                                f"'{own[anchor]}': links to it land there; keep only anchors "
                                "no heading has")
            elif anchor in RESERVED_IDS:
                r.warning(line, f"#{anchor}, kept by this heading, is {RESERVED_IDS[anchor]}: "
                                "links to it land there; keep another anchor")
            elif anchor in seen:
                r.warning(line, f"#{anchor} is kept by an earlier heading too: keep each "
                                "anchor once")
            seen.add(anchor)


def lost_anchors(ref: str, published, now: dict[str, str],
                 claimed_by: dict[str, str]) -> list[Problem]:
    """An error for each heading anchor an entry had at `ref` that no heading of the file now
    claiming its address has, on the heading now in the old one's place. `published` are the
    files at `ref`, `now` {path: text} the files now, `claimed_by` {slug or alias: path}."""
    problems = []
    for old in published:
        slug = Path(old.path).stem
        rel = claimed_by.get(slug)
        if rel is None:  # the address itself is gone: kb.publishing says so, once
            continue
        headings, body_line, under = _headings(now[rel])
        have = {anchor for h in headings for anchor in (h.id, *h.kept)}
        before, _, was_under = _headings(old.text)
        heirs = _in_place_of(before, headings)
        heirs.update(_same_text_under(was_under, headings, under))
        for n, h in enumerate(before):
            for anchor in (h.id, *h.kept):
                if anchor not in have:
                    problems.append(_lost(ref, slug, rel, anchor, h.text, heirs.get(n),
                                          body_line))
    return problems


def _in_place_of(before: list[Heading], after: list[Heading]) -> dict[int, Heading]:
    """{number of an old heading: the heading now in its place}, by aligning the two lists of
    headings: one renamed between two kept is in the same place; where several went and as
    many came, each takes the place of the one at its position; otherwise, none."""
    match = difflib.SequenceMatcher(a=[h.text.lower() for h in before],
                                    b=[h.text.lower() for h in after], autojunk=False)
    heirs = {}
    for tag, i1, i2, j1, j2 in match.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            heirs.update({i1 + k: after[j1 + k] for k in range(i2 - i1)})
    return heirs


def _same_text_under(was_under: list[str], after: list[Heading],
                     under: list[str]) -> dict[int, Heading]:
    """{number of an old heading: the heading now over mostly the same text}: a section moved
    and renamed is found by what it says, wherever it is now."""
    heirs = {}
    for n, text in enumerate(was_under):
        words = text.lower().split()
        ratios = [difflib.SequenceMatcher(a=words, b=now.lower().split(),
                                          autojunk=False).ratio() for now in under]
        if words and ratios and max(ratios) >= SAME_TEXT:
            heirs[n] = after[ratios.index(max(ratios))]
    return heirs


def _lost(ref: str, slug: str, rel: str, anchor: str, text: str, heir: Heading | None,
          body_line: int) -> Problem:
    shown = WRITTEN_AS_ANCHOR.sub("", heir.text).rstrip() if heir else ""
    where = f"e.g. '{'#' * heir.level} {shown} {{#{anchor}}}'" if heir else \
        "as '## Its heading {#" + anchor + "}'"
    return Problem(rel, body_line + heir.line - 1 if heir else body_line, "error",
                   f"/entries/{slug}#{anchor} (the heading '{text}') was published at {ref} "
                   "but no heading has that anchor now, so a link to it would open the top of "
                   f"the page: end the heading that covers it with {{#{anchor}}}, {where}")


def _headings(text: str) -> tuple[list[Heading], int, list[str]]:
    """An entry file's headings, the line its body starts on, and the text under each heading
    (nothing when the file cannot be read: its own errors say why)."""
    parts = split_front_matter(text.removeprefix("\ufeff").replace("\r\n", "\n"),
                               Problems(""))
    if parts is None:
        return [], 1, []
    headings = list(render_markdown(parts[1]).headings)
    lines = parts[1].split("\n")
    ends = [h.line for h in headings[1:]] + [len(lines) + 1]
    under = ["\n".join(lines[h.line:end - 1]) for h, end in zip(headings, ends, strict=True)]
    return headings, parts[2], under
