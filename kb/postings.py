"""The scored postings of one open index generation: each word's BM25F across the search
fields, phrases and neighbouring words through the pairs field, and which entries use a word as
written, read from Whoosh once and kept in a cache bounded by the postings it holds."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np

from kb import whoosh_internals
from kb.analysis import pair_term
from kb.facets import as_vector, bitset
from kb.spelling import written_forms

SEARCH_FIELDS = {"title": 3.0, "summary": 2.0, "body": 1.0, "organisations": 2.0}
PAIRS_FIELD = "pairs"  # neighbouring terms: phrases and proximity
SPELL_FIELD = "spell"  # each word of an entry once, as written (lowercase)
DESCRIBING_FIELDS = ("title", "summary")  # what an entry is about, for suggesting terms
PHRASE_BOOST = 1.0  # a phrase scores as one term of the pairs field
BM25_K1, BM25_B = 1.2, 0.75
POSTINGS_BUDGET = 6_000_000  # scored postings cached per index generation (12 bytes each)

# Scored postings: (entries, their scores, the bitset of the entries)
Scored = tuple[np.ndarray, np.ndarray, int]


def bm25_idf(documents: int, df: int) -> float:
    """Robertson and Sparck Jones' idf as Lucene's BM25 has it: near 0 for a word in almost
    every entry ('voluntary', 'sector'), high for a rare one, never negative."""
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


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
        self._norms: dict[str, np.ndarray] = {}

    def warm(self) -> None:
        """Read what every text search needs first, before any request waits for it."""
        for field_ in (*SEARCH_FIELDS, PAIRS_FIELD):
            self._length_norms(field_)

    def scored(self, terms: tuple[str, ...]) -> Scored:
        """(entries, scores, bitset of the entries) of one word's index term across the search
        fields, or of a phrase's terms side by side (through the pairs field)."""
        if len(terms) == 1:
            return self._cached(("word", terms[0]), lambda: self._word(terms[0]))
        return self._cached(("phrase", terms), lambda: self._phrase(terms))

    def as_written(self, word: str) -> int:
        """The bitset of the live entries that use a lowercase word as typed, give or take
        plural and spelling (kb.spelling.written_forms), not only through its stem."""
        def compute():
            found = [np.zeros(0, np.intc)]
            with self.whoosh() as searcher:
                reader = searcher.reader()
                for form in written_forms(word):
                    if reader.doc_frequency(SPELL_FIELD, form):
                        docs, _ = whoosh_internals.read_postings(reader, SPELL_FIELD, form)
                        found.append(np.frombuffer(docs, np.intc))
            docs = np.unique(np.concatenate(found))
            return docs, np.zeros(len(docs))
        return self.derived(("written", word), compute)[2] & self.live

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

    def nearby(self, first: str, second: str) -> np.ndarray:
        """Each entry's BM25 of two terms found side by side, in either order."""
        out = np.zeros(self.size)
        for pair in (pair_term(first, second), pair_term(second, first)):
            docs, weights, _ = self._cached(("pair", pair), lambda p=pair: self._pair(p))
            out[docs] += weights
        return out

    def _word(self, term: str) -> Scored:
        """BM25F: the term's frequency in each field, normalised by the field's length and
        weighted by its boost, summed, then saturated once, times the term's idf over whole
        entries. (A word in an entry's title, summary and body counts for more than in its
        body alone, but not three times more: a common word cannot pile up a score.)"""
        combined = np.zeros(self.size)
        found, described = np.zeros(self.size, bool), np.zeros(self.size, bool)
        for field_, boost in SEARCH_FIELDS.items():
            docs, tfs = self._normalised_tf(field_, term)
            combined[docs] += boost * tfs
            found[docs] = True
            if field_ in DESCRIBING_FIELDS:
                described[docs] = True
        self._store(("described", term), self._pack(np.flatnonzero(described), np.zeros(0)))
        docs = np.flatnonzero(found)
        return self._pack(docs, self._saturate(combined[docs]))

    def _saturate(self, tfs: np.ndarray) -> np.ndarray:
        idf = bm25_idf(self.live_count, len(tfs))
        k1 = BM25_K1
        return idf * tfs * (k1 + 1) / (tfs + k1)

    def _pair(self, pair: str) -> Scored:
        docs, tfs = self._normalised_tf(PAIRS_FIELD, pair)
        return self._pack(docs, self._saturate(tfs))

    def _phrase(self, terms: tuple[str, ...]) -> Scored:
        """A phrase matches where each two neighbouring terms are side by side, in order; it
        scores its pairs' mean BM25 (a phrase is as rare as its rarest pair)."""
        parts = [self._cached(("pair", p), lambda p=p: self._pair(p))
                 for p in (pair_term(a, b) for a, b in zip(terms, terms[1:], strict=False))]
        mask = self.live
        for _, _, m in parts:
            mask &= m
        out = np.zeros(self.size)
        for docs, scores_, _ in parts:
            out[docs] += scores_ * PHRASE_BOOST / len(parts)
        docs = np.flatnonzero(as_vector(mask, self.size))
        return self._pack(docs, out[docs])

    def _pack(self, docs: np.ndarray, scores_: np.ndarray) -> Scored:
        return docs.astype(np.intc), scores_, bitset(docs, self.size)

    def derived(self, key, compute) -> Scored:
        """Scores computed from postings (compute() -> (entries, scores)), kept in the cache."""
        return self._cached(key, lambda: self._pack(*compute()))

    def _cached(self, key, compute) -> Scored:
        """Scored postings as compact arrays (entries, scores) and their bitset, kept in a
        cache bounded by postings held: the least recently added go first."""
        found = self._postings.get(key)
        if found is not None:
            return found
        found = compute()
        self._store(key, found)
        return found

    def _store(self, key, found: Scored) -> None:
        with self._cache_lock:
            if key not in self._postings:
                self._postings[key] = found
                self._cached_postings += len(found[0]) + 1
                while self._cached_postings > POSTINGS_BUDGET and len(self._postings) > 1:
                    _, (dropped, _, _) = self._postings.popitem(last=False)
                    self._cached_postings -= len(dropped) + 1

    def _normalised_tf(self, field_: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, term frequency / (1 - b + b x field length / average length)) of one term
        in one field, deleted documents included (matching masks them out)."""
        norms = self._length_norms(field_)
        with self.whoosh() as searcher:
            reader = searcher.reader()
            if not reader.doc_frequency(field_, text):
                return np.zeros(0, np.intc), np.zeros(0)
            docs, weights = whoosh_internals.read_postings(reader, field_, text)
        docs = np.frombuffer(docs, np.intc)
        return docs, np.frombuffer(weights) / norms[docs]

    def _length_norms(self, field_: str) -> np.ndarray:
        """Every document's 1 - b + b x its field length / the average (once per generation)."""
        norms = self._norms.get(field_)
        if norms is None:
            with self.whoosh() as searcher:
                avg = searcher.avg_field_length(field_) or 1.0
                lengths = whoosh_internals.read_lengths(searcher.reader(), field_)
            b = BM25_B
            norms = self._norms[field_] = 1 - b + b * np.array(lengths, float) / avg
        return norms
