"""Page contexts as plain functions: the library and the site's settings in, a dict, a
Redirect or a PageError out; no HTTP involved."""

from __future__ import annotations

import datetime as dt

import pytest

from kb import contexts
from kb.contexts import PageError, Redirect, Site
from kb.library import Library
from kb.query import Query
from kb.urls import search_url

SITE = Site(base="https://example.test", today=dt.date(2026, 12, 1))


@pytest.fixture(scope="module")
def library(index_dir) -> Library:
    return Library(index_dir)


def test_search_context_is_the_results_and_an_alias_redirects(library):
    ctx = contexts.search(library, SITE, [("q", "hospices"), ("sector", "health")])
    assert ctx["total"] == len(ctx["results"]) >= 1
    assert ctx["sentence"] == f"{ctx['total']} result{'s' if ctx['total'] != 1 else ''} for " \
                              "‘hospices’ in Health"
    assert all(r["url"].startswith("https://example.test/entries/") for r in ctx["results"])
    twice = contexts.search(library, SITE, [("sector", "health"), ("sector", "health")],
                            "/search.json")
    assert twice == Redirect("/search.json?sector=health")


def test_entry_context_cites_with_the_day_given_and_links_related(library):
    ctx = contexts.entry(library, SITE, "pct-hospice-grants")
    assert ctx["url"] == "https://example.test/entries/pct-hospice-grants"
    assert ctx["citation"].endswith("(accessed 1 December 2026).")
    assert ctx["related"] and all("url" in r for r in ctx["related"])
    assert ctx["edit_url"] is None
    edit = Site(SITE.base, edit_url="https://git.example/edit/main/{path}", today=SITE.today)
    assert contexts.entry(library, edit, "pct-hospice-grants")["edit_url"] == \
        "https://git.example/edit/main/entries/pct-hospice-grants.md"
    assert "Compact Practice, source dated 1 July 2008." in ctx["citation"]  # no Git here
    # the bodies the example is about are no authors of the page
    assert ctx["organisations"] and ctx["citation"] == (
        f"{ctx['title']}. Compact Practice, source dated 1 July 2008. {ctx['url']} "
        "(accessed 1 December 2026).")
    assert ctx["added"] is None and ctx["review_overdue"] is False
    with pytest.raises(PageError) as missing:
        contexts.entry(library, SITE, "no-such-entry")
    assert missing.value.status == 404


def test_an_entry_past_its_review_date_says_so(entries_dir, tmp_path):
    from kb.build import build
    from tests.conftest import VALID, write_entry

    write_entry(entries_dir, "reviewed", VALID + "review_by: 2010-12-01\n")
    build(entries_dir, tmp_path / "ix")
    library = Library(tmp_path / "ix")
    assert contexts.entry(library, SITE, "reviewed")["review_overdue"] is True
    early = Site(SITE.base, today=dt.date(2010, 11, 30))
    assert contexts.entry(library, early, "reviewed")["review_overdue"] is False


def test_term_terms_coverage_about_home_and_health(library):
    term = contexts.term(library, SITE, "principle", "proportionate-monitoring")
    assert term["facet"] == "principle" and term["label"] == "Proportionate monitoring"
    assert term["total"] == len(term["results"]) and "reporting burden" in term["words"]
    with pytest.raises(PageError):
        contexts.term(library, SITE, "sector", "no-such-sector")
    counts = {t["slug"]: t["count"] for t in contexts.terms(library, SITE, "sector")["terms"]}
    coverage = contexts.coverage(library, SITE)
    assert sum(c["count"] for r in coverage["rows"] for c in r["cells"]) >= counts["health"]
    assert contexts.about(library, SITE)["propose_url"] is None
    proposing = Site(SITE.base, new_url="https://git.example/new?value={template}",
                     today=SITE.today)
    assert "%5BReplace%20this%3A" in contexts.home(library, proposing)["propose_url"]
    health = contexts.health(library, dt.datetime.now(dt.UTC))
    assert health["status"] == "ok" and health["failed_generation"] is None


def test_results_context_names_filters_and_relaxations(library):
    results = library.search(Query(text="potholes", filters={"sector": ("housing",)}))
    ctx = contexts.results_context(results, "")
    assert ctx["total"] == 0 and ctx["unmatched"] == ["potholes"]
    assert ctx["filters"] == [{"facet": "sector", "value": "housing", "label": "Housing",
                               "remove_url": "/search?q=potholes"}]
    assert ctx["relaxations"] == []  # without the filter 'potholes' still finds nothing
    found = contexts.results_context(library.search(Query(
        text="hospices", filters={"sector": ("housing",)})), "")
    assert [r["facet"] for r in found["relaxations"]] == ["sector"]


def test_paging_past_the_end_links_back_to_the_last_page_and_the_first(library):
    ctx = contexts.search(library, SITE, [("sector", "health"), ("page", "99")])
    assert ctx["results"] == [] and ctx["pages"] < 99
    last = Query(filters={"sector": ("health",)}, page=ctx["pages"])
    assert ctx["prev_url"] == search_url(last)
    assert ctx["first_url"] == "/search?sector=health"  # keeps the filters


def test_the_order_shown_is_the_order_used(library):
    assert contexts.search(library, SITE, [])["sort"] == "newest"  # nothing to score
    assert contexts.search(library, SITE, [("q", "hospices")])["sort"] == "relevance"
    assert contexts.search(library, SITE, [("q", "hospices"), ("sort", "title")])["sort"] \
        == "title"


def test_notes_never_say_none_of_n_match_and_name_a_missing_word_once(library):
    ctx = contexts.search(library, SITE, [("q", "qqzzyx hospices (hospices) qqzzyx")])
    assert ctx["unmatched"] == ["qqzzyx"]
    assert ctx["total"] and not any("0 of" in n for n in ctx["notes"])
    assert any(n.startswith("No example matches all your words") for n in ctx["notes"])


def test_a_one_day_range_reads_as_one_day(library):
    ctx = contexts.search(library, SITE, [("from", "2009-01-05"), ("to", "2009-01-05")])
    assert ctx["sentence"].endswith("published on 5 January 2009")
