"""The links inside entries to other pages of the site, checked as `kb check` reads the
entries (no index needed): to another entry and a heading in it, a heading of the same entry
(#anchor), a vocabulary term's page, or a search with its filters. A link to nothing is an
error; one to an old address that redirects is a warning naming the address to use. The rules
are kb.links' own, the entries checked being what the site would serve."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kb.body_checks import without_code
from kb.documents import Link, markdown_links
from kb.entry import Entry, Problem
from kb.entry_files import entry_files
from kb.links import Broken, Known, check_link, known_entry_anchors
from kb.render import render_markdown
from kb.taxonomy import Taxonomy


def entry_link_problems(entries_dir: Path, entries: list[Entry],
                        taxonomy: Taxonomy) -> list[Problem]:
    """A problem for each link of an entry's text to the site that finds no page, or an old
    address: the links of `entries` (those read without error), against every entry file
    (one that could not be read is still there: its own errors say why)."""
    slugs = {Path(rel).stem for _, rel in entry_files(entries_dir)}
    by_slug = {e.slug: e for e in entries}

    @cache
    def anchors(slug: str) -> list[str]:  # rendered only when a link names a heading
        entry = by_slug.get(slug)
        if entry is None:  # a file that could not be read: its own errors say why
            return []
        ids = [h.id for h in render_markdown(entry.body).headings]
        return ids + ["sources"] if entry.sources and "sources" not in ids else ids

    alias = {a: e.slug for e in entries for a in e.aliases}
    known = Known(slugs, alias, taxonomy, anchors)
    problems = []
    for entry in entries:
        for link in markdown_links(without_code(entry.body)):
            line = entry.body_line + link.line - 1
            message = _problem(known, entry, link)
            if message:
                problems.append(Problem(entry.path, line, *message))
    return problems


def _problem(known: Known, entry: Entry, link: Link) -> tuple[str, str] | None:
    """(severity, message) of one link, or None when it is good or not to the site."""
    if link.url.startswith("#"):  # a heading of this same entry
        try:
            known_entry_anchors(known, entry.slug, link.url[1:])
        except Broken as exc:
            return "error", str(exc)
        return None
    finding = check_link(known, entry.path, link, ("", ""), "")
    if finding is None:
        return None
    return finding.severity, finding.message
