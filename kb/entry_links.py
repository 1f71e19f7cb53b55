"""The links inside entries to other pages of the site, checked as `kb check` reads the
entries (no index needed): to another entry and a heading in it, a heading of the same entry
(#anchor), a vocabulary term's page, or a search with its filters. A link to nothing is an
error; one to an old address that redirects is a warning naming the address to use. The rules
are kb.links' own, the entries checked being what the site would serve."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from kb.body_checks import LOCAL_ADDRESS, without_code
from kb.documents import Link, markdown_links
from kb.entry import Entry, Problem
from kb.entry_files import entry_files
from kb.links import BadBase, Broken, Known, check_heading, check_link, parse_base
from kb.render import SITE_PATH, render_markdown
from kb.taxonomy import Taxonomy
from kb.validate import read_draft


def entry_link_problems(entries_dir: Path, entries: list[Entry],
                        taxonomy: Taxonomy) -> list[Problem]:
    """A problem for each link of an entry's text to the site that finds no page, or an old
    address: the links of `entries` (every one whose front matter could be read, errors and
    all), against every entry file. Another file is read only when a link needs it: for its
    headings, or for the old addresses (aliases) when a link's address is no file's (one that
    could not be read is still there: its own errors say why, and links into it are not
    judged)."""
    files = {Path(rel).stem: (path, rel) for path, rel in entry_files(entries_dir)}
    by_slug = {e.slug: e for e in entries}

    @cache
    def entry_of(slug: str) -> Entry | None:
        if slug in by_slug or slug not in files:
            return by_slug.get(slug)
        return read_draft(*files[slug], taxonomy)[0]

    @cache
    def anchors(slug: str) -> list[str] | None:  # rendered only when a link names a heading
        entry = entry_of(slug)
        if entry is None:  # a file that could not be read: its own errors say why
            return None
        ids = [i for h in render_markdown(entry.body).headings for i in (h.id, *h.kept)]
        return ids + ["sources"] if entry.sources and "sources" not in ids else ids

    known = Known(files.keys(), _Aliases(files, entry_of), taxonomy, anchors, withdrawn=lambda
                  slug: (e := entry_of(slug)) and e.withdrawn and e.withdrawn.isoformat())
    base = os.environ.get("KB_BASE_URL", "")  # the site's own full addresses are checked too
    try:
        site = parse_base(base)
    except BadBase:  # kb serve says so; here it only means no full address is the site's
        site, base = ("", ""), ""
    problems = []
    for entry in entries:
        for link, line in _links_of(entry):
            message = _problem(known, entry, link, site, base)
            if message:
                problems.append(Problem(entry.path, line, *message))
    return problems


def _links_of(entry: Entry) -> list[tuple[Link, int]]:
    """(link, file line) of each link of the entry's text, and of why it was withdrawn (which
    names what to read instead: its bare paths link too, kb.render.render_note)."""
    found = [(link, entry.body_line + link.line - 1)
             for link in markdown_links(without_code(entry.body))]
    reason, line = entry.withdrawn_reason, entry.key_lines.get("withdrawn_reason", 1)
    return found + [(link, line) for link in markdown_links(reason)] + [
        (Link(None, 1, path), line) for path in SITE_PATH.findall(reason)]


def _problem(known: Known, entry: Entry, link: Link, site: tuple[str, str],
             base: str) -> tuple[str, str] | None:
    """(severity, message) of one link, or None when it is good or not to the site (a path
    from /, or a full address below the site's `base`)."""
    relative = _relative(known, link.url)
    if relative:
        return "error", relative
    if link.url.startswith("#"):  # a heading of this same entry
        try:
            check_heading(known, entry.slug, link.url[1:])
        except Broken as exc:
            return "error", str(exc)
        return None
    finding = check_link(known, entry.path, link, site, base)
    if finding is None:
        return None
    return finding.severity, finding.message


LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1")
# Text that may hold a link to the site: a Markdown link, or a local address
MAY_LINK = re.compile(r"\]\(|\]:|localhost|127\.0\.0\.1|0\.0\.0\.0|::1")


def link_problems_in(entries_dir: Path, rels: list[str], taxonomy: Taxonomy) -> list[Problem]:
    """entry_link_problems for the entry files `rels` (those a build read, or those `kb check`
    was given) whose text may link to the site: a Markdown link, a local address, or the
    site's own host (KB_BASE_URL)."""
    try:
        host = urlsplit(os.environ.get("KB_BASE_URL", "")).hostname
    except ValueError:  # not an address: kb serve says so
        host = None
    entries = []
    for rel in rels:
        path = Path(entries_dir) / rel
        text = path.read_text("utf-8", errors="replace") if rel.endswith(".md") else ""
        if MAY_LINK.search(text) or (host and host in text):
            entry = read_draft(path, rel, taxonomy)[0]
            entries += [entry] if entry else []
    return entry_link_problems(entries_dir, entries, taxonomy) if entries else []


class _Aliases(Mapping):
    """Old address -> slug of every entry file, read from the files on first use."""

    def __init__(self, files: dict, entry_of: Callable[[str], Entry | None]):
        self.files, self.entry_of, self.read = files, entry_of, None

    def _all(self) -> dict[str, str]:
        if self.read is None:
            entries = filter(None, map(self.entry_of, self.files))
            self.read = {a: e.slug for e in entries for a in e.aliases}
        return self.read

    def __getitem__(self, alias: str) -> str:
        return self._all()[alias]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _written_wrong(url: str) -> str | None:
    """What an address that is no file beside the entry was meant to be: a web address
    missing its colon ('https//'), an email address without mailto:, or a document."""
    if re.match(r"https?//", url, re.IGNORECASE):
        return f"is missing the ':' after http(s): write {re.sub('//', '://', url, count=1)}"
    if re.fullmatch(r"[^@\s/]+@[^@\s/]+\.\w+", url):
        return f"is an email address: write mailto:{url}"
    if re.search(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|rtf|csv)$", url, re.IGNORECASE):
        return ("leads to a document beside the entry, which the site does not serve: link "
                "to its published copy (its https:// address), or name it under 'sources'")
    return None


# A web address typed without its scheme: 'www.' or a host ending in a common domain
HOST_FIRST = re.compile(r"(?:www\d?\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:uk|org|com|net|gov|nhs|ac"
                        r"|eu|info|io)(?:[/:?#]|$))", re.IGNORECASE)


def _relative(known: Known, url: str) -> str | None:
    """What is wrong with a link that works in an editor but not on the site: relative to the
    file ('other-entry.md', '../entries/x.md') or to a preview on this computer."""
    if re.match(LOCAL_ADDRESS, url.strip()):  # a file on the writer's computer: body_checks
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    local = parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS
    if not local and (parts.scheme or parts.netloc or url.startswith(("/", "#")) or
                      not parts.path):
        return None
    if not local and HOST_FIRST.match(parts.path):  # '(www.example.org/report.pdf)'
        return (f"the link '{url}' has no https:// before it, so the page takes it for a "
                f"file beside the entry: write https://{url.strip()}")
    fix = _written_wrong(url.strip())
    if fix and not local:
        return f"the link '{url}' {fix}"
    name = parts.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".md")
    target = parts.path if local else (
        f"/entries/{name}" if name in known.slugs or name in known.alias else None)
    where = "a preview on this computer" if local else "this file, which the site does not serve"
    return (f"the link '{url}' leads to {where}: write the site's address"
            + (f", {target}" if target else ", /entries/<slug> of the entry meant"))
