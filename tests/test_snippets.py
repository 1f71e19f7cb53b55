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
