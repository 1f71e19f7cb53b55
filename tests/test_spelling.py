"""Spelling correction never rewrites a correctly spelt word."""

from pathlib import Path

import pytest

from kb.library import Library
from kb.spelling import edit_distance, is_english, nearest
from kb.text import parse_query

WORDS = Path(__file__).resolve().parent / "data" / "english-words.txt"


@pytest.fixture(scope="module")
def library(index_dir) -> Library:
    return Library(index_dir)


def test_no_correctly_spelt_english_word_is_ever_corrected(library):
    """Over a list of common English words, British spellings and sector words."""
    words = [w.strip() for w in WORDS.read_text(encoding="utf-8").splitlines()
             if w.strip() and not w.startswith("#")]
    assert len(words) >= 1000
    assert [w for w in words if not is_english(w)] == []
    snap = library.snapshot()
    corrected = {}
    for word in words:
        query = parse_query(word, snap.vocabulary, lexicon=snap)
        fixes = [c.correction for c in query.clauses if c.correction]
        if fixes:
            corrected[word] = fixes
    assert corrected == {}


@pytest.mark.parametrize("word,english", [
    ("cofunded", True), ("defunded", True), ("deprioritise", True), ("nonstatutory", True),
    ("multiyear", True), ("childrens", True), ("mens", True), ("womens", True),
    # shaped like a prefix and a word, but a letter away from a listed word: misspellings
    ("comission", False), ("untill", False), ("colapse", False)])
def test_a_prefix_written_onto_an_english_word_is_english(word, english):
    assert is_english(word) is english


@pytest.mark.parametrize("word,english", [("paediatric", True), ("foetus", True),
                                          ("colour", True), ("tyre", True), ("yaer", False)])
def test_a_british_spelling_is_english_but_a_short_typo_is_not(word, english):
    """'yaer' looks like 'yer' with a British 'ae', but is 'year' mistyped."""
    assert is_english(word) is english


@pytest.mark.parametrize("a,b,edits", [("grnat", "grant", 1), ("hospcie", "hospice", 1),
                                       ("overheds", "overheads", 1), ("brexit", "brent", 2),
                                       ("grant", "grant", 0), ("ca", "abc", 3)])
def test_edit_distance_counts_a_swap_of_neighbours_as_one(a, b, edits):
    assert edit_distance(a, b) == edits


def test_nearest_prefers_fewer_edits_then_the_more_used_word():
    used = {"great": 3, "grant": 148, "oversees": 50, "overheads": 4, "brent": 9}.get
    assert nearest("grnat", ["great", "grant"], used) == "grant"  # both one edit
    assert nearest("overheds", ["oversees", "overheads"], used) == "overheads"  # 1 < 2 edits
    assert nearest("brexit", ["brent"], used) is None  # two edits is too many for six letters
    assert nearest("rgant", ["grant"], used) is None  # a typo keeps its first letter


def test_a_misspelt_vocabulary_word_is_corrected_to_it_even_if_no_entry_uses_it(library):
    """The vocabularies' words (commissioners' words for each term) are part of what a typo
    can be corrected to, and the correction then names the term."""
    snap = library.snapshot()
    word = "mediation"
    assert word in snap.vocabulary.words
    query = parse_query("medation", snap.vocabulary, lexicon=snap)
    assert [c.correction for c in query.clauses] == [word]
    assert any(word in c.phrase or "medation" in c.phrase for c in query.concepts)


def test_two_letters_swapped_beat_a_commoner_word_as_far():
    """'contarct' is one edit from 'contact' (a letter dropped) and from 'contract' (two
    swapped): the word with the letters typed wins, however common 'contact' is."""
    uses = {"contact": 100, "contract": 5}
    assert nearest("contarct", list(uses), uses.get) == "contract"
    assert nearest("contct", list(uses), uses.get) == "contact"


def test_a_letter_left_out_beats_a_letter_changed_however_common():
    """'wich' is one edit from 'with' (a letter changed) and from 'which' (a letter left
    out): a letter left out is the likelier slip."""
    uses = {"with": 100, "which": 5, "wish": 50}
    assert nearest("wich", list(uses), uses.get) == "which"
    assert nearest("wuth", list(uses), uses.get) == "with"
