"""One index generation, opened: its Whoosh searcher, the in-memory tables that results, facets
and feeds read (records, document numbers, dates, orders, facet bitsets), the postings the
scoring reads, and the lexicon spelling correction asks."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from kb import history, whoosh_internals
from kb.analysis import index_term
from kb.facets import bitset
from kb.generations import apply_delta, paused_gc, read_base_records, read_delta, read_meta
from kb.scoring import Postings
from kb.spelling import is_english
from kb.taxonomy import FACETS, FIELD, load_synonyms, load_taxonomy
from kb.vocabulary import compile_vocabulary


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
        self.ix = whoosh_internals.open_index(generation)
        self._searcher = self.ix.searcher()
        self._whoosh_lock = threading.RLock()
        self._word_for_index_term: dict[str, str] | None = None
        reader = self._searcher.reader()
        self.size = reader.doc_count_all()
        live = whoosh_internals.live_documents(reader)
        self.live = bitset(live, self.size)
        self.live_count = len(live)
        slugs = [b.decode("utf-8") for b in whoosh_internals.read_column_bytes(reader, "slug")]
        self.records_id = self.meta.get("records")
        if previous is not None and self.records_id and \
                previous.records_id == self.records_id:
            self.base_records = previous.base_records  # shared, never changed
        else:
            self.base_records = read_base_records(generation)
        light = apply_delta(self.base_records, read_delta(generation))
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
        self.postings = Postings(self.whoosh, self.size, self.live, self.live_count)
        self.masks: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            members: dict[str, list[int]] = {t: [] for t in self.taxonomy[facet].terms}
            for d in live:
                for t in light[slugs[d]][FIELD[facet]]:
                    members.setdefault(t, []).append(d)
            self.masks[facet] = {t: bitset(ds, self.size) for t, ds in members.items()}
        if warm:
            self.postings.warm()

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

    @cached_property
    def history(self) -> dict | None:
        """The generation's recorded history of the entries (see kb.history), or None when
        the entries were not in Git. Read at first use: most pages never need it."""
        return history.read_index(self.generation)

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
            index_terms = searcher.corrector("body").suggest(index_term(word), limit=1,
                                                             maxdist=edits, prefix=1)
            return self.word_for_index_term().get(index_terms[0]) if index_terms else None

    def word_for_index_term(self) -> dict[str, str]:
        """index term -> the most frequent word indexed as that term (built on first use)."""
        if self._word_for_index_term is None:
            reader = self._searcher.reader()  # called with the lock held, from closest()
            best: dict[str, tuple[int, str]] = {}
            for raw, info in reader.iter_field("spell"):
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                freq = info.doc_frequency()
                key = index_term(word)
                if freq > best.get(key, (0, ""))[0]:
                    best[key] = (freq, word)
            self._word_for_index_term = {k: w for k, (_, w) in best.items()}
        return self._word_for_index_term

    def date_mask(self, date_from: dt.date | None, date_to: dt.date | None) -> int:
        if not date_from and not date_to:
            return self.live
        lo = date_from.toordinal() if date_from else 0
        hi = date_to.toordinal() if date_to else 10**9
        return bitset((d for d in self.slug_of if lo <= self.published[d] <= hi), self.size)
