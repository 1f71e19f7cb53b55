"""Matching and ranking a parsed query over one open index generation.

Which entries match is decided with bitsets: each clause's set is the entries any of its
alternatives match, plus, for a word that names a vocabulary term, the entries tagged with it;
the query's boolean tree combines them. How they rank:

    score = (sum over the query's clauses of the clause's score) x (clauses matched / clauses)
            + PROXIMITY x (BM25 of each two neighbouring query words found side by side)

A clause's score is its best alternative's BM25F (title x3, summary x2, organisations x2,
body x1; Whoosh's BM25 formula per field); a phrase scores as one rare term through the index's
pairs of neighbouring words; a corrected spelling counts SPELLING_WEIGHT of that. An entry that
matches a clause only through a concept (it is tagged with the term the words name) scores
CONCEPT x the clause's idf, below a typical direct match; an entry that matches directly and
carries the tag gets a TAGGED bonus on top. The coordination factor puts entries that match
more of the query first, and the proximity term rewards the words together as typed.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from kb.text import ParsedQuery


def bm25_idf(documents: int, df: int) -> float:
    """Robertson and Sparck Jones' idf as Lucene's BM25 has it: near 0 for a word in almost
    every entry ('voluntary', 'sector'), high for a rare one, never negative."""
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))

CONCEPT = 0.5  # an entry found through its tag scores this share of the clause's idf
TAGGED = 1.0  # bonus share of the clause's idf for a direct match tagged with the concept
COORDINATION = 1.0  # exponent of the share of clauses matched
PROXIMITY = 0.25  # weight of neighbouring query words found side by side


@dataclass
class Match:
    """The entries a query matches, and what each clause contributes to their scores."""
    query: ParsedQuery
    mask: int  # every live entry the query matches (before facet and date filters)
    direct: list[dict[int, float]]  # per clause: entry -> score of its best direct match
    tagged: list[int]  # per clause: entries tagged with a concept the clause names
    units: list[float]  # per clause: its idf, the weight of a match through a concept
    clause_masks: list[int]  # per clause: every entry it matches, directly or by a tag
    proximity: list[dict[int, float]]  # per neighbouring pair of clauses: entry -> BM25

    def words_matched(self, d: int) -> list[int]:
        """The clauses an entry matches directly, through its own words."""
        return [i for i in self.query.positive if d in self.direct[i]]


def _clause(snap, clause) -> tuple[dict[int, float], int]:
    """(entry -> best score over the clause's alternatives, bitset of those entries)."""
    best: dict[int, float] = {}
    mask = 0
    for alt in clause.alternatives:
        docs, scores, alt_mask = snap.scored(alt.terms)
        mask |= alt_mask
        if not best and alt.weight == 1.0:
            best = dict(zip(docs, scores, strict=True))
            continue
        for d, s in zip(docs, scores, strict=True):
            s *= alt.weight
            if s > best.get(d, 0.0):
                best[d] = s
    return best, mask


def _evaluate(tree: tuple, masks: list[int], live: int) -> int:
    kind = tree[0]
    if kind == "clause":
        return masks[tree[1]]
    if kind == "not":
        return live & ~_evaluate(tree[1], masks, live)
    if kind == "and":
        out = live
        for node in tree[1]:
            out &= _evaluate(node, masks, live)
        return out
    if kind == "or":
        out = 0
        for node in tree[1]:
            out |= _evaluate(node, masks, live)
        return out
    return live  # ("all",)


def match(snap, query: ParsedQuery) -> Match:
    """The entries of `snap` that `query` matches, with what ranking them needs."""
    n = len(query.clauses)
    direct: list[dict[int, float]] = [{} for _ in range(n)]
    tagged, masks, units = [0] * n, [0] * n, [0.0] * n
    for concept in query.concepts:
        for i in concept.clauses:
            tagged[i] |= snap.masks[concept.facet].get(concept.slug, 0)
    for i, clause in enumerate(query.clauses):
        direct[i], own = _clause(snap, clause)
        if clause.exact:
            tagged[i] = 0
        masks[i] = own | tagged[i]
        units[i] = bm25_idf(snap.live_count, own.bit_count())
    proximity = []
    positive = [i for i in query.positive if not query.clauses[i].exact]
    for a, b in zip(positive, positive[1:], strict=False):
        if b == a + 1:
            first, second = query.clauses[a].alternatives[0], query.clauses[b].alternatives[0]
            proximity.append(snap.nearby(first.terms[-1], second.terms[0]))
    mask = _evaluate(query.tree, masks, snap.live) & snap.live
    return Match(query, mask, direct, tagged, units, masks, proximity)


def complete(m: Match, final: int) -> int:
    """How many entries of the bitset `final` match every scoring clause of the query."""
    if not m.query.positive:
        return 0
    every = final
    for i in m.query.positive:
        every &= m.clause_masks[i]
    return every.bit_count()


def rank(snap, m: Match, final: int, limit: int) -> list[tuple[int, float]]:
    """The `limit` best entries of the bitset `final` as [(entry, score)], best first (newer
    first among equal scores).

    Scores are summed per clause for every matching entry, then the entries are taken in order
    of that sum (an upper bound: the coordination factor is at most 1) and scored exactly one
    at a time, until no entry left can beat the last one kept."""
    positive = m.query.positive
    member = final.to_bytes((snap.size >> 3) + 1, "little")
    bounds = _score_sums(snap, m, final, member)
    whole = sum(m.units[i] for i in positive) or 1.0
    heap = [(-b, d) for d, b in bounds.items()]
    heapq.heapify(heap)
    published = snap.published
    best: list[tuple[float, int, int, float]] = []  # (score, published, -entry, score) heap
    while heap:
        bound, d = heapq.heappop(heap)
        if len(best) == limit and best[0][0] > -bound:
            break
        if not member[d >> 3] >> (d & 7) & 1:
            continue
        score = _exact(m, d, -bound, whole)
        item = (score, published[d], -d, score)
        if len(best) < limit:
            heapq.heappush(best, item)
        elif item > best[0]:
            heapq.heapreplace(best, item)
    return [(-neg_d, score) for _, _, neg_d, score in sorted(best, reverse=True)]


def _score_sums(snap, m: Match, final: int, member: bytes) -> dict[int, float]:
    """entry -> its clause scores summed, plus its proximity bonus: an upper bound of its
    score. (Entries outside `final` may be included; rank() skips them.)"""
    total: dict[int, float] = {}
    for i in m.query.positive:
        direct = m.direct[i]
        if not total:
            total = dict(direct)
        else:
            get = total.get
            for d, s in direct.items():
                total[d] = get(d, 0.0) + s
        tagged = m.tagged[i] & final
        if tagged:
            through_tag, bonus = CONCEPT * m.units[i], TAGGED * m.units[i]
            get = total.get
            for d in snap.docs_of(tagged):
                total[d] = get(d, 0.0) + (bonus if d in direct else through_tag)
    for pair in m.proximity:
        get = total.get
        for d, s in pair.items():
            if d in total:
                total[d] = get(d) + PROXIMITY * s
    return total


def _exact(m: Match, d: int, bound: float, whole: float) -> float:
    """An entry's score from its upper bound: the part that comes from clauses, times the idf
    share of the clauses it matches (the proximity bonus is not scaled)."""
    matched = 0.0
    near = sum(PROXIMITY * pair.get(d, 0.0) for pair in m.proximity)
    for i in m.query.positive:
        if d in m.direct[i] or m.tagged[i] >> d & 1:
            matched += m.units[i]
    return (bound - near) * (matched / whole) ** COORDINATION + near
