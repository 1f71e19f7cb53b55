"""The forms people type words in, read as they meant them: initials with dots, amounts of
money, year ranges, accents, fillers, brackets round a gloss, a list's numbering, and a
hyphenated word no entry writes."""

from __future__ import annotations

import pytest

from kb.library import Library
from kb.query import Query
from tests.test_text import library_of

TEXTS = {
    "nhs": "The N.H.S. paid £2 million for a 2019/20 service run from a café.",
    "council": "A council grant of £10,000 a year for three years to community groups.",
    "led": "The service was led by VCS groups in the borough.",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    return library_of(tmp_path_factory.mktemp("forms"), TEXTS)


def ranked(library: Library, text: str) -> list[str]:
    return [h.slug for h in library.search(Query(text=text, page_size=50), snippets=False).hits]


def slugs(library: Library, text: str) -> set[str]:
    return set(ranked(library, text))


@pytest.mark.parametrize("typed,slug", [
    ("NHS", "nhs"), ("N.H.S.", "nhs"), ("£2m", "nhs"), ("2 million", "nhs"),
    ("2019-2020", "nhs"), ("2019–20", "nhs"), ("cafe", "nhs"), ("£10k", "council"),
    ("10000", "council"), ("3yrs", "council")])
def test_a_form_finds_the_entry_that_writes_another(library, typed, slug):
    """First: the test entries share tags, so an entry may also come in through a topic."""
    assert ranked(library, typed)[:1] == [slug]


def test_a_hyphenated_word_no_entry_writes_comes_apart(library):
    """'VCS-led': no entry writes it, joined or side by side; its parts each match."""
    assert "led" in slugs(library, "VCS-led")


@pytest.mark.parametrize("typed", ["community groups (ASC)", "community (ii) groups",
                                   "community groups (etc)"])
def test_brackets_without_operators_are_punctuation(library, typed):
    """A gloss in brackets is not a group every result must match."""
    assert slugs(library, typed) == slugs(library, "community groups") != set()


def test_brackets_group_in_a_search_with_operators(library):
    assert slugs(library, "(nhs OR council) AND grant") == {"council"}


@pytest.mark.parametrize("typed", ["community groups eg", "community groups etc",
                                   "community groups, approx", "whats community groups"])
def test_fillers_are_no_words_to_match(library, typed):
    result = library.search(Query(text=typed), snippets=False)
    assert result.unmatched == [] and {h.slug for h in result.hits} == {"council", "led"}


@pytest.mark.parametrize("typed", ["case studies of community groups",
                                   "best practice with community groups?",
                                   "good-practice community groups"])
def test_words_that_say_what_every_example_is_are_not_searched(library, typed):
    """Every example is a case study of practice: saying so narrows nothing."""
    result = library.search(Query(text=typed), snippets=False)
    plain = library.search(Query(text="community groups"), snippets=False)
    assert result.words == plain.words and ranked(library, typed) == ranked(
        library, "community groups")


def test_framing_words_alone_or_quoted_or_in_a_name_are_searched(library):
    assert library.search(Query(text="good practice"), snippets=False).words == [
        "good", "practice"]
    for typed in ("codes of good practice", "Code of Good Practice on funding"):  # a name
        assert {"good", "practice"} <= set(library.search(Query(text=typed),
                                                          snippets=False).words)
    for typed in ('"case study" groups', '“case study” groups'):  # curly, from Word
        assert library.search(Query(text=typed), snippets=False).words[0] == '"case study"'


def test_an_amount_written_in_words_is_the_same_amount(library):
    """'£2 million' is one amount, not any '2' and any 'million'."""
    assert slugs(library, "£2 million") == slugs(library, "£2m") == {"nhs"}
    assert slugs(library, "10 thousand") == slugs(library, "£10,000") == {"council"}


@pytest.mark.parametrize("typed", ["2019/20", "2019-20", "2019/2020", "2019–2020"])
def test_every_form_of_a_year_range_is_the_same_search(library, typed):
    assert ranked(library, typed)[:1] == ["nhs"]


def test_an_amount_in_words_is_said_as_typed():
    """The search's words, as the JSON gives them, are what was typed, not its inner form."""
    from kb.reading import read_tokens

    [(kind, word)] = read_tokens("£2.4 Million", None)
    assert kind == "word" and word.text == "2.4 million" and word.typed == "2.4 Million"
