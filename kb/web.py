"""The web app: every route turns a request into one plain dict (the context), then renders it
as HTML with a template or as JSON, so a page and its `.json` twin never disagree."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import hashlib
import io
import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus

import bottle

from kb.library import IndexMissing, Library, Results
from kb.publishing import PLACEHOLDER, new_entry_text
from kb.query import SORTS, Query, QueryError, query_from_params
from kb.taxonomy import FACETS, PARAM

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
MAX_QUERY_STRING = 8192
MAX_CSV_ROWS = 5000
FEED_SIZE = 20
TERM_PAGE_SIZE = 50
MAX_PARAMS = 100

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


class HTTPProblem(Exception):
    """An expected failure shown to the user as a page: 400 bad request, 404 not found..."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def human_date(iso: str) -> str:
    """'2008-12-02' -> '2 December 2008', as GOV.UK writes dates."""
    return f"{dt.date.fromisoformat(iso):%-d %B %Y}"


@lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    return quote_plus(value)


def search_url(query: Query, path: str = "/search") -> str:
    """The canonical address of a search (as urlencode writes it). A results page holds fifty
    of these, most repeating the same words, so each value is quoted once."""
    params = query.params()
    return path + "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params) if params \
        else path


def entry_url(slug: str) -> str:
    return f"/entries/{slug}"


def term_url(facet: str, slug: str) -> str:
    return search_url(Query(filters={facet: (slug,)}))


def _request_params() -> list[tuple[str, str]]:
    raw = bottle.request.environ.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_STRING:
        raise HTTPProblem(400, "Search too long",
                          f"The address is {len(raw)} characters long; the limit is "
                          f"{MAX_QUERY_STRING}. Shorten the search or remove some filters.")
    try:
        return parse_qsl(raw, keep_blank_values=True, errors="replace",
                         max_num_fields=MAX_PARAMS)
    except ValueError:
        raise HTTPProblem(400, "Too many parameters",
                          f"The address has more than {MAX_PARAMS} parameters.") from None


def results_context(results: Results, base_url: str) -> dict:
    """The search page's data; the HTML template and /search.json both draw from it."""
    q = results.query
    taxonomy_labels = {}
    facets = {}
    for facet in FACETS:
        values = []
        for v in results.facets[facet]:
            taxonomy_labels[(facet, v.value)] = v.label
            values.append({"value": v.value, "label": v.label, "count": v.count,
                           "selected": v.selected,
                           "toggle_url": search_url(q.toggle(facet, v.value))})
        facets[PARAM[facet]] = values
    return {
        "query": q.as_dict(),
        "total": results.total,
        "page": q.page,
        "pages": results.pages,
        "page_size": q.page_size,
        "results": [
            {
                "slug": h.slug, "title": h.title, "summary": h.summary,
                "url": base_url + entry_url(h.slug), "score": h.score,
                "principles": h.principles, "sectors": h.sectors, "stages": h.stages,
                "regions": h.regions, "published": h.published, "highlights": h.highlights,
                "matched": {"words": h.matched_words,
                            "tags": [concept_context(c) for c in h.matched_tags]},
            }
            for h in results.hits
        ],
        "facets": facets,
        "suggestion": results.suggestion,
        "suggestion_url": search_url(q.replace(text=results.suggestion, page=1))
        if results.suggestion else None,
        "sentence": result_sentence(results, taxonomy_labels),
        "notes": result_notes(results),
        "words": results.words,
        "matched_all": results.complete,
        "unmatched": results.unmatched,
        "corrections": [{"word": w, "searched": c} for w, c in results.corrections],
        "concepts": [concept_context(c) for c in results.concepts],
        "filters": [
            {"param": PARAM[f], "value": v, "label": taxonomy_labels[(f, v)],
             "remove_url": search_url(q.toggle(f, v))}
            for f in FACETS for v in q.selected(f)
        ],
        "clear_url": search_url(Query(text=q.text)),
        "relaxations": [
            {"param": PARAM[f], "value": v, "label": taxonomy_labels[(f, v)], "total": n,
             "url": search_url(q.toggle(f, v))}
            for f, v, n in results.relaxations
        ],
        "prev_url": search_url(q.replace(page=q.page - 1)) if q.page > 1 else None,
        "next_url": search_url(q.replace(page=q.page + 1)) if q.page < results.pages else None,
    }


def concept_context(concept) -> dict:
    """A vocabulary term a search's words named: where its page is and which words named it."""
    return {"param": PARAM[concept.facet], "value": concept.slug, "label": concept.label,
            "matched": concept.phrase, "url": f"/{concept.facet}/{concept.slug}"}


def _quoted(words) -> str:
    words = [f"‘{w}’" for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def result_notes(results: Results) -> list[str]:
    """Plain sentences on how the words matched: what the results contain, which words no
    example uses, the spellings searched too, the vocabulary terms that brought results in."""
    notes = []
    corrected = {w for w, _ in results.corrections}
    missing = [w for w in results.unmatched if w not in corrected]
    if results.total and len(results.words) > 1 and results.complete < results.total:
        notes.append(f"Best matches first: {results.complete} of {results.total} match all "
                     "your words (or the topics they name); the others match some of them.")
    for word, searched in results.corrections:
        notes.append(f"No example uses ‘{word}’, so the search includes ‘{searched}’.")
    if missing and results.total:
        notes.append(f"No example mentions {_quoted(missing)}.")
    if results.concepts:
        tags = "; ".join(f"{c.label} (for ‘{c.phrase}’)" for c in results.concepts)
        notes.append(f"Includes examples tagged {tags}.")
    return notes


def result_sentence(results: Results, labels: dict) -> str:
    """'12 results for ‘funding’ in Health and Social care'."""
    q = results.query
    n = results.total
    out = f"{n} result{'s' if n != 1 else ''}"
    if q.text:
        out += f" for ‘{q.text}’"
    groups = []
    for facet in FACETS:
        names = [labels[(facet, v)] for v in q.selected(facet)]
        if names:
            groups.append(" or ".join(names))
    if groups:
        out += " in " + " and ".join(groups)
    if q.date_from or q.date_to:
        if q.date_from and q.date_to:
            out += f" published {q.date_from:%-d %B %Y} to {q.date_to:%-d %B %Y}"
        elif q.date_from:
            out += f" published since {q.date_from:%-d %B %Y}"
        else:
            out += f" published up to {q.date_to:%-d %B %Y}"
    return out


def create_app(index_dir: Path | str, base_url: str | None = None, edit_url: str | None = None,
               new_url: str | None = None) -> bottle.Bottle:
    """Build the WSGI app over an index folder (the output of `kb build`). `edit_url` (env
    KB_EDIT_URL) is a Git host's edit-file address with {path}; `new_url` (env KB_NEW_URL) its
    new-file address, with {template} where the new entry's text goes. Unset, the pages offer
    no such links."""
    library = Library(Path(index_dir), follow=True)
    app = bottle.Bottle()
    app.config["kb.library"] = library
    configured_base = (base_url or os.environ.get("KB_BASE_URL") or "").rstrip("/")
    edit_url = (edit_url or os.environ.get("KB_EDIT_URL") or "").strip()
    new_url = (new_url or os.environ.get("KB_NEW_URL") or "").strip()

    def propose_url() -> str | None:
        """Where staff propose a new example: the Git host's new-file page, pre-filled."""
        if not new_url:
            return None
        text = new_entry_text(f"{PLACEHOLDER} what was done, by whom]", ["partnership-working"],
                              ["cross-sector"], dt.date.today())
        return new_url.replace("{template}", quote(text, safe=""))

    def base() -> str:
        if configured_base:
            return configured_base
        parts = bottle.request.urlparts
        return f"{parts.scheme}://{parts.netloc}"

    def render(name: str, ctx: dict, status: int = 200, alternates=()) -> str:
        bottle.response.status = status
        bottle.response.content_type = "text/html; charset=utf-8"
        if alternates:
            bottle.response.set_header("Link", ", ".join(
                f'<{href}>; rel="alternate"; type="{kind}"' for href, kind in alternates))
        return bottle.template(
            name, template_lookup=[str(TEMPLATES)], ctx=ctx, taxonomy=library.taxonomy,
            search_url=search_url, entry_url=entry_url, term_url=term_url, FACETS=FACETS,
            PARAM=PARAM, SORTS=SORTS, alternates=alternates, human_date=human_date,
            build_problems=app.config.get("kb.build_problems") or [],
        )

    def as_json(ctx: dict, status: int = 200) -> str:
        bottle.response.status = status
        bottle.response.content_type = "application/json; charset=utf-8"
        # Compact: Python's JSON encoder runs in C only without indentation (0.15 ms rather
        # than 0.5 ms for a results page); browsers and `jq` lay it out for reading.
        return json.dumps(ctx, ensure_ascii=False, separators=(",", ":"))

    def problem_page(exc: HTTPProblem, wants_json: bool) -> str:
        ctx = {"error": {"status": exc.status, "title": exc.title, "message": exc.message}}
        return as_json(ctx, exc.status) if wants_json else render("error.tpl", ctx, exc.status)

    def page(route_fn):
        """Run a route: HTTPProblem and a missing index become clear pages, never a 500.
        Pages carry an ETag and Last-Modified from the index generation: a client revalidating
        an unchanged page gets a 304 without the page being built again."""

        def wrapper(*args, **kwargs):
            wants_json = bottle.request.path.endswith(".json")
            try:
                etag, modified = validators()
                if bottle.request.headers.get("If-None-Match") == etag:
                    return bottle.HTTPResponse(status=304, ETag=etag)
                body = route_fn(*args, **kwargs)
                if bottle.response.status_code == 200:
                    bottle.response.set_header("ETag", etag)
                    bottle.response.set_header("Last-Modified", modified)
                    bottle.response.set_header("Cache-Control", "no-cache")
                return body
            except HTTPProblem as exc:
                return problem_page(exc, wants_json)
            except QueryError as exc:
                return problem_page(HTTPProblem(400, "Cannot search for that", str(exc)[:1].upper()
                                                + str(exc)[1:] + "."), wants_json)
            except IndexMissing as exc:
                return problem_page(HTTPProblem(503, "Index not available", str(exc)), wants_json)

        return wrapper

    def validators() -> tuple[str, str]:
        """(ETag, Last-Modified) of the current request's page in the live index generation."""
        snap = library.snapshot()
        env = bottle.request.environ
        key = "\0".join([snap.generation.name, env.get("PATH_INFO", ""),
                         env.get("QUERY_STRING", ""), repr(app.config.get(
                             "kb.build_problems")), configured_base])
        etag = '"' + hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:20] + '"'
        built = dt.datetime.fromisoformat(snap.meta["built_at"])
        return etag, email.utils.format_datetime(built.astimezone(dt.UTC), usegmt=True)

    def view(path: str, template: str, extra=()):
        """Register a page at `path` and its JSON twin at `path.json` ("/" has /index.json),
        both drawn from one context function; `extra` adds (suffix, type, route) views such as
        .atom or .csv."""
        stem = path if path != "/" else "/index"

        def register(ctx_fn):
            def html(**kw):
                ctx = ctx_fn(**kw)
                qs = bottle.request.environ.get("QUERY_STRING", "")
                here = bottle.request.path.rstrip("/") or "/index"
                alternates = [(f"{here}{suffix}" + (f"?{qs}" if qs else ""), kind)
                              for suffix, kind, _ in [(".json", "application/json", None),
                                                      *extra]]
                return render(template, ctx, alternates=alternates)

            for suffix, _, fn in extra:
                app.route(stem + suffix, "GET", page(fn))
            app.route(stem + ".json", "GET", page(lambda **kw: as_json(ctx_fn(**kw))))
            app.route(path, "GET", page(html))
            return ctx_fn

        return register

    @app.hook("after_request")
    def headers():
        for name, value in SECURITY_HEADERS.items():
            bottle.response.set_header(name, value)

    @view("/", "home.tpl")
    def home():
        results = library.search(Query())
        ctx = results_context(results, base())
        taxonomy = library.taxonomy
        for v in ctx["facets"]["principle"]:
            v["description"] = taxonomy["principles"].terms[v["value"]].description
        ctx["newest"] = [_light(r, base()) for r in library.newest(5)]
        ctx["propose_url"] = propose_url()
        return ctx

    def search_ctx(snippets: bool = True, page_size: int | None = None) -> dict:
        params = _request_params()
        query, canonical = query_from_params(
            lambda name: [v for k, v in params if k == name], library.taxonomy
        )
        if not canonical:
            suffix = bottle.request.path.removeprefix("/search")
            bottle.redirect(search_url(query, "/search" + suffix), 301)
        if page_size:
            query = query.replace(page=1, page_size=page_size)
        return results_context(library.search(query, snippets=snippets), base())

    def search_atom() -> str:
        ctx = search_ctx(snippets=False)
        return atom_feed(ctx["sentence"], ctx["results"], base(), bottle.request.url)

    def search_csv() -> str:
        full = search_ctx(snippets=False, page_size=MAX_CSV_ROWS)
        bottle.response.content_type = "text/csv; charset=utf-8"
        bottle.response.set_header("Content-Disposition",
                                   'attachment; filename="compact-practice-search.csv"')
        return results_csv(full["results"])

    view("/search", "search.tpl", extra=[
        (".atom", "application/atom+xml", search_atom),
        (".csv", "text/csv", search_csv),
    ])(search_ctx)

    @app.get("/feed.atom")
    @page
    def feed():
        newest = [_light(r, base()) for r in library.newest(FEED_SIZE)]
        return atom_feed("Newest examples", newest, base(), base() + "/feed.atom")

    def atom_feed(title: str, items: list[dict], base_url: str, self_url: str) -> str:
        bottle.response.content_type = "application/atom+xml; charset=utf-8"
        dates = [i.get("updated") or i["published"] for i in items] or ["2008-01-01"]
        return bottle.template("feed.atom.tpl", template_lookup=[str(TEMPLATES)], title=title,
                               items=items, base_url=base_url, self_url=self_url,
                               updated=max(dates), taxonomy=library.taxonomy)

    @app.get("/entries/<slug:re:[a-z0-9-]+>.md")
    @page
    def entry_markdown(slug: str):
        record = find_entry(slug, ".md")
        bottle.response.content_type = "text/markdown; charset=utf-8"
        return record["source"]

    def find_entry(slug: str, suffix: str) -> dict:
        record = library.entry(slug)
        if record is None:
            new = library.resolve_alias(slug)
            if new:
                bottle.redirect(entry_url(new) + suffix, 301)
            raise HTTPProblem(404, "Entry not found",
                              f"There is no entry at /entries/{slug}. Search for it instead.")
        return record

    @view("/entries/<slug:re:[a-z0-9-]+>", "entry.tpl")
    def entry_page(slug: str):
        suffix = ".json" if bottle.request.path.endswith(".json") else ""
        ctx = entry_context(find_entry(slug, suffix), base())
        ctx["related"] = [_light(r, base()) for r in library.related(slug)]
        path = library.snapshot().meta.get("entries_path", "entries/") + ctx["path"]
        ctx["edit_url"] = edit_url.replace("{path}", quote(path)) if edit_url else None
        return ctx

    def term_ctx(facet: str, slug: str) -> dict:
        vocab = library.taxonomy[facet]
        canonical = vocab.resolve(slug)
        suffix = ".json" if bottle.request.path.endswith(".json") else ""
        if canonical is None:
            raise HTTPProblem(404, f"No such {PARAM[facet]}",
                              f"'{slug}' is not a {vocab.label.lower()}. See all of them at "
                              f"/{facet}.")
        if canonical != slug:
            bottle.redirect(f"/{facet}/{canonical}{suffix}", 301)
        term = vocab.terms[canonical]
        results = library.search(Query(filters={facet: (canonical,)}, sort="newest",
                                       page_size=TERM_PAGE_SIZE), snippets=False)
        ctx = results_context(results, base())
        return {
            "facet": facet, "param": PARAM[facet], "facet_label": vocab.label,
            "slug": canonical, "label": term.label, "description": term.description,
            "words": list(term.words),
            "total": ctx["total"], "results": ctx["results"],
            "search_url": search_url(Query(filters={facet: (canonical,)})),
        }

    def terms_ctx(facet: str) -> dict:
        vocab = library.taxonomy[facet]
        counts = {v["value"]: v["count"] for v in
                  results_context(library.search(Query(), snippets=False), base())["facets"][
                      PARAM[facet]]}
        return {"facet": facet, "label": vocab.label, "terms": [
            {"slug": t.slug, "label": t.label, "description": t.description,
             "count": counts.get(t.slug, 0), "url": f"/{facet}/{t.slug}"}
            for t in vocab.terms.values()]}

    for facet in FACETS:
        view(f"/{facet}/<slug:re:[a-z0-9-]+>", "term.tpl")(
            lambda slug, facet=facet: term_ctx(facet, slug))
        view(f"/{facet}", "terms.tpl")(lambda facet=facet: terms_ctx(facet))

    @view("/coverage", "coverage.tpl")
    def coverage():
        taxonomy = library.taxonomy
        matrix = library.coverage()
        rows = []
        for p, term in taxonomy["principles"].terms.items():
            cells = [{"sector": s, "count": matrix[p].get(s, 0),
                      "url": search_url(Query(filters={"principles": (p,), "sectors": (s,)}))}
                     for s in taxonomy["sectors"].terms]
            rows.append({"principle": p, "label": term.label, "cells": cells,
                         "total": sum(c["count"] for c in cells)})
        sectors = [{"sector": s, "label": t.label} for s, t in taxonomy["sectors"].terms.items()]
        gaps = sum(1 for r in rows for c in r["cells"] if c["count"] == 0)
        return {"sectors": sectors, "rows": rows, "gaps": gaps,
                "cells": len(rows) * len(sectors)}

    @view("/about", "about.tpl")
    def about():
        return {"entries": library.stats()["entries"], "propose_url": propose_url(),
                "principles": [{"slug": t.slug, "label": t.label, "description": t.description}
                               for t in library.taxonomy["principles"].terms.values()]}

    @app.get("/healthz")
    @page
    def healthz():
        stats = library.stats()
        built = dt.datetime.fromisoformat(stats["built_at"])
        age = (dt.datetime.now(dt.UTC) - built).total_seconds()
        return as_json({"status": "ok", **stats, "index_age_seconds": int(age)})

    @app.get("/static/<filename:path>")
    @page
    def static(filename: str):
        resp = bottle.static_file(filename, root=str(STATIC))
        if resp.status_code >= 400:  # missing, a folder, or outside static/: all just absent
            raise HTTPProblem(404, "Page not found", "There is no file at this address.")
        resp.set_header("Cache-Control", "public, max-age=3600")
        return resp

    @app.error(404)
    def not_found(_err):
        exc = HTTPProblem(404, "Page not found",
                          "There is no page at this address. Try searching instead.")
        return problem_page(exc, bottle.request.path.endswith(".json"))

    @app.error(405)
    def not_allowed(_err):
        exc = HTTPProblem(405, "Method not allowed", "This address only answers GET requests.")
        return problem_page(exc, bottle.request.path.endswith(".json"))

    @app.error(500)
    def server_error(_err):
        exc = HTTPProblem(500, "Something went wrong",
                          "The page could not be shown. Please try again.")
        return problem_page(exc, bottle.request.path.endswith(".json"))

    return app


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
    KB_INDEX (default .kb-index) and KB_BASE_URL; logs one line per request."""
    return request_log(create_app(os.environ.get("KB_INDEX", ".kb-index")))


CSV_COLUMNS = ("slug", "title", "summary", "url", "principles", "sectors", "stages", "regions",
               "published")


def results_csv(results: list[dict]) -> str:
    """One row per result; tags joined with ';'."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in results:
        writer.writerow([";".join(r[c]) if isinstance(r[c], list) else r[c] for c in CSV_COLUMNS])
    return out.getvalue()


def _light(record: dict, base_url: str) -> dict:
    keys = ("slug", "title", "summary", *FACETS, "published")
    return {**{k: record[k] for k in keys}, "url": base_url + entry_url(record["slug"])}


def entry_context(record: dict, base_url: str) -> dict:
    """An entry page's data: the stored record without its source, plus its permanent URL and
    a citation line."""
    ctx = {k: v for k, v in record.items() if k not in ("source", "text")}
    ctx["url"] = base_url + entry_url(record["slug"])
    who = ", ".join(record["organisations"])
    published = dt.date.fromisoformat(record["published"])
    ctx["citation"] = (f"{record['title']}. " + (f"{who}. " if who else "")
                       + f"Compact Practice, published {published:%-d %B %Y}. {ctx['url']} "
                       + f"(accessed {dt.date.today():%-d %B %Y}).")
    return ctx
