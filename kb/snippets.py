"""Snippets: the passage of an entry's text that best shows a search's words, escaped, with
the matches in <mark>."""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections import Counter

from kb.analysis import index_term

_SNIPPET_WORD = re.compile(r"\w+", re.UNICODE)


def snippet(text: str, index_terms: set[str], words: int = 36) -> str:
    """The passage of `text` with the most distinct matched words, escaped, matches in <mark>.
    Words are stemmed once per distinct spelling, and passages are scored over the matches
    alone: a results page builds ten of these from bodies of several hundred words."""
    tokens = _SNIPPET_WORD.findall(text)
    hits = {w for w in set(tokens) if index_term(w) in index_terms}
    where = [i for i, w in enumerate(tokens) if w in hits]  # token numbers of the matches
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
        if tokens[i] in hits:
            out.append(html.escape(text[pos:start]))
            out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
            pos = stop
    out.append(html.escape(text[pos:spans[-1][1]]))
    prefix = "… " if best > 0 else ""
    suffix = " …" if end < len(tokens) else ""
    return prefix + " ".join("".join(out).split()) + suffix
