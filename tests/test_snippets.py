"""Snippets: the best passage, escaped, the matched words marked."""

from kb.analysis import index_term as stem
from kb.snippets import snippet


def test_snippet_escapes_and_marks():
    text = "Funding <b>matters</b>. " + "filler " * 50 + "We funded the hospice."
    out = snippet(text, {stem("funding"), stem("hospice")})
    assert "<b>" not in out and "&lt;b&gt;" not in out or "<mark>" in out
    assert "<mark>hospice</mark>" in out and "<mark>funded</mark>" in out


def test_a_phrase_marks_its_words_only_where_they_stand_together():
    phrase = (stem("global"), stem("majority"))
    text = "A major review. Groups of the global majority led it; a majority agreed."
    out = snippet(text, set(), {phrase})
    assert out.count("<mark>") == 2
    assert "<mark>global</mark> <mark>majority</mark> led" in out
    assert "a majority agreed" in out and "<mark>major</mark>" not in out
    stops = snippet("black and minority ethnic groups", set(),
                    {(stem("black"), stem("minority"), stem("ethnic"))})
    assert stops == "<mark>black</mark> and <mark>minority</mark> <mark>ethnic</mark> groups"


def test_no_match_no_snippet():
    assert snippet("Nothing here matches.", {stem("hospice")}, {(stem("full"), stem("cost"))}) \
        == ""


def test_phrase_marks_equal_a_search_of_every_run_of_content_words():
    """Phrases are found by reading on only from their first words; the marks must be those
    of comparing every run of content words (stop words and single letters left out) with
    every phrase."""
    import random

    from kb.analysis import is_stop_word
    from kb.snippets import _phrase_words

    rng = random.Random(3)
    words = "full cost recovery the of a 3 grant grants funding fund and x it costs".split()
    phrases = {(stem("full"), stem("cost")), (stem("cost"), stem("recovery"), stem("grant")),
               (stem("fund"), stem("3"))}
    for _ in range(300):
        tokens = [rng.choice(words) for _ in range(rng.randrange(0, 40))]
        content = [(i, stem(w)) for i, w in enumerate(tokens)
                   if (len(w) > 1 or w.isdigit()) and not is_stop_word(w)]
        expected = set()
        for k in range(len(content)):
            for phrase in phrases:
                if tuple(t for _, t in content[k:k + len(phrase)]) == phrase:
                    expected.update(i for i, _ in content[k:k + len(phrase)])
        assert _phrase_words(tokens, phrases) == expected, tokens


def test_a_word_is_marked_in_the_form_the_text_writes_it():
    """A search for 'cafe', '£10k' or '2019-20' marks 'Cafés', '£10,000' and '2019/20'."""
    text = "The Dementia Friendly Cafés got £10,000 in 2019/20 from the fund."
    assert "<mark>Cafés</mark>" in snippet(text, {"cafe"})
    assert "£<mark>10,000</mark>" in snippet(text, {"10000"})
    assert "<mark>2019/20</mark>" in snippet(text, {"201920"})


def test_no_part_of_a_number_is_marked():
    """'£2m' is not the 2 of '£4.2 million'."""
    text = "It cost £4.2 million, then £2 million."
    marked = snippet(text, set(), {("2", "million")})
    assert "£4.2 million" in marked and "£<mark>2</mark> <mark>million</mark>" in marked
