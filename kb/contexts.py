"""One plain function per page: explicit arguments in (the library, the site's settings, the
request's parameters), a dict out (the page's context, which the HTML template and the .json
twin both render), or a Redirect, or a PageError. Nothing here knows about HTTP."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus, urlencode

from kb.entry import closest
from kb.library import Library, Results
from kb.publishing import PLACEHOLDER, new_entry_text
from kb.query import Query, QueryError, misnamed, query_from_params, unused_note
from kb.taxonomy import FACETS, FIELD
from kb.urls import entry_url, keeping_others, revision_url, search_url, term_page_url
from kb.vocabulary import abbreviations
from kb.wording import date_phrase, human_date, result_notes, result_sentence

FEED_SIZE = 20
EMBED_SIZE = 5  # results an embedded search shows
TERM_PAGE_SIZE = 50
MAX_CSV_ROWS = 5000
RECOVERABLE = ("q", "from", "to", "sort", "page", *FACETS)  # the HTML page shows the rest


class PageError(Exception):
    """An expected failure shown as a page: 400 bad request, 404 not found..."""

    def __init__(self, status: int, title: str, message: str, typed: bool = False):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message
        self.typed = typed  # the message quotes what was typed: no address in it is a link


@dataclass(frozen=True)
class Redirect:
    """A permanent redirect to the canonical address (an old slug or term, a search written
    another way)."""
    url: str


@dataclass(frozen=True)
class Site:
    """What pages need to know about where they are served."""
    base: str = ""  # the public address ("https://practice.example.org"), for absolute links
    edit_url: str = ""  # a Git host's edit-file address, with {path}
    new_url: str = ""  # a Git host's new-file address, with {template}
    today: dt.date = field(default_factory=dt.date.today)


def card(record: dict, base: str) -> dict:
    """An entry as lists and feeds show it: title, summary, tags, date, address."""
    keys = ("slug", "title", "summary", *FIELD.values(), "published", "published_precision")
    return {**{k: record[k] for k in keys}, "url": base + entry_url(record["slug"])}


def propose_url(site: Site) -> str | None:
    """Where staff propose a new example: the Git host's new-file page, pre-filled."""
    if not site.new_url:
        return None
    text = new_entry_text(f"{PLACEHOLDER} what was done, by whom]", ["partnership-working"],
                          ["cross-sector"], site.today)
    return site.new_url.replace("{template}", quote(text, safe=""))


def home(library: Library, site: Site) -> dict:
    ctx = results_context(library.search(Query()), site.base)
    for v in ctx["facets"]["principle"]:
        v["description"] = library.taxonomy["principle"].terms[v["value"]].description
    ctx["newest"] = [card(r, site.base) for r in library.newest(5)]
    ctx["propose_url"] = propose_url(site)
    return ctx


def search(library: Library, site: Site, params: list[tuple[str, str]], path: str = "/search",
           snippets: bool = True, page_size: int | None = None,
           sort: str | None = None) -> dict | Redirect:
    """A search's page (`path` is the address it was asked at, for the canonical redirect;
    `page_size` and `sort`, when given, override the page's: for feeds and downloads).
    On the HTML page a parameter that cannot be read (a date, a filter value, the order, the
    page) is named in a summary (a date beside its field too, with what was typed), over the
    results of the search without it (`errors`; From after To: swapped). Elsewhere a 400."""
    errors: list[dict] = []
    while True:
        try:
            query, canonical = query_from_params(
                lambda name, given=params: [v for k, v in given if k == name], library.taxonomy)
            break
        except QueryError as exc:
            bad = exc.instead[0] if exc.instead else None  # the value at fault, when known
            if path != "/search" or exc.field not in RECOVERABLE or \
                    any((e["field"], e["bad"]) == (exc.field, bad) for e in errors) or \
                    (exc.field == "q" and not exc.instead):
                raise
            typed = " ".join(v for k, v in params if k == exc.field)
            message = exc.sentence() if bad is None or exc.field == "q" else \
                f"No {exc.field} is called ‘{bad[:60]}’: choose one under Filter results."
            message += " The results are for the dates the other way round." if exc.swap else ""
            errors.append({"field": exc.field, "value": typed, "bad": bad, "swap": exc.swap,
                           "message": message, "instead": exc.instead,
                           "anchor": "result-count" if exc.field == "page" else exc.field})
            params = _without(params, exc)
    for error in errors:  # each misspelt filter value: the search with the value it meant
        error.update(_instead(error, params, library))
    if not canonical and not errors:  # others' parameters kept: not the search's to drop
        return Redirect(keeping_others(search_url(query, path), params))
    asked = query
    query = query.replace(page=1 if page_size else query.page, sort=sort or query.sort,
                          page_size=page_size or query.page_size)
    ctx = results_context(library.search(query, snippets=snippets), site.base)
    ctx["unused"] = misnamed(params, strict=path.endswith((".atom", ".csv")))  # its notes
    ctx["notes"] += [unused_note(u) for u in ctx["unused"]]  # last: an embed shows them
    ctx["first_url"] = search_url(asked.replace(page=1))  # the page a feed or download follows
    ctx["embed_code"] = iframe(site.base + "/embed" + search_url(query.replace(page=1)),
                               f"{ctx['sentence']} (Compact Practice)", 720)  # a phone's fill
    if errors:  # only the HTML page has them: elsewhere a bad date is a 400
        ctx["errors"], ctx["searched_params"] = errors, params
        for error in errors:
            if error["field"] in ("from", "to") and not error["swap"]:  # shown as typed; a
                ctx["query"][error["field"]] = error["value"]  # swapped range as searched
    return ctx


def _without(params: list[tuple[str, str]], exc: QueryError) -> list[tuple[str, str]]:
    """The search without what could not be read: only the bad value of a filter (its other
    values kept), a long text as its words (kb.query.condensed), else the whole parameter."""
    if exc.swap:  # From after To: the range they make the other way round
        return [({"from": "to", "to": "from"}.get(k, k), v) for k, v in params]
    if exc.field == "q" and exc.instead:
        return [(k, v) for k, v in params if k != "q"] + [("q", exc.instead[1])]
    if exc.instead:
        return [(k, v) for k, v in params if (k, v) != (exc.field, exc.instead[0])]
    return [(k, v) for k, v in params if k != exc.field]


def _instead(error: dict, params: list[tuple[str, str]], library: Library) -> dict:
    """For a misspelt filter value ('helth'): the search as shown (every other problem left
    out) with the value it most likely meant, from its first page, and that term's label; for
    a long text, the words searched."""
    if error["field"] == "q":
        return {"searched": error["instead"][1]} if error["instead"] else {}
    if not (meant := error["instead"][1] if error["instead"] else None):
        return {}
    fixed = [(k, v) for k, v in params if k != "page"]
    fixed += [] if (error["field"], meant) in fixed else [(error["field"], meant)]
    return {"instead_url": "/search?" + urlencode(fixed),
            "instead_label": library.taxonomy[error["field"]].label_of(meant)}


def iframe(src: str, title: str, height: int) -> str:
    """The HTML another site pastes to show an embed (escaped where it is shown)."""
    return (f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" '
            f'height="{height}" style="border:0" loading="lazy"></iframe>')


def embed_search(library: Library, site: Site, params: list[tuple[str, str]]) -> dict | Redirect:
    """A search as a compact list for another site to frame: its first results, how many
    there are, and the way to all of them on this site."""
    ctx = search(library, site, params, "/embed/search", snippets=False, page_size=EMBED_SIZE)
    if isinstance(ctx, Redirect):
        return ctx
    ctx["full_url"] = site.base + ctx["first_url"]  # the same search, page 1, on the site
    ctx["home_url"] = site.base + "/"
    return ctx


def results_context(results: Results, base: str) -> dict:
    """The search page's data; the HTML template and /search.json both draw from it."""
    q = results.query
    labels = {(f, v.value): v.label for f in FACETS for v in results.facets[f]}
    return {
        "query": q.as_dict(),
        "total": results.total,
        "page": q.page,
        "pages": results.pages,
        "page_size": q.page_size,
        "sort": results.sort,
        "results": [hit_context(h, base) for h in results.hits],
        "tag_only": results.tag_only,
        "tag_only_from": _tag_only_from(results),
        "facets": {f: [{"value": v.value, "label": v.label, "count": v.count,
                        "selected": v.selected, "toggle_url": search_url(q.toggle(f, v.value))}
                       for v in results.facets[f]] for f in FACETS},
        "suggestion": results.suggestion,
        "suggestion_url": search_url(q.replace(text=results.suggestion, page=1))
        if results.suggestion else None,
        "sentence": result_sentence(results, labels),
        "notes": result_notes(results),
        "words": results.words,
        "matched_all": results.complete,
        "matched_all_words": results.complete_words,
        "unmatched": results.unmatched,
        "corrections": [{"word": w, "searched": c} for w, c in results.corrections],
        "concepts": [concept_context(c) for c in results.concepts],
        "suggested": [concept_context(c) for c in results.suggested],
        "filters": [{"facet": f, "value": v, "label": labels[(f, v)],
                     "remove_url": search_url(q.toggle(f, v))}
                    for f in FACETS for v in q.selected(f)] + _date_filter(q),
        "clear_url": search_url(Query(text=q.text, sort=q.sort)),
        "relaxations": [_relaxation(q, labels, f, v, n) for f, v, n in results.relaxations
                        if n],  # removing a filter that leaves nothing is no advice
        "first_url": search_url(q.replace(page=1)),
        "last_url": search_url(q.replace(page=results.pages)),
        "prev_url": search_url(q.replace(page=min(q.page - 1, results.pages)))
        if q.page > 1 else None,
        "next_url": search_url(q.replace(page=q.page + 1)) if q.page < results.pages else None,
    }


def _tag_only_from(results: Results) -> int | None:
    """Where this page's results found only through a tag begin, when every result that uses
    the words ranks before them all (the page then sets them apart under a heading)."""
    alone = [not h.matched_words and bool(h.matched_tags) for h in results.hits]
    return alone.index(True) if results.tags_apart and True in alone else None


def _relaxation(q: Query, labels: dict, facet: str, value: str, total: int) -> dict:
    """One filter of a search with no results, and how many removing it alone would give."""
    if facet == "published":
        url = (dates := _date_filter(q)[0]).pop("remove_url")  # one 'url', as the others
        return {**dates, "total": total, "url": url}
    if facet in ("quotes", "exclusions"):  # `value`: the words without them
        label = "quotation marks" if facet == "quotes" else "the words left out"
        return {"facet": facet, "value": value, "label": label, "total": total,
                "url": search_url(q.replace(text=value, page=1))}
    return {"facet": facet, "value": value, "label": labels[(facet, value)], "total": total,
            "url": search_url(q.toggle(facet, value))}


def _date_filter(q: Query) -> list[dict]:
    """The dates as a filter that can be removed, like a facet value's ([] without dates)."""
    if not (q.date_from or q.date_to):
        return []
    value = f"{q.date_from or ''}..{q.date_to or ''}"
    return [{"facet": "published", "value": value, "label": date_phrase(q),
             "remove_url": search_url(q.replace(date_from=None, date_to=None, page=1))}]


def hit_context(h, base: str) -> dict:
    return {
        "slug": h.slug, "title": h.title, "summary": h.summary,
        "url": base + entry_url(h.slug), "score": h.score,
        "principles": h.principles, "sectors": h.sectors, "stages": h.stages,
        "regions": h.regions, "published": h.published,
        "published_precision": h.published_precision, "added": h.added,
        "highlights": h.highlights,
        "matched": {"words": h.matched_words,
                    "tags": [concept_context(c) for c in h.matched_tags],
                    "suggested": [concept_context(c) for c in h.suggested_tags]},
    }


def concept_context(concept) -> dict:
    """A vocabulary term a search's words named or suggest: where its page is and which
    words named or suggest it."""
    return {"facet": concept.facet, "value": concept.slug, "label": concept.label,
            "matched": concept.phrase, "url": term_page_url(concept.facet, concept.slug)}


def find_entry(library: Library, slug: str, suffix: str, prefix: str = "") -> dict | Redirect:
    """An entry's stored record; for an old slug, a redirect to the same page (`prefix` +
    /entries/<new slug> + `suffix`) of the entry that took it on; else a 404."""
    record = library.entry(slug)
    if record is not None:
        return record
    new = library.resolve_alias(slug)
    if new:
        return Redirect(prefix + entry_url(new) + suffix)
    words = quote_plus(slug.replace("-", " "))
    snap = library.snapshot()
    near = closest(slug, [*snap.records, *snap.alias])  # 'bme-code-legal-reveiw'
    meant = f"Did you mean {entry_url(snap.alias.get(near, near))}? Or search" if near else \
        "Search"
    raise PageError(404, "Entry not found", f"There is no entry at /entries/{slug}. {meant} "
                                            f"for its words instead: /search?q={words}")


def _citation(record: dict, changed: str | None, url: str, today: dt.date) -> str:
    """The line to cite an entry by: its page's date is the day it last changed here, when
    Git says; the date `published` holds is its source's, not the page's. The organisations
    are what the example is about, not its authors: the page is Compact Practice's."""
    when = (f"last changed {human_date(changed)}" if changed else
            f"source dated {human_date(record['published'], record['published_precision'])}")
    return f"{record['title']}. Compact Practice, {when}. {url} (accessed {today:%-d %B %Y})."


def entry(library: Library, site: Site, slug: str, suffix: str = "",
          prefix: str = "") -> dict | Redirect:
    """An entry page's data: the stored record without its source, plus its permanent URL, a
    citation line, related entries and where to suggest a change. (`prefix` is where the
    page is asked, "/embed" for its embeddable view, so an old slug redirects there.)"""
    record = find_entry(library, slug, suffix, prefix)
    if isinstance(record, Redirect):
        return record
    ctx = {k: v for k, v in record.items() if k not in ("source", "text")}
    ctx["url"] = site.base + entry_url(record["slug"])
    ctx["related"] = [card(r, site.base) for r in library.related(slug)]
    ctx["embed_code"] = iframe(site.base + "/embed" + entry_url(record["slug"]),
                               f"{record['title']} (Compact Practice)", 520)
    revs = library.revisions(record["slug"]) or []
    ctx["updates"] = len(revs) - 1 if revs else None  # the first revision published it
    ctx["last_change"] = revs[0]["date"][:10] if revs else None  # of the file, in Git
    ctx["added"] = library.snapshot().added_on(record["path"])
    ctx["citation"] = _citation(record, ctx["last_change"], ctx["url"], site.today)
    ctx["review_overdue"] = (record.get("review_by") or "9999") < site.today.isoformat()
    ctx["history_url"] = entry_url(record["slug"]) + "/history" if revs else None
    ctx["version_url"] = site.base + revision_url(record["slug"], revs[0]["commit"]) \
        if revs and library.revision_text(record["slug"], revs[0]["commit"]) == \
        record["source"] else None  # the text served is the newest committed version
    path = library.entries_path() + ctx["path"]
    ctx["edit_url"] = site.edit_url.replace("{path}", quote(path)) if site.edit_url else None
    return ctx


def entry_source(library: Library, slug: str) -> str | Redirect:
    """An entry's Markdown file as written."""
    record = find_entry(library, slug, ".md")
    return record if isinstance(record, Redirect) else record["source"]


def term(library: Library, site: Site, facet: str, slug: str,
         suffix: str = "") -> dict | Redirect:
    """A vocabulary term's page: its description, the words that find it, its entries."""
    vocab = library.taxonomy[facet]
    canonical = vocab.resolve(slug)
    if canonical is None:
        raise PageError(404, f"No such {facet}",
                        f"'{slug}' is not a {vocab.label.lower()}. See all of them at "
                        f"/{FIELD[facet]}.")
    if canonical != slug:
        return Redirect(term_page_url(facet, canonical) + suffix)
    t = vocab.terms[canonical]
    ctx = results_context(library.search(Query(filters={facet: (canonical,)}, sort="newest",
                                               page_size=TERM_PAGE_SIZE), snippets=False),
                          site.base)
    return {
        "facet": facet, "facet_label": vocab.label,
        "slug": canonical, "label": t.label, "description": t.description,
        "words": acronyms_in_capitals(library, t.words), "total": ctx["total"],
        "results": ctx["results"], "aliases": list(t.aliases),  # old slugs that lead here
        "search_url": search_url(Query(filters={facet: (canonical,)})),
    }


def acronyms_in_capitals(library: Library, words) -> list[str]:
    """A term's words with its acronyms in capitals: a word that is the initials of a phrase
    in its synonym group ('ccg', clinical commissioning group; 'psed', public sector
    equality duty) is written CCG, PSED."""
    acronyms = {a.lower(): a for a, _ in abbreviations(library.snapshot().generation)}
    return [acronyms.get(w.lower(), w) for w in words]  # 'moj': MoJ, as the synonyms write it


def terms(library: Library, site: Site, facet: str) -> dict:
    """Every term of a facet, with its description and how many entries carry it."""
    vocab = library.taxonomy[facet]
    counts = {v.value: v.count for v in library.search(Query(), snippets=False).facets[facet]}
    return {"facet": facet, "label": vocab.label, "terms": [
        {"slug": t.slug, "label": t.label, "description": t.description, "aliases": list(
            t.aliases), "count": counts.get(t.slug, 0), "url": term_page_url(facet, t.slug)}
        for t in vocab.terms.values()]}


def coverage(library: Library, site: Site) -> dict:
    """The principle x sector matrix of entry counts: where evidence is thin."""
    taxonomy = library.taxonomy
    matrix, rows = library.coverage(), []
    examples = {v.value: v.count for v in library.search(Query(), snippets=False).facets[
        "principle"]}  # each once, though it may have several sectors
    for p, t in taxonomy["principle"].terms.items():
        cells = [{"sector": s, "count": matrix[p].get(s, 0),
                  "url": search_url(Query(filters={"principle": (p,), "sector": (s,)}))}
                 for s in taxonomy["sector"].terms]
        rows.append({"principle": p, "label": t.label, "cells": cells,
                     "total": examples.get(p, 0)})
    sectors = [{"sector": s, "label": t.label} for s, t in taxonomy["sector"].terms.items()]
    gaps = sum(1 for r in rows for c in r["cells"] if c["count"] == 0)
    return {"sectors": sectors, "rows": rows, "gaps": gaps, "cells": len(rows) * len(sectors)}


def about(library: Library, site: Site) -> dict:
    return {"entries": library.stats()["entries"], "propose_url": propose_url(site),
            "abbreviations": abbreviations(library.snapshot().generation),
            "principles": [{"slug": t.slug, "label": t.label, "description": t.description}
                           for t in library.taxonomy["principle"].terms.values()]}


def recently_added(library: Library, site: Site) -> list[dict]:
    """The examples added here most recently, for the site's feed."""
    return [card(r, site.base) for r in library.newest(FEED_SIZE, added=True)]


def health(library: Library, now: dt.datetime, edit_errors: int = 0) -> dict:
    """Liveness: the generation served, its age, any newer one that failed to open, and the
    errors keeping a live preview's last edit unpublished."""
    stats = library.stats()
    age = (now - dt.datetime.fromisoformat(stats["built_at"])).total_seconds()
    return {"status": "degraded" if stats["failed_generation"] or edit_errors else "ok",
            **stats, "index_age_seconds": int(age), "last_edit_errors": edit_errors}
