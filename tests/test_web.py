import html
import re

import pytest

from tests.conftest import FIXTURES
from tests.htmlcheck import Page

PAGES = ["/", "/search", "/search?q=funding&sector=health", "/search?q=zzzxxyq",
         "/entries/pct-hospice-grants", "/nowhere"]


def test_search_json_has_the_documented_shape(http_client):
    resp = http_client.get("/search.json?q=hospices&sector=health")
    assert resp.status == 200
    assert resp.headers["content-type"].startswith("application/json")
    data = resp.json()
    assert set(data) >= {"query", "total", "page", "results", "facets", "suggestion"}
    assert data["query"]["q"] == "hospices" and data["query"]["sector"] == ["health"]
    assert data["total"] == len(data["results"]) > 0
    first = data["results"][0]
    assert set(first) >= {"slug", "title", "summary", "url", "score", "principles", "sectors",
                          "stages", "regions", "published", "highlights"}
    assert first["url"] == f"https://example.test/entries/{first['slug']}"
    assert set(data["facets"]) == {"principle", "sector", "stage", "region"}
    health = next(v for v in data["facets"]["sector"] if v["value"] == "health")
    assert health["selected"] and health["count"] == data["total"]
    assert sum(v["count"] for v in data["facets"]["principle"]) >= data["total"]
    assert all(set(v) >= {"value", "label", "count", "selected"}
               for vs in data["facets"].values() for v in vs)


def test_search_page_shows_results_counts_and_checked_filter(http_client):
    resp = http_client.get("/search?q=funding&sector=health")
    assert resp.status == 200 and resp.headers["content-type"].startswith("text/html")
    page = Page(resp.body)
    data = http_client.get("/search.json?q=funding&sector=health").json()
    assert f"{data['total']} result" in page.text
    titles = [a["href"] for a in page.find("a") if a.get("href", "").startswith("/entries/")]
    assert titles == [f"/entries/{r['slug']}" for r in data["results"]]
    assert page.find("input", id="f-sector-health", checked=None)
    assert page.find("a", href="/search?q=funding")  # remove-filter link


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_well_formed_with_one_h1_and_labels(http_client, path):
    resp = http_client.get(path)
    assert resp.status in (200, 404)
    assert Page(resp.body).problems() == []


def test_entry_page_renders_markdown_tags_and_sources(http_client):
    resp = http_client.get("/entries/pct-hospice-grants")
    page = Page(resp.body)
    assert resp.status == 200
    assert page.find("h2", id="what-they-did") and page.find("h2", id="learning-points")
    assert page.find("a", href="/search?sector=health")
    assert "A report on hospice funding for the test corpus" in page.text


def test_entry_json_and_markdown_views(http_client):
    slug = "pct-hospice-grants"
    data = http_client.get(f"/entries/{slug}.json").json()
    assert data["slug"] == slug and data["url"].endswith(f"/entries/{slug}")
    assert "<h2" in data["html"]
    md = http_client.get(f"/entries/{slug}.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.body.startswith("---\ntitle:")


def test_unknown_entry_and_page_are_friendly_404s(http_client):
    for path in ("/entries/no-such-entry", "/no/such/page", "/entries/x.pdf"):
        resp = http_client.get(path)
        assert resp.status == 404
        assert "Search" in resp.body and "Traceback" not in resp.body
    assert http_client.get("/entries/no-such-entry.json").json()["error"]["status"] == 404


def test_bad_parameters_are_400_with_a_clear_message(http_client):
    resp = http_client.get("/search?sector=helth")
    assert resp.status == 400 and "Search with ‘Health’ instead" in html.unescape(resp.body)
    data = http_client.get("/search.json?sector=helth").json()
    assert data["error"]["status"] == 400 and "did you mean 'health'" in data["error"]["message"]
    assert http_client.get("/search.json?page=abc").json()["error"]["status"] == 400
    assert http_client.get("/search?q=%00").status == 400


@pytest.mark.parametrize("q", ["%01grant", "grant%EF%BF%BE", "%1Bgrant", "grants%C2%9Baid"])
def test_a_control_character_in_the_search_is_400_so_every_feed_stays_well_formed(
        http_client, q):
    """XML forbids them: an Atom feed of such a search would not parse."""
    for view in ("/search", "/search.json", "/search.atom", "/search.csv"):
        resp = http_client.get(f"{view}?q={q}")
        assert resp.status == 400 and "control character" in resp.body, view
    assert http_client.get("/search?q=%ff%fe").status == 200


@pytest.mark.parametrize("q", ["grants%0Baid", "grants%0Caid", "grants%C2%85aid",
                               "grants%E2%80%A8aid", "grants%E2%80%A9aid"])
def test_a_line_or_page_break_pasted_from_word_or_a_pdf_is_a_space(http_client, q):
    """Word stores a manual line break as a vertical tab, a PDF's text a page break as a form
    feed: the search is redirected to its address with a space, and searched so."""
    for view in ("/search", "/search.json", "/search.atom", "/search.csv"):
        resp = http_client.get(f"{view}?q={q}")
        assert resp.status == 301 and resp.headers["location"].endswith(
            f"{view}?q=grants+aid"), view
    assert http_client.get("/search.atom?q=grants+aid").status == 200


def test_user_text_is_escaped_everywhere(http_client):
    payload = '<script>alert(1)</script>"\'><img src=x onerror=alert(1)>'
    from urllib.parse import quote
    for path in (f"/search?q={quote(payload)}", f"/search?sector={quote(payload)}"):
        body = http_client.get(path).body
        assert "<script>alert" not in body and "<img src=x" not in body


def test_security_headers_on_every_response(http_client):
    for path in ("/", "/search.json", "/static/site.css", "/nowhere"):
        headers = http_client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_the_data_views_may_be_read_by_scripts_on_other_sites_and_pages_may_not(http_client):
    """A guidance site's script can fetch the JSON, Atom and CSV of a search, and an entry's
    JSON and Markdown; the HTML pages are not shared that way."""
    slug = http_client.get("/search.json").json()["results"][0]["slug"]
    for path in ("/search.json?q=grants", "/search.atom?q=grants", "/search.csv?q=grants",
                 f"/entries/{slug}.json", f"/entries/{slug}.md", "/index.json"):
        response = http_client.get(path)
        assert response.status == 200, path
        assert response.headers.get("access-control-allow-origin") == "*", path
    for path in ("/", "/search?q=grants", f"/entries/{slug}"):
        assert "access-control-allow-origin" not in http_client.get(path).headers, path


def test_another_sites_script_may_revalidate_and_page_through_the_data(live_server):
    """A script on a guidance site reads a search's Link and ETag, and may send If-None-Match:
    the browser's preflight for that is answered; an HTML page's is not."""
    import http.client

    host, port = live_server.removeprefix("http://").split(":")

    def ask(method, path, headers):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request(method, path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()

    origin = {"Origin": "https://guidance.example.org"}
    status, headers = ask("OPTIONS", "/search.json?q=grants", {
        **origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert status == 204 and headers["access-control-allow-origin"] == "*"
    assert "If-None-Match" in headers["access-control-allow-headers"]
    status, headers = ask("GET", "/search.json?q=grants", origin)
    assert status == 200 and "Link" in headers["access-control-expose-headers"]
    assert "ETag" in headers["access-control-expose-headers"]
    status, headers = ask("GET", "/search.json?q=grants", {**origin,
                                                           "If-None-Match": headers["etag"]})
    assert status == 304 and headers["access-control-allow-origin"] == "*"
    assert ask("OPTIONS", "/search?q=grants", origin)[0] == 405


def test_a_search_json_links_its_pages_as_json(http_client):
    """A reuser paging through /search.json follows the Link header's next, which is the
    next page's JSON (the fields in the body stay the HTML pages' addresses)."""
    first = http_client.get("/search.json")
    links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"',
                                                       first.headers["link"]))
    assert links["next"] == "/search.json?page=2" and links["first"] == "/search.json"
    assert "prev" not in links and first.json()["next_url"] == "/search?page=2"
    second = http_client.get(links["next"])
    assert second.json()["page"] == 2 and "prev" in second.headers["link"]


def test_static_files_are_cached_and_cannot_escape(http_client):
    css = http_client.get("/static/site.css")
    assert css.status == 200 and "max-age" in css.headers["cache-control"]
    assert http_client.get("/static/../kb/web.py").status in (400, 403, 404)
    assert http_client.get("/static/%2e%2e/pyproject.toml").status in (400, 403, 404)
    assert http_client.get("/static/").status in (403, 404)


def test_healthz_reports_index(http_client):
    data = http_client.get("/healthz").json()
    assert data["status"] == "ok" and data["entries"] == len(list(FIXTURES.glob("*.md")))


def test_home_lists_principles_with_counts_and_newest(http_client):
    page = Page(http_client.get("/").body)
    links = [a["href"] for a in page.find("a")]
    assert "/search?principle=full-cost-recovery" in links
    assert any(h.startswith("/entries/") for h in links)


def test_pages_revalidate_with_etag_and_304(live_server):
    import http.client

    host, port = live_server.removeprefix("http://").split(":")

    def get(path, headers=None):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp, body

    first, body = get("/search.json?q=funding")
    etag = first.getheader("ETag")
    assert first.status == 200 and etag and first.getheader("Last-Modified")
    again, body2 = get("/search.json?q=funding", {"If-None-Match": etag})
    assert again.status == 304 and body2 == b""
    other, _ = get("/search.json?q=compact", {"If-None-Match": etag})
    assert other.status == 200 and other.getheader("ETag") != etag
    assert again.getheader("Cache-Control") == "no-cache"  # RFC 9110: as the 200 would have
    # as a compressing proxy sends it (weak), in a list, or any
    for sent in ("W/" + etag, f'"other", {etag}', "*"):
        assert get("/search.json?q=funding", {"If-None-Match": sent})[0].status == 304, sent
    modified = first.getheader("Last-Modified")
    assert get("/search.json?q=funding", {"If-Modified-Since": modified})[0].status == 304
    assert get("/search.json?q=funding", {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
               )[0].status == 200
    assert get("/search.json?q=funding", {"If-Modified-Since": "garbage"})[0].status == 200


def test_a_post_is_refused_with_the_methods_allowed(live_server):
    import http.client

    host, port = live_server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("POST", "/search?q=funding", body=b"")
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 405 and resp.getheader("Allow") == "GET, HEAD"


def test_what_was_typed_never_becomes_a_link_in_an_error(http_client):
    """Addresses the message gives are links; a value typed and quoted back is not."""
    for page in ("/search", "/embed/search"):  # a summary over results; an error page
        body = http_client.get(f"{page}?principle=%3C/script%3E").body
        assert "&lt;/script&gt;" in body and 'href="/script' not in body
        for typed in ("it%27s%20/coverage", "x%27%20/script%20%27"):
            body = http_client.get(f"{page}?principle={typed}").body
            assert 'href="/coverage' not in body.split("<footer")[0].split("</h1>", 1)[1]
            assert 'href="/script' not in body
    body = http_client.get("/entries/no-such-entry").body
    assert '<a href="/search?q=no+such+entry">' in body


@pytest.mark.parametrize("written", ["Health", "HEALTH", "Social+care"])
def test_a_filter_value_written_as_its_label_redirects_to_its_slug(http_client, written):
    resp = http_client.get(f"/search?q=grants&sector={written}")
    slug = written.lower().replace("+", "-")
    assert resp.status == 301 and resp.headers["location"].endswith(
        f"/search?q=grants&sector={slug}")
