"""Redirects: how the site sends a reader on (redirect), and addresses written another way,
redirected to the page they name: a link pasted with a trailing slash, or typed with capitals
or spaces (/sectors/Health)."""

from __future__ import annotations

import re

import bottle

from kb import contexts
from kb.contexts import PageError
from kb.entry import slugify
from kb.library import Library
from kb.taxonomy import FACET_OF

CONTROL = re.compile(r"[\x00-\x20\x7f]")  # no space, tab or line break belongs in an address


def redirect(url: str) -> None:
    """Raise a permanent redirect to `url`, a path on this site, made absolute with the site's
    base address (KB_BASE_URL; unset, the address the request came to): behind a proxy, the
    Host and scheme the server sees would send readers to an internal name, or to http from
    https. Absolute, it can never lead off the site, however the path begins ('//x', '/\\x',
    a tab: a browser would read those as another host)."""
    parts = bottle.request.urlparts
    base = bottle.request.app.config.get("kb.base") or f"{parts.scheme}://{parts.netloc}"
    answer = bottle.response.copy(cls=bottle.HTTPResponse)
    answer.status, answer.body = 301, ""
    answer.set_header("Location", base + "/" + CONTROL.sub("", url).lstrip("/\\"))
    raise answer


def without_trailing_slash(library: Library, path: str):
    """/search/ is /search: a link typed or pasted with a trailing slash still works. (Leading
    slashes are folded into one, so //elsewhere/ stays on this site.) An entry's or a term's
    address goes straight to its page, however typed ('/entries/Old-Name/'). Folders of
    /static/ are not pages: they stay absent."""
    if path.startswith("static/"):
        raise PageError(404, "Page not found", "There is no file at this address.")
    parts = path.strip("/").split("/")
    if len(parts) == 2 and (parts[0] == "entries" or parts[0] in FACET_OF):
        respelt(library, *parts)  # one redirect, to the page
    query = bottle.request.query_string
    redirect("/" + path.strip("/") + ("?" + query if query else ""))


def _slug_and_suffix(head: str, name: str) -> tuple[str, str]:
    """/<head>/<name> typed another way, as the slug it names and its .json or .md ending."""
    for ending in (".json", ".md") if head == "entries" else (".json",):
        if name.endswith(ending):
            return slugify(name[:-len(ending)]), ending
    return slugify(name), ""


def respelt_address(head: str, name: str) -> str | None:
    """The canonical address of /<head>/<name> typed with capitals, spaces or underscores
    ('/sectors/Health' -> '/sectors/health', '/entries/Some_Title.json' ->
    '/entries/some-title.json'), or None when no slug is left."""
    slug, suffix = _slug_and_suffix(head, name)
    return f"/{head}/{slug}{suffix}" if slug else None


def respelt(library: Library, head: str, name: str, prefix: str = ""):
    """/sectors/Health, /entries/Derby_Compact.json, /principles/Social%20value: an address
    typed with capitals, spaces or underscores redirects to the page its slug names, if any
    (`prefix`: '/embed', for an embed's)."""
    slug, suffix = _slug_and_suffix(head, name)
    if not slug:
        raise PageError(404, "Page not found", "There is no page at this address. Try "
                                               "searching instead.")
    stem, _, ending = name.rpartition(".")
    if head == "entries" and ending in ("atom", "csv") and (
            library.entry(slugify(stem)) or library.resolve_alias(slugify(stem))):
        raise PageError(404, "Page not found", f"/entries/{slugify(stem)} has no .{ending} "
                        "form: it is there as a page, .json and .md; searches have feeds and CSV.")
    if head == "entries":  # unknown: its 404, naming a search; an old slug: the new one
        found = contexts.find_entry(library, slug, "")
        slug = found.url.rsplit("/", 1)[1] if isinstance(found, contexts.Redirect) else slug
    elif not (slug := library.taxonomy[FACET_OF[head]].resolve(slug) or ""):
        raise PageError(404, "Page not found", _no_such_term(library, head, name))
    query = bottle.request.query_string  # one redirect, straight to the page's address
    redirect(f"{prefix}/{head}/{slug}{suffix}" + ("?" + query if query else ""))


def _no_such_term(library: Library, head: str, name: str) -> str:
    """Why /<head>/<name> is no term's page: '/sectors/health.atom' is a term's, in a form it
    does not have (its examples' feed and CSV are a search's)."""
    stem, _, ending = name.rpartition(".")
    facet = FACET_OF[head]
    term = library.taxonomy[facet].resolve(slugify(stem)) if stem else None
    if term is None:
        return f"There is no such term. See all of them at /{head}."
    return (f"/{head}/{term} has no .{ending} form: its page is /{head}/{term} and its data "
            f"/{head}/{term}.json; its examples as a feed or CSV are at "
            f"/search.atom?{facet}={term} and /search.csv?{facet}={term}.")
