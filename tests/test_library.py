import datetime as dt
import random
import re

import pytest

from kb.analysis import index_term as stem
from kb.build import build
from kb.library import Library
from kb.query import Query
from kb.taxonomy import FACETS, FIELD, load_taxonomy
from tests.conftest import FIXTURES, VALID, write_entry

WORDS = ("grant contract tender volunteer hospice council partnership funding notice "
         "monitoring consultation housing youth carers advocacy outreach").split()


@pytest.fixture(scope="module")
def random_corpus(tmp_path_factory):
    """60 entries with seeded random tags and words: every facet term gets used."""
    rng = random.Random(7)
    folder = tmp_path_factory.mktemp("random") / "entries"
    folder.mkdir(parents=True)
    (folder / "taxonomy.yaml").write_text((FIXTURES / "taxonomy.yaml").read_text())
    taxonomy = load_taxonomy(folder / "taxonomy.yaml")
    truth = {}
    for i in range(60):
        tags = {f: rng.sample(sorted(taxonomy[f].terms), rng.randint(1 if f in
                ("principle", "sector") else 0, 3)) for f in FACETS}
        words = rng.sample(WORDS, 4)
        year = 2005 + i % 6
        front = (f"title: Example {i} about {words[0]}\nsummary: How a body handled {words[1]}.\n"
                 + "".join(f"{FIELD[f]}: [{', '.join(v)}]\n" for f, v in tags.items())
                 + f"published: {year}-0{1 + i % 9}-1{i % 10}\n")
        body = (f"## What they did\n\nThey worked on {words[2]} and {words[3]}.\n\n"
                "## Learning points\n\n- x\n")
        write_entry(folder, f"example-{i}", front, body)
        truth[f"example-{i}"] = {"tags": tags, "words": set(words), "year": year}
    index = tmp_path_factory.mktemp("random-ix") / "ix"
    build(folder, index)
    return Library(index), truth, taxonomy


def brute_force(truth, query: Query, matched: set[str]):
    def keep(slug, skip=None):
        t = truth[slug]
        if slug not in matched:
            return False
        return all(set(t["tags"][f]) & set(query.selected(f))
                   for f in FACETS if f != skip and query.selected(f))
    total = sum(keep(s) for s in truth)
    counts = {f: {} for f in FACETS}
    for f in FACETS:
        for slug in truth:
            if keep(slug, skip=f):
                for term in truth[slug]["tags"][f]:
                    counts[f][term] = counts[f].get(term, 0) + 1
    return total, counts


def naming(taxonomy, word: str) -> set[tuple[str, str]]:
    """The terms a single word names: a one-word label, part of a label that lists several
    things, or one of the term's one-word commissioners' words (compared by stem)."""
    out = set()
    for f in FACETS:
        for term in taxonomy[f].terms.values():
            parts = [p for p in re.split(r",| and ", term.label)] + list(term.words)
            if any(len(p.split()) == 1 and stem(p.strip()) == stem(word) for p in parts):
                out.add((f, term.slug))
    return out


def brute_force_matches(truth, taxonomy, text: str) -> set[str]:
    """The entries a query of plain words matches, worked out from what each entry says and
    is tagged with: any word the entry uses, or any term a word names that it is tagged with."""
    words = [w for w in text.split() if w != "OR"]
    named = set().union(*(naming(taxonomy, w) for w in words))
    return {slug for slug, t in truth.items()
            if {stem(w) for w in words} & {stem(w) for w in t["words"]}
            or any(term in t["tags"][f] for f, term in named)}


@pytest.mark.parametrize("text,filters", [
    ("", {"sector": ("health", "housing"), "principle": ("partnership-working",)}),
    ("", {"region": ("london",), "stage": ("plan", "review")}),
    ("grant", {"sector": ("health", "social-care"), "principle": ("volunteering",)}),
    ("volunteer OR hospice", {"principle": ("full-cost-recovery", "dispute-resolution")}),
    ("monitoring housing outreach", {"stage": ("review",)}),
    ("carers advocacy", {"region": ("london", "national"), "sector": ("social-care",)}),
    ("consultation tender notice", {"principle": ("community-groups", "volunteering")}),
])
def test_facet_counts_equal_brute_force(random_corpus, text, filters):
    library, truth, taxonomy = random_corpus
    unfiltered = library.search(Query(text=text, page_size=1000))
    matched = {h.slug for h in unfiltered.hits}
    assert len(matched) == unfiltered.total
    if text:  # which entries match: any word, or a term a word names (recall-first)
        assert matched == brute_force_matches(truth, taxonomy, text)
    query = Query(text=text, filters=filters)
    results = library.search(query)
    total, counts = brute_force(truth, query, matched)
    assert results.total == total
    for f in FACETS:
        got = {v.value: v.count for v in results.facets[f] if v.count}
        assert got == counts[f], f
        assert [v.value for v in results.facets[f]] == list(taxonomy[f].terms)
        assert {v.value for v in results.facets[f] if v.selected} == set(filters.get(f, ()))


@pytest.mark.parametrize("text", ["grant", "volunteer hospice council", "funding OR notice",
                                  "carers -youth", "monitoring housing outreach advocacy"])
def test_every_page_size_cuts_the_same_ranking(random_corpus, text):
    """A page of any size is the same stretch of one ranking, however many entries tie at its
    edge (entries written from the same few words score alike): best first, newer first among
    equal scores."""
    library, *_ = random_corpus
    full = library.search(Query(text=text, page_size=1000)).hits
    assert len(full) > 10
    assert [h.score for h in full] == sorted((h.score for h in full), reverse=True)
    order = [h.slug for h in full]
    for size in (1, 2, 3, 5, 7, 10):
        for page in (1, 2):
            hits = library.search(Query(text=text, page=page, page_size=size)).hits
            assert [h.slug for h in hits] == order[(page - 1) * size:page * size], (size, page)


def test_paging_is_stable_and_complete(random_corpus):
    library, truth, _ = random_corpus
    seen = []
    for page in range(1, 8):
        seen += [h.slug for h in library.search(Query(sort="title", page=page)).hits]
    assert len(seen) == len(set(seen)) == len(truth)


def test_sorting_by_date_and_title(random_corpus):
    library, *_ = random_corpus
    newest = library.search(Query(sort="newest", page_size=100)).hits
    assert [h.published for h in newest] == sorted((h.published for h in newest), reverse=True)
    oldest = library.search(Query(sort="oldest", page_size=100)).hits
    assert [h.published for h in oldest] == sorted(h.published for h in oldest)
    titles = [h.title.lower() for h in library.search(Query(sort="title", page_size=100)).hits]
    assert titles == sorted(titles)


def test_date_range_filters_published(random_corpus):
    library, truth, _ = random_corpus
    import datetime as dt
    results = library.search(Query(date_from=dt.date(2007, 1, 1), date_to=dt.date(2008, 12, 31),
                                   page_size=100))
    assert results.total == sum(1 for t in truth.values() if t["year"] in (2007, 2008))
    assert all("2007" <= h.published[:4] <= "2008" for h in results.hits)


@pytest.mark.parametrize("published, date_from, date_to, found", [
    ("2017", "2017-06-01", None, True), ("2017", None, "2017-03-31", True),
    ("2017", "2018-01-01", None, False), ("2017-03", "2017-03-31", None, True),
    ("2017-03", "2017-04-01", None, False), ("2017-03", None, "2017-02-28", False),
    ("2017-03-01", "2017-03-02", None, False)])
def test_a_month_or_year_is_in_a_range_that_overlaps_it(entries_dir, tmp_path, published,
                                                        date_from, date_to, found):
    """An entry dated only '2017' may be from June: a search from June 2017 keeps it, as it
    keeps an entry of 'March 2017' for a range ending on 31 March; a day is only its day."""
    write_entry(entries_dir, "vague", VALID.replace("published: 2009-01-05",
                                                    f"published: '{published}'"))
    build(entries_dir, tmp_path / "ix")
    dates = [dt.date.fromisoformat(d) if d else None for d in (date_from, date_to)]
    results = Library(tmp_path / "ix").search(Query(date_from=dates[0], date_to=dates[1]))
    assert ([h.slug for h in results.hits] == ["vague"]) is found


def test_a_query_finds_and_highlights(index_dir):
    library = Library(index_dir)
    results = library.search(Query(text="full cost recovery"))
    assert results.total >= 1
    assert "full-cost-recovery" in results.hits[0].principles
    assert any("<mark>" in h.highlights for h in results.hits)


def test_typo_gets_a_suggestion_and_a_fallback(index_dir):
    library = Library(index_dir)
    results = library.search(Query(text="hospcies"))
    assert results.suggestion == "hospices"
    assert results.total > 0 and results.corrections == [("hospcies", "hospices")]
    # A typo that stems like a real word matches through its stem, and is still a typo: the
    # page offers the word as it is spelt.
    stemmed = library.search(Query(text="procurment"))
    assert stemmed.total >= 1 and stemmed.corrections == [("procurment", "procurement")]
    # A word spelt as some entry spells it is never corrected, whatever its stem.
    assert not library.search(Query(text="procurement")).corrections


@pytest.mark.parametrize("text", ['"unbalanced', "(((", "AND OR NOT", "title:x body:", "*",
                                  "a" * 500, "NOT", "\u202e\u0000x"[0:2] + "x", "🙂 ~ ^ !"])
def test_odd_syntax_never_raises(index_dir, text):
    Library(index_dir).search(Query(text=text))


def test_hits_never_exceed_the_counted_total(index_dir):
    """A long question ranks only the documents it counts (a regression: hits once came from
    every document matching any word)."""
    library = Library(index_dir)
    for text in ("how much notice must we give before a grant ends?",
                 "can a charity we fund still campaign against government policy?"):
        results = library.search(Query(text=text, page_size=50))
        assert len(results.hits) == results.total


def _example(title: str, summary: str, principle: str, sector: str) -> str:
    return f"""
        title: {title}
        summary: {summary}
        principles: [{principle}]
        sectors: [{sector}]
        published: 2012-01-05
        sources:
          - title: A report
            url: https://example.org/report
            publisher: Northfield District Council
            date: 2012-01-05
        """


def test_related_examples_are_about_the_same_thing_whatever_their_sector(tmp_path):
    """Two gagging clauses in different sectors and principles are each other's nearest
    example, above examples that only share a tag; an example sharing neither a word of the
    title and summary nor a tag is not related at all."""
    folder = tmp_path / "entries"
    folder.mkdir()
    (folder / "taxonomy.yaml").write_bytes((FIXTURES / "taxonomy.yaml").read_bytes())
    examples = {
        "gagging-health": ("Gagging clause in a hospital charity's grant",
                           "A gagging clause stopped the charity speaking to the press.",
                           "independence-and-campaigning", "health"),
        "gagging-housing": ("Gagging clause in a housing contract",
                            "The council took the gagging clause out of the contract.",
                            "funding-and-procurement", "housing"),
        "same-tags": ("Clinic review", "An annual review of a clinic.",
                      "independence-and-campaigning", "health"),
        "nothing-shared": ("Allotment rota", "Plot holders kept a rota.",
                           "volunteering", "environment"),
    }
    for slug, fields in examples.items():
        write_entry(folder, slug, _example(*fields))
    build(folder, tmp_path / "ix")
    related = [r["slug"] for r in Library(tmp_path / "ix").related("gagging-health")]
    assert related == ["gagging-housing", "same-tags"]
