"""The analyzer: compounds, numbers, British spellings, stop words, stems, and pairs."""

import pytest

from kb.analysis import analyse, pairs


@pytest.mark.parametrize("text,terms", [
    ("co-production", ["co", "product", "coproduct"]),
    ("Six months' notice", ["6", "month", "notic"]),
    ("a twelve-week consultation", ["12", "week", "12week", "consult"]),
    ("£5,000 grants", ["5000", "grant"]),
    ("Organizations center", ["organis", "centr"]),
    ("How should we fund them?", ["fund"]),
    ("commissioners commissioning", ["commiss", "commiss"]),  # Porter alone: commission, commiss
    ("judgement judgment", ["judgment", "judgment"]),
    ("practise practice", ["practic", "practic"]),
    ("ＦＵＮＤＩＮＧ ﬁnance", ["fund", "financ"]),  # full-width letters, a ligature
])
def test_analysis(text, terms):
    assert analyse(text) == terms


def test_pairs_break_at_sentences_and_skip_joined_compounds():
    assert pairs("Full cost of recovery. Light-touch monitoring") == [
        "full cost", "cost recoveri", "light touch", "touch monitor"]
