"""The web app: Bottle routes that read the request, ask kb.contexts for the page's context,
and answer with it as HTML (a template), as JSON (the page's .json twin), or as CSV or Atom;
with caching validators, security headers and clear error pages, never a 500 for bad input."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import os
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import bottle

from kb import changes, contexts, redirects, wording
from kb.contexts import PageError, Redirect, Site
from kb.formats import atom_feed, results_csv, to_json
from kb.headers import DATA_VIEWS, not_modified, preflight, response_headers
from kb.library import IndexMissing, Library
from kb.query import SORTS, QueryError
from kb.taxonomy import FACET_OF, FACETS, FIELD
from kb.urls import entry_url, json_twin, linked_paths, search_url, term_url

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
MAX_QUERY_STRING = 8192
MAX_PARAMS = 100
SLUG = "re:[a-z0-9-]+"
FACET_PATHS = "|".join(FIELD.values())  # /principles/<slug>, /sectors ...

def request_params() -> list[tuple[str, str]]:
    """The query string's parameters, within the documented limits."""
    raw = bottle.request.environ.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_STRING:
        raise PageError(400, "Search too long",
                        f"The address is {len(raw)} characters long; the limit is "
                        f"{MAX_QUERY_STRING}. Shorten the search or remove some filters.")
    try:
        return parse_qsl(raw, keep_blank_values=True, errors="replace",
                         max_num_fields=MAX_PARAMS)
    except ValueError:
        raise PageError(400, "Too many parameters",
                        f"The address has more than {MAX_PARAMS} parameters.") from None


def wants_json() -> bool:
    return bottle.request.path.endswith(".json")


def alternates(searched: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The page's other forms: its .json twin (an embed's is its full page's), and for searches
    the Atom feed and CSV, which are of the whole search: a feed subscribed to from page 3
    still follows the newest. With `searched` (the parameters a page whose address it could
    not all read searched: a long text cut, a misspelt filter value left out), of that
    search."""
    given = request_params() if searched is None else searched  # decoded as UTF-8
    qs = bottle.request.environ.get("QUERY_STRING", "") if searched is None else \
        urlencode(given)
    whole = urlencode([(k, v) for k, v in given if k != "page"])
    feed_q = urlencode([(k, v) for k, v in given if k not in ("page", "sort")])  # one order
    here = (bottle.request.path.rstrip("/") or "/index").removeprefix("/embed")
    kinds = [(".json", "application/json", qs)]
    if here == "/search":
        kinds += [(".atom", "application/atom+xml", feed_q), (".csv", "text/csv", whole)]
    feed = [("/feed.atom", "application/atom+xml")] if here == "/index" else []  # newest
    return [(f"{here}{suffix}" + (f"?{q}" if q else ""), kind) for suffix, kind, q in kinds] + feed


def create_app(index_dir: Path | str, base_url: str | None = None, edit_url: str | None = None,
               new_url: str | None = None, embed_origins: str | None = None) -> bottle.Bottle:
    """Build the WSGI app over an index folder (the output of `kb build`). `base_url` (env
    KB_BASE_URL) makes links absolute; `edit_url` (env KB_EDIT_URL) is a Git host's edit-file
    address with {path}; `new_url` (env KB_NEW_URL) its new-file address, with {template}
    where the new entry's text goes. Unset, the pages offer no such links. `embed_origins`
    (env KB_EMBED_ORIGINS, default any) are the sites that may frame the /embed/ views."""
    app = bottle.Bottle()
    responder = Responder(app, Library(Path(index_dir), follow=True), {
        "base": (base_url or os.environ.get("KB_BASE_URL") or "").rstrip("/"),
        "edit_url": (edit_url or os.environ.get("KB_EDIT_URL") or "").strip(),
        "new_url": (new_url or os.environ.get("KB_NEW_URL") or "").strip()})
    app.config["kb.library"], app.config["kb.base"] = responder.library, responder.settings["base"]
    add_routes(app, responder.library, responder.page, responder.answer, responder.site)
    add_error_pages(app, responder.problem)
    app.add_hook("after_request", response_headers(
        (embed_origins or os.environ.get("KB_EMBED_ORIGINS") or "").strip() or "*"))
    return app


class Responder:
    """What every route shares: the library, the site's settings, and turning a context (or a
    failure) into a response with its caching validators."""

    def __init__(self, app: bottle.Bottle, library: Library, settings: dict):
        self.app, self.library, self.settings = app, library, settings

    def site(self) -> Site:
        parts = bottle.request.urlparts
        return Site(self.settings["base"] or f"{parts.scheme}://{parts.netloc}",
                    self.settings["edit_url"], self.settings["new_url"])

    def render(self, name: str, ctx: dict, status: int = 200, links=()) -> str:
        bottle.response.status = status
        bottle.response.content_type = "text/html; charset=utf-8"
        if links:
            bottle.response.set_header("Link", ", ".join(
                f'<{href}>; rel="alternate"; type="{kind}"' for href, kind in links))
        return bottle.template(
            name, template_lookup=[str(TEMPLATES)], ctx=ctx, taxonomy=self.library.taxonomy,
            search_url=search_url, entry_url=entry_url, term_url=term_url, FACETS=FACETS,
            linked_paths=linked_paths, request_path=bottle.request.path,
            site_base=self.site().base,
            FIELD=FIELD, SORTS=SORTS, alternates=links, human_date=wording.human_date,
            machine_date=wording.machine_date,
            build_problems=self.app.config.get("kb.build_problems") or [])

    def answer(self, template: str, ctx) -> str:
        """A context as the page or its .json twin; a Redirect as a 301."""
        if isinstance(ctx, Redirect):
            redirects.redirect(ctx.url)
        if wants_json():
            bottle.response.content_type = "application/json; charset=utf-8"
            paging = [(rel, ctx.get(f"{rel}_url")) for rel in ("first", "prev", "next", "last")]
            if any(isinstance(url, str) for _, url in paging):  # to page through the JSON
                bottle.response.set_header("Link", ", ".join(
                    f'<{json_twin(url)}>; rel="{rel}"' for rel, url in paging if url))
            return to_json(ctx)
        searched = ctx.get("searched_params")  # only a page that could not read it all
        return self.render(template, ctx, 400 if searched is not None else 200,
                           links=alternates(searched))

    def problem(self, exc: PageError) -> str:
        """An error as the page asked for: HTML, JSON, or for a feed, a CSV download or an
        entry's Markdown (read by programs, not browsers) plain text."""
        ctx = {"error": {"status": exc.status, "title": exc.title, "message": exc.message}}
        if wants_json():
            bottle.response.status = exc.status
            bottle.response.content_type = "application/json; charset=utf-8"
            return to_json(ctx)
        if bottle.request.path.endswith((".csv", ".atom", ".md")):
            bottle.response.status = exc.status
            bottle.response.content_type = "text/plain; charset=utf-8"
            return f"{exc.status} {exc.title}: {exc.message}\n"
        ctx["error"]["linked"] = not exc.typed  # addresses in it made links, if none was typed
        return self.render("error.tpl", ctx, exc.status)

    def page(self, route_fn):
        """Run a route: expected failures become clear pages, never a 500. Pages carry an
        ETag and Last-Modified from the index generation: a client revalidating an unchanged
        page gets a 304 without the page being built again."""

        def wrapper(*args, **kwargs):
            try:
                etag, modified = self.validators()
                if not_modified(bottle.request.headers, etag, modified):
                    return bottle.HTTPResponse(status=304, ETag=etag, headers={
                        "Cache-Control": "no-cache"})
                body = route_fn(*args, **kwargs)
                if bottle.response.status_code == 200:
                    bottle.response.set_header("ETag", etag)
                    bottle.response.set_header("Last-Modified", modified)
                    bottle.response.set_header("Cache-Control", "no-cache")
                return body
            except PageError as exc:
                return self.problem(exc)
            except QueryError as exc:
                return self.problem(PageError(400, "Cannot search for that", exc.sentence(),
                                              typed=True))
            except IndexMissing as exc:
                return self.problem(PageError(503, "Index not available", str(exc)))

        return wrapper

    def validators(self) -> tuple[str, str]:
        """(ETag, Last-Modified) of the current request's page in the live index generation,
        and of the day: an entry's citation says the day it was read."""
        snap = self.library.snapshot()
        env = bottle.request.environ
        today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        key = "\0".join([snap.generation.name, env.get("PATH_INFO", ""),
                         env.get("QUERY_STRING", ""), today.date().isoformat(),
                         repr(self.app.config.get("kb.build_problems")), self.settings["base"]])
        etag = '"' + hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:20] + '"'
        built = dt.datetime.fromisoformat(snap.meta["built_at"]).astimezone(dt.UTC)
        return etag, email.utils.format_datetime(max(built, today), usegmt=True)


def add_routes(app, library: Library, page, answer, site) -> None:
    """Every page at its address and at its .json twin (the home page's is /index.json)."""

    def route(path: str, fn) -> None:
        app.route(path, "GET", page(fn))
        if path.endswith(DATA_VIEWS):  # other sites' scripts, asking to revalidate
            app.route(path, "OPTIONS", lambda **_: preflight())

    for path in ("/", "/index.json"):
        route(path, lambda: answer("home.tpl", contexts.home(library, site())))
    for path in ("/search", "/search.json"):
        route(path, lambda: answer("search.tpl", contexts.search(
            library, site(), request_params(), bottle.request.path)))
    route("/search.atom", lambda: search_feed(library, site()))
    route("/search.csv", lambda: search_csv(library, site()))
    route("/feed.atom", lambda: newest_feed(library, site()))
    route(f"/entries/<slug:{SLUG}>.md", lambda slug: entry_markdown(library, slug))
    route(f"/entries/<slug:{SLUG}>", lambda slug: answer(
        "entry.tpl", contexts.entry(library, site(), slug)))
    route(f"/entries/<slug:{SLUG}>.json", lambda slug: answer(
        "entry.tpl", contexts.entry(library, site(), slug, ".json")))
    for suffix in ("", ".json"):
        route(f"/entries/<slug:{SLUG}>/history{suffix}", lambda slug, s=suffix: answer(
            "history.tpl", changes.history(library, site(), slug, s)))
        route(f"/entries/<slug:{SLUG}>/at/<rev:re:[0-9a-fA-F]{{7,40}}>{suffix}",
              lambda slug, rev, s=suffix: answer(
                  "revision.tpl", changes.revision(library, site(), slug, rev, s)))
        route(f"/entries/<slug:{SLUG}>/diff{suffix}", lambda slug, s=suffix: answer(
            "diff.tpl", changes.diff(library, site(), slug, request_params(), s)))
    route(f"/<field:re:{FACET_PATHS}>/<slug:{SLUG}>", lambda field, slug: answer(
        "term.tpl", contexts.term(library, site(), FACET_OF[field], slug)))
    route(f"/<field:re:{FACET_PATHS}>/<slug:{SLUG}>.json", lambda field, slug: answer(
        "term.tpl", contexts.term(library, site(), FACET_OF[field], slug, ".json")))
    for suffix in ("", ".json"):
        route(f"/<field:re:{FACET_PATHS}>{suffix}", lambda field: answer(
            "terms.tpl", contexts.terms(library, site(), FACET_OF[field])))
        route(f"/coverage{suffix}", lambda: answer(
            "coverage.tpl", contexts.coverage(library, site())))
        route(f"/about{suffix}", lambda: answer("about.tpl", contexts.about(library, site())))
    route("/embed/search", lambda: answer("embed-search.tpl", contexts.embed_search(
        library, site(), request_params())))
    route(f"/embed/entries/<slug:{SLUG}>", lambda slug: answer(
        "embed-entry.tpl", contexts.entry(library, site(), slug, prefix="/embed")))
    route("/entries", lambda: redirects.redirect("/search"))  # every example, listed
    route("/embed", lambda: redirects.redirect("/embed/search"))  # every example, framed
    route("/healthz", lambda: health(library, app.config.get("kb.build_problems") or []))
    route("/static/<filename:path>", static_file)
    route("/<path:re:.+/>", lambda path: redirects.without_trailing_slash(library, path))
    route(f"/<head:re:entries|{FACET_PATHS}>/<name:re:[^/]+>",
          lambda head, name: redirects.respelt(library, head, name))
    route("/embed/entries/<name:re:[^/]+>",  # 'Some_Title': as /entries/ redirects it
          lambda name: redirects.respelt(library, "entries", name, prefix="/embed"))


def search_feed(library: Library, site: Site) -> str:
    """A search's examples most recently added here, whatever order its page shows: a new
    example that matches reaches the feed's readers, whatever its source's date. It lists
    those that use the words (or a synonym or spelling of them), not those there only
    through a topic the words name, unless none use them: subscribed to 'hospice', a reader
    hears of new hospice examples, not of every new Health example."""
    params = _unused_dropped(("page", "sort"))  # a feed has one order and no pages
    for size in (contexts.FEED_SIZE * 5, contexts.MAX_CSV_ROWS):  # the newest 100 are enough
        ctx = contexts.search(library, site, params, "/search.atom", snippets=False,
                              sort="added", page_size=size)
        if isinstance(ctx, Redirect):
            redirects.redirect(ctx.url)
        worded = [r for r in ctx["results"] if r["matched"]["words"]]
        if len(worded) >= contexts.FEED_SIZE or len(ctx["results"]) < size:
            break  # for most feeds; a word used rarely among many topic-only results reads on
    items = (worded or ctx["results"])[:contexts.FEED_SIZE]
    using = ctx["total"] - ctx["tag_only"] if worded and ctx["tag_only"] else ctx["total"]
    using_words = f"the {using} that use{'s' if using == 1 else ''} your words"
    title = ctx["sentence"]
    if len(items) < using:  # as every order lists them: those with all the words first
        title += f": the {len(items)} added most recently" + (
            f" of {using_words}" if using < ctx["total"] else "") + (
            ", those with all of them first" if 0 < ctx["matched_all"] < using else "")
    elif using < ctx["total"]:
        title += f": {using_words}"
    return _atom(library, site, title, items, site.base + "/search.atom" +  # one id per feed
                 ctx["first_url"].removeprefix("/search"), site.base + ctx["first_url"])


def _unused_dropped(unused: tuple[str, ...]) -> list[tuple[str, str]]:
    """The request's parameters; with any a download or feed does not use (built from a
    page's address: '&page=3'), a permanent redirect to its address without them, so a
    feed has one address and one id."""
    params = request_params()
    if any(k in unused for k, _ in params):
        kept = urlencode([(k, v) for k, v in params if k not in unused])
        redirects.redirect(bottle.request.path + ("?" + kept if kept else ""))
    return params


def search_csv(library: Library, site: Site) -> str:
    ctx = contexts.search(library, site, _unused_dropped(("page",)), "/search.csv",
                          snippets=False, page_size=contexts.MAX_CSV_ROWS)
    if isinstance(ctx, Redirect):
        redirects.redirect(ctx.url)
    bottle.response.content_type = "text/csv; charset=utf-8"
    bottle.response.set_header("Content-Disposition",
                               'attachment; filename="compact-practice-search.csv"')
    return results_csv(ctx["results"])


def newest_feed(library: Library, site: Site) -> str:
    """The examples added most recently (without Git's history: the newest sources)."""
    title = "Examples added most recently" if library.snapshot().history else "Newest examples"
    return _atom(library, site, title, contexts.recently_added(library, site),
                 site.base + "/feed.atom", site.base + "/")


def _atom(library: Library, site: Site, title: str, items: list[dict], self_url: str,
          page_url: str) -> str:
    """An Atom feed of examples, each dated by when it was added here and last changed."""
    bottle.response.content_type = "application/atom+xml; charset=utf-8"
    dated = [{**item, "here": library.dates_here(item["slug"]),
              "first_slug": _first_slug(library, item["slug"])} for item in items]
    return atom_feed(title, dated, site.base, self_url, library.taxonomy, page_url,
                     library.built_on())


def _first_slug(library: Library, slug: str) -> str:
    """The entry's first address, from Git: a renamed entry keeps its feed id, so readers do
    not see it again as a new item."""
    revisions = library.revisions(slug)
    return Path(revisions[-1]["path"]).stem if revisions else slug


def entry_markdown(library: Library, slug: str) -> str:
    source = contexts.entry_source(library, slug)
    if isinstance(source, Redirect):
        redirects.redirect(source.url)
    bottle.response.content_type = "text/markdown; charset=utf-8"
    return source


def health(library: Library, build_problems: list[dict]) -> str:
    bottle.response.content_type = "application/json; charset=utf-8"
    errors = sum(p["severity"] == "error" for p in build_problems)  # kb serve --reload's
    return to_json(contexts.health(library, dt.datetime.now(dt.UTC), errors))


def static_file(filename: str):
    resp = bottle.static_file(filename, root=str(STATIC))
    if resp.status_code >= 400:  # missing, a folder, or outside static/: all just absent
        raise PageError(404, "Page not found", "There is no file at this address.")
    resp.set_header("Cache-Control", "public, max-age=3600")
    return resp


def add_error_pages(app, problem) -> None:
    """Addresses no route answers, and anything unforeseen, as the site's own error pages."""
    errors = {
        404: ("Page not found", "There is no page at this address. Try searching instead."),
        405: ("Method not allowed", "This address only answers GET and HEAD requests."),
        500: ("Something went wrong", "The page could not be shown. Please try again."),
    }
    def page(err, status: int, title: str, message: str) -> str:
        if status == 405 and "GET" in err.headers.get("Allow", "").split(","):
            err.headers["Allow"] = "GET, HEAD"  # HEAD is answered wherever GET is
        return problem(PageError(status, title, message))

    for status, (title, message) in errors.items():
        app.error(status)(lambda err, s=status, t=title, m=message: page(err, s, t, m))


def request_log(app, stream=None):
    """WSGI middleware: one line per request on stderr: method, path, status, milliseconds."""
    out = stream or sys.stderr

    def logged(environ, start_response):
        started = time.perf_counter()
        status = ["-"]

        def recording_start(status_line, headers, exc_info=None):
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        try:
            return app(environ, recording_start)
        finally:
            ms = (time.perf_counter() - started) * 1000
            path = environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
            # Escape control characters so a crafted URL cannot forge log lines.
            path = path.encode("unicode_escape").decode("ascii")[:500]
            out.write(f"{environ.get('REQUEST_METHOD', '-')} {path} {status[0]} {ms:.1f}ms\n")
            out.flush()

    return logged


def app_from_env():
    """WSGI entry point for any server, e.g. gunicorn -w 2 'kb.web:app_from_env()'. Reads
    KB_INDEX (default .kb-index), KB_BASE_URL, KB_EDIT_URL and KB_NEW_URL; logs one line per
    request."""
    return request_log(create_app(os.environ.get("KB_INDEX", ".kb-index")))
