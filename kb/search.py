"""Search: a Query -> Results (hits with highlights, total, facet counts, a suggestion, paging).

`Library` holds the open index. It notices when a build swaps in a new generation and reopens
it, so a running server serves the new index without a restart. Facet counts come from an
in-memory layer (term -> bitset of documents) built when the index is opened: counting is a
popcount of ANDed bitsets, and every facet is counted as if its own filter were off. Text is
scored with Whoosh's BM25F formula over postings read once per generation from Whoosh's reader.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import threading
import time
from array import array
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length

from kb.analysis import index_term, pair_term
from kb.entry import suggest
from kb.index import (
    CURRENT,
    apply_delta,
    paused_gc,
    read_base_records,
    read_delta,
    read_meta,
)
from kb.scoring import Match, bm25_idf, complete, match, rank
from kb.spelling import is_english
from kb.taxonomy import FACETS, PARAM, Taxonomy, load_synonyms, load_taxonomy
from kb.text import Concept, ParsedQuery, compile_vocabulary, parse_query, snippet

PAGE_SIZE = 10
SORTS = {"relevance": "Relevance", "newest": "Newest", "oldest": "Oldest",
         "title": "Title A to Z"}
MAX_QUERY_CHARS = 500
MAX_PAGE = 500
MAX_VALUES_PER_FACET = 20
SEARCH_FIELDS = {"title": 3.0, "summary": 2.0, "body": 1.0, "organisations": 2.0}
PAIRS_FIELD = "pairs"  # neighbouring terms: phrases and proximity
PHRASE_BOOST = 1.0  # a phrase scores as one term of the pairs field
BM25_K1, BM25_B = 1.2, 0.75
FOLLOW_INTERVAL = 0.05  # seconds between a server's checks for a new index generation
POSTINGS_BUDGET = 6_000_000  # scored postings cached per index generation (12 bytes each)


class QueryError(ValueError):
    """A request the search cannot answer as asked (shown to the user as a 400 page)."""


class IndexMissing(RuntimeError):
    """No usable index: run `kb build`."""


@dataclass(frozen=True)
class Query:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> term slugs
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    def selected(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())

    def params(self) -> list[tuple[str, str]]:
        """The canonical URL parameters of this query, in a stable order."""
        out = [("q", self.text)] if self.text else []
        for facet in FACETS:
            out += [(PARAM[facet], v) for v in self.selected(facet)]
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def replace(self, **changes) -> Query:
        values = {**self.__dict__, **changes}
        return Query(**values)

    def toggle(self, facet: str, value: str) -> Query:
        """This query with one facet value added or removed, back on page 1."""
        current = self.selected(facet)
        new = tuple(v for v in current if v != value) if value in current else current + (value,)
        return self.replace(filters={**self.filters, facet: new}, page=1)

    def as_dict(self) -> dict:
        return {
            "q": self.text,
            **{PARAM[f]: list(self.selected(f)) for f in FACETS},
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sort": self.sort,
            "page": self.page,
        }


def _parse_date(name: str, value: str, end: bool) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"'{name}' must be a date written YYYY-MM-DD or a year YYYY; "
                         f"got '{value[:40]}'") from None


def query_from_params(get_all, taxonomy: Taxonomy) -> tuple[Query, bool]:
    """Read a Query from request parameters (`get_all(name) -> list[str]`).

    Returns (query, canonical): canonical is False when an old (aliased) facet value was used,
    so the caller can redirect to the canonical address. Raises QueryError for bad input.
    """
    texts = get_all("q")
    text = " ".join(t for t in texts if t).strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the search text is {len(text)} characters; the limit is "
                         f"{MAX_QUERY_CHARS}")
    if "\x00" in text:
        raise QueryError("the search text contains a null character")
    canonical = len(texts) <= 1
    filters = {}
    for facet in FACETS:
        param = PARAM[facet]
        values = [v.strip() for v in get_all(param) if v.strip()]
        if len(values) > MAX_VALUES_PER_FACET:
            raise QueryError(f"too many '{param}' values ({len(values)}); the limit is "
                             f"{MAX_VALUES_PER_FACET}")
        slugs = []
        for value in values:
            slug = taxonomy[facet].resolve(value)
            if slug is None:
                raise QueryError(f"unknown {param} '{value[:60]}'"
                                 f"{suggest(value, taxonomy[facet].terms)}; known values: "
                                 f"{', '.join(taxonomy[facet].terms)}")
            canonical &= slug == value
            if slug not in slugs:
                slugs.append(slug)
            else:
                canonical = False
        if slugs:
            filters[facet] = tuple(slugs)
    date_from = _parse_date("from", " ".join(get_all("from")), end=False)
    date_to = _parse_date("to", " ".join(get_all("to")), end=True)
    if date_from and date_to and date_from > date_to:
        raise QueryError("'from' is after 'to'; swap the dates")
    sort = (get_all("sort") or ["relevance"])[-1] or "relevance"
    if sort not in SORTS:
        raise QueryError(f"unknown sort '{sort[:40]}'; use one of: {', '.join(SORTS)}")
    page_text = (get_all("page") or ["1"])[-1] or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise QueryError(f"'page' must be a whole number from 1 to {MAX_PAGE}")
    query = Query(text, filters, date_from, date_to, sort, int(page_text))
    return query, canonical


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    slug: str
    title: str
    summary: str
    score: float | None
    principles: list[str]
    sectors: list[str]
    stages: list[str]
    regions: list[str]
    published: str
    highlights: str  # HTML: escaped text with <mark> around matched words
    matched_words: list[str] = field(default_factory=list)  # the query's words it contains
    matched_tags: list[Concept] = field(default_factory=list)  # concepts it is tagged with


@dataclass
class Results:
    query: Query
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None  # "did you mean": the query with misspelt words corrected
    pages: int = 1
    # With no results: (facet, value, total without that filter value) for each filter.
    relaxations: list[tuple[str, str, int]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the query's scoring clauses, as typed
    complete: int = 0  # results that match every one of `words` (directly or by a concept)
    unmatched: list[str] = field(default_factory=list)  # words no entry matches
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, searched too)
    concepts: list[Concept] = field(default_factory=list)  # terms named, with tagged results


# --- reading Whoosh ---------------------------------------------------------------------------


def _read_postings(reader, field_: str, text) -> tuple[array, array]:
    """All (docnums, weights) of a term, deleted documents included (search masks them out).
    Reads Whoosh's posting blocks whole where it can: several times faster than stepping
    through a matcher one posting at a time."""
    docs, weights = array("i"), array("d")
    for segment, base in reader.leaf_readers():
        try:
            matcher = segment._terms.matcher(field_, segment._text_to_bytes(field_, text),
                                             segment.schema[field_].format)
        except Exception:  # the term is not in this segment
            continue
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                if matcher._ids is None:
                    matcher._read_ids()
                if matcher._weights is None:
                    matcher._read_weights()
                start = matcher._i
                docs.extend(d + base for d in matcher._ids[start:])
                weights.fromlist([float(w) for w in matcher._weights[start:]])
                matcher._next_block()
        else:
            for d, w in matcher.items_as("weight"):
                docs.append(d + base)
                weights.append(w)
    return docs, weights


_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


def _whole_column(segment, name: str, column) -> list | None:
    """Every document's raw value in one segment's column, read with one file read; None when
    the column is not one of the two kinds read this way (the caller then asks per document).
    Stepping through Whoosh's column readers costs a file seek and read per document: a fifth
    of a second per field at 10,000 entries."""
    try:
        r = segment._perdoc._cached_reader(name, column)
    except AttributeError:  # another codec
        return None
    count = segment.doc_count_all()
    if r is None:  # no document has a value
        return [column.default_value()] * count
    if isinstance(r, columns.NumericColumn.Reader) and r._fixedlen == 1:  # lengths: a byte each
        raw = r._dbfile.get(r._basepos, r._count)
        return list(raw) + [r._default] * (count - len(raw))
    if isinstance(r, columns.VarBytesColumn.Reader):
        raw = r._dbfile.get(r._basepos, sum(r._lengths))
        return [raw[o:o + n] for o, n in zip(r._offsets, r._lengths, strict=True)]
    return None


def _read_lengths(reader, field_: str, size: int) -> list[int]:
    """Every document's length in a field, from Whoosh's length column of each segment."""
    out: list[int] = []
    for segment, _ in reader.leaf_readers():
        raw = _whole_column(segment, _lenfield(field_), LENGTHS_COLUMN)
        if raw is None:
            out.extend(segment.doc_field_length(d, field_, 0)
                       for d in range(segment.doc_count_all()))
        else:
            out.extend(_LENGTH_OF_BYTE[b] for b in raw)
    return out if len(out) == size else [reader.doc_field_length(d, field_, 0)
                                         for d in range(size)]


def _read_slugs(reader, size: int) -> list[str]:
    """docnum -> slug for every document, deleted ones included, from the slug column."""
    out: list[str] = []
    for segment, _ in reader.leaf_readers():
        raw = _whole_column(segment, "slug", segment.schema["slug"].column_type)
        if raw is None or len(raw) != segment.doc_count_all():
            return list(reader.column_reader("slug"))
        out.extend(b.decode("utf-8") for b in raw)
    return out if len(out) == size else list(reader.column_reader("slug"))


def _live_docs(reader) -> list[int]:
    """The numbers of the documents not deleted, a segment at a time (asking Whoosh document
    by document took a seventh of a second at 50,000 entries)."""
    live: list[int] = []
    for segment, base in reader.leaf_readers():
        try:
            deleted = segment.deleted_docs_set if segment.has_deletions() else frozenset()
        except AttributeError:  # another reader kind
            return list(reader.all_doc_ids())
        live.extend(base + d for d in range(segment.doc_count_all()) if d not in deleted)
    return live


def _mask(docnums, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


def _docs(mask: int) -> set[int]:
    raw = mask.to_bytes((mask.bit_length() >> 3) + 1, "little")
    return {(i << 3) + b for i, byte in enumerate(raw) if byte for b in range(8) if byte >> b & 1}


# --- the open index -------------------------------------------------------------------------


class Snapshot:
    """One generation of the index, opened, with its facet layer. Immutable once built."""

    def __init__(self, generation: Path, warm: bool = False, previous: Snapshot | None = None):
        """Open a generation; `previous`, the generation open before it, lends the records
        the two share (an incremental build keeps the previous RECORDS file)."""
        with paused_gc():  # hundreds of thousands of small objects, none in a cycle
            self._open(generation, warm, previous)

    def _open(self, generation: Path, warm: bool, previous: Snapshot | None) -> None:
        self.generation = generation
        self.meta = read_meta(generation)
        self.taxonomy = load_taxonomy(generation / "taxonomy.yaml")
        self.synonyms = load_synonyms(generation / "synonyms.yaml")
        self.vocabulary = compile_vocabulary(self.taxonomy, self.synonyms)
        # Read with plain file reads, not memory maps: the search keeps what it needs in its
        # own caches, and a mapped 500 MB index would count in every process's resident memory.
        self.ix = FileStorage(str(generation), supports_mmap=False).open_index()
        self._searcher = self.ix.searcher()
        self._whoosh_lock = threading.RLock()
        self._word_for_stem: dict[str, str] | None = None
        reader = self._searcher.reader()
        self.size = reader.doc_count_all()
        live = _live_docs(reader)
        self.live = _mask(live, self.size)
        self.live_count = len(live)
        slugs = _read_slugs(reader, self.size)  # docnum -> slug
        self._records_id = self.meta.get("records")
        if previous is not None and self._records_id and \
                previous._records_id == self._records_id:
            self._base_records = previous._base_records  # shared, never changed
        else:
            self._base_records = read_base_records(generation)
        light = apply_delta(self._base_records, read_delta(generation))
        self.records: dict[str, dict] = light  # slug -> light metadata (no body)
        self.docnum = {slugs[d]: d for d in live}
        self.slug_of = {d: slugs[d] for d in live}
        self.alias = {a: slug for slug, rec in light.items() for a in rec["aliases"]}
        self.published = [0] * self.size
        for d in live:
            self.published[d] = dt.date.fromisoformat(light[slugs[d]]["published"]).toordinal()
        by_date = sorted(live, key=lambda d: (self.published[d], -d), reverse=True)
        by_title = sorted(live, key=lambda d: (light[slugs[d]]["title"].lower(), d))
        self.order = {"newest": by_date, "title": by_title}
        self.title_rank = {d: n for n, d in enumerate(by_title)}
        self._postings: OrderedDict = OrderedDict()  # (field, text) -> {docnum: bm25}
        self._cached_postings = 0  # postings held in self._postings
        self._cache_lock = threading.Lock()
        self._lengths: dict[str, list[int]] = {}
        self.masks: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            members: dict[str, list[int]] = {t: [] for t in self.taxonomy[facet].terms}
            for d in live:
                for t in light[slugs[d]][facet]:
                    members.setdefault(t, []).append(d)
            self.masks[facet] = {t: _mask(ds, self.size) for t, ds in members.items()}
        if warm:  # what every text search needs first, read before any request waits for it
            for field_ in (*SEARCH_FIELDS, PAIRS_FIELD):
                self.field_lengths(field_)

    def __del__(self):
        # The last request using this generation is done: close its files.
        searcher = getattr(self, "_searcher", None)
        if searcher is not None:
            searcher.close()

    @contextmanager
    def whoosh(self):
        """The generation's one Whoosh searcher, held by one thread at a time. (A searcher per
        thread cost about 100 MB each at 10,000 entries; most requests are answered from the
        caches here without touching Whoosh.)"""
        with self._whoosh_lock:
            yield self._searcher

    def stored(self, docnum: int) -> dict:
        with self.whoosh() as searcher:
            return searcher.stored_fields(docnum)

    # -- the lexicon spelling correction asks (see kb.text.parse_query) --

    def has_word(self, word: str) -> bool:
        """Whether the index has a lowercase word, as typed or as a stem."""
        with self.whoosh() as searcher:
            reader = searcher.reader()
            return bool(reader.doc_frequency("spell", word)
                        or reader.doc_frequency("body", index_term(word)))

    def knows(self, word: str) -> bool:
        """Whether a lowercase word is right as typed: the index has it or it is English.
        Only a word neither knows is ever corrected."""
        return self.has_word(word) or is_english(word)

    def split(self, word: str) -> tuple[str, str] | None:
        """Two words the index has that make up a closed compound ('multiyear' -> multi,
        year), the most even split first; None when there are none."""
        cuts = sorted(range(2, len(word) - 1), key=lambda n: -min(n, len(word) - n))
        for n in cuts:
            if self.has_word(word[:n]) and self.has_word(word[n:]):
                return word[:n], word[n:]
        return None

    def closest(self, word: str) -> str | None:
        """The index's closest word to a misspelt one: by spelling (one edit for words of up to
        five letters, two for longer ones), else by stem, which also forgives swapped letters
        and endings (hospcie -> hospices). None when nothing is that close."""
        edits = 1 if len(word) <= 5 else 2
        with self.whoosh() as searcher:
            fixes = searcher.corrector("spell").suggest(word, limit=1, maxdist=edits, prefix=1)
            if fixes:
                return fixes[0]
            stems = searcher.corrector("body").suggest(index_term(word), limit=1,
                                                       maxdist=edits, prefix=1)
            return self.word_for_stem().get(stems[0]) if stems else None

    def word_for_stem(self) -> dict[str, str]:
        """stem -> the most frequent word with that stem (built on first use)."""
        if self._word_for_stem is None:
            reader = self._searcher.reader()  # called with the lock held, from closest()
            best: dict[str, tuple[int, str]] = {}
            for raw, info in reader.iter_field("spell"):
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                freq = info.doc_frequency()
                key = index_term(word)
                if freq > best.get(key, (0, ""))[0]:
                    best[key] = (freq, word)
            self._word_for_stem = {k: w for k, (_, w) in best.items()}
        return self._word_for_stem

    # -- scoring: BM25 over Whoosh's postings, with each term's results cached --

    def scored(self, terms: tuple[str, ...]) -> tuple[array, array, int]:
        """(entries, scores, bitset of the entries) of one word's index term across the search
        fields, or of a phrase's terms side by side (through the pairs field)."""
        if len(terms) == 1:
            return self._cached(("word", terms[0]), lambda: self._word(terms[0]))
        return self._cached(("phrase", terms), lambda: self._phrase(terms))

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
        for field_, boost in SEARCH_FIELDS.items():
            docs, tfs = self._normalised_tf(field_, term)
            for d, tf in zip(docs, tfs, strict=True):
                combined[d] = combined.get(d, 0.0) + boost * tf
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
        return docs, array("d", scores_.values()), _mask(docs, self.size)

    def _cached(self, key, compute) -> tuple[array, array, int]:
        """Scored postings as compact arrays (entries, scores) and their bitset, kept in a
        cache bounded by postings held: the least recently added go first."""
        found = self._postings.get(key)
        if found is not None:
            return found
        found = compute()
        with self._cache_lock:
            if key not in self._postings:
                self._postings[key] = found
                self._cached_postings += len(found[0]) + 1
                while self._cached_postings > POSTINGS_BUDGET and len(self._postings) > 1:
                    _, (dropped, _, _) = self._postings.popitem(last=False)
                    self._cached_postings -= len(dropped) + 1
        return found

    def _normalised_tf(self, field_: str, text) -> tuple[array, array]:
        """(docnums, term frequency / (1 - b + b x field length / average length)) of one term
        in one field, deleted documents included (matching masks them out)."""
        lengths = self.field_lengths(field_)
        with self.whoosh() as searcher:
            reader = searcher.reader()
            if not reader.doc_frequency(field_, text):
                return array("i"), array("d")
            avg = searcher.avg_field_length(field_) or 1.0
            docs, weights = _read_postings(reader, field_, text)
        b = BM25_B
        return docs, array("d", (tf / (1 - b + b * lengths[d] / avg)
                                 for d, tf in zip(docs, weights, strict=True)))

    def docs_of(self, mask: int) -> list[int]:
        return sorted(_docs(mask))

    def field_lengths(self, field_: str) -> list[int]:
        if field_ not in self._lengths:
            with self.whoosh() as searcher:
                self._lengths[field_] = _read_lengths(searcher.reader(), field_, self.size)
        return self._lengths[field_]

    def date_mask(self, date_from: dt.date | None, date_to: dt.date | None) -> int:
        if not date_from and not date_to:
            return self.live
        lo = date_from.toordinal() if date_from else 0
        hi = date_to.toordinal() if date_to else 10**9
        return _mask((d for d in self.slug_of if lo <= self.published[d] <= hi), self.size)


class Library:
    """The index as a long-lived, thread-safe object that follows `kb build`'s swaps.

    With `follow`, a background thread opens a newly swapped-in generation as soon as it
    appears, so requests keep being answered from the old one until the new one is ready.
    """

    def __init__(self, index_root: Path, follow: bool = False):
        self.root = Path(index_root)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._target: str | None = None
        self.snapshot()
        if follow:
            threading.Thread(target=self._follow, daemon=True, name="kb-follow").start()

    def _follow(self, interval: float = FOLLOW_INTERVAL) -> None:
        while True:
            time.sleep(interval)
            try:
                self.snapshot(warm=True)
            except Exception:  # a missing or broken generation: keep serving the last good one
                continue

    def snapshot(self, warm: bool = False) -> Snapshot:
        """The current generation, reopened if a build swapped in a new one."""
        try:
            target = os.readlink(self.root / CURRENT)
        except OSError:
            if self._snapshot:
                return self._snapshot
            raise IndexMissing(f"no index at {self.root}: run `kb build` first") from None
        if target != self._target:
            with self._lock:
                if target != self._target:
                    try:
                        self._snapshot = Snapshot(self.root / target, warm=warm,
                                                  previous=self._snapshot)
                    except Exception as exc:
                        if not self._snapshot:
                            raise IndexMissing(f"the index at {self.root} cannot be opened "
                                               f"({exc}); run `kb build` again") from exc
                    self._target = target
        return self._snapshot

    # -- search --

    def search(self, query: Query, snippets: bool = True) -> Results:
        snap = self.snapshot()
        base = snap.date_mask(query.date_from, query.date_to)
        found = None
        if query.text.strip():
            found = match(snap, parse_query(query.text, snap.vocabulary, lexicon=snap))
            base &= found.mask
        selected = {
            facet: _or_masks(snap.masks[facet], query.selected(facet))
            for facet in FACETS if query.selected(facet)
        }
        final = base
        for m in selected.values():
            final &= m
        facets, relaxations = {}, []
        for facet in FACETS:
            others = base
            for other, m in selected.items():
                if other != facet:
                    others &= m
            if not final:
                for value in query.selected(facet):
                    rest = [v for v in query.selected(facet) if v != value]
                    widened = others & _or_masks(snap.masks[facet], rest) if rest else others
                    relaxations.append((facet, value, widened.bit_count()))
            facets[facet] = [
                FacetValue(slug, term.label, (others & snap.masks[facet].get(slug, 0)).bit_count(),
                           slug in query.selected(facet))
                for slug, term in snap.taxonomy[facet].terms.items()
            ]
        total = final.bit_count()
        pages = max(1, -(-total // query.page_size))
        results = Results(query, total, [], facets, pages=pages, relaxations=relaxations)
        if found is not None:
            _describe(results, snap, found, final, query.text)
        results.hits = self._hits(snap, found, final, query, total, snippets, results)
        return results

    def _hits(self, snap: Snapshot, found: Match | None, final: int, query: Query,
              total: int, snippets: bool, results: Results) -> list[Hit]:
        start = (query.page - 1) * query.page_size
        if start >= total:
            return []
        limit = start + query.page_size
        scored = found is not None and bool(found.query.positive)
        sort = query.sort if scored or query.sort != "relevance" else "newest"
        ranked_scores: dict[int, float] = {}
        if sort == "relevance":
            best = rank(snap, found, final, limit)
            ranked = [d for d, _ in best]
            ranked_scores = dict(best)
        else:  # walk a precomputed order, keeping the matching documents
            member = final.to_bytes((snap.size >> 3) + 1, "little")
            order = snap.order["title" if sort == "title" else "newest"]
            if sort == "oldest":
                order = reversed(order)
            ranked = list(itertools.islice(
                (d for d in order if member[d >> 3] >> (d & 7) & 1), limit))
        stems = found.query.stems() if found is not None and snippets else set()
        return [self._hit(snap, d, found, ranked_scores.get(d), stems)
                for d in ranked[start:limit]]

    def _hit(self, snap: Snapshot, d: int, found: Match | None, score: float | None,
             stems: set[str]) -> Hit:
        rec = snap.records[snap.slug_of[d]]
        words, tags = [], []
        if found is not None:
            clauses = found.query.clauses
            words = [clauses[i].text for i in found.words_matched(d)]
            tags = [c for c in found.query.concepts
                    if snap.masks[c.facet].get(c.slug, 0) >> d & 1]
        body = snap.stored(d)["body"] if stems else ""
        return Hit(
            slug=rec["slug"], title=rec["title"], summary=rec["summary"],
            score=round(score, 4) if score else None,
            principles=rec["principles"], sectors=rec["sectors"], stages=rec["stages"],
            regions=rec["regions"], published=rec["published"],
            highlights=snippet(body, stems) if stems else "",
            matched_words=words, matched_tags=tags,
        )

    # -- lookups for pages --

    def entry(self, slug: str) -> dict | None:
        """The full stored record of an entry (metadata, HTML, source), or None."""
        snap = self.snapshot()
        if slug not in snap.docnum:
            return None
        return json.loads(snap.stored(snap.docnum[slug])["data"])

    def coverage(self) -> dict[str, dict[str, int]]:
        """principle -> sector -> number of entries tagged with both."""
        snap = self.snapshot()
        return {p: {s: (pm & sm).bit_count() for s, sm in snap.masks["sectors"].items()}
                for p, pm in snap.masks["principles"].items()}

    def related(self, slug: str, limit: int = 5) -> list[dict]:
        """Entries sharing the most principles and sectors with this one (at least one of
        each), newest first among equals."""
        snap = self.snapshot()
        rec = snap.records.get(slug)
        if rec is None:
            return []
        own = _mask([snap.docnum[slug]], snap.size)
        both = (_or_masks(snap.masks["principles"], rec["principles"])
                & _or_masks(snap.masks["sectors"], rec["sectors"]) & ~own)
        tags = [snap.masks[f][t] for f in ("principles", "sectors") for t in rec[f]]
        levels = [both] + [0] * len(tags)  # levels[j]: sharing at least j tags
        for m in tags:
            for j in range(len(tags), 0, -1):
                levels[j] |= levels[j - 1] & m
        out: list[dict] = []
        for j in range(len(tags), 0, -1):
            tier = levels[j] & ~sum_masks(levels[j + 1:])
            found = [snap.records[snap.slug_of[d]] for d in _docs(tier) if d in snap.slug_of]
            out += sorted(found, key=lambda r: (r["published"], r["slug"]), reverse=True)
            if len(out) >= limit:
                break
        return out[:limit]

    def resolve_alias(self, slug: str) -> str | None:
        return self.snapshot().alias.get(slug)

    def newest(self, limit: int) -> list[dict]:
        """Light metadata of the `limit` most recently published entries."""
        snap = self.snapshot()
        return [snap.records[snap.slug_of[d]] for d in snap.order["newest"][:limit]]

    def records(self) -> list[dict]:
        """Light metadata of every entry, newest first."""
        snap = self.snapshot()
        return sorted(snap.records.values(), key=lambda r: (r["published"], r["slug"]),
                      reverse=True)

    @property
    def taxonomy(self) -> Taxonomy:
        return self.snapshot().taxonomy

    def stats(self) -> dict:
        snap = self.snapshot()
        return {"entries": len(snap.docnum), "generation": snap.generation.name,
                "built_at": snap.meta["built_at"], "commit": snap.meta.get("commit")}


def _describe(results: Results, snap: Snapshot, found: Match, final: int, text: str) -> None:
    """What the page says about how the words matched: the words, those nothing matched, the
    spelling corrections searched too, and the concepts that brought in tagged results."""
    query: ParsedQuery = found.query
    results.words = [query.clauses[i].text for i in query.positive]
    results.complete = complete(found, final)
    results.unmatched = [query.clauses[i].text for i in query.positive
                         if not found.direct[i] and not found.tagged[i]]
    results.corrections = [(c.text, c.correction) for c in query.clauses if c.correction]
    results.suggestion = query.corrected_text(text)
    results.concepts = [c for c in query.concepts
                        if snap.masks[c.facet].get(c.slug, 0) & final]


def sum_masks(masks) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _or_masks(masks: dict[str, int], slugs) -> int:
    return sum_masks(masks.get(s, 0) for s in slugs)

