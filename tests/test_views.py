"""Every page type: well-formed HTML, a .json twin with the same data, feeds and CSV."""

import csv
import io
import re

import feedparser
import pytest

from kb import contexts
from tests.htmlcheck import Page

ENTRY = "pct-hospice-grants"
HTML_PAGES = ["/", "/search?q=funding&sector=health", "/search?q=potholes&sector=housing",
              f"/entries/{ENTRY}", "/principles/full-cost-recovery", "/sectors/health",
              "/stages/plan", "/regions/london", "/principles", "/coverage", "/about",
              "/principles/no-such-term", "/search?sector=nope"]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_page_is_well_formed(client, path):
    resp = client.get(path)
    assert resp.status in (200, 400, 404)
    assert Page(resp.body).problems() == []


def links(page: Page, prefix: str) -> list[str]:
    return [a["href"] for a in page.find("a") if a.get("href", "").startswith(prefix)]


def json_twin(client, path: str) -> dict:
    base, _, qs = path.partition("?")
    twin = ("/index" if base == "/" else base) + ".json" + (f"?{qs}" if qs else "")
    resp = client.get(twin)
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/json")
    return resp.json()


def test_search_page_and_json_agree(client):
    path = "/search?q=compact&sector=cross-sector&principle=partnership-working"
    page, data = Page(client.get(path).body), json_twin(client, path)
    assert data["sentence"] in page.text
    hits = [a["href"] for a in page.find("a") if a.get("href", "").startswith("/entries/")]
    assert hits == [f"/entries/{r['slug']}" for r in data["results"]]
    for param, values in data["facets"].items():
        for v in values:
            box = page.find("input", id=f"f-{param}-{v['value']}")[0]
            assert ("checked" in box) == v["selected"]
            assert f"{v['label']} ({v['count']})" in page.text


def test_home_page_and_json_agree(client):
    page, data = Page(client.get("/").body), json_twin(client, "/")
    for v in data["facets"]["principle"]:
        assert f"/principles/{v['value']}" in links(page, "/principles/")
        assert f"{v['count']} example" in page.text
    assert [f"/entries/{e['slug']}" for e in data["newest"]] == links(page, "/entries/")


def test_entry_page_and_json_agree(client):
    page, data = Page(client.get(f"/entries/{ENTRY}").body), json_twin(client, f"/entries/{ENTRY}")
    assert data["title"] in page.text and data["summary"] in page.text
    assert data["citation"] in page.text
    assert data["url"] in [a["href"] for a in page.find("a")]
    for h in data["headings"]:
        assert page.find("h2", id=h["id"]) and f"{data['url']}#{h['id']}" in links(page, "http")
    related = [f"/entries/{r['slug']}" for r in data["related"]]
    assert related and related == links(page, "/entries/")[-len(related):]


def test_term_page_and_json_agree(client):
    path = "/sectors/health"
    page, data = Page(client.get(path).body), json_twin(client, path)
    assert data["label"] == "Health" and data["description"] in page.text
    assert links(page, "/entries/") == [f"/entries/{r['slug']}" for r in data["results"]]
    assert all("health" in r["sectors"] for r in data["results"])
    assert "<title>Health (sector) – Compact Practice</title>" in client.get(path).body
    assert {"CCG", "PCT"} <= set(data["words"]) and "ccg" not in data["words"]  # acronyms
    assert "primary care trust" in data["words"]


def test_a_term_page_listing_some_of_its_examples_links_to_all_at_the_end(client,
                                                                         monkeypatch):
    monkeypatch.setattr(contexts, "TERM_PAGE_SIZE", 1)
    data = json_twin(client, "/sectors/health")
    assert len(data["results"]) == 1 < data["total"]
    body = client.get("/sectors/health").body
    tail = body[body.index('<ul class="newest">'):]
    assert f'<a href="/search?sector=health">See all {data["total"]} examples of Health</a>' \
        in tail


def test_coverage_page_and_json_agree(client):
    page, data = Page(client.get("/coverage").body), json_twin(client, "/coverage")
    cells = [c for row in data["rows"] for c in row["cells"]]
    assert len(cells) == data["cells"] == 12 * 10
    assert data["gaps"] == sum(1 for c in cells if c["count"] == 0)
    for c in cells:
        if c["count"]:
            assert c["url"] in links(page, "/search?")
    assert len(page.find("td", class_="gap")) == data["gaps"]
    # a row's total counts its examples once, though one may be in several sectors' cells
    counts = {t["slug"]: t["count"] for t in client.get("/principles.json").json()["terms"]}
    assert {r["principle"]: r["total"] for r in data["rows"]} == counts
    assert all(r["total"] <= sum(c["count"] for c in r["cells"]) for r in data["rows"])
    # each count says, to a screen reader listing the links, what it counts
    row, cell = next((r, c) for r in data["rows"] for c in r["cells"] if c["count"])
    sector = data["sectors"][row["cells"].index(cell)]["label"]
    assert f"{cell['count']} example{'s' if cell['count'] != 1 else ''} of {row['label']} in " \
           f"{sector}" in page.text
    # each row and column heading leads to its term's page
    assert {f"/sectors/{s['sector']}" for s in data["sectors"]} <= set(links(page, "/sectors/"))
    assert {f"/principles/{r['principle']}" for r in data["rows"]} <= \
        set(links(page, "/principles/"))
    # The cell counts are the search's own counts for that filter pair.
    some = next(c for c in cells if c["count"])
    assert client.get(some["url"].replace("/search", "/search.json")).json()["total"] == \
        some["count"]


def test_about_page_and_json_agree(client):
    page, data = Page(client.get("/about").body), json_twin(client, "/about")
    assert f"{data['entries']} examples" in page.text
    assert [f"/principles/{p['slug']}" for p in data["principles"]] == links(page, "/principles/")


def test_alternate_links_in_header_and_head(client):
    resp = client.get("/search?q=funding")
    assert '</search.json?q=funding>; rel="alternate"; type="application/json"' in \
        resp.headers["link"]
    page = Page(resp.body)
    kinds = {a["type"]: a["href"] for a in page.find("link", rel="alternate")}
    assert kinds == {"application/json": "/search.json?q=funding",
                     "application/atom+xml": "/search.atom?q=funding",
                     "text/csv": "/search.csv?q=funding"}
    home = Page(client.get("/").body)  # a feed reader given the site finds its feed
    assert {a["type"]: a["href"] for a in home.find("link", rel="alternate")} == {
        "application/json": "/index.json", "application/atom+xml": "/feed.atom"}


def test_every_search_box_links_to_how_to_search(client):
    """The search syntax, topics, spelling, filters and dates are explained on the site, not
    only in the README: every search box links there, and the link lands on its heading."""
    for path in ("/", "/search?q=grants"):
        assert '<a href="/about#how-to-search">How to search</a>' in client.get(path).body
    about = Page(client.get("/about").body)
    assert about.find("h2", id="how-to-search") and "How to search" in about.text
    assert about.find("span", id="searching")  # the older anchor, kept for links made to it
    for said in ("quotation marks", "financial year", "OR", "Did you mean"):
        assert said in about.text, said


@pytest.mark.parametrize("path", ["/feed.atom", "/search.atom?q=funding",
                                  "/search.atom?q=%3Cscript%3E%26"])
def test_atom_feeds_are_valid(client, path):
    resp = client.get(path)
    assert resp.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(resp.body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title.startswith("Compact Practice")
    for entry in feed.entries:
        assert entry.link.startswith("https://example.test/entries/")
        assert entry.updated_parsed and entry.title and entry.summary


@pytest.mark.parametrize("words", ["funding", "hospice", "dementia"])
def test_a_search_feed_lists_its_newest_examples_that_use_the_words(client, words):
    """The newest first, whatever the page's order: a new example reaches the feed. 'hospice'
    names Health: the feed lists the examples that say it, not the Health example that does
    not; 'dementia', which no example says, lists its topic's examples."""
    feed = feedparser.parse(client.get(f"/search.atom?q={words}").body)
    data = client.get(f"/search.json?q={words}&sort=newest").json()
    worded = [r["url"] for r in data["results"] if r["matched"]["words"]]
    assert [e.link for e in feed.entries] == (worded or [r["url"] for r in data["results"]])
    assert data["tag_only"] >= 1 and len(feed.entries) >= 1
    assert feed.feed.title.endswith(f": the {len(worded)} that use your words") == bool(worded)
    ranked = client.get("/search.json?q=funding").json()
    assert [r["url"] for r in ranked["results"]] != [e.link for e in feed.entries]


def test_search_csv_round_trips(client):
    resp = client.get("/search.csv?q=compact")
    assert resp.headers["content-type"].startswith("text/csv")
    assert resp.body.startswith("\ufeffslug,")  # the mark spreadsheets read UTF-8 by
    rows = list(csv.DictReader(io.StringIO(resp.body.removeprefix("\ufeff"))))
    data = client.get("/search.json?q=compact&page=1").json()
    assert len(rows) == data["total"]
    first = data["results"][0]
    assert rows[0]["slug"] == first["slug"] and rows[0]["title"] == first["title"]
    assert rows[0]["principles"].split(";") == first["principles"]


def test_term_alias_and_unknown_term(client):
    assert client.get("/principles/no-such-term").status == 404
    assert client.get("/principles/no-such-term.json").json()["error"]["status"] == 404


@pytest.mark.parametrize("path,to", [
    ("/search?q=hospices&sector=health&from=&to=&sort=relevance",
     "/search?q=hospices&sector=health"),
    ("/search?q=&principle=full-cost-recovery", "/search?principle=full-cost-recovery"),
])
def test_a_submitted_forms_empty_fields_redirect_to_the_short_address(client, path, to):
    resp = client.get(path)
    assert resp.status == 301
    assert resp.headers["location"].removeprefix("https://example.test") == to


@pytest.mark.parametrize("path,to", [
    ("/search/?q=hospices&sector=health", "/search?q=hospices&sector=health"),
    ("/entries/pct-hospice-grants/", "/entries/pct-hospice-grants"),
    ("/principles/", "/principles"),
    ("//elsewhere.example/", "/elsewhere.example"),  # never off the site
])
def test_a_trailing_slash_redirects_to_the_address_without_it(client, path, to):
    resp = client.get(path)
    assert resp.status == 301
    assert resp.headers["location"].removeprefix("https://example.test") == to


def test_redirects_go_to_the_sites_base_never_to_the_host_the_server_sees(index_dir,
                                                                          monkeypatch):
    """Behind a proxy the server sees an internal Host, and http for https: with KB_BASE_URL
    a redirect goes to the base, not there. Without it, to the address asked. Either way a
    path that a browser would read as another host ('/\\evil', a tab) stays on the site."""
    from kb.web import create_app
    from tests.conftest import WsgiClient

    monkeypatch.delenv("KB_BASE_URL", raising=False)
    for base, to in (("https://practice.example.org", "https://practice.example.org"),
                     ("", "http://127.0.0.1")):  # the Host the test client sends
        client = WsgiClient(create_app(index_dir, base_url=base))
        for path, where in (("/sectors/Health", "/sectors/health"), ("/embed", "/embed/search"),
                            ("/principles/", "/principles"),
                            ("//elsewhere.example/", "/elsewhere.example"),
                            ("/%5Celsewhere.example/", "/elsewhere.example"),
                            ("/%5C/elsewhere.example/", "/elsewhere.example"),
                            ("/%09/elsewhere.example/", "/elsewhere.example")):
            resp = client.get(path)
            assert (resp.status, resp.headers["location"]) == (301, to + where), path


def test_error_pages_link_the_addresses_they_name(client):
    page = client.get("/entries/no-such-example")
    assert page.status == 404
    assert '<a href="/search?q=no+such+example">/search?q=no+such+example</a>' in page.body
    term = client.get("/principles/no-such-term")
    assert '<a href="/principles">/principles</a>' in term.body
    data = client.get("/entries/no-such-example.json").json()
    assert "/search?q=no+such+example" in data["error"]["message"]  # JSON: plain text


def test_the_list_of_entries_is_the_search_of_everything(client):
    resp = client.get("/entries")
    assert resp.status == 301 and resp.headers["location"].endswith("/search")


def test_a_search_feed_follows_the_whole_search_and_links_its_page(client):
    page = client.get("/search?q=grants&page=2")
    assert 'href="/search.atom?q=grants"' in page.body
    assert 'href="/search.csv?q=grants"' in page.body
    feed = client.get("/search.atom?q=grants").body
    assert re.search(r'<link rel="alternate" type="text/html" href="[^"]*/search\?q=grants"/>',
                     feed)
    # a feed has one order and no pages: it is offered, and kept, at one address and id
    assert 'href="/search.atom?q=grants"' in client.get("/search?q=grants&sort=title").body
    assert 'href="/search.csv?q=grants&amp;sort=title"' in \
        client.get("/search?q=grants&sort=title&page=2").body
    for asked, canonical in (("/search.atom?q=grants&page=99999&sort=title", "?q=grants"),
                             ("/search.csv?page=7&q=grants&sort=title", "?q=grants&sort=title"),
                             ("/search.atom?page=2", "")):
        moved = client.get(asked)
        assert moved.status == 301, asked
        assert moved.headers["location"].endswith(asked.split("?")[0] + canonical), asked
    # the same search written another way (encoding, order) is the same feed: one id
    ids = {re.search(r"<id>([^<]*)</id>", client.get(asked).body)[1] for asked in (
        "/search.atom?q=core+costs&sector=health", "/search.atom?q=core%20costs&sector=health",
        "/search.atom?sector=health&q=core%20costs")}
    assert ids == {"https://example.test/search.atom?q=core+costs&amp;sector=health"}


@pytest.mark.parametrize("path", ["/search.csv?principle=nope", "/search.atom?principle=nope"])
def test_a_feed_or_csv_error_is_plain_text_for_the_program_reading_it(client, path):
    resp = client.get(path)
    assert resp.status == 400 and resp.headers["content-type"].startswith("text/plain")
    assert resp.body.startswith("400 Cannot search for that: Unknown principle 'nope'")


@pytest.mark.parametrize("path,to", [
    ("/sectors/Health", "/sectors/health"),
    ("/sectors/HEALTH.json?x=1", "/sectors/health.json?x=1"),
    ("/principles/Full%20cost%20recovery", "/principles/full-cost-recovery"),
    ("/entries/PCT_Hospice_Grants", "/entries/pct-hospice-grants"),
    ("/entries/Pct-Hospice-Grants.md", "/entries/pct-hospice-grants.md"),
])
def test_an_address_typed_with_capitals_or_spaces_redirects_to_its_page(client, path, to):
    resp = client.get(path)
    assert resp.status == 301
    assert resp.headers["location"].removeprefix("https://example.test") == to


@pytest.mark.parametrize("path", ["/sectors/No%20Such", "/entries/No_Such_Example",
                                  "/principles/%21%21", "/entries/Nope.json"])
def test_a_respelt_address_that_names_nothing_is_a_404(client, path):
    assert client.get(path).status == 404


def test_reuse_links_carry_what_was_typed_outside_ascii_unchanged(client):
    """£, curly quotes and accents pasted into a search reach its JSON, Atom and CSV as typed,
    on a page with a date it could not read too."""
    for extra in ("", "&from=bad"):
        body = client.get(f"/search?q=%E2%80%9Chospice%E2%80%9D+%C2%A340m+caf%C3%A9{extra}").body
        for kind in ("json", "atom", "csv"):
            assert f'href="/search.{kind}?q=%E2%80%9Chospice%E2%80%9D+%C2%A340m+caf%C3%A9"' \
                in body, (kind, extra)


def test_clear_all_filters_keeps_the_order_chosen(client):
    data = client.get("/search.json?q=grants&sector=health&sort=newest").json()
    assert data["clear_url"] == "/search?q=grants&sort=newest"


def test_an_entry_address_one_slip_away_is_offered_on_its_404(client):
    page = client.get("/entries/pct-hospice-grnats")
    assert page.status == 404
    assert 'Did you mean <a href="/entries/pct-hospice-grants">/entries/pct-hospice-grants</a>' \
        in page.body
    assert "Did you mean" not in client.get("/entries/nothing-like-any-of-them").body


def test_a_date_known_only_to_the_year_is_shown_as_the_year(entries_dir, tmp_path):
    """Pages, data and the citation say '2017', never a day or month the source did not give."""
    from kb.build import build
    from kb.web import create_app
    from tests.conftest import VALID, WsgiClient, write_entry

    write_entry(entries_dir, "yearly", VALID.replace("2009-01-05", "2017"))  # source's too
    write_entry(entries_dir, "monthly", VALID.replace("2009-01-05", "2017-03"))
    build(entries_dir, tmp_path / "ix")
    client = WsgiClient(create_app(tmp_path / "ix"))
    page = client.get("/entries/yearly").body
    assert '<time datetime="2017">2017</time> (the date of its source)' in page
    assert "source dated 2017." in page and "January" not in page
    assert '(Northfield District Council, <time datetime="2017">2017</time>)' in page
    monthly = client.get("/entries/monthly").body
    assert '<time datetime="2017-03">March 2017</time> (the date of its source)' in monthly
    assert '(Northfield District Council, <time datetime="2017-03">March 2017</time>)' in monthly
    found = {r["slug"]: r for r in client.get("/search.json?q=valid").json()["results"]}
    assert (found["yearly"]["published"], found["yearly"]["published_precision"]) == \
        ("2017-01-01", "year")
    table = client.get("/search.csv?q=valid").body.lstrip("\ufeff")
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(table))}
    assert rows["monthly"]["published_precision"] == "month"
    assert rows["monthly"]["added"] == (found["monthly"]["added"] or "")  # as sort=added uses
    assert ">2017<" in client.get("/search?q=valid").body


def test_a_search_feed_title_says_how_many_of_the_results_it_holds(client, monkeypatch):
    """A feed holds the most recently added few: its title does not promise all of them."""
    monkeypatch.setattr(contexts, "FEED_SIZE", 1)
    data = client.get("/search.json?q=hospice").json()
    using = data["total"] - data["tag_only"]
    feed = feedparser.parse(client.get("/search.atom?q=hospice").body)
    assert len(feed.entries) == 1 and using > 1
    assert feed.feed.title.endswith(f": the 1 added most recently of the {using} that use your "
                                    "words")
    plain = client.get("/search.json?q=council").json()
    assert plain["tag_only"] == 0 and plain["total"] > 1
    feed = feedparser.parse(client.get("/search.atom?q=council").body)
    assert feed.feed.title.endswith(": the 1 added most recently")
    several = client.get("/search.json?q=hospice+grants").json()
    assert 0 < several["matched_all"] < several["total"] - several["tag_only"]
    feed = feedparser.parse(client.get("/search.atom?q=hospice+grants").body)
    assert feed.feed.title.endswith("that use your words, those with all of them first")


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    from kb.formats import results_csv

    rows = [{"slug": "x", "title": '=HYPERLINK("http://evil.example","Click")',
             "summary": "@SUM(A1)", "principles": ["-1+1"], "url": "/entries/x",
             "published": "2009-01-05"}]
    [row] = list(csv.DictReader(io.StringIO(results_csv(rows).removeprefix("\ufeff"))))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert (row["summary"], row["principles"]) == ("'@SUM(A1)", "'-1+1")
    assert (row["slug"], row["url"], row["published"]) == ("x", "/entries/x", "2009-01-05")


@pytest.mark.parametrize("path,current", [("/principles", "/principles"), ("/regions", "/regions"),
                                          ("/sectors/health", None)])
def test_browse_pages_link_to_each_other(client, path, current):
    """Sectors, stages and regions are not in the site's menu: every browse and term page
    links to all four lists, the one shown marked as such."""
    body = client.get(path).body
    nav = Page(body[body.index('<nav class="browse"'):body.index("</nav>", body.index(
        '<nav class="browse"'))])
    assert [a["href"] for a in nav.find("a")] == ["/principles", "/sectors", "/stages",
                                                  "/regions"]
    assert [a["href"] for a in nav.find("a") if a.get("aria-current") == "page"] == \
        ([current] if current else [])


def test_a_failed_edit_shows_its_errors_not_every_other_files_warnings(index_dir):
    """Under kb serve --reload, a broken vocabulary fails a full build whose problems include
    every entry's warnings: the page lists the error, and only its own file's warnings."""
    from kb.web import create_app
    from tests.conftest import WsgiClient

    app = create_app(index_dir)
    app.config["kb.build_problems"] = [
        {"where": f"entries/e{n}.md:9", "severity": "warning", "message": f"w{n}"}
        for n in range(40)] + [
        {"where": "entries/synonyms.yaml:99", "severity": "error", "message": "not valid YAML"},
        {"where": "entries/synonyms.yaml:3", "severity": "warning", "message": "a repeat"}]
    body = WsgiClient(app).get("/").body
    assert re.findall(r"<li>(entries/[^<]*)</li>", body) == [
        "entries/synonyms.yaml:99: error: not valid YAML",
        "entries/synonyms.yaml:3: warning: a repeat"]
    assert "40 warnings in other files are not shown here" in Page(body).text


@pytest.mark.parametrize("path,said", [
    ("/sectors/health.atom", "/sectors/health has no .atom form: its page is /sectors/health"),
    ("/principles/Full-Cost-Recovery.csv", "/search.csv?principle=full-cost-recovery"),
    ("/sectors/nope.atom", "There is no such term. See all of them at /sectors."),
    ("/entries/nope.md", "There is no entry at /entries/nope."),
    ("/entries/pct-hospice-grants.atom", "/entries/pct-hospice-grants has no .atom form"),
    ("/entries/PCT-Hospice-Grants.csv", "/entries/pct-hospice-grants has no .csv form"),
])
def test_a_form_a_page_does_not_have_is_a_plain_404_that_says_which_it_has(client, path, said):
    resp = client.get(path)
    assert resp.status == 404 and resp.headers["content-type"].startswith("text/plain")
    assert said in resp.body


def test_about_explains_the_abbreviations_the_synonyms_spell_out(client, tmp_path):
    """Each acronym of synonyms.yaml with the phrase its letters stand for, as written
    (small words skipped or counted, the phrase whose own initials it is first); one no
    phrase spells out is left out."""
    from kb.vocabulary import abbreviations

    (tmp_path / "synonyms.yaml").write_text(
        "- [BME, BAME, black and minority ethnic, black Asian and minority ethnic]\n"
        "- [CVS, council for voluntary service]\n- [SROI, social value]\n"
        "- [HMPPS, HM Prison and Probation Service]\n- [MoJ, Ministry of Justice]\n",
        encoding="utf-8")
    assert abbreviations(tmp_path) == (("BAME", "black Asian and minority ethnic"),
                                       ("BME", "black and minority ethnic"),
                                       ("CVS", "council for voluntary service"),
                                       ("HMPPS", "HM Prison and Probation Service"),
                                       ("MoJ", "Ministry of Justice"))
    data = client.get("/about.json").json()
    assert ["PCT", "primary care trust"] in data["abbreviations"]
    page = client.get("/about")
    assert '<dt><abbr title="primary care trust">PCT</abbr></dt><dd>primary care trust</dd>' \
        in page.body


def test_a_coverage_rows_total_counts_an_example_in_two_sectors_once(entries_dir, tmp_path):
    from kb.build import build
    from kb.web import create_app
    from tests.conftest import VALID, WsgiClient, write_entry

    write_entry(entries_dir, "both", VALID.replace("[health]", "[health, housing]"))
    build(entries_dir, tmp_path / "ix")
    data = WsgiClient(create_app(tmp_path / "ix")).get("/coverage.json").json()
    row = next(r for r in data["rows"] if r["principle"] == "partnership-working")
    assert sum(c["count"] for c in row["cells"]) == 2 and row["total"] == 1
