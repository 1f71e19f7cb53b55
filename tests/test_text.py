"""What a search's words mean: analysis, query syntax, synonyms, concepts, spelling, on the test
entries in tests/data/entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.library import Library
from kb.query import Query
from kb.synonyms import load_synonyms
from kb.taxonomy import load_taxonomy
from kb.text import parse_query
from kb.vocabulary import compile_vocabulary, phrase_forms
from tests.conftest import FIXTURES

WORDS = Path(__file__).resolve().parent / "data" / "english-words.txt"


@pytest.fixture(scope="module")
def library(index_dir) -> Library:
    return Library(index_dir)


def library_of(tmp_path: Path, texts: dict[str, str], synonyms: bool = False) -> Library:
    """An index of one entry per text (slug: its body's one sentence), with the test
    synonyms when asked."""
    from tests.conftest import VALID

    return library_of_fronts(tmp_path, {
        slug: (VALID.replace("A valid entry", f"Example {n}"), text)
        for n, (slug, text) in enumerate(texts.items())}, synonyms)


def library_of_fronts(tmp_path: Path, entries: dict[str, tuple[str, str]],
                      synonyms: bool = False) -> Library:
    """An index of one entry per (front matter, its body's one sentence)."""
    from kb.build import build
    from tests.conftest import write_entry

    folder = tmp_path / "entries"
    folder.mkdir()
    for name in ("taxonomy.yaml", *(["synonyms.yaml"] if synonyms else [])):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    for slug, (front, text) in entries.items():
        write_entry(folder, slug, front,
                    body=f"## What they did\n\n{text}\n\n## Learning points\n\n- A lesson.\n")
    build(folder, tmp_path / "ix")
    return Library(tmp_path / "ix")


def tagged(principle: str, text: str) -> tuple[str, str]:
    """The front matter of a test entry with this principle, and its text."""
    from tests.conftest import VALID

    return VALID.replace("[partnership-working]", f"[{principle}]"), text


OTHERS = {f"other-{n}": tagged("partnership-working", f"A grant for {thing}.")
          for n, thing in enumerate(("a roof", "a van", "a hall", "a garden"))}


def slugs(library: Library, text: str, **filters) -> set[str]:
    results = library.search(Query(text=text, filters=filters, page_size=100))
    assert len(results.hits) == results.total
    return {h.slug for h in results.hits}


@pytest.mark.parametrize("variants", [
    ("co-production", "coproduction", "co production"),
    ("light-touch", "light touch"),
    ("6 months notice", "six months notice"),
    ("not-for-profit", "not for profit"),
])
def test_spelling_variants_find_the_same_entries(library, variants):
    found = [slugs(library, v) for v in variants]
    assert found[0] and all(f == found[0] for f in found), dict(zip(variants, found, strict=True))


def test_any_word_can_match_and_more_words_rank_higher(library):
    results = library.search(Query(text="hospices mediator"))
    found = {h.slug for h in results.hits}
    assert {"pct-hospice-grants", "mediation-over-a-grant-cut"} <= found
    both = library.search(Query(text="grant cut mediation"))
    assert both.hits[0].slug == "mediation-over-a-grant-cut"
    assert both.complete >= 1 and both.total > both.complete


@pytest.mark.parametrize("text,included,excluded", [
    ('"black and minority ethnic"', {"bme-code-workshops"}, {"core-costs-in-grants"}),
    ("grants -hospices", {"core-costs-in-grants"}, {"pct-hospice-grants"}),
    ("grants NOT hospices", {"core-costs-in-grants"}, {"pct-hospice-grants"}),
    ("grants AND hospices", {"pct-hospice-grants"}, {"core-costs-in-grants"}),
    ("(hospices OR mediator) AND notice", {"pct-hospice-grants", "mediation-over-a-grant-cut"},
     {"core-costs-in-grants"}),
    ("+panel specification", {"co-production-panel"}, {"not-for-profit-tendering"}),
])
def test_explicit_syntax_keeps_its_meaning(library, text, included, excluded):
    found = slugs(library, text)
    assert included <= found and not excluded & found, found


def test_synonyms_match_newer_and_older_names(library):
    assert "bme-code-workshops" in slugs(library, "BAME groups")
    assert "bme-code-workshops" in slugs(library, "global majority")
    assert "pct-hospice-grants" in slugs(library, "ICB")


def test_a_concept_finds_tagged_entries_below_direct_matches_and_says_why(library):
    results = library.search(Query(text="reporting burden"))
    ranked = [h.slug for h in results.hits]
    # reporting-burden-review says the words; light-touch-monitoring is only tagged.
    assert ranked.index("reporting-burden-review") < ranked.index("light-touch-monitoring")
    assert [(c.slug, c.phrase) for c in results.concepts] == [
        ("proportionate-monitoring", "reporting burden")]
    tagged_only = results.hits[ranked.index("light-touch-monitoring")]
    assert tagged_only.matched_words == []
    assert [c.slug for c in tagged_only.matched_tags] == ["proportionate-monitoring"]


def test_a_quoted_phrase_is_never_matched_through_a_concept(library):
    assert slugs(library, '"reporting burden"') == {"reporting-burden-review"}
    # quoted as a word processor quotes, pasted
    assert slugs(library, '\u201creporting burden\u201d') == {"reporting-burden-review"}


def test_a_word_inside_a_longer_phrase_that_names_a_term_names_nothing_alone():
    """'judicial review' names Dispute resolution; its 'review' is not also the Review stage,
    though 'review' alone names it."""
    vocab = compile_vocabulary(load_taxonomy(FIXTURES / "taxonomy.yaml"),
                               load_synonyms(FIXTURES / "synonyms.yaml"))
    named = {(c.facet, c.slug) for c in parse_query("judicial review", vocab).concepts}
    assert named == {("principle", "dispute-resolution")}
    assert ("stage", "review") in {(c.facet, c.slug) for c in parse_query("review", vocab).concepts}


def test_concept_phrases_that_collapse_to_one_word_name_nothing():
    vocab = compile_vocabulary(load_taxonomy(FIXTURES / "taxonomy.yaml"),
                               load_synonyms(FIXTURES / "synonyms.yaml"))
    assert not parse_query("says", vocab).concepts  # 'have your say' is not 'say'
    assert phrase_forms("co-production panel") == [("co", "product", "panel"),
                                                   ("coproduct", "panel")]


@pytest.mark.parametrize("text,term,names", [
    ("housing", "housing", True), ("house", "housing", False), ("in-house", "housing", False),
    ("parks", "environment", True), ("parking", "environment", False),
    ("localism", "community-development", True), ("local", "community-development", False),
    ("volunteers", "volunteering", True), ("Volunteering", "volunteering", True),
    ("decommissioned", "three-months-notice", True), ("tendered", "source", True),
])
def test_a_word_names_a_term_as_the_term_writes_it_not_by_a_shared_stem(text, term, names):
    """'house' and 'housing', 'parking' and 'parks' share a stem but not a meaning."""
    vocab = compile_vocabulary(load_taxonomy(FIXTURES / "taxonomy.yaml"),
                               load_synonyms(FIXTURES / "synonyms.yaml"))
    assert any(c.slug == term for c in parse_query(text, vocab).concepts) is names


@pytest.mark.parametrize("compound,whole", [("in-house", "inhous"), ("well-being", "wellb"),
                                            ("e-mail", "email"), ("by-and-for", "byandfor")])
def test_a_compound_with_a_stop_word_part_is_read_whole(compound, whole):
    """'in-house' is not 'house', nor 'well-being' 'well': such a compound matches whole."""
    vocab = compile_vocabulary(load_taxonomy(FIXTURES / "taxonomy.yaml"), [])
    for text in (compound, f'"{compound}"'):
        [clause] = parse_query(text, vocab).clauses
        assert [a.terms for a in clause.alternatives] == [(whole,)], text


def test_misspelt_words_also_match_the_closest_word_and_offer_a_correction(library):
    results = library.search(Query(text="hospcies"))
    assert results.total and results.corrections == [("hospcies", "hospices")]
    assert results.suggestion == "hospices"
    # The correction names the same vocabulary terms the word would, and finds as much.
    right = library.search(Query(text="hospices"))
    assert [c.slug for c in results.concepts] == [c.slug for c in right.concepts] != []
    assert results.total == right.total


@pytest.mark.parametrize("text", ["qxzvjk wplmnt", "highways resurfacing potholes"])
def test_nonsense_and_out_of_scope_words_find_nothing_and_correct_nothing(library, text):
    results = library.search(Query(text=text))
    assert results.total == 0 and not results.corrections and results.suggestion is None
    assert results.unmatched == text.split()


@pytest.mark.parametrize("text", ['"unbalanced', "(((", "AND OR NOT", ")a(", "NOT", "-", "+",
                                  '-"', "a AND", "OR b", "((x) AND (y OR)) NOT"])
def test_odd_syntax_never_raises(library, text):
    library.search(Query(text=text))


@pytest.mark.parametrize("text", ["grants -health", "grants NOT health"])
def test_excluding_a_word_that_names_a_term_excludes_the_entries_tagged_with_it(library, text):
    """As 'health' finds the entries tagged Health, '-health' leaves them out."""
    every = library.search(Query(text="grants", page_size=100)).hits
    found = library.search(Query(text=text, page_size=100))
    assert any("health" in h.sectors for h in every) and found.hits
    assert {h.slug for h in found.hits} == {h.slug for h in every if "health" not in h.sectors}
    assert all(c.slug != "health" for c in found.concepts)  # not said to be included


def test_a_term_word_no_entry_uses_does_not_outrank_entries_with_the_other_words(tmp_path):
    """'ombudsman Suffolk': no entry says 'ombudsman', which names Dispute resolution. The
    entries tagged with it match that word only through the tag; the entry that says
    'Suffolk' matches a word of its own, and must come first (a tag never outweighs words
    because its word is rare: it is rare only because no entry uses it)."""
    from kb.build import build
    from tests.conftest import VALID, write_entry

    entries = tmp_path / "entries"
    for name in ("taxonomy.yaml", "synonyms.yaml"):
        (entries / name).parent.mkdir(exist_ok=True)
        (entries / name).write_bytes((FIXTURES / name).read_bytes())
    for n in range(60):  # a collection, most of it about other things
        write_entry(entries, f"other-{n}", VALID.replace("A valid entry", f"Example {n}"))
    for n in range(8):
        write_entry(entries, f"dispute-{n}", VALID.replace(
            "[partnership-working]", "[dispute-resolution]").replace(
            "A valid entry", f"A disagreement settled, case {n}"))
    write_entry(entries, "suffolk-grants", VALID.replace(
        "A short summary of the entry.", "The county of Suffolk reviews its grants."))
    build(entries, tmp_path / "ix")
    found = Library(tmp_path / "ix").search(Query(text="ombudsman Suffolk"))
    assert found.hits[0].slug == "suffolk-grants", [(h.slug, h.score) for h in found.hits]
    assert {h.slug for h in found.hits[1:]} == {f"dispute-{n}" for n in range(8)}


def test_a_compound_with_two_words_left_matches_them_side_by_side():
    """'value-for-money' finds 'value for money', as written in entries and term words."""
    vocab = compile_vocabulary(load_taxonomy(FIXTURES / "taxonomy.yaml"), [])
    [clause] = parse_query("value-for-money", vocab).clauses
    assert [a.terms for a in clause.alternatives] == [("valu", "monei"), ("valueformonei",)]


def test_a_misspelt_word_in_a_terms_phrase_names_the_term_once_corrected(library):
    """'rough sleepng' names Housing as 'rough sleeping' does."""
    snap = library.snapshot()
    right = parse_query("rough sleeping", snap.vocabulary, lexicon=snap)
    wrong = parse_query("rough sleepng", snap.vocabulary, lexicon=snap)
    assert [c.correction for c in wrong.clauses] == [None, "sleeping"]
    assert ("sector", "housing") in {(c.facet, c.slug) for c in right.concepts}
    assert {(c.facet, c.slug) for c in right.concepts} == \
        {(c.facet, c.slug) for c in wrong.concepts}


def test_a_corrected_word_brings_its_synonyms(library):
    """'grnat' finds what 'grant' finds: the word and its synonym group (grant aid...)."""
    assert slugs(library, "grnat") == slugs(library, "grant")


def test_words_typed_apart_find_the_hyphenated_word_entries_write(tmp_path):
    """'well being' finds well-being before every 'as well as'; 'face to face' finds
    face-to-face before every 'face'; 'in house' in-house before every 'house'."""
    texts = {"wellbeing": "Staff well-being came first.", "as-well": "Grants as well as loans.",
             "meetings": "They met face-to-face.", "faces": "It had to face cuts.",
             "in-house": "The service went back in-house.", "house": "A house for families."}
    library = library_of(tmp_path, texts)
    for query, first in (("well being", "wellbeing"), ("face to face", "meetings"),
                         ("in house", "in-house")):
        assert library.search(Query(text=query)).hits[0].slug == first, query


@pytest.mark.parametrize("text,label_names", [("hospice -health", True), ("hospice -ccg", False),
                                              ("hospice NOT pct", False)])
def test_only_a_terms_own_name_excludes_its_tagged_entries(library, text, label_names):
    """'-health' leaves out the entries tagged Health; '-ccg', a word listed for Health, leaves
    out only the entries that say CCG (or its synonyms), not every health example."""
    vocab = library.snapshot().vocabulary
    excluded = {c.slug for c in parse_query(text, vocab).excluded}
    assert ("health" in excluded) is label_names


def test_a_word_typed_in_capitals_is_an_acronym_never_corrected(library):
    """'ESFA' is a name, not a misspelt 'ESF'; the same letters in lower case are corrected
    when an entry's word is one edit away."""
    snap = library.snapshot()
    [typed] = parse_query("HOSPCE", snap.vocabulary, lexicon=snap).clauses
    [lower] = parse_query("hospce", snap.vocabulary, lexicon=snap).clauses
    assert typed.correction is None and lower.correction == "hospice"


def test_a_correction_is_never_a_word_that_finds_nothing(library):
    """A word that only a term's longer phrase uses ('sleeping', of 'rough sleeping')
    corrects only inside it."""
    snap = library.snapshot()
    assert not snap.uses("sleeping") and "sleeping" in snap.vocabulary.words
    [clause] = parse_query("sleepng", snap.vocabulary, lexicon=snap).clauses
    assert clause.correction != "sleeping"
    fixed = parse_query("rough sleepng", snap.vocabulary, lexicon=snap)
    assert [c.correction for c in fixed.clauses] == [None, "sleeping"]


@pytest.mark.parametrize("text,small", [("hospices wich grants", "which"),
                                        ("hospices durring grants", "during"),
                                        ("hospices AND becuase", "because")])
def test_a_misspelt_small_word_is_corrected_and_left_out_of_the_search(library, text, small):
    """'wich' is 'which', not 'wish': named as the correction, then searched as a stop word
    is, not at all (an AND with it still finds what the other side finds)."""
    snap = library.snapshot()
    query = parse_query(text, snap.vocabulary, lexicon=snap)
    [fixed] = [c for c in query.clauses if c.correction]
    assert fixed.correction == small and not fixed.alternatives
    assert query.corrected_text(text) == text.replace(fixed.text, small)
    plain = " ".join(w for w in text.split() if w != fixed.text)
    assert slugs(library, text) == slugs(library, plain) != set()


def test_a_misspelt_small_word_alone_leaves_nothing_to_search(library):
    snap = library.snapshot()
    query = parse_query("durring", snap.vocabulary, lexicon=snap)
    assert query.clauses[0].correction == "during" and query.positive == []
    assert slugs(library, "durring") == set()


def test_two_words_typed_apart_find_the_closed_word_entries_write(tmp_path):
    """'grass roots' finds the entry that says 'grassroots', and 'child care' the one that
    says 'childcare', as the closed words themselves do; 'well being' is not 'as well as'."""
    texts = {"grassroots": "Small grassroots groups applied.", "childcare": "Childcare places.",
             "wellbeing": "Staff wellbeing came first.", "as-well": "Grants as well as loans."}
    library = library_of(tmp_path, texts)
    for spaced, closed in (("grass roots", "grassroots"), ("child care", "childcare"),
                           ("well being", "wellbeing")):
        assert slugs(library, spaced) == slugs(library, closed) == {closed}, spaced


@pytest.mark.parametrize("typed", ["multi yaer", "multi-yaer"])
def test_a_misspelt_word_joins_its_neighbour_as_corrected(tmp_path, typed):
    """'multi-yaer' names Multi-year funding as 'multi-year' does: words typed apart are
    joined into the word entries write after correction, not as typed."""
    texts = {"multiyear": "A multiyear grant was agreed.", "yearly": "Every year a report."}
    snap = library_of(tmp_path, texts).snapshot()
    right = {(c.facet, c.slug) for c in parse_query("multi-year", snap.vocabulary, snap).concepts}
    named = parse_query(typed, snap.vocabulary, snap).concepts
    assert ("principle", "multi-year-funding") in right
    assert {(c.facet, c.slug) for c in named} == right
    assert [c.phrase for c in named] == ["multi year"]  # both words, as corrected



def test_a_misspelt_word_names_what_its_correction_names_not_what_its_stem_shares(
        entries_dir, tmp_path):
    """'tendr' is corrected to 'tender': it names what 'tender' names, not East of England,
    whose place 'Tendring' has the stem 'tendr'; 'tendring' typed right still names it."""
    from kb.build import build
    from tests.conftest import VALID, write_entry

    taxonomy = entries_dir / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("words: [bedfordshire,",
                                                     "words: [tendring, bedfordshire,"))
    write_entry(entries_dir, "tender", VALID, body="## What they did\n\nThe tender was let.\n")
    build(entries_dir, tmp_path / "ix")
    snap = Library(tmp_path / "ix").snapshot()
    typo = parse_query("tendr", snap.vocabulary, snap)
    assert [c.correction for c in typo.clauses] == ["tender"]
    assert ("region", "east-of-england") not in {(c.facet, c.slug) for c in typo.concepts}
    right = parse_query("tendring", snap.vocabulary, snap)
    assert ("region", "east-of-england") in {(c.facet, c.slug) for c in right.concepts}


@pytest.mark.parametrize("typed,meant", [
    ("grants AND NOT health", "grants NOT health"), ("grants AND -health", "grants NOT health"),
    ("grants -(health OR housing)", "grants NOT (health OR housing)"),
    ("grants AND NOT (health OR housing)", "grants NOT (health OR housing)"),
])
def test_an_exclusion_joined_by_and_or_before_brackets_still_excludes(library, typed, meant):
    found, expected = slugs(library, typed), slugs(library, meant)
    assert found == expected and found != slugs(library, meant.replace("NOT", "AND"))


def test_a_quoted_phrase_with_small_words_or_written_closed_is_found(tmp_path):
    """'"the Compact"' finds the entry that says it (the small word is not indexed); '"grass
    roots"' the one that writes grassroots; '"in house"' stays in-house, not every house."""
    library = library_of(tmp_path, {"compact": "The Compact was signed.",
                                    "grassroots": "Small grassroots groups.",
                                    "in-house": "The service went back in-house.",
                                    "house": "A house for families."})
    for phrase, found in (('"the Compact"', {"compact"}), ('"grass roots"', {"grassroots"}),
                          ('"in house"', {"in-house"})):
        assert slugs(library, phrase) == found, phrase


def test_an_acronyms_plural_and_a_capitalised_typo(library):
    """'CICs' is a name, never corrected; 'Hospcies' typed with a capital is corrected and
    offered with its capital, as 'hospcies' is without."""
    snap = library.snapshot()
    [plural] = parse_query("CICs", snap.vocabulary, lexicon=snap).clauses
    assert plural.acronym and plural.correction is None
    assert library.search(Query(text="Hospcies")).suggestion == "Hospices"


def test_a_closed_english_word_no_entry_uses_finds_its_words_written_apart(tmp_path):
    """'healthcare' is English, so it is never corrected; but where entries write 'health
    care', it finds them, as 'coproduction' finds 'co production'."""
    library = library_of(tmp_path, {"apart": "Good health care for all.",
                                    "health": "Health visitors.", "care": "Care homes."})
    results = library.search(Query(text="healthcare"))
    assert [h.slug for h in results.hits] == ["apart"] and not results.corrections


def test_a_closed_compound_some_entries_use_also_finds_it_written_apart(tmp_path):
    """One entry says 'childcare', another 'child care': a search for either finds both."""
    library = library_of(tmp_path, {"closed": "Childcare places for working parents.",
                                    "apart": "Child care places in the village.",
                                    "child": "A child protection plan."})
    assert slugs(library, "childcare") == {"closed", "apart"}


def test_entries_found_through_a_tag_rank_by_how_much_they_use_the_terms_words(tmp_path):
    """'co-design' names Partnership working, which every entry here is tagged with and none
    says: the entry whose text uses the term's own words (joint working, equal partners,
    shared aims) comes first, though it was indexed last."""
    library = library_of(tmp_path, {
        "roof": "The grant paid for a new roof on the hall.",
        "van": "The grant bought a van for the food bank.",
        "partners": "Joint working as equal partners, with shared aims agreed early.",
    })
    hits = library.search(Query(text="co-design")).hits
    assert [h.slug for h in hits][0] == "partners" and len(hits) == 3
    assert hits[0].matched_tags and hits[1].score < hits[0].score


def test_an_entry_found_only_through_a_tag_ranks_below_every_entry_that_has_the_word(
        tmp_path):
    """'hospice' names Health: the Housing entry that mentions a hospice once, in passing,
    comes before the Health entries that never say it, however much they use Health's
    other words; among those, the one using them most comes first."""
    from kb.build import build
    from tests.conftest import VALID, write_entry

    entries = tmp_path / "entries"
    entries.mkdir()
    (entries / "taxonomy.yaml").write_bytes((FIXTURES / "taxonomy.yaml").read_bytes())
    texts = {"says": ("housing", "A long tenancy support scheme for families in temporary "
                                 "accommodation, run by a housing association, whose staff "
                                 "once visited a hospice with a tenant."),
             "nhs": ("health", "NHS primary care, community care and palliative care, with "
                               "public health and mental health funding from the NHS."),
             "little": ("health", "A grant for a village hall roof.")}
    for slug, (sector, text) in texts.items():
        write_entry(entries, slug, VALID.replace("[health]", f"[{sector}]"),
                    body=f"## What they did\n\n{text}\n\n## Learning points\n\n- A lesson.\n")
    build(entries, tmp_path / "ix")
    hits = Library(tmp_path / "ix").search(Query(text="hospice")).hits
    assert [h.slug for h in hits] == ["says", "nhs", "little"]


def test_a_possessive_leaves_the_next_word_as_typed(library):
    """'council's ending' searches 'ending', not 'sending'."""
    snap = library.snapshot()
    query = parse_query("council's ending of funding", snap.vocabulary, lexicon=snap)
    assert [c.text for c in query.clauses] == ["council", "ending", "funding"]
    assert all(a.terms != ("send",) for c in query.clauses for a in c.alternatives)


def test_a_terms_word_that_is_the_initials_of_another_is_its_synonym(tmp_path):
    """'pbr' and 'payment by results' (one term's words) find each other's entries; 'cvs',
    of 'council for voluntary service' with its small word skipped, too; a synonym group
    that already has the words keeps them (no second group splits it)."""
    text = (FIXTURES / "taxonomy.yaml").read_text(encoding="utf-8")
    (tmp_path / "taxonomy.yaml").write_text(text.replace("european funding, tupe]",
                                                         "european funding, tupe, pbr]"))
    synonyms = [("full cost recovery", "fcr", "core cost recovery")]
    vocab = compile_vocabulary(load_taxonomy(tmp_path / "taxonomy.yaml"), synonyms)
    for typed, other in (("pbr", ("payment", "result")), ("payment by results", ("pbr",)),
                         ("cvs", ("council", "voluntari", "servic"))):
        found = {a.terms for c in parse_query(typed, vocab).clauses for a in c.alternatives}
        assert other in found, typed
    [fcr] = parse_query("fcr", vocab).clauses
    assert ("core", "cost", "recoveri") in {a.terms for a in fcr.alternatives}


def test_a_correction_keeps_the_capital_the_word_was_typed_with(library):
    snap = library.snapshot()
    typed = "NHS Hospcies hospcies"
    query = parse_query(typed, snap.vocabulary, lexicon=snap)
    assert query.corrected_text(typed) == "NHS Hospices hospices"


def test_a_prefix_typed_apart_matches_only_with_its_word(tmp_path):
    """'co signed' finds the entry that says co-signed, not every co-ordinator; 'multi
    storey', with no entry saying multi-storey, searches 'storey' alone, not every
    multi-year grant."""
    library = library_of(tmp_path, {"cosigned": "The letter was co-signed by both.",
                                    "coordinators": "Volunteer co-ordinators met monthly.",
                                    "multiyear": "A multi-year grant for the hall.",
                                    "storey": "A storey was added to the hall."})
    assert slugs(library, "co signed") == {"cosigned"}
    assert slugs(library, "multi storey") == {"storey"}
    assert slugs(library, "co") == {"cosigned", "coordinators"}  # alone, it is what was typed


def test_a_word_that_is_also_a_prefix_stays_a_word(tmp_path):
    """'post' is a word ('a new post'), so 'post funded' searches it, not only 'postfunded'."""
    library = library_of(tmp_path, {"post": "A new post was created.",
                                    "funded": "The hall was funded."})
    assert slugs(library, "post funded") == {"post", "funded"}


def test_an_entry_with_the_word_as_typed_ranks_above_one_sharing_only_its_stem(tmp_path):
    """'organisations' and 'organising' share Porter's stem: both match, the entry that says
    organisations (or organisation) first, though indexed last and said once."""
    library = library_of(tmp_path, {
        "organising": "The team was organising events, organising rotas and organising halls.",
        "organisation": "Its organisation with groups improved."})
    hits = library.search(Query(text="organisations")).hits
    assert [h.slug for h in hits] == ["organisation", "organising"]
    assert [h.slug for h in library.search(Query(text="organising")).hits][0] == "organising"


def test_a_corrected_word_ranks_as_the_word_typed_right(tmp_path):
    """'comissioning' is 'commissioning': an entry that says commissioning comes before one
    that only shares its stem ('the Commission'), as it does for the word typed right."""
    library = library_of(tmp_path, {
        "commission": "The Commission met, the Commission wrote, and the Commission spoke.",
        "commissioning": "The council reviewed its commissioning of services."})
    right = [h.slug for h in library.search(Query(text="commissioning")).hits]
    assert right == ["commissioning", "commission"]
    assert [h.slug for h in library.search(Query(text="comissioning")).hits] == right


def test_a_corrected_search_ranks_as_the_search_typed_right(tmp_path):
    """'grant agreemnt' ranks as 'grant agreement': the corrected word counts in full, and
    side by side with its neighbour as the right spelling would be."""
    library = library_of(tmp_path, {
        "together": "The grant agreement was signed in May.",
        "apart": "A grant was paid in May. The agreement came later.",
        "grants": "Grants, grants and more grants for grant holders."})
    right = [(h.slug, h.score) for h in library.search(Query(text="grant agreement")).hits]
    assert right[0][0] == "together"
    assert [(h.slug, h.score) for h in library.search(Query(text="grant agreemnt")).hits] == \
        right


def test_a_misspelling_sharing_the_words_stem_is_still_offered_corrected(tmp_path):
    """'experiance' shares Porter's stem with 'experience', so it finds its entries as it is;
    the page still says what was meant."""
    library = library_of(tmp_path, {"exp": "Their experience of the scheme was good.",
                                    "hall": "A new roof for the hall."})
    results = library.search(Query(text="experiance"))
    assert results.suggestion == "experience" and [h.slug for h in results.hits] == ["exp"]


@pytest.mark.parametrize("word, other", [("communications", "community"), ("housing", "house"),
                                         ("authority", "author"), ("experiment", "experience"),
                                         ("business", "busy"), ("generation", "generic"),
                                         ("news", "new"), ("locality", "local"),
                                         ("publicity", "public"), ("informal", "information"),
                                         ("officers", "office"), ("localism", "local"),
                                         ("specification", "specific")])
def test_words_porter_would_merge_with_another_word_find_only_their_own(tmp_path, word, other):
    """Porter's stemmer cuts 'community' and 'communications' to one stem, 'housing' and
    'house' (so 'in-house') to another: each finds the entries that use it, not the other."""
    library = library_of(tmp_path, {"mine": f"A note on {word} in the county.",
                                    "other": f"A note on {other} in the county."})
    assert [h.slug for h in library.search(Query(text=word)).hits] == ["mine"]
    assert [h.slug for h in library.search(Query(text=other)).hits] == ["other"]


def test_the_forms_of_a_word_porter_cuts_two_ways_find_each_other(tmp_path):
    """Porter cuts 'generation' to 'gener' but 'generated' to 'generat': the family is one."""
    library = library_of(tmp_path, {"made": "The shop generated income for the charity.",
                                    "kind": "A generic service for everyone."})
    assert [h.slug for h in library.search(Query(text="income generation")).hits][0] == "made"
    assert "kind" not in {h.slug for h in library.search(Query(text="generation")).hits}


def test_a_misspelling_of_a_word_entries_use_in_another_form_is_corrected(tmp_path):
    """'safegaurding' is one swap from 'safeguarding', which no entry says, but an entry
    says 'safeguard': the English word is searched, and finds it by its stem."""
    library = library_of(tmp_path, {"guard": "Policies to safeguard children.",
                                    "hall": "A new roof for the hall."})
    results = library.search(Query(text="safegaurding"))
    assert [h.slug for h in results.hits] == ["guard"]
    assert results.corrections == [("safegaurding", "safeguarding")]
    assert library.search(Query(text="qxzvjk")).total == 0


@pytest.mark.parametrize("typed, meant", [("co-producton", "co-production"),
                                           ("co prodution", "co production"),
                                           ("non-proffit", "non-profit")])
def test_a_misspelt_word_after_a_prefix_is_corrected_with_the_prefix(tmp_path, typed, meant):
    """'co-producton' is one letter from 'coproduction', which an entry writes, and two from
    'products', which another writes; no entry writes 'production' alone. The word after a
    prefix is corrected as the two are one word, and finds what the right spelling finds."""
    library = library_of(tmp_path, {
        "coproduction": "The council funded coproduction with service users.",
        "nonprofit": "A nonprofit ran the hall.",
        "products": "The shop sold products and proffers rose."})
    results = library.search(Query(text=typed))
    assert results.suggestion == meant
    right = library.search(Query(text=meant))
    assert [h.slug for h in results.hits][:1] == [h.slug for h in right.hits][:1]
    assert results.hits[0].slug in ("coproduction", "nonprofit")


@pytest.mark.parametrize("typed, meant", [("re-aply", "re-apply"), ("co-fnding", "co-funding")])
def test_a_prefix_does_not_pull_a_word_nearer_alone_into_another(tmp_path, typed, meant):
    """'re-aply' is one letter from 'apply' and, joined, one from 'really': the word's own
    correction is as near, so it stands (not 're-ally'); 'co-fnding' is 'co-funding', not
    'co-unting' ('counting')."""
    library = library_of(tmp_path, {"apply": "Groups apply for funding each year.",
                                    "really": "It was really about counting volunteers."})
    assert library.search(Query(text=typed)).suggestion == meant


def test_a_prefix_is_never_split_off_a_word_that_is_not_a_compound(tmp_path):
    """'co-untng' is near 'counting' as one word, but 'unting' is no word: it is not offered
    as 'co-unting'. 'de-commisioning' is decommissioning, which an entry writes, and finds
    what the right spelling finds, not every entry about commissioning."""
    library = library_of(tmp_path, {
        "counting": "The team was counting volunteers.",
        "decom": "The council managed the decommissioning of the service with care.",
        "commission": "The council's commissioning of the service went well."})
    assert library.search(Query(text="co-untng")).suggestion != "co-unting"
    typo = library.search(Query(text="de-commisioning"))
    assert typo.suggestion == "de-commissioning"
    assert [h.slug for h in typo.hits] == [
        h.slug for h in library.search(Query(text="de-commissioning")).hits] == ["decom"]


def test_an_acronyms_plural_finds_the_acronym(tmp_path):
    """'CVSs' (several CVS) finds the entry that says CVS; 'ICBs' the one that says ICB."""
    library = library_of(tmp_path, {"cvs": "The local CVS ran the scheme.",
                                    "icb": "The ICB paid for it.", "hall": "A hall roof."})
    assert slugs(library, "CVSs") == {"cvs"} and slugs(library, "ICBs") >= {"icb"}


def test_a_correct_word_out_of_place_is_offered_not_searched(tmp_path):
    """'heath' is English, so 'mental heath' searches what it says; but entries say 'mental
    health', one letter away, and never 'mental heath': that is offered as 'Did you mean'."""
    library = library_of(tmp_path, {
        "one": "Mental health support.", "two": "A mental health charity.",
        "heath": "A walk on the heath.", "hall": "A new roof for the hall."})
    results = library.search(Query(text="Mental heath"))
    assert results.suggestion == "Mental health" and results.corrections == []
    assert {h.slug for h in results.hits} == slugs(library, "mental heath")
    assert library.search(Query(text="mental health")).suggestion is None
    assert library.search(Query(text="heath walk")).suggestion is None


def test_a_word_ending_in_a_star_finds_every_word_starting_so(tmp_path):
    """'volunt*' finds voluntary and volunteers alike (not only what 'volunt' stems as);
    '-volunt*' leaves them out; 'zzqq*' finds nothing and is named as unused."""
    library = library_of(tmp_path, {"sector": "The voluntary sector met.",
                                    "helpers": "Volunteers helped at the hall.",
                                    "hall": "A new roof for the hall."})
    assert slugs(library, "volunt*") == {"sector", "helpers"}
    assert slugs(library, "vo*") == {"sector", "helpers"}  # two letters are enough
    assert slugs(library, "hall -volunt*") == {"hall"}
    results = library.search(Query(text="zzqq*"))
    assert results.total == 0 and results.unmatched == ["zzqq*"]


def test_a_star_after_a_compound_finds_the_compound_written_either_way(tmp_path):
    """'coprod*' and 'co-prod*' find co-production, written with its hyphen or closed, which
    the words entries write hold only in parts ('co', 'production')."""
    library = library_of(tmp_path, {"hyphen": "Services designed by co-production.",
                                    "closed": "Coproduced with residents.",
                                    "other": "Production of a leaflet."})
    for typed in ("coprod*", "co-prod*", "Co\u2011prod*"):
        assert slugs(library, typed) == {"hyphen", "closed"}, typed
    assert slugs(library, "production -co-prod*") == {"other"}


def test_a_star_after_a_hyphen_finds_compounds_not_every_word_with_those_letters(tmp_path):
    """'co-des*' is co-design, however written ('co-design', 'codesign', 'co design'), not
    'codes'; 'light-tou*' finds 'light touch' spaced as well as hyphenated."""
    library = library_of(tmp_path, {"hyphen": "Services co-designed with residents.",
                                    "closed": "A codesign workshop.",
                                    "spaced": "Light touch monitoring, co design too.",
                                    "codes": "The Codes of Good Practice.",
                                    "lighter": "A light-touch return."})
    assert slugs(library, "co-des*") == {"hyphen", "closed", "spaced"}
    assert slugs(library, "light-tou*") == {"spaced", "lighter"}


def test_a_field_named_before_a_word_searches_the_word(tmp_path):
    """'title:youth', as other search boxes allow, is 'youth': every field is searched."""
    library = library_of(tmp_path, {"youth": "A youth club.",
                                    "title": "The title deeds of the hall."})
    assert slugs(library, "title:youth") == slugs(library, "Title: youth") == {"youth"}


def test_a_word_typed_in_capitals_is_offered_in_capitals(tmp_path):
    library = library_of(tmp_path, {"one": "Mental health support.",
                                    "two": "A mental health charity.", "hospice": "A hospice."})
    assert library.search(Query(text="MENTAL HEATH")).suggestion == "MENTAL HEALTH"
    assert library.search(Query(text="HOSPCIE")).suggestion == "HOSPICE"


def test_an_entry_tagged_like_the_best_results_ranks_above_its_twin(tmp_path):
    """'rota': the best results are all Housing examples; of two entries that say 'rota'
    once, alike but for their sector, the Housing one comes first, though the Health one is
    newer (a tie would put it first)."""
    from kb.build import build
    from tests.conftest import VALID, write_entry

    entries = tmp_path / "entries"
    entries.mkdir()
    (entries / "taxonomy.yaml").write_bytes((FIXTURES / "taxonomy.yaml").read_bytes())
    said = "The team met weekly to plan the hall's opening hours and kept a rota."
    texts = {**{f"best-{n}": ("housing", f"Rota {n}", "2010-01-05", "A rota of tenants.")
                for n in range(11)},
             "twin-housing": ("housing", "Hall hours", "2009-01-05", said),
             "twin-health": ("health", "Hall hours", "2011-01-05", said)}
    for slug, (sector, title, published, text) in texts.items():
        front = VALID.replace("[health]", f"[{sector}]").replace("A valid entry", title)
        write_entry(entries, slug, front.replace("published: 2009-01-05",
                                                 f"published: {published}"),
                    body=f"## What they did\n\n{text}\n\n## Learning points\n\n- A lesson.\n")
    build(entries, tmp_path / "ix")
    ranked = [h.slug for h in Library(tmp_path / "ix").search(
        Query(text="rota", page_size=20)).hits]
    assert ranked.index("twin-housing") < ranked.index("twin-health"), ranked


def test_a_plus_word_must_be_in_the_text_not_only_a_tag(library):
    """'+overheads' names Full cost recovery, but an entry only tagged so does not contain
    the word it must contain."""
    tagged_only = {h.slug for h in library.search(Query(text="overheads")).hits
                   if not h.matched_words}
    assert tagged_only, "the test needs an entry found only through the tag"
    assert slugs(library, "+overheads") == {"core-costs-in-grants"}


def test_a_word_cut_short_matches_the_words_entries_start_so(library):
    """'hospi' is no word: rather than the closest word, it means the words it starts."""
    results = library.search(Query(text="hospi"))
    assert results.corrections == [("hospi", "hospi*")]
    assert "pct-hospice-grants" in {h.slug for h in results.hits}
    completed = library.search(Query(text="hospic"))  # a letter short of 'hospice'
    assert completed.corrections == [("hospic", "hospice")]


def test_an_acronym_with_two_letters_swapped_is_offered_not_searched(library):
    """'PTC' is no name anything here uses, and 'PCT' is: maybe a slip of the fingers, maybe
    a name of its own ('MBE' is not 'BME'), so 'Did you mean' offers it and the search keeps
    to what was typed."""
    results = library.search(Query(text="PTC grants"))
    assert results.suggestion == "PCT grants" and results.corrections == []
    assert slugs(library, "PTC grants") == slugs(library, "grants")
    assert library.search(Query(text="PCTX")).suggestion is None  # a letter more: another name


def test_an_acronym_that_is_also_a_word_is_not_offered_another(tmp_path):
    """'CAT' is a word (and commissioners' initials for community asset transfer): swapped it
    is 'ACT', which an entry uses, but that is no likelier meant, so nothing is offered.
    'ATC', no word, is still offered 'ACT'."""
    library = library_of(tmp_path, {"act": "The Act changed how the council ran grants."})
    assert library.search(Query(text="CAT")).suggestion is None
    assert library.search(Query(text="ATC")).suggestion == "ACT"


def test_a_listed_phrase_of_small_words_and_one_other_names_its_term(library):
    """'below the radar' loses 'below' and 'the' as small words; typed whole, it still names
    Community groups, while 'radar' alone names nothing."""
    results = library.search(Query(text="below the radar"))
    assert [(c.slug, c.phrase) for c in results.concepts] == [
        ("community-groups", "below the radar")]
    assert "not-for-profit-tendering" in {h.slug for h in results.hits}
    assert library.search(Query(text="radar")).concepts == []


def test_the_words_of_a_place_no_entry_names_match_nothing_alone(tmp_path):
    """'Isles of Scilly' names South West. Where no entry writes it, 'isles' alone is no
    match: an entry about the British Isles is not a result. Where one does, it comes first."""
    (tmp_path / "gone").mkdir()
    gone = library_of(tmp_path / "gone", {"isles": "Groups across the British Isles met."})
    assert "isles" not in slugs(gone, "Isles of Scilly")
    assert "isles" in slugs(gone, "isles")
    library = library_of(tmp_path, {"isles": "Groups across the British Isles met.",
                                    "scilly": "The Isles of Scilly trust met."})
    assert [h.slug for h in library.search(Query(text="Isles of Scilly")).hits][0] == "scilly"


@pytest.mark.parametrize("typed, meant", [("under-fundng", "under-funding"),
                                          ("folow-up", "follow-up")])
def test_a_compound_read_whole_for_its_small_word_is_corrected_in_its_other(tmp_path, typed,
                                                                             meant):
    """'under-funding' is read whole ('under' alone means nothing), so a typo in its other
    word is corrected there and the search finds what the compound typed right finds."""
    library = library_of(tmp_path, {
        "under": "Years of underfunding left the service short; a follow-up review agreed.",
        "funding": "Funding for the hall, and funding to follow."})
    right = [(h.slug, h.score) for h in library.search(Query(text=meant)).hits]
    results = library.search(Query(text=typed))
    assert right and results.suggestion == meant
    assert [(h.slug, h.score) for h in results.hits] == right


def test_a_misspelt_word_in_a_synonym_phrase_brings_the_phrases_synonyms(tmp_path):
    """'vluntary sector' ranks as 'voluntary sector': an entry that says 'VCS' matches it, as
    it matches the phrase typed right."""
    library = library_of(tmp_path, {"vcs": "The VCS was asked first.",
                                    "sector": "A plan for the sector, and a voluntary post."},
                         synonyms=True)
    right = [(h.slug, h.score) for h in library.search(Query(text="voluntary sector")).hits]
    assert "vcs" in [slug for slug, _ in right]
    assert [(h.slug, h.score) for h in library.search(Query(text="vluntary sector")).hits] == \
        right


def test_a_phrase_a_term_lists_ranks_entries_with_its_words_above_the_terms_others(tmp_path):
    """'consultation period' is one of Consultation's words: the tag stands for the phrase
    once, so an entry that says the phrase ranks above one tagged Consultation that says only
    the common word 'consultation', as 'community asset transfer' should find the transfers
    before Community development's other entries. (A term's label is different: naming the
    term is asking for its entries.)"""
    library = library_of_fronts(tmp_path, {
        "says": tagged("partnership-working",
                       "The council set a consultation period of eight weeks for the scheme."),
        "tagged": tagged("consultation-and-policy-appraisal",
                         "A consultation on the plan, with consultation events."),
        **{slug: (front, f"A consultation on a {text[2:]}")
           for slug, (front, text) in OTHERS.items()}})
    hits = library.search(Query(text="consultation period")).hits
    assert [h.slug for h in hits][:2] == ["says", "tagged"]


def test_an_excluded_word_leaves_out_its_own_name_not_its_synonyms(tmp_path):
    """'ICB -CCG' keeps the examples that say ICB (a synonym of CCG, as an older and newer
    name), leaving out only those that say CCG or spell it out."""
    library = library_of(tmp_path, {"icb": "The ICB funded the scheme.",
                                    "ccg": "The CCG funded the scheme.",
                                    "spelt": "The clinical commissioning group funded it."},
                         synonyms=True)
    assert slugs(library, "ICB") == {"icb", "ccg", "spelt"}
    assert slugs(library, "ICB -CCG") == {"icb"}
    assert library.search(Query(text="ICB -CCG")).left_out == 2


def test_a_misspelt_exclusion_is_offered_corrected_not_excluded_so(tmp_path):
    """'grants -helth' leaves nothing out (no entry says 'helth'): 'Did you mean grants
    -health?' says what was probably meant, and the search itself is as typed."""
    library = library_of(tmp_path, {"health": "Health grants for the county.",
                                    "roofs": "Grants for village hall roofs."})
    results = library.search(Query(text="grants -helth"))
    assert results.suggestion == "grants -health"
    assert {h.slug for h in results.hits} == {"health", "roofs"}
    assert library.search(Query(text="grants -qxzvjk")).suggestion is None
    assert library.search(Query(text="health -helth")).suggestion is None  # nothing left


@pytest.mark.parametrize("typed", ["mutuals", "parished", "fundraise"])
def test_another_form_of_a_word_entries_use_is_no_typo(tmp_path, typed):
    """'mutuals' is the plural of 'mutual', not a misspelling of it: it finds the entry, and
    no 'Did you mean' is offered."""
    library = library_of(tmp_path, {"it": "A mutual in a parish raised funds; a fundraiser.",
                                    "other": "A grant for a village hall roof."})
    results = library.search(Query(text=typed))
    assert results.suggestion is None and [h.slug for h in results.hits] == ["it"]


def test_a_misspelt_plural_whose_stem_is_another_words_is_still_corrected(tmp_path):
    """'communitys' is no form of 'community' to Porter (it stems as 'communications' does):
    it is corrected, and the entry saying 'community' comes first."""
    library = library_of(tmp_path, {"it": "A community centre.",
                                    "comms": "Communications with the press."})
    results = library.search(Query(text="communitys"))
    assert results.suggestion == "community" and results.hits[0].slug == "it"


def test_a_typo_beside_a_wrong_word_is_offered_as_the_phrase_entries_use(tmp_path):
    """'mentall heath': the typo is corrected (mental), and the neighbour that makes no phrase
    with it is offered too: 'Did you mean mental health?', not 'mental heath'."""
    library = library_of(tmp_path, {n: "Mental health services for adults." for n in "ab"})
    assert library.search(Query(text="mentall heath")).suggestion == "mental health"
    assert library.search(Query(text="mentall health")).suggestion == "mental health"


@pytest.mark.parametrize("typed, written", [("foodbanks", "A food bank in the town."),
                                            ("councilor", "A councillor chaired it."),
                                            ("canceled", "The grant was cancelled.")])
def test_a_plural_of_a_closed_compound_and_american_spellings_find_the_entry(
        tmp_path, typed, written):
    """'foodbanks' finds 'food bank' (as 'foodbank' does), 'councilor' 'councillor'."""
    library = library_of(tmp_path, {"it": written, "other": "A grant for a hall roof."})
    assert slugs(library, typed) == {"it"}


def test_a_phrase_whose_synonym_names_a_term_is_named_whole_as_typed(tmp_path):
    """'Black and Minoritised Ethnic' is BME (which Equality and BME lists): the note names
    the phrase as typed, small words and all, not 'Black', 'Minoritised' and 'Ethnic'."""
    from kb.build import build
    from kb.wording import result_notes
    from tests.conftest import VALID, write_entry

    entries = tmp_path / "entries"
    entries.mkdir()
    for name in ("taxonomy.yaml", "synonyms.yaml"):
        (entries / name).write_bytes((FIXTURES / name).read_bytes())
    write_entry(entries, "tagged", VALID.replace("[partnership-working]", "[equality-and-bme]"))
    write_entry(entries, "says", VALID, body="## What they did\n\nBME groups were funded.\n")
    build(entries, tmp_path / "ix")
    results = Library(tmp_path / "ix").search(Query(text="Black and Minoritised Ethnic groups"))
    assert [c.phrase for c in results.concepts] == ["black minoritised ethnic"]
    assert any("(for ‘Black and Minoritised Ethnic’)" in n for n in result_notes(results))


def test_words_typed_apart_that_make_a_compound_bring_its_synonyms(tmp_path):
    """'not for profit' typed with spaces is the compound 'not-for-profit' entries write, so
    it also finds 'nonprofit', as the hyphenated form does."""
    library = library_of(tmp_path, {"hyphen": "A not-for-profit provider ran it.",
                                    "closed": "A nonprofit body ran it.",
                                    "other": "A grant for a hall roof."}, synonyms=True)
    assert slugs(library, "not for profit") == slugs(library, "not-for-profit") == {
        "hyphen", "closed"}


def test_a_word_naming_a_term_through_two_of_its_forms_is_said_once(tmp_path):
    """Source lists 'tender' and 'tendering', one stem: the misspelt 'tenderes', corrected to
    'tender', names Source once, not as 'tenderes tenderes'."""
    library = library_of(tmp_path, {"it": "An invitation to tender was issued."})
    snap = library.snapshot()
    assert [(c.slug, c.phrase) for c in parse_query("tenderes", snap.vocabulary, snap).concepts
            ] == [("source", "tenderes")]


def test_a_phrase_no_entry_says_keeps_its_tags_full_weight(tmp_path):
    """'consultation period' names Consultation, and no entry says both words: the entry
    tagged Consultation that says neither (the tag is the best evidence of the phrase) comes
    before the untagged one that says only 'period', however often."""
    library = library_of_fronts(tmp_path, {
        "tagged": tagged("consultation-and-policy-appraisal", "A plan for the village hall."),
        "one": tagged("partnership-working", "A period, a period, a period of calm."),
        **OTHERS})
    hits = library.search(Query(text="consultation period")).hits
    assert [h.slug for h in hits] == ["tagged", "one"]


def test_a_place_named_in_two_words_keeps_its_regions_entries_above_a_common_word(tmp_path):
    """'west sussex' names the South East: after the entry that says it, the region's other
    entries come before an entry elsewhere that only says 'west', however often: a place's
    region is near it, and 'west' alone is no part of it."""
    def placed(region: str, text: str) -> tuple[str, str]:
        front, _ = tagged("partnership-working", text)
        return front.replace("sectors: [health]", f"sectors: [health]\nregions: [{region}]"), text

    library = library_of_fronts(tmp_path, {
        "says": placed("south-east", "West Sussex County Council funded it."),
        "region": placed("south-east", "A plan for the village hall."),
        "west": placed("north-west", "The west, the west and the west of the county."),
        **{slug: placed("north-west", text) for slug, (_, text) in OTHERS.items()}})
    hits = library.search(Query(text="west sussex")).hits
    assert [h.slug for h in hits] == ["says", "region", "west"]


def test_a_word_and_its_synonyms_weigh_as_one_word(tmp_path):
    """An entry is not ranked by which of a group's words is rarer: 'disagree' is rarer than
    'dispute' here, but for either word the entry saying it scores as much, and the one
    saying the other SYNONYM of that, whichever is rarer ('PCT' finds PCTs, then CCGs)."""
    from kb.scoring import SYNONYM

    others = {f"other-{n}": f"A dispute about the {thing}." for n, thing in
              enumerate(("rent", "hall", "fees", "bins", "roof"))}
    library = library_of(tmp_path, {"rare": "The council and the trust disagree about rent.",
                                    "common": "The council and the trust dispute about rent.",
                                    **others}, synonyms=True)
    for text, typed, other in (("disagree", "rare", "common"), ("dispute", "common", "rare")):
        scores = {h.slug: h.score for h in library.search(Query(text=text), snippets=False).hits}
        assert scores[other] == pytest.approx(SYNONYM * scores[typed], rel=0.02), text


def test_a_word_longer_than_any_english_word_is_not_corrected(tmp_path):
    """No English word has more than 45 letters, so a longer one is no misspelling to look
    up (its edits alone would take a second): it finds nothing, as nonsense does."""
    longest = "pneumonoultramicroscopicsilicovolcanoconiosis"
    library = library_of(tmp_path, {"long": f"A grant for {longest} research.",
                                    "other": "A grant for a hall."})
    near = library.search(Query(text=longest[:-1] + "z"))
    assert near.corrections and near.hits[0].slug == "long"
    typed = library.search(Query(text=longest + "s"))
    assert typed.total == 0 and not typed.corrections and typed.suggestion is None


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2212"])
def test_a_dash_pasted_for_a_minus_leaves_the_word_out(library, dash):
    """Word turns a typed '-grants' into '\u2013grants'; a range ('2007\u201308') keeps its dash."""
    minus = library.search(Query(text="hospices -grants"), snippets=False)
    pasted = library.search(Query(text=f"hospices {dash}grants"), snippets=False)
    assert [h.slug for h in pasted.hits] == [h.slug for h in minus.hits]
    assert pasted.total < library.search(Query(text="hospices grants"), snippets=False).total
    assert pasted.left_out == minus.left_out > 0  # and the page says how many it left out


def test_an_acronym_that_spells_an_everyday_word_needs_its_capitals(tmp_path):
    """SEND stands for special educational needs, but 'send', 'sent' and 'sending' are the
    verb: only 'SEND' brings in the group, and the group's phrases never match 'send'."""
    (tmp_path / "synonyms.yaml").write_text("- [SEND, special educational needs]\n"
                                            "- [CCG, clinical commissioning group]\n"
                                            "- [SIB, social impact bond]\n")
    groups = load_synonyms(tmp_path / "synonyms.yaml")
    assert groups[:2] == [("SEND", "special educational needs"),
                          ("CCG", "clinical commissioning group")]
    vocab = compile_vocabulary(load_taxonomy(FIXTURES / "taxonomy.yaml"), groups)

    def ways(text):
        return {a.terms for c in parse_query(text, vocab).clauses for a in c.alternatives}

    assert ("special", "educ", "need") in ways("SEND")
    for verb in ("send", "sent", "sending"):
        assert ways(verb) == {("send",)}, verb
    assert ("send",) not in ways("special educational needs")
    assert ("clinic", "commiss", "group") in ways("ccg")  # not an English word: any case
    assert ("social", "impact", "bond") in ways("sib")  # a rare word: any case
    # typed all in capitals with a word too long for an acronym: shouted, not acronyms
    assert ("special", "educ", "need") not in ways("WHEN TO SEND MONITORING RETURNS")
    assert ("special", "educ", "need") in ways("SEND CAMHS CCG")


def test_an_acronym_in_capitals_finds_the_acronym_not_the_everyday_word(tmp_path):
    """'SEND' typed in capitals finds the entry about children with SEND and the one that
    spells it out, not those that 'send' reports; 'send' in lowercase still finds both
    uses of the word (the index keeps the acronym beside the word, never instead of it)."""
    from kb.build import build
    from tests.conftest import VALID, write_entry

    folder = tmp_path / "entries"
    (folder / "synonyms.yaml").parent.mkdir()
    (folder / "taxonomy.yaml").write_bytes((FIXTURES / "taxonomy.yaml").read_bytes())
    (folder / "synonyms.yaml").write_text("- [SEND, special educational needs]\n")
    texts = {"acronym": "Short breaks for children with SEND and their families.",
             "spelt": "Short breaks for children with special educational needs.",
             "verb": "Groups send their short monitoring returns each quarter."}
    for n, (slug, text) in enumerate(texts.items()):
        write_entry(folder, slug, VALID.replace("A valid entry", f"Example {n}"),
                    body=f"## What they did\n\n{text}\n")
    build(folder, tmp_path / "ix")
    library = Library(tmp_path / "ix")

    def found(text):
        return {h.slug for h in library.search(Query(text=text)).hits}

    assert found("SEND") == {"acronym", "spelt"}
    ranked = [h.slug for h in library.search(Query(text="SEND short breaks")).hits]
    assert ranked[-1] == "verb", ranked
    assert found("send") == {"acronym", "verb"}
    hit = library.search(Query(text="SEND")).hits[0]
    assert hit.slug == "acronym" and "<mark>SEND</mark>" in hit.highlights


def test_a_places_one_word_name_is_matched_as_written_not_by_its_stem(tmp_path):
    """'Kettering' (Porter: 'ketter') finds the entry that names the town and the East
    Midlands examples, not an entry that says 'better' or 'ketter' by its stem."""
    texts = {"town": "A charity in Kettering won the contract.",
             "stem": "Grants for ketters and kettered groups."}
    library = library_of(tmp_path, texts)
    found = [h.slug for h in library.search(Query(text="kettering")).hits]
    assert "town" in found and "stem" not in found, found
    assert "stem" in [h.slug for h in library.search(Query(text="kettered")).hits]


def test_a_term_named_by_a_word_and_its_corrected_spelling_is_named_once():
    """'Plymoth' is read as Plymouth, which names South West; the corrected and the plain
    reading are one word, whatever their case."""
    from kb.vocabulary import Concept, merge_concepts

    named = merge_concepts([Concept("region", "south-west", "South West", "Plymouth", (0,)),
                            Concept("region", "south-west", "South West", "plymouth", (0,))],
                           set())
    assert [(c.phrase, c.clauses) for c in named] == [("Plymouth", (0,))]


def test_a_terms_phrase_is_confirmed_by_its_tag_only_where_an_entry_has_the_phrase(tmp_path):
    """'social value' names Funding and procurement, which tags many examples: its tag backs
    an entry that says 'social value' more than one that has 'social' and 'value' apart
    (adult social care, value for money), whose words are not the phrase."""
    from tests.test_text import library_of_fronts

    phrase, apart = "Contracts weighed social value.", "Social care judged on value for money."
    library = library_of_fronts(tmp_path, {
        "phrase-tagged": tagged("funding-and-procurement", phrase),
        "phrase": tagged("partnership-working", phrase),
        "apart-tagged": tagged("funding-and-procurement", apart),
        "apart": tagged("partnership-working", apart), **OTHERS})
    score = {h.slug: h.score for h in library.search(Query(text="social value")).hits}
    backs_phrase = score["phrase-tagged"] - score["apart"]
    backs_apart = score["apart-tagged"] - score["apart"]
    assert backs_phrase > 1.1 * backs_apart > 0, (backs_phrase, backs_apart)


def test_an_entry_saying_a_terms_phrase_untagged_passes_tagged_ones_with_one_word(tmp_path):
    """An entry that says 'social value' is about it in its own words, though not tagged with
    the term the phrase names: it ranks above the term's examples that say only 'social'
    ('nature-based social prescribing' in an environment example, above Health's examples
    of adult social care)."""
    from tests.test_text import library_of_fronts

    long = ("The council let its day centre contracts again after a long review of the needs "
            "of older people, the costs of running the centres, the travel to them and the "
            "views of the people who use them; the award weighed social value.")
    library = library_of_fronts(tmp_path, {
        "said": tagged("partnership-working", long),
        **{f"tagged-{n}": tagged("funding-and-procurement", f"Social care {thing}.")
           for n, thing in enumerate(("grants", "contracts", "funding"))},
        **OTHERS})
    found = [h.slug for h in library.search(Query(text="social value")).hits]
    assert found[0] == "said", found


def test_where_no_entry_has_a_terms_phrase_its_tag_backs_the_words_apart_in_full(tmp_path):
    """As for an entry found by the tag alone (_phrase_shares): with no entry saying 'social
    value', the tag is the best evidence of it, and counts in full for the words apart."""
    from kb import scoring
    from tests.test_text import library_of_fronts

    apart = "Social care judged on value for money."
    library = library_of_fronts(tmp_path, {
        "apart-tagged": tagged("funding-and-procurement", apart),
        "apart": tagged("partnership-working", apart), **OTHERS})
    snap = library.snapshot()
    found = scoring.match(snap, parse_query("social value", snap.vocabulary, snap))
    assert found.phrased == [None] * len(found.query.clauses)
    score = {h.slug: h.score for h in library.search(Query(text="social value")).hits}
    assert score["apart-tagged"] > score["apart"]
