import os
import shutil

import pytest

from kb.build import BuildError, build
from kb.generations import CURRENT, build_lock, current_generation, read_meta
from kb.library import Library
from kb.query import Query
from tests.conftest import VALID, write_entry


def test_build_writes_a_generation_and_points_current_at_it(entries_dir, tmp_path):
    write_entry(entries_dir, "one", VALID)
    result = build(entries_dir, tmp_path / "ix")
    assert result.entries == 1
    assert os.path.islink(tmp_path / "ix" / CURRENT)
    assert current_generation(tmp_path / "ix") == result.generation
    assert read_meta(result.generation)["entries"] == 1


def test_failed_build_keeps_the_good_index(entries_dir, tmp_path):
    write_entry(entries_dir, "one", VALID)
    good = build(entries_dir, tmp_path / "ix").generation
    write_entry(entries_dir, "broken", VALID.replace("[health]", "[nowhere]"))
    with pytest.raises(BuildError) as info:
        build(entries_dir, tmp_path / "ix")
    assert any("nowhere" in p.message for p in info.value.problems)
    assert current_generation(tmp_path / "ix") == good
    assert Library(tmp_path / "ix").search(Query()).total == 1


def test_rebuild_replaces_and_cleans_old_generations(entries_dir, tmp_path):
    gens = []
    for n in range(4):
        write_entry(entries_dir, "one", VALID.replace("A valid entry", f"Version {n}"))
        gens.append(build(entries_dir, tmp_path / "ix").generation)
    left = sorted(p.name for p in (tmp_path / "ix").glob("gen-*"))
    assert left == sorted([gens[-2].name, gens[-1].name])


def test_a_second_build_is_refused_while_one_holds_the_lock(entries_dir, tmp_path):
    write_entry(entries_dir, "one", VALID)
    with build_lock(tmp_path / "ix"):
        with pytest.raises(BuildError, match="another build is running"):
            build(entries_dir, tmp_path / "ix")
    assert build(entries_dir, tmp_path / "ix").entries == 1


def test_library_follows_a_swap_without_reopening_by_hand(entries_dir, tmp_path):
    write_entry(entries_dir, "one", VALID)
    build(entries_dir, tmp_path / "ix")
    library = Library(tmp_path / "ix")
    assert library.search(Query()).total == 1
    write_entry(entries_dir, "two", VALID)
    build(entries_dir, tmp_path / "ix")
    assert library.search(Query()).total == 2


def test_index_is_self_contained(entries_dir, tmp_path):
    """A built index serves without the entries folder (it is a deployable artefact)."""
    write_entry(entries_dir, "one", VALID)
    build(entries_dir, tmp_path / "ix")
    shutil.rmtree(entries_dir)
    library = Library(tmp_path / "ix")
    assert library.entry("one")["title"] == "A valid entry"


def test_incremental_build_reads_only_changed_files(entries_dir, tmp_path):
    for n in range(5):
        write_entry(entries_dir, f"e{n}", VALID.replace("A valid entry", f"Entry {n}"))
    first = build(entries_dir, tmp_path / "ix")
    assert (first.reindexed, first.incremental) == (5, False)
    write_entry(entries_dir, "e2", VALID.replace("A valid entry", "Entry two, edited"))
    (entries_dir / "e4.md").unlink()
    second = build(entries_dir, tmp_path / "ix")
    assert (second.reindexed, second.incremental, second.entries) == (1, True, 4)
    library = Library(tmp_path / "ix")
    assert library.entry("e2")["title"] == "Entry two, edited"
    assert library.entry("e4") is None
    assert library.search(Query(text="edited")).total == 1
    assert library.search(Query()).total == 4
    unchanged = build(entries_dir, tmp_path / "ix")
    assert (unchanged.reindexed, unchanged.generation) == (0, second.generation)
    full = build(entries_dir, tmp_path / "ix", full=True)
    assert (full.reindexed, full.incremental) == (4, False)
    assert Library(tmp_path / "ix").search(Query()).total == 4


def test_incremental_build_still_checks_addresses_across_files(entries_dir, tmp_path):
    write_entry(entries_dir, "a", VALID)
    write_entry(entries_dir, "b", VALID)
    build(entries_dir, tmp_path / "ix")
    write_entry(entries_dir, "c", VALID + "aliases: [a]")
    with pytest.raises(BuildError) as info:
        build(entries_dir, tmp_path / "ix")
    assert any("alias 'a' is the slug of a.md" in p.message for p in info.value.problems)


def test_parallel_full_build_matches_serial(entries_dir, tmp_path):
    from kb.workers import PARALLEL_FROM
    for n in range(PARALLEL_FROM + 10):
        write_entry(entries_dir, f"p{n}", VALID.replace("A valid entry", f"Parallel {n}"))
    serial = build(entries_dir, tmp_path / "serial", workers=1)
    parallel = build(entries_dir, tmp_path / "parallel", workers=2)
    assert serial.entries == parallel.entries == PARALLEL_FROM + 10
    a, b = Library(tmp_path / "serial"), Library(tmp_path / "parallel")
    for text in ("parallel", "valid", "41"):
        assert a.search(Query(text=text)).total == b.search(Query(text=text)).total


def test_many_edits_stay_incremental_with_few_segments(entries_dir, tmp_path):
    from kb.build import MERGE_AFTER

    for n in range(30):
        write_entry(entries_dir, f"e{n}", VALID.replace("A valid entry", f"Entry {n}"))
    build(entries_dir, tmp_path / "ix", workers=1)
    for k in range(3 * MERGE_AFTER):
        write_entry(entries_dir, f"e{k % 5}", VALID.replace("A valid entry", f"Edit {k}"))
        result = build(entries_dir, tmp_path / "ix")
        assert (result.reindexed, result.incremental) == (1, True)
        meta = read_meta(result.generation)
        assert meta["segments"] < len(meta["base_segments"]) + MERGE_AFTER
    library = Library(tmp_path / "ix")
    assert library.search(Query()).total == 30
    assert library.search(Query(text="edit")).total == 5


def test_an_edit_is_published_before_small_segments_are_merged(entries_dir, tmp_path):
    """The build that folds the small segments together swaps in the edit first, then the
    merged copy: both generations answer the edit, the merged one with fewer segments."""
    from kb.analysis import index_term
    from kb.build import MERGE_AFTER
    from kb.snapshot import Snapshot

    for n in range(8):
        write_entry(entries_dir, f"e{n}", VALID.replace("A valid entry", f"Entry {n}"))
    build(entries_dir, tmp_path / "ix", workers=1)
    for k in range(MERGE_AFTER):
        write_entry(entries_dir, f"e{k}", VALID.replace("A valid entry", f"Revision{k}"))
        result = build(entries_dir, tmp_path / "ix")
    generations = sorted((tmp_path / "ix").glob("gen-*"))
    published, merged = generations[-2], generations[-1]
    assert merged == result.generation == current_generation(tmp_path / "ix")
    assert read_meta(merged)["segments"] < read_meta(published)["segments"]
    for gen in (published, merged):
        snap = Snapshot(gen)
        assert len(snap.docnum) == 8
        docs, _, _ = snap.postings.scored((index_term(f"revision{MERGE_AFTER - 1}"),))
        assert list(docs) == [snap.docnum[f"e{MERGE_AFTER - 1}"]]


def _small_segment_sizes(generation):
    from whoosh.filedb.filestore import FileStorage

    base = set(read_meta(generation)["base_segments"])
    return sorted(s.doc_count_all() for s in FileStorage(str(generation)).open_index()._segments()
                  if s.segment_id() not in base)


def test_merges_take_one_size_tier_and_drop_superseded_segments(entries_dir, tmp_path):
    """Four one-entry segments are merged without rewriting an earlier batch's segment, and a
    segment whose only entry was edited again disappears without a merge."""
    from kb.build import MERGE_AFTER

    for n in range(40):
        write_entry(entries_dir, f"e{n}", VALID.replace("A valid entry", f"Entry {n}"))
    build(entries_dir, tmp_path / "ix", workers=1)
    for n in range(20, 32):  # a batch of twelve: the 10-99 tier
        write_entry(entries_dir, f"e{n}", VALID.replace("A valid entry", f"Batch {n}"))
    build(entries_dir, tmp_path / "ix")
    write_entry(entries_dir, "e0", VALID.replace("A valid entry", "First edit"))
    build(entries_dir, tmp_path / "ix")
    write_entry(entries_dir, "e0", VALID.replace("A valid entry", "Second edit"))
    result = build(entries_dir, tmp_path / "ix")
    assert _small_segment_sizes(result.generation) == [1, 12]  # the first edit's segment went
    for k in range(1, MERGE_AFTER):
        write_entry(entries_dir, f"e{k}", VALID.replace("A valid entry", f"Edit {k}"))
        result = build(entries_dir, tmp_path / "ix")
    assert _small_segment_sizes(result.generation) == [MERGE_AFTER, 12]
    library = Library(tmp_path / "ix")
    assert library.search(Query()).total == 40
    assert library.search(Query(text="batch")).total == 12
    assert library.search(Query(text='"second edit"')).total == 1


@pytest.mark.parametrize("delta_up_to", [1000, 2])
def test_incremental_records_match_a_full_build(entries_dir, tmp_path, monkeypatch, delta_up_to):
    """Edits, additions, deletions and renames over many incremental builds leave the same
    records as a full build, whether the builds keep a delta beside the shared records file
    or rewrite it; a server reopening each generation with the records it had agrees too."""
    import random

    from kb import generations
    from kb.generations import read_records
    from kb.snapshot import Snapshot

    monkeypatch.setattr(generations, "DELTA_UP_TO", delta_up_to)
    rng = random.Random(7)
    for n in range(20):
        write_entry(entries_dir, f"e{n}", VALID.replace("A valid entry", f"Entry {n}"))
    build(entries_dir, tmp_path / "ix", workers=1)
    library = Library(tmp_path / "ix")
    first_base = library.snapshot().base_records
    records_ids, added = set(), 20
    for step in range(16):
        slugs = sorted(p.stem for p in entries_dir.glob("*.md"))
        op, slug = ("edit", "add", "delete", "rename")[step % 4], rng.choice(slugs)
        if op == "edit":
            write_entry(entries_dir, slug, VALID.replace("A valid entry", f"Edited {step}"))
        elif op == "add":
            write_entry(entries_dir, f"e{added}", VALID.replace("A valid entry", f"New {step}"))
            added += 1
        elif op == "delete":
            (entries_dir / f"{slug}.md").unlink()
        else:
            (entries_dir / f"{slug}.md").unlink()
            write_entry(entries_dir, f"renamed-{step}",
                        VALID.replace("A valid entry", f"Renamed {step}") + f"aliases: [{slug}]\n")
        result = build(entries_dir, tmp_path / "ix")
        records_ids.add(read_meta(result.generation)["records"])
        records = read_records(result.generation)
        assert sorted(records) == sorted(p.stem for p in entries_dir.glob("*.md"))
        assert library.snapshot().records == Snapshot(result.generation).records == records
    full = build(entries_dir, tmp_path / "full", full=True)
    assert read_records(result.generation) == read_records(full.generation)
    assert library.search(Query()).total == len(list(entries_dir.glob("*.md")))
    assert (len(records_ids) > 1) == (delta_up_to == 2)  # the small delta was folded in
    # Without a fold, the server kept the records it loaded first instead of reading them again.
    assert (library.snapshot().base_records is first_base) == (delta_up_to == 1000)


@pytest.mark.parametrize("workers", [1, 2])
def test_build_shows_progress_on_a_terminal_only(entries_dir, tmp_path, monkeypatch, workers):
    """A long build counts entries on one terminal line, whether one process reads and indexes
    or worker processes share the files; a build writing to a file or pipe prints nothing."""
    import io
    import sys

    from kb import workers as reading

    class Terminal(io.StringIO):
        def __init__(self, tty: bool):
            super().__init__()
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setattr(reading, "PARALLEL_FROM", 10)
    for n in range(60):
        write_entry(entries_dir, f"e{n}", VALID.replace("A valid entry", f"Entry {n}"))
    for tty in (True, False):
        out = Terminal(tty)
        monkeypatch.setattr(sys, "stderr", out)
        build(entries_dir, tmp_path / f"ix-{tty}", workers=workers)
        shown = out.getvalue()
        if tty:
            assert "\r" in shown and shown.rstrip().endswith("60/60 entries (100%)")
        else:
            assert shown == ""
