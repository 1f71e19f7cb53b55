"""Headings' anchors that links rely on: a guidance document that links to
/entries/x#outcomes must still land on that section after the entry is edited. Each anchor
an entry's headings had at a git revision (kb check --against) must be on one of its headings
now, as its id or as an old anchor it keeps (`## Results {#outcomes}`: see kb.render)."""

from __future__ import annotations

import difflib
from pathlib import Path

from kb.entry import Problem, Problems
from kb.front_matter import split_front_matter
from kb.render import Heading, render_markdown


def lost_anchors(ref: str, published, now: dict[str, str],
                 claimed_by: dict[str, str]) -> list[Problem]:
    """An error for each heading anchor an entry had at `ref` that no heading of the file now
    claiming its address has, on the heading most like the old one. `published` are the
    files at `ref`, `now` {path: text} the files now, `claimed_by` {slug or alias: path}."""
    problems = []
    for old in published:
        slug = Path(old.path).stem
        rel = claimed_by.get(slug)
        if rel is None:  # the address itself is gone: kb.publishing says so, once
            continue
        headings, body_line = _headings(now[rel])
        have = {anchor for h in headings for anchor in (h.id, *h.kept)}
        for h in _headings(old.text)[0]:
            for anchor in (h.id, *h.kept):
                if anchor not in have:
                    problems.append(_lost(ref, slug, rel, anchor, h.text, headings, body_line))
    return problems


def _lost(ref: str, slug: str, rel: str, anchor: str, text: str, headings: list[Heading],
          body_line: int) -> Problem:
    like = difflib.get_close_matches(text, [h.text for h in headings], n=1, cutoff=0.0)
    heir = next((h for h in headings if like and h.text == like[0]), None)
    example = f"'{'#' * heir.level} {heir.text} {{#{anchor}}}'" if heir else \
        f"'## {text} {{#{anchor}}}'"
    return Problem(rel, body_line + heir.line - 1 if heir else body_line, "error",
                   f"/entries/{slug}#{anchor} (the heading '{text}') was published at {ref} "
                   "but no heading has that anchor now, so a link to it would open the top of "
                   f"the page: end the heading that covers it with {{#{anchor}}}, e.g. "
                   f"{example}")


def _headings(text: str) -> tuple[list[Heading], int]:
    """An entry file's headings and the line its body starts on ([] when it cannot be read:
    its own errors say why)."""
    parts = split_front_matter(text.removeprefix("\ufeff").replace("\r\n", "\n"),
                               Problems(""))
    if parts is None:
        return [], 1
    return list(render_markdown(parts[1]).headings), parts[2]
