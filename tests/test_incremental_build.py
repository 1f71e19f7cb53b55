"""One edit at a time, on real folders and indexes on disk: what an incremental build keeps of
the previous generation is what a full build would write.

- the table of files an incremental build keeps is a full build's table, and an index written
  before that table existed keeps building incrementally;
- the address checks of an incremental build (which look again only at what moved) find what a
  full build's find, word for word;
- the scan lists the entry files in path order with their status.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import random

import pytest

from kb.build import BuildError, build
from kb.entry_files import entry_files, scan_entry_stats
from kb.generations import FILES, read_files
from kb.snapshot import Snapshot
from tests.conftest import write_entry

PRINCIPLES = ["partnership-working", "funding-and-procurement", "full-cost-recovery",
              "multi-year-funding"]
SECTORS = ["health", "social-care", "housing", "criminal-justice"]
REGIONS = ["north-east", "north-west", "east-midlands"]


def front(rng: random.Random, title: str, aliases: tuple[str, ...] = ()) -> str:
    """An entry's front matter with random tags and one of a few dates (so dates tie)."""
    principles = rng.sample(PRINCIPLES, rng.randint(1, 2))
    sectors = rng.sample(SECTORS, rng.randint(1, 2))
    regions = rng.sample(REGIONS, rng.randint(0, 2))
    published = f"20{rng.randint(10, 13)}-0{rng.randint(1, 3)}-01"
    text = (f"title: {title}\nsummary: What {title.lower()} did.\n"
            f"principles: [{', '.join(principles)}]\nsectors: [{', '.join(sectors)}]\n"
            f"regions: [{', '.join(regions)}]\npublished: {published}\n")
    return text + (f"aliases: [{', '.join(aliases)}]\n" if aliases else "")


def step(rng: random.Random, entries, n: int, counter: list[int]) -> None:
    """One random change to the entries: an edit, a new entry (sometimes in a subfolder), a
    deletion, a rename that keeps the old address as an alias, or an alias given or taken."""
    paths = sorted(entries.rglob("*.md"))
    path = rng.choice(paths)
    op = ("edit", "edit", "add", "delete", "rename", "alias", "two")[n % 7]
    if op == "edit":
        write_entry(path.parent, path.stem, front(rng, f"Edited {n} {path.stem}"))
    elif op == "add":
        counter[0] += 1
        folder = entries / "2012" if n % 2 else entries
        write_entry(folder, f"new-{counter[0]}", front(rng, f"New {counter[0]}"))
    elif op == "delete" and len(paths) > 10:
        path.unlink()
    elif op == "rename":
        path.unlink()
        write_entry(path.parent, f"renamed-{n}", front(rng, f"Renamed {n}", (path.stem,)))
    elif op == "alias":
        aliases = () if "aliases:" in path.read_text() else (f"old-{n}",)
        write_entry(path.parent, path.stem, front(rng, f"Aliased {n}", aliases))
    else:
        for other in rng.sample(paths, 2):
            write_entry(other.parent, other.stem, front(rng, f"Pair {n} {other.stem}"))


def test_the_file_table_of_incremental_builds_is_a_full_builds(entries_dir, tmp_path):
    rng = random.Random(5)
    for n in range(12):
        write_entry(entries_dir / ("2011" if n % 3 else ""), f"e{n}", front(rng, f"Entry {n}"))
    build(entries_dir, tmp_path / "ix", workers=1)
    counter = [0]
    for n in range(14):
        step(rng, entries_dir, n, counter)
        build(entries_dir, tmp_path / "ix")
    touched = next(entries_dir.rglob("*.md"))
    os.utime(touched, ns=(1, 1))  # a new time, the same content: not read again
    assert build(entries_dir, tmp_path / "ix").reindexed == 0
    incremental = read_files(build(entries_dir, tmp_path / "ix").generation)
    full = read_files(build(entries_dir, tmp_path / "full", full=True).generation)
    # The touched file's time is not recorded until something else changes: the table of the
    # live generation still has the time it was read at. Everything else agrees.
    i = incremental.rels.index(touched.relative_to(entries_dir).as_posix())
    assert incremental.stats[2 * i] != 1 and full.stats[2 * i] == 1
    incremental.stats[2 * i] = 1
    assert incremental == full
    assert sorted(full.aliases) == sorted(
        p.relative_to(entries_dir).as_posix() for p in entries_dir.rglob("*.md")
        if "aliases:" in p.read_text())


def test_an_index_with_the_older_file_table_keeps_building_incrementally(entries_dir,
                                                                          tmp_path):
    rng = random.Random(8)
    for n in range(5):
        write_entry(entries_dir, f"e{n}", front(rng, f"Entry {n}", ("old-e0",) if n == 0 else ()))
    generation = build(entries_dir, tmp_path / "ix").generation
    table = read_files(generation)
    older = {"hashes": {rel: table.digest(i).hex() for i, rel in enumerate(table.rels)},
             "stats": {rel: list(table.stats[2 * i:2 * i + 2])
                       for i, rel in enumerate(table.rels)},
             "addresses": {rel: (rel[:-3], table.aliases.get(rel, (1, ()))[1])
                           for rel in table.rels}}
    (generation / FILES).write_bytes(pickle.dumps(older))
    # The older table did not keep the line of an entry's aliases: problems name line 1.
    assert read_files(generation) == dataclasses.replace(
        table, aliases={rel: (1, a) for rel, (_, a) in table.aliases.items()})
    write_entry(entries_dir, "e3", front(rng, "Entry three, edited"))
    result = build(entries_dir, tmp_path / "ix")
    assert (result.reindexed, result.incremental) == (1, True)


CLASHES = {
    "a new file's name is another entry's, in another folder": [("sub/a", ())],
    "a new alias is another entry's slug": [("c", ("a",))],
    "a new alias is another entry's alias": [("c", ("old-b",))],
    "a new file's name is another entry's alias": [("old-b", ())],
    "an edit gives an entry another's alias": [("a", ("old-b",))],
    "two new files claim one alias": [("c", ("gone",)), ("d", ("gone",))],
}


@pytest.mark.parametrize("files", CLASHES.values(), ids=CLASHES.keys())
def test_incremental_address_checks_find_what_a_full_build_finds(entries_dir, tmp_path, files):
    rng = random.Random(2)
    write_entry(entries_dir, "a", front(rng, "Entry a"))
    write_entry(entries_dir, "b", front(rng, "Entry b", ("old-b",)))
    write_entry(entries_dir, "x", front(rng, "Entry x"))
    build(entries_dir, tmp_path / "ix")
    for slug, aliases in files:
        write_entry(entries_dir, slug, front(rng, f"Entry {slug}", aliases))
    found = {}
    for name, full in (("incremental", False), ("full", True)):
        with pytest.raises(BuildError) as info:
            build(entries_dir, tmp_path / "ix", full=full)
        found[name] = sorted(p for p in info.value.problems if p.severity == "error")
    assert found["incremental"] == found["full"] != []


def test_freed_addresses_can_be_claimed_again(entries_dir, tmp_path):
    """A deleted entry's slug and aliases are free for the next build to give out."""
    rng = random.Random(4)
    write_entry(entries_dir, "a", front(rng, "Entry a", ("old-a",)))
    write_entry(entries_dir, "b", front(rng, "Entry b"))
    build(entries_dir, tmp_path / "ix")
    (entries_dir / "a.md").unlink()
    write_entry(entries_dir, "b", front(rng, "Entry b", ("a", "old-a")))
    result = build(entries_dir, tmp_path / "ix")
    assert (result.incremental, result.entries) == (True, 1)
    assert Snapshot(result.generation).alias == {"a": "b", "old-a": "b"}


def test_a_build_warns_of_an_address_it_stops_serving(entries_dir, tmp_path):
    """A rename without an alias, a deletion and an alias taken out each leave an address
    that the last build served and this one does not: the build says so (the pull request's
    kb check --against refuses them); with the alias given, nothing is said."""
    rng = random.Random(5)
    write_entry(entries_dir, "a", front(rng, "Entry a", ("old-a",)))
    write_entry(entries_dir, "b", front(rng, "Entry b"))
    write_entry(entries_dir, "c", front(rng, "Entry c"))
    write_entry(entries_dir, "d", front(rng, "Entry d"))
    build(entries_dir, tmp_path / "ix")
    (entries_dir / "b.md").rename(entries_dir / "b-renamed.md")  # no alias
    (entries_dir / "c.md").unlink()
    write_entry(entries_dir, "a", front(rng, "Entry a"))  # 'old-a' taken out
    (entries_dir / "d.md").unlink()
    write_entry(entries_dir, "d-renamed", front(rng, "Entry d", ("d",)))  # renamed well
    result = build(entries_dir, tmp_path / "ix")
    warned = {p.message.split()[0] for p in result.warnings if "no longer resolves" in p.message}
    assert result.incremental and warned == {"/entries/b", "/entries/c", "/entries/old-a"}


def test_the_scan_lists_files_in_path_order_with_their_status(tmp_path):
    names = ["a.md", "a-b.md", "a/x.md", "a/b/y.md", "a b.md", "B.md", "a.md.d/z.md",
             "ab.md", "readme.md", ".hidden.md", ".git/c.md", "notes.txt", "2012/e.md"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    rels, stats = scan_entry_stats(tmp_path)
    expected = sorted(n for n in names if n.endswith(".md") and not n.startswith(".")
                      and n != "readme.md")
    assert rels == expected
    for i, rel in enumerate(rels):
        st = os.stat(tmp_path / rel)
        assert list(stats[2 * i:2 * i + 2]) == [st.st_mtime_ns, st.st_size]
    assert entry_files(tmp_path) == [(os.path.join(str(tmp_path), rel), rel) for rel in expected]
