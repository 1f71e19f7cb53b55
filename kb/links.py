"""Checking the links guidance documents make to the site, against the built index: every
address the site serves (kb/web.py's routes), its entries and their old addresses (aliases),
their headings' ids, the vocabulary terms' pages, and searches with their filters and dates
read as the search page reads them (kb.query). A broken link is an error; an old address that
now redirects is a warning naming the address to use instead."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from kb.documents import Link
from kb.entry import near_miss
from kb.library import Library
from kb.query import QueryError, query_from_params
from kb.redirects import respelt_address
from kb.taxonomy import FACET_OF, FACETS, FIELD, Taxonomy
from kb.urls import entry_url, search_url, term_page_url
from kb.web import MAX_PARAMS, MAX_QUERY_STRING, STATIC

SLUG = "[a-z0-9-]+"
FIELDS = "|".join(FIELD.values())
ENTRY = re.compile(rf"/entries/(?P<slug>{SLUG})(?P<tail>\.json|\.md|/history(?:\.json)?|"
                   r"/diff(?:\.json)?|/at/[0-9a-fA-F]{7,40}(?:\.json)?)?")
EMBED_ENTRY = re.compile(rf"/embed/entries/(?P<slug>{SLUG})")
TERM = re.compile(rf"/(?P<field>{FIELDS})/(?P<slug>{SLUG})(?P<tail>\.json)?")
SEARCH = re.compile(r"/search(?:\.json|\.atom|\.csv)?")
RESPELT = re.compile(rf"/(entries|{FIELDS})/([^/]+)")  # written another way: kb.redirects
PAGES = re.compile(rf"/|/index\.json|/feed\.atom|/healthz|/(?:{FIELDS}|coverage|about)(?:\.json)?")
EVERY_EXAMPLE = {"/entries": "/search", "/embed": "/embed/search"}
SEARCH_PARAMETERS = ("q", *FACETS, "from", "to", "sort", "page")
SITE_PAGES = ("/, /search?q=..., /entries/<slug>, " + ", ".join(
    f"/{field}/<slug>" for field in FIELD.values()) + ", /coverage, /about, /feed.atom, "
    "/embed/search?q=..., /embed/entries/<slug>")


class BadBase(ValueError):
    """A --base (KB_BASE_URL) that is not a site's address."""


@dataclass(frozen=True)
class Known:
    """What a link to the site can point at: the entries (by slug), the old addresses that
    redirect to one (alias -> slug), each entry's headings' ids, and the vocabularies. Read
    from a built index for guidance documents (known_in_index), from the entry files for the
    links inside entries (kb.entry_links)."""
    slugs: Collection[str]
    alias: Mapping[str, str]
    taxonomy: Taxonomy
    anchors: Callable[[str], list[str] | None]  # None when the entry cannot be read
    versions: Callable[[str], list[str] | None] = lambda slug: None  # its commits, if known
    withdrawn: Callable[[str], str | None] = lambda slug: None  # the day, if it was withdrawn


def known_in_index(library: Library) -> Known:
    snap = library.snapshot()
    return Known(snap.records, snap.alias, library.taxonomy,
                 lambda slug: heading_ids(library.entry(slug) or {}),
                 lambda slug: [r["commit"] for r in library.revisions(slug) or []] or None,
                 lambda slug: snap.records.get(slug, {}).get("withdrawn"))


class Broken(Exception):
    """A link to nothing: the message says what is wrong and what to write instead."""


@dataclass(frozen=True)
class Finding:
    """A problem with one link of one document."""
    path: str
    link: Link
    severity: str  # "error" (a broken link) or "warning" (an old address that redirects, or
    # an example withdrawn)
    message: str
    update_to: str | None = None  # the address to write instead, for a redirect
    withdrawn: bool = False  # the link leads to a withdrawn example

    def __str__(self) -> str:
        return f"{self.path}:{self.link.where}: {self.severity}: {self.message}"


def parse_base(base: str) -> tuple[str, str]:
    """(host, path prefix) of the site's public address; ('', '') when none is given."""
    if not base.strip():
        return "", ""
    parts = urlsplit(base.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or \
            parts.fragment:
        raise BadBase(f"'{base}' is not a site's address: give it as https://host, with a "
                      "path after the host if the site is served below one")
    return parts.netloc.lower(), parts.path.rstrip("/")


def site_address(url: str, host: str, prefix: str) -> tuple[str, str, str] | None:
    """(path, query, fragment) on the site of a link, or None when it points elsewhere. Links
    starting with / are the site's own; full addresses are when they are below the base."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. a malformed IPv6 host: not an address on this site
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("", "http", "https") or not host or \
                parts.netloc.lower() != host:
            return None
        path = parts.path
        if path != prefix and not path.startswith(prefix + "/"):
            return None
    elif parts.path.startswith("/"):
        path = parts.path
    else:
        return None  # relative to the document, an anchor in it, mailto:...: not the site's
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix):]
    return path or "/", parts.query, parts.fragment


def resolve(known: Known, path: str, query: str) -> str:
    """Where the site answers an address (path?query) with a page: the address itself, or
    the one it redirects to. Raises Broken when the site has no page there."""
    if len(path) > 1 and path.endswith("/") and not path.startswith("/static/"):
        return resolve(known, "/" + path.strip("/"), query)  # the site drops the slash
    here = path + (f"?{query}" if query else "")
    if match := ENTRY.fullmatch(path):
        tail = match["tail"] or ""
        versions = [v.lower() for k, v in parse_qsl(query) if k in ("from", "to") and v] \
            if tail.startswith("/diff") else []  # a diff's from= and to= are its versions
        page = entry_page(known, match["slug"], tail, versions)
        for commit in versions:
            entry_page(known, match["slug"], f"/at/{commit}")
        return page + (f"?{query}" if query else "")
    if match := TERM.fullmatch(path):
        return term_page(known, FACET_OF[match["field"]], match["slug"],
                         match["tail"] or "") + (f"?{query}" if query else "")
    if SEARCH.fullmatch(path) or path == "/embed/search":
        return search_page(known, path, query, here)
    if match := EMBED_ENTRY.fullmatch(path):  # an old slug redirects to the new one's embed
        return "/embed" + entry_page(known, match["slug"], "")
    if PAGES.fullmatch(path) or path.startswith("/static/") and static_file(path[8:]):
        return here
    if path in EVERY_EXAMPLE:  # the site redirects them to every example, listed or framed
        return EVERY_EXAMPLE[path]
    if (match := RESPELT.fullmatch(path)) and (respelt := respelt_address(*match.groups())):
        return resolve(known, respelt, query)  # '/sectors/Health': the site redirects it
    lower = _resolves(known, path.lower(), query) if path != path.lower() else None
    if lower:  # '/entries/Bme-Code-Review': the site's addresses are in lower case
        raise Broken(f"there is no page at {path}: addresses are in lower case; did you mean "
                     f"{lower}?")
    raise Broken(f"there is no page at {path} on the site: "
                 + (_instead(known, path, query) or f"its pages are {SITE_PAGES}"))


def _resolves(known: Known, path: str, query: str) -> str | None:
    try:
        return resolve(known, path, query)
    except Broken:
        return None


def _instead(known: Known, path: str, query: str) -> str:
    """'did you mean /entries/x?' when a misspelt first part is all that is wrong."""
    first, _, rest = path.strip("/").partition("/")
    parts = ["entries", "search", *FIELD.values(), "coverage", "about"]
    for guess in difflib.get_close_matches(first, parts, n=1, cutoff=0.6):
        if guess == first:  # the first part is right: something after it is not
            return ""
        try:
            return f"did you mean {resolve(known, f'/{guess}/{rest}'.rstrip('/'), query)}?"
        except Broken:
            return ""
    return ""


def entry_page(known: Known, slug: str, tail: str, versions=()) -> str:
    if slug in known.slugs or slug in known.alias:
        commit = tail[4:].removesuffix(".json").lower() if tail.startswith("/at/") else None
        own = known.versions(slug) if slug in known.alias else None  # a merged file's own
        if own and tail.startswith(("/at/", "/history", "/diff")) and all(
                any(c.startswith(v) for c in own) for v in [*versions, commit] if v):
            return entry_url(slug) + tail  # its history, versions and diffs: kept there
        slug = slug if slug in known.slugs else known.alias[slug]
        versions = known.versions(slug) if commit else None
        if versions and not any(c.startswith(commit) for c in versions):
            raise Broken(f"{entry_url(slug)} has no version {commit}: its versions are listed "
                         f"at {entry_url(slug)}/history")
        return entry_url(slug) + tail
    guess = difflib.get_close_matches(slug, [*known.slugs, *known.alias], n=1, cutoff=0.6)
    raise Broken(f"there is no entry at /entries/{slug}: " + (
        f"did you mean {entry_url(known.alias.get(guess[0], guess[0]))}?" if guess else
        "find the entry on the site and link to the address its page shows"))


def term_page(known: Known, facet: str, slug: str, tail: str) -> str:
    vocabulary = known.taxonomy[facet]
    canonical = vocabulary.resolve(slug)
    if canonical is None:
        raise Broken(f"there is no {facet} '{slug}' (/{FIELD[facet]}/{slug})"
                     f"{near_miss(slug, vocabulary.terms)}; the {FIELD[facet]} are: "
                     f"{', '.join(vocabulary.terms)}")
    return term_page_url(facet, canonical) + tail


def search_page(known: Known, path: str, query: str, here: str) -> str:
    """As the search page reads its parameters (kb.web and kb.contexts.search): too long,
    too many, an unknown filter value or a bad date is an error page; an old (aliased) value
    or a search written another way redirects to the canonical address. A parameter the
    search does not know is ignored by the site, so a filter misspelt is silently lost: an
    error here."""
    if len(query) > MAX_QUERY_STRING:
        raise Broken(f"the search address is {len(query)} characters long; the site's limit is "
                     f"{MAX_QUERY_STRING}: remove some filters")
    try:
        params = parse_qsl(query, keep_blank_values=True, errors="replace",
                           max_num_fields=MAX_PARAMS)
    except ValueError:
        raise Broken(f"the search has more than {MAX_PARAMS} parameters: remove some "
                     "filters") from None
    unused = {"/search.atom": ("page", "sort"), "/search.csv": ("page",)}.get(path, ())
    if any(k in unused for k, _ in params):  # the site redirects to the address without
        kept = urlencode([(k, v) for k, v in params if k not in unused])
        return search_page(known, path, kept, path + (f"?{kept}" if kept else ""))
    wrong = [f"unknown search parameter '{name}'{near_miss(name, SEARCH_PARAMETERS)}: the "
             f"site ignores it; the parameters are {', '.join(SEARCH_PARAMETERS)}"
             for name in dict.fromkeys(k for k, _ in params if k not in SEARCH_PARAMETERS)]
    while True:  # every wrong parameter at once: each found is set aside, and the rest read
        try:
            parsed, canonical = query_from_params(
                lambda name, given=params: [v for k, v in given if k == name], known.taxonomy)
            break
        except QueryError as exc:
            wrong.append(str(exc))
            if exc.field is None or not any(k == exc.field for k, _ in params):
                break
            params = [(k, v) for k, v in params if k != exc.field]
    if wrong:
        raise Broken("; ".join(wrong) + f" (in {here})")
    return here if canonical else search_url(parsed, path)


def static_file(name: str) -> bool:
    root = STATIC.resolve()
    target = (root / unquote(name)).resolve()
    return target.is_relative_to(root) and target.is_file()


def heading_ids(record: dict) -> list[str]:
    """The ids an entry's page gives its headings: the body's (kb.render) and the old anchors
    they keep, and 'sources' when it lists sources."""
    ids = [i for h in record.get("headings", ()) for i in (h["id"], *h.get("kept", ()))]
    return ids + ["sources"] if record.get("sources") and "sources" not in ids else ids


def check_anchor(known: Known, target: str, fragment: str) -> None:
    """A #fragment of an entry's page must be one of its headings' ids (an empty one, or
    #top, is the top of the page); so must one of the About page's."""
    match = ENTRY.fullmatch(target)
    if match and not match["tail"]:
        check_heading(known, match["slug"], fragment, target)
    elif target == "/about" and unquote(fragment) not in ("", "top", *about_ids()):
        raise Broken(f"no heading '{unquote(fragment)}' in /about"
                     f"{near_miss(unquote(fragment), about_ids())}; its headings are: "
                     f"{', '.join(i for i in about_ids() if i != 'main')}")


@cache
def about_ids() -> list[str]:
    """The About page's ids, as its template and the page around it give them: its headings',
    as entries make them, and the older ones kept inside them ('searching'). Read when a link
    to /about is checked, not on import: kb runs where the templates are not installed."""
    return re.findall(r'\bid="([^"]+)"', "".join(
        (Path(__file__).resolve().parent.parent / "templates" / name).read_text("utf-8")
        for name in ("about.tpl", "base.tpl")))


TYPO = 0.8  # how like a heading's id an anchor is, at least, to be taken for a typo of it


def check_heading(known: Known, slug: str, fragment: str, target: str = "") -> None:
    """Raise Broken unless #fragment is a heading of the entry (or the top of its page)."""
    anchor = unquote(fragment)
    if anchor in ("", "top"):
        return
    ids = known.anchors(slug)
    if ids is not None and anchor not in ids:  # None: the entry's headings are not known
        grown = [i for i in ids if anchor in i.split("-")]  # '#outcomes': 'outcomes-and-results'
        hint = f" (did you mean '{grown[0]}'?)" if len(grown) == 1 else near_miss(
            anchor, ids, TYPO)  # a heading renamed is no typo: 'outcomes' is not 'sources'
        raise Broken(f"no heading '{anchor}' in {target or 'this entry'}{hint}; its headings "
                     f"are: {', '.join(ids) or 'none'}")


ENTRY_PATH = re.compile(r"(?:/embed)?/entries/([^/.?#]+)")


def check_link(known: Known, path: str, link: Link, site: tuple[str, str],
               base: str) -> Finding | None:
    """A link's problem, or None when it is good (or not a link to the site)."""
    address = site_address(link.url, *site)
    if address is None:
        return None
    where, query, fragment = address
    here = unquote(where) + (f"?{query}" if query else "")
    try:
        target = resolve(known, unquote(where), query)
    except Broken as exc:
        return Finding(path, link, "error", str(exc))
    try:
        check_anchor(known, target, fragment)
    except Broken as exc:
        moved = f" ({here} now redirects there: update the link)" if target != here else ""
        return Finding(path, link, "error", f"{exc}{moved}")
    shown = ENTRY_PATH.match(target)  # the entry's page, its .json, history or embed
    gone = known.withdrawn(shown[1]) if shown else None
    withdrawn = (f"{entry_url(shown[1])} was withdrawn on {gone}: its page says why and what "
                 "to read instead; link to that, unless the link is to what was withdrawn"
                 ) if gone else ""
    if target == here:
        return Finding(path, link, "warning", withdrawn, withdrawn=True) if withdrawn else None
    tail = f"#{fragment}" if fragment else ""
    full = (base.strip().rstrip("/") if urlsplit(link.url).netloc else site[1]) + target + tail
    return Finding(path, link, "warning", f"{here}{tail} now redirects to {target}{tail}: "
                   "update the link" + (f"; and {withdrawn}" if withdrawn else ""), full,
                   bool(withdrawn))


def check_documents(library: Library, documents: dict[Path, list[Link]],
                    base: str = "") -> tuple[list[Finding], dict]:
    """The problems of every document's links to the site, and a summary: how many links
    to the site were checked, how many are broken, how many redirect."""
    site = parse_base(base)
    known = known_in_index(library)
    findings, checked = [], 0
    for document, found in documents.items():
        for link in found:
            checked += site_address(link.url, *site) is not None
            finding = check_link(known, document.as_posix(), link, site, base)
            if finding is not None:
                findings.append(finding)
    summary = {"files": len(documents), "links": checked,
               "broken": sum(f.severity == "error" for f in findings),
               "redirects": sum(f.update_to is not None for f in findings),
               "withdrawn": sum(f.withdrawn for f in findings),
               "base": base.strip().rstrip("/") or None}
    return findings, summary


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_findings(findings: list[Finding], summary: dict, fmt: str = "text") -> str:
    """The problems, one a line (`file:line: severity: message`), then the summary; or all
    of it as one JSON document."""
    if fmt == "json":
        return json.dumps({"problems": [
            {"path": f.path, "line": f.link.line, "page": f.link.page,
             "part": f.link.part or None, "link": f.link.url,  # part: a Word header or footer
             "severity": f.severity, "message": f.message, "update_to": f.update_to}
            for f in findings], "summary": summary}, ensure_ascii=False, indent=2)
    line = (f"{_plural(summary['links'], 'link')} to the site checked in "
            f"{_plural(summary['files'], 'file')}: {summary['broken']} broken, "
            f"{_plural(summary['redirects'], 'redirect')}" + (
                f", {summary['withdrawn']} to withdrawn examples" if summary["withdrawn"] else ""))
    if not summary["base"]:
        line += (" (only links starting with / were checked: give the site's address with "
                 "--base or KB_BASE_URL to check full addresses too)")
    return "\n".join([*map(str, findings), line])
