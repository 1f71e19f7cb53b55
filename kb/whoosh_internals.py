"""Every use of Whoosh's private internals, and nothing else: each behind a small named function
with a test that it agrees with Whoosh's public API on a real index (tests/test_whoosh_internals).

They exist for speed: reading a term's posting blocks whole, a segment's column in one file
read, a segment's deleted documents at once, and writing segments from worker processes as
Whoosh's own multi-process writer does. They rely on whoosh-reloaded 2.7 (pinned in
pyproject.toml and the lock files); importing this module with any other version fails at once
with a message, never later and silently.
"""

from __future__ import annotations

import itertools
import marshal
from array import array
from pathlib import Path

import whoosh
from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader, TermNotFound
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


def writer(ix, **kwargs):
    """A writer for `ix` (as ix.writer(**kwargs)) that writes its segment's postings faster."""
    return _Writer(ix, **kwargs)


def share_writer(generation: Path):
    """A writer for one worker process's share of a full build: its own segment, without the
    index's lock (the parent holds it), as Whoosh's multi-process writer does."""
    return _Writer(open_index(generation), _lk=False, limitmb=256)


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
