"""Snippets: the passage of an entry's text that best shows a search's words, escaped, with
the matches in <mark>."""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections import Counter
from functools import lru_cache

from kb.analysis import WHOLE_PATTERN, word_terms

# Words as the index reads them (initials, amounts, year ranges and contractions whole), but a
# hyphenated word as its parts, so that a phrase can mark them.
_SNIPPET_WORD = re.compile(rf"{WHOLE_PATTERN}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\w+", re.UNICODE)


def snippet(text: str, index_terms: set[str], phrases: set[tuple[str, ...]] = frozenset(),
            words: int = 36) -> str:
    """The passage of `text` with the most distinct matched words, escaped, matches in <mark>.
    `index_terms` match a word anywhere; each of `phrases` (index terms in order) marks its
    words only where they stand together, so a synonym 'global majority' never marks a lone
    'majority'. Words are stemmed once per distinct spelling, and passages are scored over the
    matches alone: a results page builds ten of these from bodies of several hundred words."""
    tokens = _SNIPPET_WORD.findall(text)
    hits = {w for w in set(tokens) if not _terms(w).isdisjoint(index_terms)}
    marked = {i for i, w in enumerate(tokens) if w in hits} | _phrase_words(tokens, phrases)
    where = sorted(marked)  # token numbers of the matches
    if not where:
        return ""
    # A window of `words` tokens ending at each match; keep the one with the most distinct
    # matched words (the first such window).
    best, best_score, counts, left = 0, 0, Counter(), 0
    for i in where:
        counts[tokens[i].lower()] += 1
        while where[left] <= i - words:
            w = tokens[where[left]].lower()
            counts[w] -= 1
            if not counts[w]:
                del counts[w]
            left += 1
        if len(counts) > best_score:
            best, best_score = max(0, i - words + 1), len(counts)
    first = where[bisect.bisect_left(where, best)]
    best = max(0, first - 4)  # a few words of context before the first match
    end = min(len(tokens), best + words)
    spans = [m.span() for m in itertools.islice(_SNIPPET_WORD.finditer(text), best, end)]
    out, pos = [], spans[0][0]
    for i, (start, stop) in enumerate(spans, best):
        if i in marked:
            out.append(html.escape(text[pos:start]))
            out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
            pos = stop
    out.append(html.escape(text[pos:spans[-1][1]]))
    prefix = "… " if best > 0 else ""
    suffix = " …" if end < len(tokens) else ""
    return prefix + " ".join("".join(out).split()) + suffix


def _phrase_words(tokens: list[str], phrases: set[tuple[str, ...]]) -> set[int]:
    """The token numbers of every place a phrase's terms stand in order, stop words between
    them allowed (as the index's pairs allow them). Only the places where a phrase's first
    term stands are read on from, so a long text costs little more than finding them."""
    if not phrases:
        return set()
    firsts = {p[0] for p in phrases}
    longest = max(len(p) for p in phrases)
    starts = {w for w in set(tokens) if _content_term(w) in firsts}
    found: set[int] = set()
    for i, word in enumerate(tokens):
        if word not in starts:
            continue
        run: list[tuple[int, str]] = []  # (token number, term) of the content words from i
        for j in range(i, len(tokens)):
            term = _content_term(tokens[j])
            if term is not None:
                run.append((j, term))
                if len(run) == longest:
                    break
        terms = tuple(term for _, term in run)
        for phrase in phrases:
            if terms[:len(phrase)] == phrase:
                found.update(j for j, _ in run[:len(phrase)])
    return found


@lru_cache(maxsize=100_000)
def _terms(word: str) -> frozenset[str]:
    """A word's index terms as the index has them ('Cafés': cafe; '10,000': 10000; '£2.4m':
    2.4, million, 2.4million), stop words left out."""
    return frozenset(term for term, _, stop in word_terms(word) if not stop)


@lru_cache(maxsize=100_000)
def _content_term(word: str) -> str | None:
    """A word's first index term, or None for what the index leaves out: stop words and
    single letters (a lone digit stays)."""
    kept = [term for term, joined, stop in word_terms(word) if not stop and not joined]
    return kept[0] if kept else None
