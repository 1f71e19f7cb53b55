"""Withdrawing an example: its page stays at its address (links to it keep working) with
when and why it was withdrawn, and searches, lists, counts, feeds and related examples
leave it out. kb check keeps the date and the reason together."""

import feedparser
import pytest

from kb.build import build
from kb.taxonomy import load_taxonomy
from kb.validate import read_entry
from kb.web import create_app
from tests.conftest import FIXTURES, VALID, WsgiClient, write_entry
from tests.htmlcheck import Page

REASON = ("The council's decision was quashed; read /entries/hospice-grants-0 or "
          "[the other example](/entries/hospice-grants-1) instead.")
WITHDRAWN = VALID.replace("A valid entry", "Hospice grants withdrawn example").replace(
    "published: 2009-01-05",
    f"published: 2009-01-05\naliases: [hospice-grants-old]\nwithdrawn: 2012-03-01\n"
    f"withdrawn_reason: \"{REASON}\"")


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("withdrawn") / "entries"
    folder.mkdir()
    (folder / "taxonomy.yaml").write_bytes((FIXTURES / "taxonomy.yaml").read_bytes())
    write_entry(folder, "hospice-grants-withdrawn", WITHDRAWN,
                body="## What they did\n\nHospice grants were cut in Atcham.\n\n"
                     "## Learning points\n\n- A lesson.\n")
    for n in range(2):
        write_entry(folder, f"hospice-grants-{n}", VALID.replace(
            "A valid entry", f"Hospice grants example {n}"),
            body="## What they did\n\nHospice grants were kept.\n\n## Learning points\n\n"
                 "- A lesson.\n")
    build(folder, folder.parent / "ix")
    return folder.parent / "ix"


@pytest.fixture(scope="module")
def client(index):
    return WsgiClient(create_app(index))


def test_the_page_stays_and_says_when_and_why(client):
    page = client.get("/entries/hospice-grants-withdrawn")
    assert page.status == 200 and Page(page.body).problems() == []
    assert "<title>Withdrawn: Hospice grants withdrawn example" in page.body
    assert "Withdrawn on <time datetime=\"2012-03-01\">1 March 2012</time>" in page.body
    assert "The council's decision was quashed; read <a href=\"/entries/hospice-grants-0\">" \
        "/entries/hospice-grants-0</a> or <a href=\"/entries/hospice-grants-1\">the other " \
        "example</a> instead." in page.body
    data = client.get("/entries/hospice-grants-withdrawn.json").json()
    assert (data["withdrawn"], data["withdrawn_reason"]) == ("2012-03-01", REASON)
    assert client.get("/entries/hospice-grants-old").status == 301  # its old name too
    history = client.get("/entries/hospice-grants-withdrawn/history")
    assert "This example was withdrawn on <time datetime=\"2012-03-01\">1 March 2012</time>" \
        in history.body and Page(history.body).problems() == []
    embed = client.get("/embed/entries/hospice-grants-withdrawn")
    assert embed.status == 200 and "Withdrawn on" in embed.body


def test_searches_lists_counts_feeds_and_related_leave_it_out(client):
    found = client.get("/search.json?q=hospice+grants").json()
    assert found["total"] == 2
    assert "hospice-grants-withdrawn" not in [r["slug"] for r in found["results"]]
    everything = client.get("/search.json").json()
    assert everything["total"] == 2
    assert all(v["count"] <= 2 for values in everything["facets"].values() for v in values)
    assert "hospice-grants-withdrawn" not in client.get("/index.json").body
    assert "hospice-grants-withdrawn" not in client.get("/principles/partnership-working").body
    rows = {r["principle"]: r["cells"] for r in client.get("/coverage.json").json()["rows"]}
    assert rows["partnership-working"][0] == {"sector": "health", "count": 2, "url": (
        "/search?principle=partnership-working&sector=health")}
    feed = feedparser.parse(client.get("/search.atom?q=hospice").body)
    assert len(feed.entries) == 2
    # nor do its words: no search is spelt towards a word only it uses
    misspelt = client.get("/search.json?q=atchem").json()
    assert misspelt["total"] == 0 and misspelt["suggestion"] is None, misspelt["suggestion"]
    assert client.get("/search.json?q=atcham").json()["total"] == 0
    related = client.get("/entries/hospice-grants-0.json").json()["related"]
    assert [r["slug"] for r in related] == ["hospice-grants-1"]


@pytest.mark.parametrize("change, line, said", [
    ("withdrawn_reason: \"" + REASON + "\"\n", 8,
     "'withdrawn' needs 'withdrawn_reason' beside it"),
    ("withdrawn: 2012-03-01\n", 8, "'withdrawn_reason' goes with 'withdrawn', the day it was "
                                   "withdrawn: add withdrawn: YYYY-MM-DD"),
    ("withdrawn: 2012-03-01", 8, "'withdrawn' (2001-03-01) is before 'published' (2009-01-05)"),
    ("withdrawn: 2012-03-01", 8, "'withdrawn' (2999-03-01) is after today: it is the day the "
                                 "example was withdrawn"),
])
def test_the_date_and_the_reason_go_together(entries_dir, change, line, said):
    """Each mistake at its line: a date without a reason or a reason without a date, a
    date before the source's or after today."""
    if change.startswith("withdrawn:") and not change.endswith("\n"):
        year = "2001" if "before" in said else "2999"
        front = WITHDRAWN.replace("withdrawn: 2012", f"withdrawn: {year}")
    else:
        front = WITHDRAWN.replace(change, "")
    path = write_entry(entries_dir, "withdrawn", front)
    _, problems = read_entry(path, "withdrawn.md", load_taxonomy(FIXTURES / "taxonomy.yaml"))
    assert [(p.line, p.message[:len(said)]) for p in problems if p.severity == "error"] == [
        (line, said)], [str(p) for p in problems]


def test_a_guidance_link_to_it_is_told_it_was_withdrawn(index, tmp_path):
    """kb links: the link still works, so it is a warning, not a broken link; its old name
    too."""
    from kb.documents import read_links
    from kb.library import Library
    from kb.links import check_documents

    guide = tmp_path / "guide.md"
    guide.write_text("[a](/entries/hospice-grants-withdrawn#what-they-did)\n"
                     "[b](/entries/hospice-grants-0)\n[c](/entries/hospice-grants-old)\n"
                     "[d](/entries/hospice-grants-withdrawn.json)\n"
                     "[e](/embed/entries/hospice-grants-withdrawn)\n", encoding="utf-8")
    findings, summary = check_documents(Library(index), {guide: read_links(guide)})
    said = "/entries/hospice-grants-withdrawn was withdrawn on 2012-03-01: its page says why"
    found = {f.link.line: f for f in findings}
    assert sorted(found) == [1, 3, 4, 5] and all(f.severity == "warning" for f in findings)
    assert all(found[n].message.startswith(said) for n in (1, 4, 5))
    # an old address: told it redirects, with the address to write, and that it is withdrawn
    assert found[3].message.startswith("/entries/hospice-grants-old now redirects to "
                                       "/entries/hospice-grants-withdrawn: update the link; and "
                                       + said) and found[3].update_to
    assert (summary["broken"], summary["redirects"], summary["withdrawn"]) == (0, 1, 4)


def test_withdrawing_in_an_edit_takes_it_out_of_the_served_index(tmp_path):
    """The build after the edit (incremental, as the live preview's) and the server already
    running on the index: the example leaves searches, its page gains the notice; restoring
    it brings it back."""
    from kb.library import Library
    from kb.query import Query

    folder = tmp_path / "entries"
    folder.mkdir()
    (folder / "taxonomy.yaml").write_bytes((FIXTURES / "taxonomy.yaml").read_bytes())
    for n in range(3):
        write_entry(folder, f"hospice-{n}", VALID.replace("A valid entry", f"Hospice {n}"))
    build(folder, tmp_path / "ix")
    library = Library(tmp_path / "ix")
    assert library.search(Query(text="hospice")).total == 3
    write_entry(folder, "hospice-1", WITHDRAWN.replace("Hospice grants withdrawn example",
                                                       "Hospice 1"))
    assert build(folder, tmp_path / "ix").incremental
    assert library.search(Query(text="hospice")).total == 2
    assert library.entry("hospice-1")["withdrawn"] == "2012-03-01"
    write_entry(folder, "hospice-1", VALID.replace("A valid entry", "Hospice 1"))
    build(folder, tmp_path / "ix")
    assert library.search(Query(text="hospice")).total == 3


def test_an_entry_linking_to_a_withdrawn_one_is_told_so(entries_dir):
    """kb check: the link works, so it is a warning on the linking entry's line."""
    from kb.entry_links import entry_link_problems
    from kb.validate import load_entries

    taxonomy = load_taxonomy(FIXTURES / "taxonomy.yaml")
    write_entry(entries_dir, "gone", WITHDRAWN)
    write_entry(entries_dir, "linking", VALID.replace("A valid entry", "Linking"),
                body="## What they did\n\nSee [it](/entries/gone).\n\n## Learning points\n\n"
                     "- A lesson.\n")
    entries, _ = load_entries(entries_dir, taxonomy)
    said = [(p.path, p.severity, p.message[:40]) for p in
            entry_link_problems(entries_dir, entries, taxonomy) if p.path == "linking.md"]
    assert said == [("linking.md", "warning", "/entries/gone was withdrawn on 2012-03-0")]


def test_a_link_in_the_reason_that_leads_nowhere_is_an_error_at_its_line(entries_dir):
    """The reason names what to read instead: kb check follows its links, bare or not."""
    from kb.entry_links import entry_link_problems
    from kb.validate import load_entries

    taxonomy = load_taxonomy(FIXTURES / "taxonomy.yaml")
    write_entry(entries_dir, "hospice-grants-0", VALID)
    write_entry(entries_dir, "gone", WITHDRAWN)
    entries, _ = load_entries(entries_dir, taxonomy)
    said = [(p.line, p.message[:46]) for p in entry_link_problems(entries_dir, entries, taxonomy)]
    assert said == [(9, "there is no entry at /entries/hospice-grants-1")]
