"""The examples most like one example, for its page's "Related examples".

Two examples are alike when they are about the same thing, whatever their sector: the
gagging clause in a council's agreement with a charity and the anti-lobbying clause in
central government grants. So an entry's likeness to another is, first, how much the other
uses the words of its title and summary (each word's BM25F there: rare words shared count for
much, 'council' and 'grant' for little), as a share of the most any entry has; and then the
share of its principles and sectors the other carries, worth up to TAGS of that:

    likeness = words / the best words + TAGS x shared tags / its tags

Entries sharing neither a word nor a tag are never related.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from kb.analysis import analyse
from kb.facets import as_vector
from kb.postings import bm25_idf
from kb.taxonomy import FIELD

TAGS = 0.5  # what sharing every principle and sector is worth, beside the words' best
TITLE = 2  # a word of the title counts as this many of the summary's
WORDS = 10  # the words of an entry that say what it is about
TAGGED_FACETS = ("principle", "sector")


def _its_words(snap, record: dict) -> list[tuple[str, int]]:
    """The WORDS words most telling of what an entry is about: each word of its title (counted
    TITLE times) and summary, by how often it is there times how rare it is."""
    counts = Counter(analyse(record["title"]) * TITLE + analyse(record.get("summary") or ""))
    rare = {t: bm25_idf(snap.live_count, snap.postings.scored((t,))[2].bit_count())
            for t in counts}
    return sorted(counts.items(), key=lambda tc: -tc[1] * rare[tc[0]])[:WORDS]


def most_alike(snap, slug: str, limit: int) -> list[int]:
    """The document numbers of the `limit` live entries most like the entry `slug`, most
    alike first (newer first among equals)."""
    record, own = snap.records[slug], snap.docnum[slug]
    words = np.zeros(snap.size)
    for term, count in _its_words(snap, record):
        docs, scores, _ = snap.postings.scored((term,))
        words[docs] += count * scores
    tags = np.zeros(snap.size)
    mine = [(facet, value) for facet in TAGGED_FACETS for value in record.get(FIELD[facet]) or ()]
    for facet, value in mine:
        tags += as_vector(snap.masks[facet].get(value, 0), snap.size)
    live = as_vector(snap.listed, snap.size).copy()  # a withdrawn example is no one's like
    live[own] = False
    words[~live], tags[~live] = 0.0, 0.0
    score = words / (words.max() or 1.0) + TAGS * tags / (len(mine) or 1)
    docs = np.flatnonzero(score > 0)
    published = np.array([snap.published[d] for d in docs.tolist()])
    order = np.lexsort((docs, -published, -score[docs]))[:limit]
    return docs[order].tolist()
