"""Matching and ranking a parsed query over one open index generation.

Which entries match is decided with bitsets: each clause's set is the entries any of its
alternatives match, plus, for a word that names a vocabulary term, the entries tagged with it;
the query's boolean tree combines them. How they rank:

    score = (sum over the query's clauses of the clause's score)
            x (the matched clauses' idf / all the clauses' idf)
            + PROXIMITY x (BM25 of each two neighbouring query words found side by side)

A clause's score is its best alternative's BM25F: the word's frequency in each field
normalised by the field's length, weighted (title x3, summary x2, organisations x2, body x1) and
summed, then saturated once and multiplied by the word's idf; a phrase scores as one rare term
through the index's pairs of neighbouring words; a corrected spelling counts SPELLING_WEIGHT of
that. An entry that
matches a clause only through a concept (it is tagged with the term the words name) scores
CONCEPT x the clause's idf, below a typical direct match; an entry that matches directly and
carries the tag gets a TAGGED bonus on top. The coordination factor puts entries that match
more of the query first, and the proximity term rewards the words together as typed. When the
words are typical of a term (kb.topics suggests it), the matching entries tagged with it gain
SUGGESTED x the suggestion's weight x the query's idf, after the coordination factor.
"""

from __future__ import annotations

import heapq
import math
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass

from kb import topics, whoosh_internals
from kb.analysis import pair_term
from kb.facets import bitset, members
from kb.text import ParsedQuery
from kb.vocabulary import Concept

SEARCH_FIELDS = {"title": 3.0, "summary": 2.0, "body": 1.0, "organisations": 2.0}
PAIRS_FIELD = "pairs"  # neighbouring terms: phrases and proximity
DESCRIBING_FIELDS = ("title", "summary")  # what an entry is about, for suggesting terms
PHRASE_BOOST = 1.0  # a phrase scores as one term of the pairs field
BM25_K1, BM25_B = 1.2, 0.75
POSTINGS_BUDGET = 6_000_000  # scored postings cached per index generation (12 bytes each)
CONCEPT = 0.5  # an entry found through its tag scores this share of the clause's idf
TAGGED = 1.0  # bonus share of the clause's idf for a direct match tagged with the concept
COORDINATION = 1.0  # exponent of the share of clauses matched
PROXIMITY = 0.25  # weight of neighbouring query words found side by side
SUGGESTED = 0.5  # share of the query's idf an entry tagged with a suggested term gains


def bm25_idf(documents: int, df: int) -> float:
    """Robertson and Sparck Jones' idf as Lucene's BM25 has it: near 0 for a word in almost
    every entry ('voluntary', 'sector'), high for a rare one, never negative."""
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


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
    suggested: list[tuple[Concept, float]]  # terms the words suggest, with their weights
    lifts: list[tuple[int, float]]  # per suggested term: (its tagged entries, their gain)

    def words_matched(self, d: int) -> list[int]:
        """The clauses an entry matches directly, through its own words."""
        return [i for i in self.query.positive if d in self.direct[i]]


def _clause(snap, clause) -> tuple[dict[int, float], int]:
    """(entry -> best score over the clause's alternatives, bitset of those entries)."""
    best: dict[int, float] = {}
    mask = 0
    for alt in clause.alternatives:
        docs, scores, alt_mask = snap.postings.scored(alt.terms)
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
            proximity.append(snap.postings.nearby(first.terms[-1], second.terms[0]))
    mask = _evaluate(query.tree, masks, snap.live) & snap.live
    suggested = topics.suggest(snap, query)
    whole = sum(units[i] for i in query.positive)
    lifts = [(snap.masks[c.facet].get(c.slug, 0), SUGGESTED * weight * whole)
             for c, weight in suggested]
    return Match(query, mask, direct, tagged, units, masks, proximity, suggested, lifts)


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
            for d in members(tagged):
                total[d] = get(d, 0.0) + (bonus if d in direct else through_tag)
    for pair in m.proximity:
        get = total.get
        for d, s in pair.items():
            if d in total:
                total[d] = get(d) + PROXIMITY * s
    for lifted, gain in m.lifts:
        for d in members(lifted & final):
            if d in total:
                total[d] += gain
    return total


def _exact(m: Match, d: int, bound: float, whole: float) -> float:
    """An entry's score from its upper bound: the part that comes from clauses, times the idf
    share of the clauses it matches (the proximity bonus and a suggestion's gain are not
    scaled)."""
    matched = 0.0
    near = sum(PROXIMITY * pair.get(d, 0.0) for pair in m.proximity)
    near += sum(gain for lifted, gain in m.lifts if lifted >> d & 1)
    for i in m.query.positive:
        if d in m.direct[i] or m.tagged[i] >> d & 1:
            matched += m.units[i]
    return (bound - near) * (matched / whole) ** COORDINATION + near


class Postings:
    """The scored postings of one index generation: each word's BM25F across the search fields,
    and phrases and neighbouring words through the pairs field, read from Whoosh once and kept
    in a cache bounded by the postings it holds."""

    def __init__(self, whoosh, size: int, live: int, live_count: int):
        self.whoosh = whoosh  # a context manager that lends the generation's one searcher
        self.size, self.live, self.live_count = size, live, live_count
        self._postings: OrderedDict = OrderedDict()  # key -> (docnums, scores, bitset)
        self._cached_postings = 0  # postings held in self._postings
        self._cache_lock = threading.Lock()
        self._lengths: dict[str, list[int]] = {}

    def warm(self) -> None:
        """Read what every text search needs first, before any request waits for it."""
        for field_ in (*SEARCH_FIELDS, PAIRS_FIELD):
            self.field_lengths(field_)

    def scored(self, terms: tuple[str, ...]) -> tuple[array, array, int]:
        """(entries, scores, bitset of the entries) of one word's index term across the search
        fields, or of a phrase's terms side by side (through the pairs field)."""
        if len(terms) == 1:
            return self._cached(("word", terms[0]), lambda: self._word(terms[0]))
        return self._cached(("phrase", terms), lambda: self._phrase(terms))

    def described(self, term: str) -> int:
        """The bitset of the live entries whose title or summary uses an index term (read
        with the word's scores: the first search for a word reads each field once)."""
        found = self._postings.get(("described", term))
        if found is None:
            self._cached(("word", term), lambda: self._word(term))
            found = self._postings.get(("described", term))
        if found is None:  # the word's scores were cached, this dropped from the cache since
            self._word(term)
            found = self._postings[("described", term)]
        return found[2] & self.live

    def nearby(self, first: str, second: str) -> dict[int, float]:
        """entry -> BM25 of two terms found side by side, in either order."""
        out = {}
        for pair in (pair_term(first, second), pair_term(second, first)):
            docs, weights, _ = self._cached(("pair", pair), lambda p=pair: self._pair(p))
            for d, s in zip(docs, weights, strict=True):
                out[d] = out.get(d, 0.0) + s
        return out

    def _word(self, term: str) -> tuple[array, array, int]:
        """BM25F: the term's frequency in each field, normalised by the field's length and
        weighted by its boost, summed, then saturated once, times the term's idf over whole
        entries. (A word in an entry's title, summary and body counts for more than in its
        body alone, but not three times more: a common word cannot pile up a score.)"""
        combined: dict[int, float] = {}
        described: set[int] = set()
        for field_, boost in SEARCH_FIELDS.items():
            docs, tfs = self._normalised_tf(field_, term)
            if field_ in DESCRIBING_FIELDS:
                described.update(docs)
            for d, tf in zip(docs, tfs, strict=True):
                combined[d] = combined.get(d, 0.0) + boost * tf
        docs = array("i", sorted(described))
        self._store(("described", term), (docs, array("d"), bitset(docs, self.size)))
        return self._pack(self._saturate(combined))

    def _saturate(self, tfs: dict[int, float]) -> dict[int, float]:
        idf = bm25_idf(self.live_count, len(tfs))
        k1 = BM25_K1
        return {d: idf * tf * (k1 + 1) / (tf + k1) for d, tf in tfs.items()}

    def _pair(self, pair: str) -> tuple[array, array, int]:
        docs, tfs = self._normalised_tf(PAIRS_FIELD, pair)
        return self._pack(self._saturate(dict(zip(docs, tfs, strict=True))))

    def _phrase(self, terms: tuple[str, ...]) -> tuple[array, array, int]:
        """A phrase matches where each two neighbouring terms are side by side, in order; it
        scores its pairs' mean BM25 (a phrase is as rare as its rarest pair)."""
        parts = [self._cached(("pair", p), lambda p=p: self._pair(p))
                 for p in (pair_term(a, b) for a, b in zip(terms, terms[1:], strict=False))]
        mask = self.live
        for _, _, m in parts:
            mask &= m
        member = mask.to_bytes((self.size >> 3) + 1, "little")
        out: dict[int, float] = {}
        for docs, scores_, _ in parts:
            for d, s in zip(docs, scores_, strict=True):
                if member[d >> 3] >> (d & 7) & 1:
                    out[d] = out.get(d, 0.0) + s * PHRASE_BOOST / len(parts)
        return self._pack(out)

    def _pack(self, scores_: dict[int, float]) -> tuple[array, array, int]:
        docs = array("i", scores_.keys())
        return docs, array("d", scores_.values()), bitset(docs, self.size)

    def _cached(self, key, compute) -> tuple[array, array, int]:
        """Scored postings as compact arrays (entries, scores) and their bitset, kept in a
        cache bounded by postings held: the least recently added go first."""
        found = self._postings.get(key)
        if found is not None:
            return found
        found = compute()
        self._store(key, found)
        return found

    def _store(self, key, found: tuple[array, array, int]) -> None:
        with self._cache_lock:
            if key not in self._postings:
                self._postings[key] = found
                self._cached_postings += len(found[0]) + 1
                while self._cached_postings > POSTINGS_BUDGET and len(self._postings) > 1:
                    _, (dropped, _, _) = self._postings.popitem(last=False)
                    self._cached_postings -= len(dropped) + 1

    def _normalised_tf(self, field_: str, text) -> tuple[array, array]:
        """(docnums, term frequency / (1 - b + b x field length / average length)) of one term
        in one field, deleted documents included (matching masks them out)."""
        lengths = self.field_lengths(field_)
        with self.whoosh() as searcher:
            reader = searcher.reader()
            if not reader.doc_frequency(field_, text):
                return array("i"), array("d")
            avg = searcher.avg_field_length(field_) or 1.0
            docs, weights = whoosh_internals.read_postings(reader, field_, text)
        b = BM25_B
        return docs, array("d", (tf / (1 - b + b * lengths[d] / avg)
                                 for d, tf in zip(docs, weights, strict=True)))

    def field_lengths(self, field_: str) -> list[int]:
        """Every document's length in a field (read once per generation)."""
        if field_ not in self._lengths:
            with self.whoosh() as searcher:
                self._lengths[field_] = whoosh_internals.read_lengths(searcher.reader(), field_)
        return self._lengths[field_]
