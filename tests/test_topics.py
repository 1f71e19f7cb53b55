"""The vocabulary term a search's words are typical of: suggested from the entries tagged with
it, it lifts the matching entries that carry it, never changes what matches, and says why.

Each test builds its own small set of entries, whose words appear in no vocabulary: a
suggestion here can only come from what the tagged entries say about themselves.
"""

from __future__ import annotations

import shutil

import pytest

from kb import topics
from kb.build import build
from kb.library import Library
from kb.query import Query
from kb.text import parse_query
from kb.web import create_app
from tests.conftest import FIXTURES, WsgiClient, write_entry

BODY = "## What they did\n\n{text}\n\n## Learning points\n\n- A lesson.\n"


def _entry(folder, slug, title, summary, sectors, published, text="Something useful."):
    write_entry(folder, slug, f"""
        title: {title}
        summary: {summary}
        principles: [partnership-working]
        sectors: [{sectors}]
        published: {published}
        sources:
          - title: A report
            url: https://example.org/{slug}
            publisher: Northfield District Council
            date: {published}
        """, BODY.format(text=text))


def _pilots_and_clinics(root):
    """An entries folder with twelve housing entries about keyworker rotas and forty plainer
    health entries."""
    folder = root / "entries"
    folder.mkdir()
    shutil.copy(FIXTURES / "taxonomy.yaml", folder / "taxonomy.yaml")
    for n in range(12):
        _entry(folder, f"keyworker-rota-{n}", f"Keyworker rota pilot {n}",
               "A keyworker rota gave each tenant one named contact.", "housing",
               f"2010-01-{n + 1:02}")
    for n in range(40):
        _entry(folder, f"clinic-review-{n}", f"Clinic review {n}",
               "An annual report on a clinic's grant.", "health", f"2011-02-{n % 28 + 1:02}")
    return folder


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Twelve housing entries about keyworker rotas, forty plainer health entries, a plainer
    housing entry, and two entries alike but for their sector, each mentioning a keyworker
    rota once in its body."""
    folder = _pilots_and_clinics(tmp_path_factory.mktemp("topics"))
    _entry(folder, "hostel-plain", "A hostel refit", "An annual report on a refit.", "housing",
           "2012-03-01")
    twin = "The team kept a keyworker rota for the Saturday sessions."
    _entry(folder, "twin-housing", "Saturday sessions", "An annual report on the sessions.",
           "housing", "2009-01-01", twin)  # older: a tie would put it second
    _entry(folder, "twin-health", "Saturday sessions", "An annual report on the sessions.",
           "health", "2013-01-01", twin)
    index = tmp_path_factory.mktemp("topics-ix") / "ix"
    build(folder, index)
    return index


def test_words_typical_of_a_term_suggest_it(index):
    results = Library(index).search(Query(text="keyworker rota"))
    assert [(c.facet, c.slug) for c in results.suggested] == [("sector", "housing")]
    assert results.suggested[0].phrase == "keyworker, rota"
    assert results.concepts == []  # named by nothing: only suggested


def test_a_suggestion_lifts_the_tagged_entry_above_its_untagged_twin(index):
    results = Library(index).search(Query(text="keyworker rota", page_size=50))
    ranked = [h.slug for h in results.hits]
    assert ranked.index("twin-housing") < ranked.index("twin-health")
    housing, health = (results.hits[ranked.index(s)] for s in ("twin-housing", "twin-health"))
    assert housing.score > health.score
    assert [c.slug for c in housing.suggested_tags] == ["housing"]
    assert health.suggested_tags == []


def test_a_suggestion_lifts_an_entry_by_as_much_of_the_words_as_it_has(tmp_path):
    """'keyworker clipboard' suggests Housing, whose pilots say 'keyworker' and whose checks
    say 'clipboard': the health entry with both words ranks above all of them, each of which
    has half the words and gains half the lift."""
    folder = _pilots_and_clinics(tmp_path)
    for n in range(12):
        _entry(folder, f"clipboard-{n}", f"Clipboard check {n}", "A clipboard check.",
               "housing", f"2010-02-{n + 1:02}")
    _entry(folder, "both", "Clinic outreach",
           "A clinic keyworker kept a clipboard for the visits to each ward.", "health",
           "2013-01-01")
    build(folder, tmp_path / "ix")
    results = Library(tmp_path / "ix").search(Query(text="keyworker clipboard"))
    assert [c.slug for c in results.suggested] == ["housing"]
    assert results.hits[0].slug == "both", [h.slug for h in results.hits]


def test_a_suggestion_never_changes_what_matches(index):
    results = Library(index).search(Query(text="keyworker rota", page_size=50))
    found = {h.slug for h in results.hits}
    assert "hostel-plain" not in found  # tagged housing, but uses neither word
    assert found == {f"keyworker-rota-{n}" for n in range(12)} | {"twin-housing", "twin-health"}


@pytest.mark.parametrize("text", ["annual report", "qxzvjk", "clinic keyworker", "keyworker",
                                  "keyworker 7", "keyworker qxzvjk"])
def test_words_spread_across_terms_or_unknown_suggest_nothing(index, text):
    # 'annual report' is in every term's entries alike; 'clinic keyworker' pulls two ways;
    # one word (numbers aside, and words no entry uses) is too little evidence of a topic.
    assert Library(index).search(Query(text=text)).suggested == []


def test_the_page_and_json_say_which_term_the_words_suggest(index):
    client = WsgiClient(create_app(index))
    data = client.get("/search.json?q=keyworker+rota").json()
    assert [(c["value"], c["matched"]) for c in data["suggested"]] == [
        ("housing", "keyworker, rota")]
    assert all(h["matched"]["suggested"][0]["value"] == "housing" for h in data["results"]
               if h["slug"].startswith("keyworker-rota"))
    page = client.get("/search?q=keyworker+rota").body
    assert "Your words ‘keyworker’ and ‘rota’ are typical of examples tagged Housing" in page
    assert "a topic your words suggest" in page
    # sorted by date, the suggestion changes no order: the page does not claim it does
    assert "typical of" not in client.get("/search?q=keyworker+rota&sort=newest").body


def test_one_word_that_lifts_a_term_is_not_enough_beside_words_that_do_not(tmp_path):
    """'homeless' is one of Housing's own words, so it lifts Housing far above its share;
    'pilot' is in every entry and lifts nothing. One word is too little evidence of a topic,
    however strong; with 'keyworker', which Housing's entries use, there are two."""
    folder = tmp_path / "entries"
    folder.mkdir()
    shutil.copy(FIXTURES / "taxonomy.yaml", folder / "taxonomy.yaml")
    for n in range(3):
        _entry(folder, f"keyworker-{n}", f"Keyworker pilot {n}", "A pilot.", "housing",
               f"2010-01-{n + 1:02}")
    for n in range(40):
        summary = "A pilot for homeless patients." if n == 0 else "A pilot."
        _entry(folder, f"clinic-{n}", f"Clinic pilot {n}", summary, "health",
               f"2011-01-{n % 28 + 1:02}")
    build(folder, tmp_path / "ix")
    snap = Library(tmp_path / "ix").snapshot()
    assert topics.suggest(snap, parse_query("homeless pilot", snap.vocabulary, snap)) == []
    [(housing, _)] = topics.suggest(snap, parse_query("homeless keyworker pilot",
                                                      snap.vocabulary, snap))
    assert housing.slug == "housing" and housing.phrase == "homeless, keyworker"


def test_a_place_name_is_no_evidence_of_a_topic(tmp_path):
    """Three housing entries are about Gateshead, which names the North East: 'Gateshead
    Sunderland' says where, not what, so it suggests no topic, though both words are found
    only in Housing's entries; 'keyworker rota', typical of them too, does."""
    folder = tmp_path / "entries"
    folder.mkdir()
    shutil.copy(FIXTURES / "taxonomy.yaml", folder / "taxonomy.yaml")
    for n in range(3):
        _entry(folder, f"gateshead-{n}", f"Gateshead and Sunderland keyworker rota {n}",
               "A keyworker rota in Gateshead and Sunderland.", "housing", f"2010-01-{n + 1:02}")
    for n in range(40):
        _entry(folder, f"clinic-{n}", f"Clinic pilot {n}", "A pilot.", "health",
               f"2011-01-{n % 28 + 1:02}")
    build(folder, tmp_path / "ix")
    library = Library(tmp_path / "ix")
    assert library.search(Query(text="Gateshead Sunderland")).suggested == []
    assert [c.slug for c in library.search(Query(text="keyworker rota")).suggested] == [
        "housing"]


def test_a_suggestion_does_not_lift_an_entry_found_only_through_the_tag(index):
    """'homelessness' names Housing, whose entries 'keyworker rota' is typical of: the plain
    housing entry, found only through the tag, stays below the health entry that says
    'keyworker rota' itself."""
    ranked = [h.slug for h in Library(index).search(
        Query(text="keyworker rota homelessness", page_size=60)).hits]
    assert ranked.index("twin-health") < ranked.index("hostel-plain")


def test_a_suggestion_is_not_said_when_it_would_change_nothing(index):
    """Sorted by date, no result is marked as ranking higher for the suggested term; filtered
    to that term, every result has it, so the page does not say it ranks them higher."""
    library = Library(index)
    newest = library.search(Query(text="keyworker rota", sort="newest"))
    assert newest.suggested == [] and all(h.suggested_tags == [] for h in newest.hits)
    filtered = library.search(Query(text="keyworker rota", filters={"sector": ("housing",)}))
    assert filtered.total >= 1 and filtered.suggested == []
    assert all(h.suggested_tags == [] for h in filtered.hits)


def test_a_number_written_as_a_word_is_no_evidence_of_a_topic(index):
    """'keyworker seven' is 'keyworker 7': one word of evidence, too little."""
    assert Library(index).search(Query(text="keyworker seven")).suggested == []


def test_words_that_lift_two_terms_alike_suggest_neither(tmp_path):
    """Housing's and Social care's entries use 'keyworker rota' equally: the words say
    something about both, so neither is the topic (as generic words like 'services' lift
    several terms at once). With fewer of Social care's entries using them, Housing leads."""
    folder = tmp_path / "entries"
    folder.mkdir()
    shutil.copy(FIXTURES / "taxonomy.yaml", folder / "taxonomy.yaml")
    for sector, count in (("housing", 12), ("social-care", 12)):
        for n in range(count):
            _entry(folder, f"{sector}-rota-{n}", f"Keyworker rota {sector} {n}",
                   "A keyworker rota gave each tenant one named contact.", sector,
                   f"2010-01-{n + 1:02}")
    for n in range(40):
        _entry(folder, f"clinic-{n}", f"Clinic review {n}", "An annual report on a grant.",
               "health", f"2011-02-{n % 28 + 1:02}")
    build(folder, tmp_path / "ix")
    snap = Library(tmp_path / "ix").snapshot()
    assert topics.suggest(snap, parse_query("keyworker rota", snap.vocabulary, snap)) == []
    for n in range(4, 12):
        (folder / f"social-care-rota-{n}.md").unlink()
    build(folder, tmp_path / "ix")
    snap = Library(tmp_path / "ix").snapshot()
    [(housing, _)] = topics.suggest(snap, parse_query("keyworker rota", snap.vocabulary, snap))
    assert housing.slug == "housing"
