"""The analyzer: compounds, numbers, British spellings, stop words, stems, and pairs."""

import pytest

from kb.analysis import WORD, analyse, light_key, pairs


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
    ("3rd sector third sector", ["third", "sector", "third", "sector"]),
    ("crises crisis analyses analysis", ["crisi", "crisi", "analysi", "analysi"]),
    ("focussed focused benefitted benefited", ["focus", "focus", "benefit", "benefit"]),
    ("grants versus contracts vs loans", ["grant", "contract", "loan"]),
])
def test_analysis(text, terms):
    assert analyse(text) == terms


def test_pairs_break_at_sentences_and_skip_joined_compounds():
    assert pairs("Full cost of recovery. Light-touch monitoring") == [
        "full cost", "cost recoveri", "light touch", "touch monitor"]


@pytest.mark.parametrize("plural,singular", [("children", "child"), ("women", "woman"),
                                             ("criteria", "criterion"), ("people", "person")])
def test_irregular_plurals_search_as_their_singular(plural, singular):
    assert analyse(plural) == analyse(singular)
    assert analyse(plural + "s") == analyse(singular)  # 'childrens centres', no apostrophe


@pytest.mark.parametrize("past,verb", [("withdrawn", "withdrawing"), ("withdrew", "withdraw"),
                                       ("paid", "paying"), ("frozen", "freezes"),
                                       ("upheld", "uphold")])
def test_irregular_past_forms_search_as_their_verb(past, verb):
    assert analyse(past) == analyse(verb)


@pytest.mark.parametrize("doubled,word", [("mapping", "map"), ("planned", "plans"),
                                          ("cutting", "cuts"), ("bidding", "bid"),
                                          ("transferred", "transfer"), ("committed", "commit"),
                                          ("staffing", "staff"), ("added", "add"),
                                          ("lotting", "lots")])
def test_a_consonant_doubled_before_ed_or_ing_searches_as_its_word(doubled, word):
    assert analyse(doubled) == analyse(word)


@pytest.mark.parametrize("short,full", [("govt", "government"), ("dept", "department"),
                                        ("orgs", "organizations"), ("spec", "specification"),
                                        ("admin", "administration"), ("yrs", "years")])
def test_shortened_words_search_as_the_full_word(short, full):
    assert analyse(short) == analyse(full)


def test_a_short_form_names_what_its_full_word_names():
    """'12 wk consultation' is the term phrase '12 week consultation', not only its stems."""
    assert light_key("12 wk consultation") == light_key("twelve week consultations")


@pytest.mark.parametrize("glued,spaced", [("3yr", "3 years"), ("12weeks", "twelve weeks"),
                                          ("6mths", "six months"), ("90days", "90 days")])
def test_a_unit_written_onto_a_number_is_a_word_of_its_own(glued, spaced):
    assert analyse(glued)[:2] == analyse(spaced)
    assert pairs(glued) == pairs(spaced)


@pytest.mark.parametrize("typed", ["won't", "won’t", "wont", "don'ts", "dont", "can't"])
def test_a_negative_contraction_is_no_word_to_search(typed):
    """'council won't fund' had been searched as 'council win fund'."""
    assert analyse(f"council {typed} fund") == ["council", "fund"]


def test_only_units_come_apart_from_a_number():
    """'covid19', '2nd' and 'b2b' stay single words."""
    assert analyse("covid19 2nd b2b") == ["covid19", "second", "b2b"]


def test_a_past_form_that_is_also_another_word_stays_itself():
    """'left' is a direction, 'found' a verb of its own: neither is folded."""
    assert analyse("left") != analyse("leave") and analyse("found") != analyse("find")


def test_personal_is_not_people():
    """'person' folds into 'people', not the reverse: Porter stems 'personal' to 'person'."""
    assert analyse("personal") != analyse("people")


@pytest.mark.parametrize("plural,singular", [("clauses", "clause"), ("expenses", "expense"),
                                             ("cases", "case"), ("classes", "class"),
                                             ("boxes", "box"), ("parties", "party"),
                                             ("older people", "older person")])
def test_a_plural_and_its_singular_share_a_light_key(plural, singular):
    """How a query's words are told to name a term: 'gagging clause' names the term that
    lists 'gagging clauses'."""
    assert light_key(plural) == light_key(singular)


@pytest.mark.parametrize("text,words", [
    ("council's ending", ["council", "ending"]),
    ("arm's-length bodies", ["arm", "length", "bodies"]),
    ("women\u2019s space", ["women", "space"]), ("don't stop", ["don't", "stop"]),
    ("O'Brien's report", ["O", "Brien", "report"]), ("5,000 grants", ["5,000", "grants"]),
])
def test_the_ending_after_an_apostrophe_is_no_word_to_join_the_next(text, words):
    """'council's ending' had been searched as 'council sending'."""
    assert WORD.findall(text) == words


@pytest.mark.parametrize("written", ["2008/09", "2008-9", "2008-2009", "2008–09"])
def test_a_year_range_is_one_pair_however_written(written):
    """An entry's '2008/9' is found by '2008/09': the second year is a number, not figures."""
    assert pairs(written) == pairs("2008/9") == ["2008 9"]
