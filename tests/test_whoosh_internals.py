"""Each use of Whoosh's internals agrees with Whoosh's public API on a real index: one with
several segments (left by incremental builds) and superseded (deleted) documents."""

from __future__ import annotations

from pathlib import Path

import pytest
import whoosh

from kb import whoosh_internals
from kb.build import MERGE_AFTER, build
from kb.generations import current_generation
from kb.postings import PAIRS_FIELD, SEARCH_FIELDS
from tests.conftest import VALID, write_entry

WORDS = "grant hospice notice volunteer council".split()


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """A generation with a full build's segment, three one-entry segments and deletions."""
    entries = tmp_path_factory.mktemp("internals") / "entries"
    from tests.conftest import FIXTURES

    entries.mkdir()
    (entries / "taxonomy.yaml").write_text((FIXTURES / "taxonomy.yaml").read_text())
    for n in range(12):
        write_entry(entries, f"e{n}", VALID.replace("A valid entry", f"Entry {n} {WORDS[n % 5]}"))
    ix_root = tmp_path_factory.mktemp("internals-ix") / "ix"
    build(entries, ix_root, workers=1)
    for k in range(MERGE_AFTER - 1):  # too few to merge: each edit stays a segment of its own
        write_entry(entries, f"e{k}", VALID.replace("A valid entry", f"Edited grant {k}"))
        build(entries, ix_root)
    ix = whoosh_internals.open_index(current_generation(ix_root))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
        yield ix, reader


def test_postings_equal_the_public_matcher(index):
    _, reader = index
    live = set(reader.all_doc_ids())
    for field in (*SEARCH_FIELDS, PAIRS_FIELD):
        for term in list(reader.lexicon(field))[:40]:
            docs, weights = whoosh_internals.read_postings(reader, field, term)
            ours = {d: w for d, w in zip(docs, weights, strict=True) if d in live}
            public = dict(reader.postings(field, term).items_as("weight"))
            assert ours == public, (field, term)
    assert whoosh_internals.read_postings(reader, "body", "nosuchterm") == ([], []) or \
        list(map(list, whoosh_internals.read_postings(reader, "body", "nosuchterm"))) == [[], []]


def test_lengths_equal_the_public_per_document_answers(index):
    _, reader = index
    for field in (*SEARCH_FIELDS, PAIRS_FIELD):
        assert whoosh_internals.read_lengths(reader, field) == [
            reader.doc_field_length(d, field, 0) for d in range(reader.doc_count_all())]


def test_column_equals_the_public_column_reader(index):
    _, reader = index
    assert [b.decode() for b in whoosh_internals.read_column_bytes(reader, "slug")] == \
        list(reader.column_reader("slug"))


def test_live_documents_equal_the_public_answer(index):
    _, reader = index
    assert whoosh_internals.live_documents(reader) == sorted(reader.all_doc_ids())


def test_segments_are_the_readers_segments(index):
    ix, reader = index
    ours = whoosh_internals.segments(ix)
    assert [s.doc_count_all() for s in ours] == [r.doc_count_all()
                                                for r, _ in reader.leaf_readers()]


def test_segments_written_by_shares_and_merged_read_back_whole(tmp_path):
    """Writing shares as separate segments (as workers do), committing them, and merging them
    gives an index with every document, as Whoosh's public reader sees it."""
    from kb.schema import make_schema

    ix = whoosh_internals.create_index(tmp_path, make_schema())
    written = []
    for share in ((0, 1, 2), (3, 4), ()):
        writer = whoosh_internals.share_writer(tmp_path)
        for n in share:
            writer.add_document(slug=f"d{n}", title=f"title {n}", body="words")
        segment = whoosh_internals.finish_share(writer)
        assert (segment is None) == (not share)
        written += [segment] if segment else []
    whoosh_internals.commit_segments(ix, written)
    ix = whoosh_internals.open_index(tmp_path)
    with ix.searcher() as s:
        assert sorted(s.reader().column_reader("slug")) == [f"d{n}" for n in range(5)]

    def merge_all(writer, segments):
        for segment in segments:
            whoosh_internals.merge_into(writer, segment)
        return []

    ix.writer().commit(mergetype=merge_all)
    ix = whoosh_internals.open_index(tmp_path)
    assert len(whoosh_internals.segments(ix)) == 1
    with ix.searcher() as s:
        assert sorted(s.reader().column_reader("slug")) == [f"d{n}" for n in range(5)]


def test_another_whoosh_version_fails_loudly():
    whoosh_internals.check_version(whoosh.__version__)  # the installed one is fine
    with pytest.raises(whoosh_internals.WhooshVersionError, match="requirements.lock"):
        whoosh_internals.check_version((2, 8, 0))


def test_fast_writer_writes_the_segment_whooshs_writer_writes(tmp_path):
    """whoosh_internals.writer reads field lengths from tables while it writes postings and
    spills runs in batches; the segment must be the one Whoosh's own writer makes: same
    postings, weights and lengths."""
    from kb.schema import make_schema

    texts = [" ".join(WORDS[(n + k) % 5] + str(n % 97) for k in range(n % 7 + 1)) * (n % 3 + 1)
             for n in range(3000)]  # lengths up to 21 words, varied per field
    readers = []
    # limitmb=1: both pools spill several sorted runs to disk and merge them back
    for name, make in (("whoosh", lambda ix: ix.writer(limitmb=1)),
                       ("ours", lambda ix: whoosh_internals.writer(ix, limitmb=1))):
        (tmp_path / name).mkdir()
        ix = whoosh_internals.create_index(tmp_path / name, make_schema())
        writer = make(ix)
        for n, text in enumerate(texts):
            writer.add_document(slug=f"e{n}", title=text[:20], body=text, pairs=text)
        writer.commit()
        readers.append(ix.reader())
    theirs, ours = readers
    for field in ("title", "body", "pairs"):
        assert list(ours.lexicon(field)) == list(theirs.lexicon(field))
        for term in ours.lexicon(field):
            assert whoosh_internals.read_postings(ours, field, term) == \
                whoosh_internals.read_postings(theirs, field, term), (field, term)
            mine, whooshs = ours.term_info(field, term), theirs.term_info(field, term)
            assert (mine.min_length(), mine.max_length(), mine.max_weight()) == \
                (whooshs.min_length(), whooshs.max_length(), whooshs.max_weight())
            assert list(ours.postings(field, term).items_as("weight")) == \
                list(theirs.postings(field, term).items_as("weight"))
        assert whoosh_internals.read_lengths(ours, field) == \
            whoosh_internals.read_lengths(theirs, field)
        assert [ours.max_field_length(field), ours.min_field_length(field)] == \
            [theirs.max_field_length(field), theirs.min_field_length(field)]


def _documents(count: int) -> list[dict]:
    """Documents with every field of the schema: words repeated up to 80 times in one text
    (frequencies past what one byte packs), terms in every document (postings past a block),
    hyphens, numbers, accents, stop words and punctuation."""
    import datetime as dt
    import random

    rng = random.Random(7)
    vocabulary = WORDS + ["co-production", "6", "twelve-week", "café", "the", "of", "well.",
                          "Organization", "5,000", "full-cost", "x", "(a)", "year;"]
    docs = []
    for n in range(count):
        body = " ".join(rng.choice(vocabulary) for _ in range(rng.randrange(1, 60)))
        body += " grant" * (n % 80)
        title = f"Entry {n} " + " ".join(rng.sample(vocabulary, 3))
        docs.append({
            "slug": f"e{n}", "aliases": f"old-{n}" if n % 9 == 0 else "", "title": title,
            "title_sort": title.lower(), "summary": body[:40], "body": body,
            "organisations": rng.choice(["", "Derby City Council", "NHS Leeds"]),
            "pairs": f"{title} . {body}", "spell": " ".join(dict.fromkeys(body.lower().split())),
            "principles": rng.choice(["funding", "funding consultation", ""]),
            "sectors": "health", "stages": rng.choice(["design", "review"]), "regions": "",
            "published": dt.datetime(2000 + n % 20, 1 + n % 12, 1),
            "data": f'{{"n": {n}}}',
        })
    return docs


def _segment_files(ix) -> dict[str, bytes]:
    """A one-segment index's files by name without the segment's random id, but for the
    table of contents and the segment record, which carry that id."""
    (segment,) = whoosh_internals.segments(ix)
    segment_id = segment.segment_id()
    files = {p.name.replace(segment_id, ""): p.read_bytes()
             for p in Path(ix.storage.folder).iterdir() if segment_id in p.name}
    return {name: data for name, data in files.items() if not name.endswith(".seg")}


def test_full_build_writer_writes_whooshs_segment_byte_for_byte(tmp_path):
    """The full build's writer groups postings by term and counts terms with the analyzer's
    own `terms`; the files it writes must be the ones Whoosh's writer writes."""
    from kb.schema import make_schema

    docs = _documents(700)
    written = {}
    for name, make in (("whoosh", lambda ix: ix.writer()),
                       ("ours", whoosh_internals.full_build_writer)):
        (tmp_path / name).mkdir()
        ix = whoosh_internals.create_index(tmp_path / name, make_schema())
        writer = make(ix)
        for doc in docs:
            writer.add_document(**doc)
        writer.compound = False  # each file on its own, to compare
        writer.commit()
        written[name] = _segment_files(ix)
    theirs, ours = written["whoosh"], written["ours"]
    assert len(theirs) > 5 and sorted(ours) == sorted(theirs)
    for suffix in theirs:
        assert ours[suffix] == theirs[suffix], suffix


def test_full_build_writer_refuses_to_merge(tmp_path):
    from kb.schema import make_schema

    ix = whoosh_internals.create_index(tmp_path, make_schema())
    writer = whoosh_internals.full_build_writer(ix)
    with pytest.raises(NotImplementedError):
        writer.add_reader(None)
    writer.cancel()
