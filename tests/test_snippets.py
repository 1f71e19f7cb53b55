"""Snippets: the best passage, escaped, the matched words marked."""

from kb.analysis import index_term as stem
from kb.snippets import snippet


def test_snippet_escapes_and_marks():
    text = "Funding <b>matters</b>. " + "filler " * 50 + "We funded the hospice."
    out = snippet(text, {stem("funding"), stem("hospice")})
    assert "<b>" not in out and "&lt;b&gt;" not in out or "<mark>" in out
    assert "<mark>hospice</mark>" in out and "<mark>funded</mark>" in out
