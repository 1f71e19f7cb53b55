"""One index generation, opened: its Whoosh searcher, the in-memory tables that results, facets
and feeds read (records, document numbers, dates, orders, facet bitsets), the postings the
scoring reads, and the lexicon spelling correction asks.

A generation an incremental build made from the one open before it keeps that one's segments
and adds one: its tables are the previous tables with the few documents that changed taken out
and put in, rather than built again over every entry (a third of a second at 50,000)."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import threading
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path

from kb import history, whoosh_internals
from kb.analysis import HYPHENS, STOP_WORDS, index_term, pair_term
from kb.dates import period_end
from kb.facets import bitset, members
from kb.generations import apply_delta, paused_gc, read_base_records, read_delta, read_meta
from kb.postings import Postings
from kb.schema import SCHEMA_VERSION
from kb.spelling import english_neighbours, is_english, nearest
from kb.synonyms import load_synonyms
from kb.taxonomy import FACETS, FIELD, load_taxonomy
from kb.vocabulary import compile_vocabulary


class OutOfDate(RuntimeError):
    """An index generation written by another version of kb: its records lack what this one
    reads, so it is not served."""


CARRY_UP_TO = 1000  # documents gone or added beyond which tables are built anew, not carried
LONGEST_WORD = 45  # pneumonoultramicroscopicsilicovolcanoconiosis: no English word is longer


class Snapshot:
    """One generation of the index, opened, with its facet layer. Immutable once built."""

    def __init__(self, generation: Path, warm: bool = False, previous: Snapshot | None = None):
        """Open a generation; `previous`, the generation open before it, lends what the two
        share: the records, the vocabularies, and the tables of the segments they share."""
        with paused_gc():  # hundreds of thousands of small objects, none in a cycle
            self._open(generation, warm, previous)

    def _open(self, generation: Path, warm: bool, previous: Snapshot | None) -> None:
        self.generation = generation
        self.meta = read_meta(generation)
        if self.meta.get("schema") != SCHEMA_VERSION:
            raise OutOfDate(f"it was built by another version of kb (schema "
                            f"{self.meta.get('schema')}; this one reads {SCHEMA_VERSION})")
        self.vocabulary_files = tuple(_read_or_none(generation / name)
                                      for name in ("taxonomy.yaml", "synonyms.yaml"))
        if previous is not None and previous.vocabulary_files == self.vocabulary_files:
            self.taxonomy, self.synonyms = previous.taxonomy, previous.synonyms
            self.vocabulary = previous.vocabulary
        else:
            self.taxonomy = load_taxonomy(generation / "taxonomy.yaml")
            self.synonyms = load_synonyms(generation / "synonyms.yaml")
            self.vocabulary = compile_vocabulary(self.taxonomy, self.synonyms)
        self.ix = whoosh_internals.open_index(generation)
        self._searcher = self.ix.searcher()
        self._whoosh_lock = threading.RLock()
        # a misspelling's correction, per generation: reading the word list is the slow part
        self.closest = lru_cache(maxsize=4096)(self._closest)
        reader = self._searcher.reader()
        self.size = reader.doc_count_all()
        self.segments = whoosh_internals.segment_sizes(reader)
        self.records_id = self.meta.get("records")
        if previous is not None and self.records_id and \
                previous.records_id == self.records_id:
            self.base_records = previous.base_records  # shared, never changed
        else:
            self.base_records = read_base_records(generation)
        self.delta = read_delta(generation)
        self.records: dict[str, dict] = apply_delta(self.base_records, self.delta)
        tables = carried_tables(self, previous, reader) if previous is not None else None
        vars(self).update(tables or new_tables(self, reader))
        # what searches, lists and counts show: every entry but those withdrawn (their pages
        # stay, so links to them keep working)
        self.listed = self.live & ~bitset((d for s, d in self.docnum.items()
                                           if self.records[s].get("withdrawn")), self.size)
        self.live_count = self.live.bit_count()
        self.postings = Postings(self.whoosh, self.size, self.live, self.live_count)
        if warm:
            self.postings.warm()
            is_english("warm")  # reads the dictionary: the first misspelling does not wait

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

    def added_on(self, path: str) -> str | None:
        """The day (YYYY-MM-DD) an entry file was first committed (one not yet committed: the
        day the index was built, as the feeds date it), or None without history."""
        if self.history is None:
            return None
        revs = self.history.get("entries", {}).get(path)
        return revs[-1]["date"][:10] if revs else self.meta["built_at"][:10]

    @cached_property
    def added_order(self) -> list[int]:
        """The live documents, those added here most recently first: by the first commit of
        the entry's file (one not yet committed counts as newest), then as `order["newest"]`
        (the source's date) without history or among entries added together."""
        first = {path: dt.datetime.fromisoformat(revs[-1]["date"]).timestamp()
                 for path, revs in (self.history or {}).get("entries", {}).items() if revs}
        rank = {d: i for i, d in enumerate(self.order["newest"])}
        added = {d: first.get(self.records[s]["path"], math.inf) if first else 0.0
                 for d, s in self.slug_of.items()}
        return sorted(rank, key=lambda d: (-added[d], rank[d]))

    def stored(self, docnum: int) -> dict:
        with self.whoosh() as searcher:
            return searcher.stored_fields(docnum)

    # -- the lexicon spelling correction asks (see kb.text.parse_query) --

    def spells(self, word: str) -> bool:
        """Whether a lowercase word is spelt right as typed: an entry uses it so, or it is
        English (a stem in common with an entry's word is not enough)."""
        return is_english(word) or self.uses(word)

    def uses(self, word: str) -> bool:
        """Whether some entry's text has a lowercase word as written."""
        with self.whoosh() as searcher:
            return bool(searcher.reader().doc_frequency("spell", word))

    def indexes(self, term: str) -> bool:
        """Whether some entry's text has an index term ('wellb', from well-being)."""
        with self.whoosh() as searcher:
            return bool(searcher.reader().doc_frequency("body", term))

    def side_by_side(self, terms: tuple[str, ...]) -> bool:
        """Whether entries write index terms side by side (each neighbouring two in some
        entry: 'vc', 'led' from 'VCS-led' are not)."""
        with self.whoosh() as searcher:
            reader = searcher.reader()
            return all(reader.doc_frequency("pairs", pair_term(a, b))
                       for a, b in zip(terms, terms[1:], strict=False))

    def starting(self, prefix: str, most: int) -> list[str]:
        """The index terms of the words entries write starting with `prefix` ('volunt*':
        voluntary, volunteers -> voluntari, volunt), those of the `most` used words; and of
        the compounds they write ('coprod*': co-production -> coproduct). A prefix with a
        hyphen is starting_compound's."""
        prefix = prefix.lower()
        used: dict[str, int] = {}
        with self.whoosh() as searcher:
            reader = searcher.reader()
            for field, as_term in (("spell", index_term), ("body", str)):
                for word in reader.expand_prefix(field, prefix):
                    term = as_term(_decoded(word))
                    used[term] = max(used.get(term, 0), reader.doc_frequency(field, word))
        return sorted(used, key=lambda t: -used[t])[:most]

    def starting_compound(self, prefix: str, most: int) -> list[tuple[str, ...]]:
        """For a prefix with a hyphen ('co-des*', 'light-tou*'): the compounds entries write
        that start so, closed ('codesign': the rest a word) or as two words side by side,
        hyphenated or spaced ('co-design', 'light touch'), as index terms; not every word
        that starts with the letters ('codes'). Those of the `most` used first."""
        parts = [p for p in HYPHENS.split(prefix.lower()) if p]
        head, tail, used = "".join(parts[:-1]), parts[-1], {}
        with self.whoosh() as searcher:
            reader = searcher.reader()
            for word in reader.expand_prefix("spell", head + tail):
                text = _decoded(word)
                if is_english(text[len(head):]) or reader.doc_frequency("spell", text[len(head):]):
                    used[(index_term(text),)] = reader.doc_frequency("spell", word)
            for word in reader.expand_prefix("spell", tail):
                text = _decoded(word)
                terms = (index_term(parts[-2]), index_term(text))
                if found := reader.doc_frequency("pairs", pair_term(*terms)):
                    used[terms] = max(used.get(terms, 0), found)
        return sorted(used, key=lambda t: -used[t])[:most]

    def split(self, word: str) -> tuple[str, str] | None:
        """Two words entries use side by side that make up a closed compound ('multiyear' ->
        multi, year), the most even split first; None when there are none. ('tenderring' is
        not 'tender ring': no entry says that.)"""
        cuts = sorted(range(2, len(word) - 1), key=lambda n: -min(n, len(word) - n))
        with self.whoosh() as searcher:
            reader = searcher.reader()
            for n in cuts:
                first, second = word[:n], word[n:]
                if reader.doc_frequency("spell", first) and (reader.doc_frequency(
                        "spell", second) or is_english(second)) and reader.doc_frequency(
                        "pairs", pair_term(index_term(first), index_term(second))):
                    return first, second  # 'foodbanks': food banks, where entries say 'bank'
        return None

    def _closest(self, word: str, also: frozenset[str] = frozenset()) -> str | None:
        """The index's closest word to a misspelt one, or one of `also` (the vocabularies'
        words) or a stop word when that is closer: see kb.spelling.nearest ('wich' is 'which',
        not 'wish'). Failing those, an English word one edit away that entries use in another
        form ('safegaurding' -> safeguarding, where entries say 'safeguard'). None when
        nothing is that close, and for a word longer than any English word (LONGEST_WORD),
        whose edits alone would take a second to look up."""
        if len(word) > LONGEST_WORD:
            return None
        with self.whoosh() as searcher:  # how often a word is used: asked of the closest only
            reader = searcher.reader()
            near = reader.terms_within("spell", word, 2, prefix=1)
            fix = nearest(word, [*near, *also, *STOP_WORDS],
                          lambda w: reader.doc_frequency("spell", w))
            if fix is None:
                used = {w: reader.doc_frequency("body", index_term(w)) +
                        reader.doc_frequency("title", index_term(w))
                        for w in english_neighbours(word)}
                fix = nearest(word, [w for w, n in used.items() if n], used.get)
            return fix

    def date_mask(self, date_from: dt.date | None, date_to: dt.date | None) -> int:
        """The entries published between the dates. An entry dated only by its month or year
        is in when any of its month or year is: 'from June 2017' keeps an entry of '2017'."""
        if not date_from and not date_to:
            return self.live
        lo = date_from.toordinal() if date_from else 0
        hi = date_to.toordinal() if date_to else 10**9
        return bitset((d for d in self.slug_of if self.published[d] <= hi and (
            lo <= self.published[d] or lo - 366 < self.published[d] and lo <= self._period_end(d)
        )), self.size)

    def _period_end(self, d: int) -> int:
        """The last day an entry's published date may stand for: its day, month or year's."""
        record = self.records[self.slug_of[d]]
        return period_end(dt.date.fromordinal(self.published[d]),
                          record["published_precision"]).toordinal()


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def new_tables(snap: Snapshot, reader) -> dict:
    """A generation's tables, built from its records and its documents' slugs: live (a bitset
    of the documents not superseded), docnum, slug_of, alias, published, order and masks."""
    light, size = snap.records, snap.size
    live = whoosh_internals.live_documents(reader)
    slugs = [b.decode("utf-8") for b in whoosh_internals.read_column_bytes(reader, "slug")]
    published = [0] * size
    for d in live:
        published[d] = dt.date.fromisoformat(light[slugs[d]]["published"]).toordinal()
    masks: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        members_of: dict[str, list[int]] = {t: [] for t in snap.taxonomy[facet].terms}
        for d in live:
            for t in light[slugs[d]][FIELD[facet]]:
                members_of.setdefault(t, []).append(d)
        masks[facet] = {t: bitset(ds, size) for t, ds in members_of.items()}
    return {
        "live": bitset(live, size),
        "docnum": {slugs[d]: d for d in live},
        "slug_of": {d: slugs[d] for d in live},
        "alias": {a: slug for slug, rec in light.items() for a in rec["aliases"]},
        "published": published,
        "order": {"newest": sorted(live, key=_date_key(published)),
                  "title": sorted(live, key=_title_key(light, slugs.__getitem__))},
        "masks": masks,
    }


def _date_key(published: list[int]):
    """Newest first; among entries published the same day, the first indexed first."""
    return lambda d: (-published[d], d)


def _title_key(light: dict[str, dict], slug_of):
    return lambda d: (light[slug_of(d)]["title"].lower(), d)


def carried_tables(snap: Snapshot, previous: Snapshot, reader) -> dict | None:
    """The tables new_tables would build, carried over from the previous snapshot when the
    generation keeps its first segments (an incremental build adds a segment, a merge replaces
    the last few): the documents in those keep their numbers, so only the documents gone
    since and those in the other segments are taken out and put in. None when there is
    nothing to carry, or too much changed."""
    keep = 0
    for mine, theirs in zip(snap.segments, previous.segments, strict=False):
        if mine != theirs:
            break
        keep += 1
    if not keep or snap.vocabulary_files != previous.vocabulary_files:
        return None
    touched = _touched(snap, previous)
    start, size = sum(n for _, n in snap.segments[:keep]), snap.size
    kept = ((1 << start) - 1) & ~bitset(whoosh_internals.deleted_documents(reader, keep), size)
    slugs = whoosh_internals.read_column_bytes(reader, "slug", keep)
    new = {d: slugs[d - start].decode("utf-8")
           for d in whoosh_internals.live_documents(reader, keep)}
    gone = members(previous.live & ~kept)
    if kept & ~previous.live or len(gone) + len(new) > CARRY_UP_TO or any(
            kept >> previous.docnum[s] & 1 for s in (*touched, *new.values())
            if s in previous.docnum):
        return None  # a kept document would change, or appear: build the tables anew
    return _carry(snap, previous, kept, gone, new, touched)


def _touched(snap: Snapshot, previous: Snapshot) -> set[str]:
    """The slugs whose record differs between the previous snapshot and this one."""
    if snap.base_records is previous.base_records:
        maybe = {*snap.delta["changed"], *snap.delta["removed"], *previous.delta["changed"],
                 *previous.delta["removed"]}
    else:  # the records file was written again: compare them all
        maybe = {*snap.records, *previous.records}
    return {s for s in maybe if snap.records.get(s) != previous.records.get(s)}


def _carry(snap: Snapshot, previous: Snapshot, kept: int, gone: list[int],
           new: dict[int, str], touched: set[str]) -> dict:
    """The previous tables with the documents `gone` taken out and those `new` put in."""
    light, size = snap.records, snap.size
    docnum, slug_of = dict(previous.docnum), dict(previous.slug_of)
    for d in gone:
        del docnum[slug_of.pop(d)]
    docnum.update((s, d) for d, s in new.items())
    slug_of.update(new)
    published = previous.published[:size] + [0] * max(0, size - len(previous.published))
    for d in gone:
        if d < size:  # a merge can leave fewer documents than before
            published[d] = 0
    for d, s in new.items():
        published[d] = dt.date.fromisoformat(light[s]["published"]).toordinal()
    alias = dict(previous.alias)
    for s in touched:
        for a in previous.records.get(s, {}).get("aliases", ()):
            if alias.get(a) == s:
                del alias[a]
    alias.update((a, s) for s in touched if s in light for a in light[s]["aliases"])
    order = {"newest": _reordered(previous.order["newest"], gone, new, _date_key(published)),
             "title": _reordered(previous.order["title"], gone, new,
                                 _title_key(light, slug_of.__getitem__))}
    masks: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        added: dict[str, list[int]] = {}
        for d, s in new.items():
            for t in light[s][FIELD[facet]]:
                added.setdefault(t, []).append(d)
        terms = list(snap.taxonomy[facet].terms)
        if list(previous.masks[facet]) != terms or not set(added) <= set(terms):
            return None  # a term outside the vocabulary (never, once checked): build anew
        masks[facet] = {t: m & kept | (bitset(added[t], size) if t in added else 0)
                        for t, m in previous.masks[facet].items()}
    return {"live": kept | bitset(new, size), "docnum": docnum, "slug_of": slug_of,
            "alias": alias, "published": published, "order": order, "masks": masks}


def _reordered(order: list[int], gone: list[int], new: dict[int, str], key) -> list[int]:
    """An order of documents (ascending by `key`) without those gone and with those new."""
    if len(gone) > 8:
        dropped = set(gone)
        out = [d for d in order if d not in dropped]
    else:
        out = list(order)
        for d in gone:
            out.remove(d)
    for d in new:
        bisect.insort(out, d, key=key)
    return out


def _decoded(word) -> str:
    """A term as the index's reader gives it (bytes or text), as text."""
    return word.decode("utf-8") if isinstance(word, bytes) else word
