"""Search: a Query -> Results (hits with highlights, total, facet counts, a suggestion, paging).

`Library` holds the open index. It notices when a build swaps in a new generation and reopens
it, so a running server serves the new index without a restart. Facet counts come from an
in-memory layer (term -> bitset of documents) built when the index is opened: counting is a
popcount of ANDed bitsets, and every facet is counted as if its own filter were off. Text is
scored with Whoosh's BM25F formula over postings read once per generation from Whoosh's reader.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import html
import itertools
import json
import math
import os
import re
import threading
import time
from array import array
from collections import Counter, OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from whoosh import columns, qparser
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And, Not, NullQuery, Or, Term
from whoosh.query import Query as WhooshQuery
from whoosh.util.numeric import byte_to_length

from kb.entries import suggest
from kb.index import (
    CURRENT,
    apply_delta,
    index_term,
    paused_gc,
    read_base_records,
    read_delta,
    read_meta,
)
from kb.taxonomy import FACETS, PARAM, Taxonomy, load_synonyms, load_taxonomy

PAGE_SIZE = 10
SORTS = {"relevance": "Relevance", "newest": "Newest", "oldest": "Oldest",
         "title": "Title A to Z"}
MAX_QUERY_CHARS = 500
MAX_PAGE = 500
MAX_VALUES_PER_FACET = 20
SEARCH_FIELDS = {"title": 3.0, "summary": 2.0, "body": 1.0, "organisations": 2.0, "terms": 1.5}
_WORD = re.compile(r"\w+", re.UNICODE)
_EXPLICIT = re.compile(r'"|\b(AND|OR|NOT)\b|[()]')  # the user wrote query syntax: obey it
MIN_SHOULD_MATCH = 0.5  # share of a 3+ word query's words a result must contain (rounded up)
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


@dataclass
class Results:
    query: Query
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None  # "did you mean" text
    note: str | None = None  # how the query was widened when nothing matched as typed
    pages: int = 1
    # With no results: (facet, value, total without that filter value) for each filter.
    relaxations: list[tuple[str, str, int]] = field(default_factory=list)


# --- text analysis --------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return index_term(word)


def make_parser(schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=SEARCH_FIELDS,
                                      group=qparser.AndGroup)
    # Keep plain words, "phrases", (groups) and AND/OR/NOT; drop syntax users type by accident.
    for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RangePlugin,
                   qparser.BoostPlugin, qparser.EveryPlugin, qparser.SingleQuotePlugin):
        parser.remove_plugin_class(plugin)
    return parser


_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def expand_synonyms(text: str, groups: list[tuple[str, ...]]) -> str:
    """Rewrite user text so each known word or phrase also matches its synonyms:
    'BME providers' -> '(bme OR "black and minority ethnic") providers'. Quoted phrases and
    operators are left as typed."""
    if not groups:
        return text
    starts: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for n, group in enumerate(groups):
        for phrase in group:
            words = tuple(phrase.split())
            starts.setdefault(words[0], []).append((words, n))
    for options in starts.values():
        options.sort(key=lambda o: -len(o[0]))
    tokens = _TOKEN.findall(text)
    norm = [t.lower().strip(".,;:!?") if t not in _OPERATORS else None for t in tokens]
    out, i = [], 0
    while i < len(tokens):
        for words, n in starts.get(norm[i] or "", ()):
            if tuple(norm[i:i + len(words)]) == words:
                alternatives = [p if " " not in p else f'"{p}"' for p in groups[n]]
                out.append("(" + " OR ".join(alternatives) + ")")
                i += len(words)
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def parse_text(parser: qparser.QueryParser, text: str, synonyms=(),
               any_word: bool = False) -> WhooshQuery:
    """Parse user text, with synonyms; bad syntax degrades to its plain words, never raises."""
    words = [w.lower() for w in _WORD.findall(text)]  # lowercase: no longer operators
    if any_word:
        text = " OR ".join(words)
    for attempt in (text, " ".join(words)):
        try:
            return parser.parse(expand_synonyms(attempt, synonyms))
        except Exception:  # whoosh can raise on odd syntax; fall back to the words alone
            continue
    return NullQuery


def query_stems(q: WhooshQuery) -> set[str]:
    return {text for field_, text in q.iter_all_terms(phrases=True) if field_ in SEARCH_FIELDS
            and isinstance(text, str)}


def snippet(text: str, stems: set[str], words: int = 36) -> str:
    """The passage of `text` with the most distinct matched words, escaped, matches in <mark>.
    Words are stemmed once per distinct spelling, and passages are scored over the matches
    alone: a results page builds ten of these from bodies of several hundred words."""
    tokens = _WORD.findall(text)
    hits = {w for w in set(tokens) if stem(w) in stems}
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
    spans = [m.span() for m in itertools.islice(_WORD.finditer(text), best, end)]
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


def _pack(scores: dict[int, float]) -> tuple[array, array]:
    return array("i", scores.keys()), array("d", scores.values())


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
        self.known_words = {w for group in self.synonyms for p in group for w in p.split()}
        # Read with plain file reads, not memory maps: the search keeps what it needs in its
        # own caches, and a mapped 500 MB index would count in every process's resident memory.
        self.ix = FileStorage(str(generation), supports_mmap=False).open_index()
        self.parser = make_parser(self.ix.schema)
        self._searcher = self.ix.searcher()
        self._whoosh_lock = threading.RLock()
        self._word_for_stem: dict[str, str] | None = None
        reader = self._searcher.reader()
        self.size = reader.doc_count_all()
        live = _live_docs(reader)
        self.live = _mask(live, self.size)
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
            for field_ in SEARCH_FIELDS:
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

    def knows(self, word: str) -> bool:
        """Whether the word, as typed or as a stem, occurs in the index."""
        with self.whoosh() as searcher:
            reader = searcher.reader()
            return bool(reader.doc_frequency("spell", word)
                        or reader.doc_frequency("body", index_term(word)))

    def correct(self, word: str) -> str | None:
        """The index's closest word to an unknown one: by spelling (up to two edits), else by
        stem, which also forgives swapped letters and endings (hospcie -> hospices)."""
        with self.whoosh() as searcher:
            fixes = searcher.corrector("spell").suggest(word, limit=1, maxdist=2, prefix=1)
            if fixes:
                return fixes[0]
            stems = searcher.corrector("body").suggest(index_term(word), limit=1, maxdist=2,
                                                       prefix=1)
            return self.word_for_stem().get(stems[0]) if stems else None

    def word_for_stem(self) -> dict[str, str]:
        """stem -> the most frequent word with that stem (built on first use)."""
        if self._word_for_stem is None:
            reader = self._searcher.reader()  # called with the lock held, from correct()
            best: dict[str, tuple[int, str]] = {}
            for raw, info in reader.iter_field("spell"):
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                freq = info.doc_frequency()
                key = index_term(word)
                if freq > best.get(key, (0, ""))[0]:
                    best[key] = (freq, word)
            self._word_for_stem = {k: w for k, (_, w) in best.items()}
        return self._word_for_stem

    # -- scoring: BM25 over Whoosh's postings, with per-term results cached --

    def match(self, q: WhooshQuery, relaxed: bool) -> dict[int, float]:
        """{docnum: score} of the documents matching q. For a plain list of 3+ words
        (`relaxed`), a document needs MIN_SHOULD_MATCH of the words, and more is better."""
        clauses = list(q.subqueries) if isinstance(q, And) else []
        positive = [c for c in clauses if not isinstance(c, Not)]
        if not relaxed or len(positive) < 3:
            return self.evaluate(q)
        need = math.ceil(MIN_SHOULD_MATCH * len(positive))
        parts = [self.evaluate(c) for c in positive]
        counts = Counter()
        for part in parts:
            counts.update(part.keys())
        scores: dict[int, float] = {}
        for part in parts:
            for d, s in part.items():
                if counts[d] >= need:
                    scores[d] = scores.get(d, 0.0) + s
        for clause in clauses:
            if isinstance(clause, Not):
                for d in self.evaluate(clause.query):
                    scores.pop(d, None)
        return scores

    def evaluate(self, q: WhooshQuery) -> dict[int, float]:
        """Score a parsed query: terms from cached postings, AND/OR combined here; any other
        kind (phrases, ANDNOT ...) matched by Whoosh and scored by the sum of its terms."""
        if isinstance(q, Term):
            return self.term_scores(q.fieldname, q.text, q.boost)
        if isinstance(q, Or) and all(isinstance(sub, Term) for sub in q.subqueries):
            # One word across the search fields: the unit queries share, cached whole.
            docs, scores = self._cached(("or", repr(q)), lambda: _pack(self._sum_terms(q)))
            return dict(zip(docs, scores, strict=True))
        if isinstance(q, Or):
            out: dict[int, float] = {}
            for sub in q.subqueries:
                for d, s in self.evaluate(sub).items():
                    out[d] = out.get(d, 0.0) + s
            return out
        if isinstance(q, And):
            parts = sorted((self.evaluate(s) for s in q.subqueries if not isinstance(s, Not)),
                           key=len)
            if not parts:
                return {}
            out = {d: s for d, s in parts[0].items() if all(d in p for p in parts[1:])}
            for p in parts[1:]:
                for d in out:
                    out[d] += p[d]
            for sub in q.subqueries:
                if isinstance(sub, Not):
                    for d in self.evaluate(sub.query):
                        out.pop(d, None)
            return out
        if q is NullQuery or isinstance(q, type(NullQuery)):
            return {}
        out = dict.fromkeys(self.docs_matching(q), 0.0)
        for field_, text in q.iter_all_terms(phrases=True):
            for d, s in self.term_scores(field_, text, q.boost).items():
                if d in out:
                    out[d] += s
        return out

    def _sum_terms(self, q: Or) -> dict[int, float]:
        out: dict[int, float] = {}
        for term in q.subqueries:
            docs, scores = self._bm25(term.fieldname, term.text)
            boost = term.boost
            for d, s in zip(docs, scores, strict=True):
                out[d] = out.get(d, 0.0) + s * boost
        return out

    def docs_matching(self, q: WhooshQuery) -> array:
        def read():
            with self.whoosh() as searcher:
                return array("i", searcher.docs_for_query(q)), array("d")

        return self._cached(("docs", repr(q)), read)[0]

    def term_scores(self, field_: str, text, boost: float = 1.0) -> dict[int, float]:
        docs, scores = self._cached((field_, text), lambda: self._bm25(field_, text))
        if boost == 1.0:
            return dict(zip(docs, scores, strict=True))
        return {d: s * boost for d, s in zip(docs, scores, strict=True)}

    def _cached(self, key, compute) -> tuple[array, array]:
        """Scored postings as two compact arrays (docnums, scores), kept in a cache bounded by
        postings held: the least recently added go first."""
        found = self._postings.get(key)
        if found is not None:
            return found
        found = compute()
        with self._cache_lock:
            if key not in self._postings:
                self._postings[key] = found
                self._cached_postings += len(found[0]) + 1
                while self._cached_postings > POSTINGS_BUDGET and len(self._postings) > 1:
                    _, (dropped, _) = self._postings.popitem(last=False)
                    self._cached_postings -= len(dropped) + 1
        return found

    def _bm25(self, field_: str, text) -> tuple[array, array]:
        """(docnums, BM25 scores) of one term in one field, by Whoosh's BM25F formula: its idf,
        and weights that already carry the field's boost."""
        lengths = self.field_lengths(field_)
        with self.whoosh() as searcher:
            reader = searcher.reader()
            df = reader.doc_frequency(field_, text)
            if not df:
                return array("i"), array("d")
            idf = math.log(reader.doc_count_all() / (df + 1)) + 1
            avg = searcher.avg_field_length(field_) or 1.0
            docs, weights = _read_postings(reader, field_, text)
        k1, b = BM25_K1, BM25_B
        scores = array("d", (idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[d] / avg))
                             for d, tf in zip(docs, weights, strict=True)))
        return docs, scores

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
        text_q, scores, note, suggestion = None, None, None, None
        base = snap.date_mask(query.date_from, query.date_to)
        if query.text.strip():
            text_q, scores, matched, note, suggestion = self._match_text(snap, query.text)
            base &= matched

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
        hits = self._hits(snap, text_q, scores, final, query, total, snippets)
        pages = max(1, -(-total // query.page_size))
        return Results(query, total, hits, facets, suggestion, note, pages, relaxations)

    def _match_text(self, snap: Snapshot, text: str):
        """(whoosh query, scores {docnum: score}, bitset of matching docs, note, suggestion).

        Every word must match; with three or more words, a document needs at least half of them
        (MIN_SHOULD_MATCH), so a long plain-English question still finds the entries that
        answer it. When nothing matches, a spelling correction from the index's own words is
        tried, then any single word.
        """

        def run(words_text: str, any_word: bool = False):
            q = parse_text(snap.parser, words_text, snap.synonyms, any_word=any_word)
            relaxed = not any_word and not _EXPLICIT.search(words_text)
            scores = snap.match(q, relaxed)
            return q, scores, _mask(scores, snap.size) & snap.live

        q, scores, matched = run(text)
        suggestion = self.suggest(snap, text) if matched.bit_count() < 3 else None
        note = None
        if not matched and suggestion:
            corrected = run(suggestion)
            if corrected[2]:
                q, scores, matched = corrected
                note = f"Nothing matched ‘{text}’; showing results for ‘{suggestion}’."
        if not matched and len(_WORD.findall(text)) > 1:
            q, scores, matched = run(text, any_word=True)
            if matched:
                note = "No entry matched all your words; these match some of them."
        return q, scores, matched, note, suggestion

    def _hits(self, snap: Snapshot, text_q, scores: dict | None, final: int, query: Query,
              total: int, snippets: bool) -> list[Hit]:
        start = (query.page - 1) * query.page_size
        if start >= total:
            return []
        limit = start + query.page_size
        sort = query.sort if (scores is not None or query.sort != "relevance") else "newest"
        member = final.to_bytes((snap.size >> 3) + 1, "little")

        def kept(d: int) -> bool:
            return member[d >> 3] >> (d & 7) & 1

        if scores is None:  # no words: walk the precomputed order, keeping filtered documents
            order = snap.order["title" if sort == "title" else "newest"]
            if sort == "oldest":
                order = reversed(order)
            ranked = list(itertools.islice((d for d in order if kept(d)), limit))
        else:
            candidates = [d for d in scores if kept(d)]
            published = snap.published
            if sort == "relevance":
                ranked = heapq.nlargest(limit, candidates,
                                        key=lambda d: (scores[d], published[d], -d))
            elif sort == "title":
                rank = snap.title_rank
                ranked = heapq.nsmallest(limit, candidates, key=lambda d: rank[d])
            elif sort == "oldest":
                ranked = heapq.nsmallest(limit, candidates, key=lambda d: (published[d], d))
            else:
                ranked = heapq.nlargest(limit, candidates, key=lambda d: (published[d], -d))
        stems = query_stems(text_q) if text_q is not None and snippets else set()
        hits = []
        for d in ranked[start:limit]:
            rec = snap.records[snap.slug_of[d]]
            body = snap.stored(d)["body"] if stems else ""
            score = scores.get(d) if scores is not None and sort == "relevance" else None
            hits.append(Hit(
                slug=rec["slug"], title=rec["title"], summary=rec["summary"],
                score=round(score, 4) if score else None,
                principles=rec["principles"], sectors=rec["sectors"], stages=rec["stages"],
                regions=rec["regions"], published=rec["published"],
                highlights=snippet(body, stems) if stems else "",
            ))
        return hits

    def suggest(self, snap: Snapshot, text: str) -> str | None:
        """A corrected query from the index's own words, or None when every word is known."""
        changed, out = False, text
        for word in sorted(set(_WORD.findall(text)), key=len, reverse=True):
            low = word.lower()
            if len(low) < 4 or low.isdigit() or low in snap.known_words or snap.knows(low):
                continue
            fix = snap.correct(low)
            if fix:
                out = re.sub(rf"\b{re.escape(word)}\b", fix, out)
                changed = True
        return out if changed else None

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


def sum_masks(masks) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _or_masks(masks: dict[str, int], slugs) -> int:
    return sum_masks(masks.get(s, 0) for s in slugs)

