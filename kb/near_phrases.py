"""'Did you mean' for a correctly spelt word that makes no sense where it stands: 'mental
heath' is two English words, so neither is corrected, but no entry says them side by side
while many say 'mental health', one letter away. Only offered, never searched instead: the
words as typed are what the search finds."""

from __future__ import annotations

import re

from kb.analysis import index_term, pair_term
from kb.clauses import ParsedQuery, in_case_of
from kb.spelling import edit_distance

MIN_LENGTH = 4  # shorter words are too near too many others to guess at
MIN_PAIRS = 2  # entries that must say the other pair before it is offered


def near_phrase(snap, query: ParsedQuery, text: str) -> str | None:
    """The query as typed (`text`, its misspelt words corrected) with one word changed so that
    it and its neighbour make a phrase the entries use, when the two appear side by side in
    none; else None. (A slip in a word's first three letters is left to the reader: it keeps
    the look-up quick.)"""
    words = [i for i in query.positive if not query.clauses[i].exact
             and query.clauses[i].text.isalpha()]
    if not any(b == a + 1 for a, b in zip(words, words[1:], strict=False)):
        return None  # no two neighbours: nothing to look up
    with snap.whoosh() as searcher:
        reader = searcher.reader()

        def together(a: str, b: str) -> int:
            return reader.doc_frequency("pairs", pair_term(index_term(a), index_term(b)))

        for a, b in zip(words, words[1:], strict=False):
            if b != a + 1:
                continue
            first, second = query.clauses[a].meant, query.clauses[b].meant
            if together(first, second):
                continue
            for typed, other, other_first in ((second, first, True), (first, second, False)):
                fix = _best(reader, typed, other, other_first, together)
                if fix:
                    return re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)",
                                  lambda m, f=fix: in_case_of(m.group(0), f), text, count=1,
                                  flags=re.IGNORECASE)
    return None


def _best(reader, typed: str, other: str, other_first: bool, together) -> str | None:
    """The word one edit from `typed` (its first three letters kept) that entries say most
    often beside `other`."""
    if len(typed) < MIN_LENGTH:
        return None
    best, best_count = None, MIN_PAIRS - 1
    for found in reader.expand_prefix("spell", typed[:3]):
        candidate = found.decode("utf-8") if isinstance(found, bytes) else found
        if abs(len(candidate) - len(typed)) > 1 or edit_distance(candidate, typed) != 1 or \
                index_term(candidate) == index_term(typed):
            continue
        count = together(other, candidate) if other_first else together(candidate, other)
        if count > best_count:
            best, best_count = candidate, count
    return best
