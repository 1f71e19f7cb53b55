"""Embeds: a compact, frameable view of any search and any entry for guidance web pages,
while every other page still refuses to be framed."""

from __future__ import annotations

import html
import re

import pytest

from kb.web import create_app
from tests.conftest import WsgiClient
from tests.htmlcheck import Page

ENTRY = "pct-hospice-grants"


def test_embeds_may_be_framed_and_other_pages_may_not(client):
    for path in (f"/embed/entries/{ENTRY}", "/embed/search?q=hospice"):
        headers = client.get(path).headers
        assert "frame-ancestors *" in headers["content-security-policy"]
        assert "x-frame-options" not in headers
        assert "script-src 'self'" in headers["content-security-policy"]
    for path in ("/", f"/entries/{ENTRY}", "/search?q=hospice", "/nowhere"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY", path


def test_embed_origins_are_configurable(index_dir, monkeypatch):
    monkeypatch.setenv("KB_EMBED_ORIGINS", "https://guidance.example.org")
    client = WsgiClient(create_app(index_dir))
    policy = client.get("/embed/search").headers["content-security-policy"]
    assert "frame-ancestors https://guidance.example.org" in policy
    # a list written with commas, as people write lists, is the header's list of origins
    monkeypatch.setenv("KB_EMBED_ORIGINS", "https://www.gov.uk, https://guidance.example.org")
    policy = WsgiClient(create_app(index_dir)).get("/embed/search").headers[
        "content-security-policy"]
    assert policy.endswith("frame-ancestors https://www.gov.uk https://guidance.example.org")
    # what is no site's address would break or open the header: the app does not start
    monkeypatch.setenv("KB_EMBED_ORIGINS", "https://www.gov.uk; script-src *")
    with pytest.raises(ValueError, match="KB_EMBED_ORIGINS: 'https://www.gov.uk;'"):
        create_app(index_dir)


def test_an_embedded_search_lists_the_first_results_and_links_to_all(client):
    page = client.get("/embed/search?q=grants")
    assert page.status == 200
    doc = Page(page.body)
    assert doc.problems() == []
    links = doc.find("a")
    assert links and all(a.get("target") == "_top" for a in links)
    hits = [a for a in links if "/entries/" in a["href"]]
    assert 1 <= len(hits) <= 5
    full = client.get("/search.json?q=grants").json()
    assert [a["href"] for a in hits] == [r["url"] for r in full["results"][:len(hits)]]
    if full["total"] > len(hits):
        assert f"See all {full['total']} examples" in doc.text
    assert "site-nav" not in page.body  # no site chrome


def test_an_embedded_entry_links_to_the_full_page(client):
    page = client.get(f"/embed/entries/{ENTRY}")
    doc = Page(page.body)
    assert page.status == 200 and doc.problems() == []
    assert any(a["href"].endswith(f"/entries/{ENTRY}") and a.get("target") == "_top"
               for a in doc.find("a"))
    assert client.get("/embed/entries/no-such-entry").status == 404


def test_pages_offer_the_iframe_code_to_copy(client):
    entry = client.get(f"/entries/{ENTRY}").body
    assert html.escape(f'<iframe src="https://example.test/embed/entries/{ENTRY}"',
                       quote=True) in entry
    search = client.get("/search?q=hospice&sector=health")
    assert "/embed/search?q=hospice&amp;amp;sector=health" in search.body
    data = client.get("/search.json?q=hospice&sector=health").json()
    assert 'src="https://example.test/embed/search?q=hospice&amp;sector=health"' in \
        data["embed_code"]
    # its name says which search, so two embeds on one page are told apart
    assert f'title="{html.escape(data["sentence"])} (Compact Practice)"' in data["embed_code"]


def test_an_embeds_error_is_a_compact_page_whose_links_leave_the_frame(client):
    resp = client.get("/embed/search?principle=nope")
    assert resp.status == 400 and 'class="embed"' in resp.body
    assert "site-header" not in resp.body  # not the whole site inside another site's page
    assert re.search(r'<a href="http[^"]+/" target="_top">Compact Practice</a>', resp.body)


@pytest.mark.parametrize("path", ["/embed/search?q=hospice", "/embed/entries/pct-hospice-grants"])
def test_an_embeds_data_links_lead_to_its_full_pages_data(client, path):
    """An embed has no JSON of its own: the alternates it names are its full page's, and
    each of them answers."""
    links = re.findall(r"<([^>]+)>", client.get(path).headers["link"])
    assert links and all(not link.startswith("/embed") for link in links), links
    assert all(client.get(link).status == 200 for link in links)


def test_an_embed_address_typed_with_capitals_redirects_as_the_page_does(client):
    moved = client.get("/embed/entries/PCT_Hospice_Grants")
    assert moved.status == 301
    assert moved.headers["location"].endswith("/embed/entries/pct-hospice-grants")
    assert client.get("/embed/entries/No_Such_Example").status == 404


@pytest.mark.parametrize("path", ["/embed", "/embed/"])
def test_the_embeds_folder_leads_to_the_embed_of_every_example(client, path):
    resp = client.get(path)
    while resp.status == 301:
        resp = client.get(resp.headers["location"].removeprefix("https://example.test"))
    assert resp.status == 200 and 'class="embed"' in resp.body
