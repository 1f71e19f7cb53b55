"""Every use of Whoosh's private internals, and nothing else: each behind a small named function
with a test that it agrees with Whoosh's public API on a real index (tests/test_whoosh_internals).

They exist for speed: reading a term's posting blocks whole, a segment's column in one file
read, a segment's deleted documents at once, writing segments from worker processes as
Whoosh's own multi-process writer does, and writing a full build's postings a term at a time.
They rely on whoosh-reloaded 2.7 (pinned in pyproject.toml and the lock files); importing this
module with any other version fails at once with a message, never later and silently.
"""

from __future__ import annotations

import itertools
import marshal
from array import array
from collections import Counter
from pathlib import Path

import whoosh
from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Existence, Frequency
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

SUPPORTED = (2, 7)  # whoosh-reloaded major.minor these internals were written against


class WhooshVersionError(RuntimeError):
    """The installed Whoosh is not the version kb's index code was written for."""


def check_version(version: tuple = whoosh.__version__) -> None:
    if tuple(version[:2]) != SUPPORTED:
        found = ".".join(str(n) for n in version)
        raise WhooshVersionError(
            f"kb needs whoosh-reloaded {SUPPORTED[0]}.{SUPPORTED[1]}.x, but {found} is "
            "installed: install the versions in requirements.lock (make install)")


check_version()

# --- opening -----------------------------------------------------------------------------------


def open_index(generation: Path):
    """A generation's index, read with plain file reads rather than memory maps: the search
    keeps what it needs in its own caches, a mapped 500 MB index would count in every
    process's resident memory, and Whoosh copies a mapped segment file whole into memory when
    it opens it for writing (which made a one-entry update read the big term files in full)."""
    return FileStorage(str(generation), supports_mmap=False).open_index()


def create_index(generation: Path, schema):
    return whoosh_index.create_in(str(generation), schema)


def segments(ix) -> list:
    """The index's segments, in order."""
    return ix._segments()


# --- reading -----------------------------------------------------------------------------------


def read_postings(reader, field: str, text) -> tuple[array, array]:
    """Every (document number, term frequency) of a term in a field, deleted documents
    included (callers mask them out). Reads Whoosh's posting blocks whole: several times faster
    than stepping through a matcher one posting at a time."""
    docs, weights = array("i"), array("d")
    for segment, base in reader.leaf_readers():
        try:
            matcher = segment._terms.matcher(field, segment._text_to_bytes(field, text),
                                             segment.schema[field].format)
        except TermNotFound:  # not in this segment
            continue
        if not isinstance(matcher, W3LeafMatcher):
            raise WhooshVersionError(f"unexpected posting reader {type(matcher).__name__}")
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            start = matcher._i
            docs.extend(d + base for d in matcher._ids[start:])
            weights.fromlist([float(w) for w in matcher._weights[start:]])
            matcher._next_block()
    return docs, weights


_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


def _whole_column(segment, name: str, column) -> list:
    """Every document's raw value in one segment's column, with one file read (stepping
    through Whoosh's column reader costs a seek and a read per document)."""
    r = segment._perdoc._cached_reader(name, column)
    count = segment.doc_count_all()
    if r is None:  # no document has a value
        return [column.default_value()] * count
    if isinstance(r, columns.NumericColumn.Reader) and r._fixedlen == 1:  # lengths: a byte each
        raw = r._dbfile.get(r._basepos, r._count)
        return list(raw) + [r._default] * (count - len(raw))
    if isinstance(r, columns.VarBytesColumn.Reader):
        raw = r._dbfile.get(r._basepos, sum(r._lengths))
        return [raw[o:o + n] for o, n in zip(r._offsets, r._lengths, strict=True)]
    raise WhooshVersionError(f"unexpected column reader {type(r).__name__}")


def read_lengths(reader, field: str) -> list[int]:
    """Every document's length in a field (as Whoosh stores it, to a byte's precision), deleted
    documents included, in document order."""
    out: list[int] = []
    for segment, _ in reader.leaf_readers():
        out.extend(_LENGTH_OF_BYTE[b] for b in _whole_column(segment, _lenfield(field),
                                                             LENGTHS_COLUMN))
    return out


def read_column_bytes(reader, field: str, first: int = 0) -> list[bytes]:
    """Every document's value of a sortable ID field, as bytes, deleted documents included;
    from the `first` segment on (the documents numbered from that segment's first)."""
    out: list[bytes] = []
    for segment, _ in list(reader.leaf_readers())[first:]:
        out.extend(_whole_column(segment, field, segment.schema[field].column_type))
    return out


def live_documents(reader, first: int = 0) -> list[int]:
    """The numbers of the documents not deleted, a segment at a time (asking document by
    document took a seventh of a second at 50,000 entries); from the `first` segment on."""
    live: list[int] = []
    for segment, base in list(reader.leaf_readers())[first:]:
        deleted = segment.deleted_docs_set if segment.has_deletions() else frozenset()
        live.extend(base + d for d in range(segment.doc_count_all()) if d not in deleted)
    return live


def deleted_documents(reader, stop: int) -> list[int]:
    """The numbers of the deleted documents in the segments before the `stop`-th."""
    return [base + d for segment, base in list(reader.leaf_readers())[:stop]
            if segment.has_deletions() for d in sorted(segment.deleted_docs_set)]


def segment_sizes(reader) -> list[tuple[str, int]]:
    """(id, documents, deleted ones included) of each segment, in order. Readers of two
    generations whose first segments agree number those segments' documents alike."""
    return [(segment.segment().segment_id(), segment.doc_count_all())
            for segment, _ in reader.leaf_readers()]


# --- writing -----------------------------------------------------------------------------------


class _LengthTables:
    """A new segment's per-document reader whose field lengths come from whole-column tables:
    writing the postings asks for a length per posting, and Whoosh's column reader answers
    each with a seek and a read (a fifth of a full build's time)."""

    def __init__(self, perdoc):
        self._perdoc = perdoc
        self._tables: dict[str, tuple[bytes, int]] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        table = self._tables.get(fieldname)
        if table is None:
            r = self._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if r is not None and not (isinstance(r, columns.NumericColumn.Reader)
                                      and r._fixedlen == 1):
                raise WhooshVersionError(f"unexpected column reader {type(r).__name__}")
            raw = r._dbfile.get(r._basepos, r._count) if r is not None else b""
            table = self._tables[fieldname] = (raw, len(raw))
        raw, count = table
        byte = raw[docnum] if docnum < count else 0
        return _LENGTH_OF_BYTE[byte] if byte else default

    def length_table(self, fieldname) -> list[int]:
        """Every document's length in a field, as doc_field_length gives it one at a time."""
        self.doc_field_length(0, fieldname)
        raw, count = self._tables[fieldname]
        return [_LENGTH_OF_BYTE[b] for b in raw] + [0] * (self._perdoc.doc_count_all() - count)

    def __getattr__(self, name):
        return getattr(self._perdoc, name)


class _BatchedPool(PostingPool):
    """Whoosh's posting pool, writing the sorted runs it spills to disk in batches with
    marshal: Whoosh pickles each posting on its own, which was a quarter of a 10,000-entry
    build (a worker's share spills several runs of a million postings)."""

    BATCH = 20_000

    def _write_run(self, f, items):
        items = iter(items)
        while batch := list(itertools.islice(items, self.BATCH)):
            marshal.dump(batch, f)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = marshal.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


class _Writer(SegmentWriter):
    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _BatchedPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def per_document_reader(self):
        return _LengthTables(super().per_document_reader())


class _GroupingWriter(_Writer):
    """A full build's writer: it keeps each field's postings grouped by term as documents are
    added, counting terms with the analyzer's `terms` where it has one, and writes a term's
    postings a block at a time. Whoosh's writer makes, pools, sorts and writes every posting
    on its own, which was most of a full build's time. The segment is byte for byte the one
    Whoosh writes (tests/test_whoosh_internals). It only adds documents: no merging."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        for name, field in self.schema.items():
            if field.indexed and type(field.format) not in (Frequency, Existence) or \
                    field.vector or field.separate_spelling():
                raise WhooshVersionError(f"a full build cannot write field {name!r}")
        self._grouped: dict[str, dict] = {}  # field -> term -> array of (docnum, frequency)

    def add_document(self, **fields):
        self._check_state()
        docnum, perdoc = self.docnum, self.perdocwriter
        names = sorted(fields)
        self._check_fields(self.schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value, field = fields[name], self.schema[name]
            if value is None:
                continue
            length = 0
            if field.indexed:
                counts = _term_counts(field, value)
                grouped = self._grouped.setdefault(name, {}) if counts else {}
                for term, freq in counts.items():
                    postings = grouped.get(term)
                    if postings is None:
                        postings = grouped[term] = array("I")
                    postings.append(docnum)
                    postings.append(freq)
                if field.scorable:
                    length = sum(counts.values())
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader):
        raise NotImplementedError("a full build's writer only adds documents")

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        out = self.fieldwriter
        for name in sorted(self._grouped):
            field = self.schema[name]
            length_of = lengths.length_table(name)
            out.start_field(name, field)
            terms = self._grouped.pop(name)
            for text in sorted(terms, key=_as_bytes):
                out.start_term(_as_bytes(text))
                _add_postings(out._postwriter, terms[text], field.format, length_of)
                out.finish_term()
            out.finish_field()
        out.close()
        lengths.close()


def _as_bytes(term) -> bytes:
    return term.encode("utf-8") if isinstance(term, str) else term


def _term_counts(field, value) -> dict:
    """term -> frequency of one field's value, as Whoosh's writer would index it."""
    terms = getattr(field.analyzer, "terms", None)
    if terms is not None and type(field.format) is Frequency and isinstance(value, str):
        return Counter(terms(value))
    return {term: freq for term, freq, _, _ in field.index(value)}


_PACKED = [pack_uint(n) for n in range(64)]


def _add_postings(out, flat: array, form, length_of: list[int]) -> None:
    """Add one term's postings (docnum, frequency pairs) to Whoosh's posting writer `out`, as
    its add_posting would one at a time: a block written before each block-limit more."""
    docs, freqs = flat[0::2], flat[1::2]
    frequency = type(form) is Frequency
    limit = out._blocklimit
    for start in range(0, len(docs), limit):
        if start:
            out._write_block()
        ids, counts = docs[start:start + limit], freqs[start:start + limit]
        if frequency:
            weights = [float(n) * form.field_boost for n in counts]
            out._values.extend(_PACKED[n] if n < 64 else pack_uint(n) for n in counts)
        else:
            weights = [form.field_boost] * len(ids)
        out._ids.extend(ids)
        out._weights.extend(weights)
        out._maxweight = max(out._maxweight, *weights)
        known = [n for n in (length_of[d] for d in ids) if n]
        if known:
            low = min(known)
            out._minlength = low if out._minlength is None else min(out._minlength, low)
            out._maxlength = max(out._maxlength, *known)


def writer(ix, **kwargs):
    """A writer for `ix` (as ix.writer(**kwargs)) that writes its segment's postings faster."""
    return _Writer(ix, **kwargs)


def full_build_writer(ix):
    """A writer for a full build's new index `ix`, which only adds documents."""
    return _GroupingWriter(ix)


def share_writer(generation: Path):
    """A writer for one worker process's share of a full build: its own segment, without the
    index's lock (the parent holds it), as Whoosh's multi-process writer does."""
    return _GroupingWriter(open_index(generation), _lk=False)


def finish_share(writer):
    """The segment a share's writer wrote, or None when it was given no document."""
    if not writer._added:
        writer.cancel()
        return None
    return writer._finalize_segment()


def commit_segments(ix, written: list) -> None:
    """Make the segments the workers wrote the index's segments (taking the index's lock)."""
    writer = SegmentWriter(ix, limitmb=16)
    writer._close_segment()
    writer._commit_toc(written)
    writer._finish()


def merge_into(writer, segment) -> None:
    """Add one segment's live documents to a writer (inside a merge policy)."""
    reader = SegmentReader(writer.storage, writer.schema, segment)
    writer.add_reader(reader)
    reader.close()
