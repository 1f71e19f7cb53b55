"""One edit at a time, on real indexes on disk: the tables a server carries over from the
previous generation are the tables it would build from scratch.

- a snapshot opened with the previous one (its tables carried over, the changed documents taken
  out and put in) has the very tables of the same generation opened on its own, after edits,
  additions, deletions, renames, new aliases, merges and superseded segments;
- those tables say what a full build's tables say (slug by slug: its numbers differ);
- a generation that does not follow from the previous one is opened from scratch;
- the few Whoosh internals the snapshot reads agree with Whoosh's public API.
"""

from __future__ import annotations

import pickle
import random
import shutil

import pytest

from kb import generations, whoosh_internals
from kb.build import build
from kb.generations import DELTA, current_generation
from kb.snapshot import Snapshot, carried_tables
from tests.conftest import write_entry
from tests.test_incremental_build import front, step

TABLES = ("size", "live", "live_count", "docnum", "slug_of", "alias", "published", "order",
          "masks", "records")


def tables(snap: Snapshot) -> dict:
    """Every table a snapshot answers from, and the order of each facet's terms."""
    out = {name: getattr(snap, name) for name in TABLES}
    out["mask order"] = {facet: list(masks) for facet, masks in snap.masks.items()}
    return out


def by_slug(snap: Snapshot) -> dict:
    """The tables in terms of slugs rather than document numbers, which differ between a full
    build and incremental ones."""
    slug = snap.slug_of
    newest = [(snap.published[d], slug[d]) for d in snap.order["newest"]]
    return {
        "records": snap.records, "alias": snap.alias,
        "published": {slug[d]: snap.published[d] for d in slug},
        "masks": {facet: {t: sorted(slug[d] for d in slug if m >> d & 1) for t, m in masks.items()}
                  for facet, masks in snap.masks.items()},
        "title": [slug[d] for d in snap.order["title"]],
        "newest by day": sorted(newest, key=lambda pair: (-pair[0], pair[1])),
        "days in order": [day for day, _ in newest],
        "live_count": snap.live_count,
    }


@pytest.mark.parametrize("delta_up_to", [1000, 3])
def test_carried_tables_are_the_tables_built_anew(entries_dir, tmp_path, monkeypatch,
                                                  delta_up_to):
    """Over many incremental builds (each merge of small segments included), a snapshot that
    carries its tables over from the one before has the tables of the same generation opened
    alone, whether the builds keep a records delta or write the records again; and at the
    end, the tables of a full build, slug by slug."""
    monkeypatch.setattr(generations, "DELTA_UP_TO", delta_up_to)
    rng = random.Random(11)
    for n in range(30):
        write_entry(entries_dir, f"e{n}", front(rng, f"Entry {n}"))
    index = tmp_path / "ix"
    build(entries_dir, index, workers=1)
    previous = Snapshot(current_generation(index), warm=True)
    carried, counter = 0, [0]
    for n in range(36):
        step(rng, entries_dir, n, counter)
        for generation in _built(entries_dir, index):  # the edit, then any merged copy
            fresh = Snapshot(generation)
            with fresh.whoosh() as searcher:
                carried += carried_tables(fresh, previous, searcher.reader()) is not None
            snap = Snapshot(generation, warm=True, previous=previous)
            assert tables(snap) == tables(fresh), f"step {n}: {generation.name}"
            previous = snap
    assert carried >= 36  # every edit and merge was carried over, none built anew
    full = build(entries_dir, tmp_path / "full", full=True)
    assert by_slug(previous) == by_slug(Snapshot(full.generation))


def _built(entries, index):
    """Build, and return the generations swapped in: the edit's, and the merged one."""
    before = {p.name for p in index.glob("gen-*")}
    result = build(entries, index)
    new = sorted(p for p in index.glob("gen-*") if p.name not in before)
    assert new[-1:] == ([result.generation] if new else [])
    return new


def test_a_changed_record_of_a_kept_document_is_not_carried(entries_dir, tmp_path):
    """A generation whose records say an entry changed while its document did not (never
    written by kb build) is opened from scratch rather than carried over wrongly."""
    rng = random.Random(3)
    for n in range(6):
        write_entry(entries_dir, f"e{n}", front(rng, f"Entry {n}"))
    build(entries_dir, tmp_path / "ix", workers=1)
    write_entry(entries_dir, "e1", front(rng, "Entry one, edited"))
    first = build(entries_dir, tmp_path / "ix").generation
    previous = Snapshot(first)
    odd = tmp_path / "ix" / "gen-odd"
    shutil.copytree(first, odd)
    delta = generations.read_delta(first)
    record = dict(previous.records["e2"], published="2001-01-01", title="Zz changed")
    delta["changed"]["e2"] = record
    (odd / DELTA).write_bytes(pickle.dumps(delta))
    snap, fresh = Snapshot(odd, previous=previous), Snapshot(odd)
    with fresh.whoosh() as searcher:
        assert carried_tables(fresh, previous, searcher.reader()) is None
    assert tables(snap) == tables(fresh)
    assert snap.order["title"][-1] == snap.docnum["e2"]


def test_the_internals_a_snapshot_reads_agree_with_whoosh(entries_dir, tmp_path):
    """Segment sizes, the deleted documents before a segment, and the live documents and
    slugs from a segment on, against Whoosh's public API, on an index with several segments
    and superseded documents."""
    rng = random.Random(6)
    for n in range(10):
        write_entry(entries_dir, f"e{n}", front(rng, f"Entry {n}"))
    build(entries_dir, tmp_path / "ix", workers=1)
    for k in range(3):
        write_entry(entries_dir, f"e{k}", front(rng, f"Edited {k}"))
        build(entries_dir, tmp_path / "ix")
    ix = whoosh_internals.open_index(current_generation(tmp_path / "ix"))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        leaves = list(reader.leaf_readers())
        assert len(leaves) > 2 and reader.has_deletions()
        assert whoosh_internals.segment_sizes(reader) == [
            (s.segment_id(), s.doc_count_all()) for s in whoosh_internals.segments(ix)]
        slugs = list(reader.column_reader("slug"))
        for first in range(len(leaves) + 1):
            start = sum(leaf.doc_count_all() for leaf, _ in leaves[:first])
            assert whoosh_internals.deleted_documents(reader, first) == [
                d for d in range(start) if reader.is_deleted(d)]
            assert whoosh_internals.live_documents(reader, first) == [
                d for d in range(start, reader.doc_count_all()) if not reader.is_deleted(d)]
            assert [b.decode() for b in whoosh_internals.read_column_bytes(
                reader, "slug", first)] == slugs[start:]
