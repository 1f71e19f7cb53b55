"""Spelling correction never rewrites a correctly spelt word."""

from pathlib import Path

import pytest

from kb.library import Library
from kb.spelling import is_english
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
