"""The index folder on disk: generations, the `current` symlink, the build lock, and each
generation's metadata and light records.

The index folder holds generations (``gen-*``) and a symlink ``current`` naming the live one.
A build writes a new generation beside the old, then replaces ``current`` with one rename, so a
reader sees either the old index or the new one, never half of either, and a failed build
leaves the last good index serving.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import json
import os
import pickle
import shutil
from array import array
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CURRENT = "current"
LOCK = ".build.lock"
META = "kb-meta.json"
FILES = "kb-files.pickle"  # the FileTable of the files indexed, for incremental builds
DIGEST = 32  # bytes of a file's SHA-256
RECORDS = "entries.pickle"  # slug -> light record; pickle loads several times faster than JSON
DELTA = "entries-delta.pickle"  # records changed and removed since RECORDS was written
DELTA_UP_TO = 1000  # records a delta holds (or a twentieth of all) before RECORDS is rewritten


class BuildLocked(RuntimeError):
    """Another build holds the index folder's lock."""


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector while loading many small objects that form no
    cycles (records, per-document tables): each collection would walk them all again, which
    tripled the time to read 50,000 records."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def build_lock(index_root: Path):
    """Hold the build lock; a second build fails at once with a clear message. The kernel
    releases the lock when a build dies, so a killed build never leaves a stale lock."""
    index_root.mkdir(parents=True, exist_ok=True)
    with open(index_root / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is running on {index_root}; wait for it to "
                              "finish and run kb build again") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def current_generation(index_root: Path) -> Path | None:
    try:
        return Path(index_root) / os.readlink(Path(index_root) / CURRENT)
    except OSError:
        return None


def new_generation(index_root: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    gen = index_root / f"gen-{stamp}-{os.getpid()}"
    gen.mkdir()
    return gen


def link_files(source: Path, gen: Path, skip: tuple[str, ...]) -> None:
    """Hard-link a generation's files into a new one: Whoosh never changes a segment file in
    place, and the build never rewrites a file once a generation is published."""
    for path in source.iterdir():
        if path.is_file() and path.name not in skip:
            os.link(path, gen / path.name)


def swap(index_root: Path, gen: Path) -> None:
    """Make `gen` the live generation, in one atomic rename."""
    tmp = index_root / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(gen.name, tmp)
    os.replace(tmp, index_root / CURRENT)


def remove_old_generations(index_root: Path, keep: set[str]) -> None:
    """Delete every generation not kept, including any left half-written by a killed build."""
    for path in index_root.glob("gen-*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def read_meta(generation: Path) -> dict:
    return json.loads((generation / META).read_text(encoding="utf-8"))


def write_meta(generation: Path, meta: dict) -> None:
    (generation / META).write_text(json.dumps(meta), encoding="utf-8")


@dataclass
class FileTable:
    """The entry files a generation indexed, sorted by relative path: each file's status when
    it was read (mtime_ns and size, two numbers a file in `stats`), its content's SHA-256
    (DIGEST bytes a file in `digests`) and the aliases it claims with the line they are on
    (only files that claim any).
    Flat arrays rather than an object a file: 50,000 files load and save in milliseconds."""
    rels: list[str]
    stats: array  # array("q"): mtime_ns, size of rels[0], then of rels[1], ...
    digests: bytes
    aliases: dict[str, tuple[int, tuple[str, ...]]]  # rel -> (line, aliases)

    def digest(self, i: int) -> bytes:
        return self.digests[i * DIGEST:(i + 1) * DIGEST]


def read_files(generation: Path) -> FileTable:
    """The FileTable of the files a generation indexed (converted from the older form, a dict
    a file, so an index built before keeps its incremental builds)."""
    data = pickle.loads((generation / FILES).read_bytes())
    if "hashes" in data:  # {"hashes": {rel: hex}, "stats": {rel: [mtime_ns, size]}, ...}
        rels = sorted(data["hashes"])
        return FileTable(rels, array("q", [n for rel in rels for n in data["stats"][rel]]),
                         b"".join(bytes.fromhex(data["hashes"][rel]) for rel in rels),
                         {rel: (1, tuple(a)) for rel, (_, a) in data["addresses"].items() if a})
    return FileTable(data["rels"], data["stats"], data["digests"], data["aliases"])


def write_files(generation: Path, table: FileTable) -> None:
    (generation / FILES).write_bytes(pickle.dumps(
        {"rels": table.rels, "stats": table.stats, "digests": table.digests,
         "aliases": table.aliases}, protocol=5))


def _differing(old: array, new: array, chunk: int = 4096) -> list[int]:
    """The files (indices) whose two numbers differ between two stats arrays of one length,
    comparing a chunk at a time in C and only a differing chunk number by number."""
    out: list[int] = []
    a, b = memoryview(old).cast("B"), memoryview(new).cast("B")
    step = chunk * old.itemsize
    for start in range(0, len(a), step):
        if a[start:start + step] != b[start:start + step]:
            first = start // old.itemsize
            out += sorted({i // 2 for i in range(first, min(first + chunk, len(new)))
                           if old[i] != new[i]})
    return out


def compare_files(old: FileTable | None, rels: list[str], stats: array,
                  digest_of: Callable[[str], bytes]) -> tuple[FileTable, list[str], list[str]]:
    """(the table of the files now, the files whose content differs from `old` or that are
    new, the files of `old` that are gone). `rels` and `stats` are a scan of the folder, sorted
    by path. Like git's index, a file whose status matches `old` is taken as unchanged without
    being read; only the others are read (`digest_of`) and their content compared. The new
    table keeps `old`'s aliases of the files that are still there."""
    if old is None:
        return FileTable(rels, stats, b"".join(map(digest_of, rels)), {}), list(rels), []
    if old.rels == rels:  # no file added or removed: compare place by place
        digests, changed = bytearray(old.digests), []
        for i in _differing(old.stats, stats):
            digest = digest_of(rels[i])
            if digest != old.digest(i):
                digests[i * DIGEST:(i + 1) * DIGEST] = digest
                changed.append(rels[i])
        return FileTable(rels, stats, bytes(digests), dict(old.aliases)), changed, []
    where = dict(zip(old.rels, range(len(old.rels)), strict=True))
    parts, changed = [], []
    for n, rel in enumerate(rels):
        i = where.pop(rel, None)
        digest = old.digest(i) if i is not None and \
            old.stats[2 * i:2 * i + 2] == stats[2 * n:2 * n + 2] else digest_of(rel)
        if i is None or digest != old.digest(i):
            changed.append(rel)
        parts.append(digest)
    aliases = {rel: a for rel, a in old.aliases.items() if rel not in where}
    return FileTable(rels, stats, b"".join(parts), aliases), changed, sorted(where)


def read_base_records(generation: Path) -> dict[str, dict]:
    """slug -> light record as RECORDS holds them, before the generation's DELTA."""
    return pickle.loads((generation / RECORDS).read_bytes())


def read_delta(generation: Path) -> dict:
    """{"changed": {slug: light record}, "removed": {slug}} since RECORDS was written."""
    try:
        return pickle.loads((generation / DELTA).read_bytes())
    except FileNotFoundError:
        return {"changed": {}, "removed": set()}


def apply_delta(base: dict[str, dict], delta: dict) -> dict[str, dict]:
    """The records after a delta, as a new dict (`base` is left as it was)."""
    out = {slug: rec for slug, rec in base.items() if slug not in delta["removed"]}
    out.update(delta["changed"])
    return out


def read_records(generation: Path) -> dict[str, dict]:
    """slug -> the light record of every entry in a generation."""
    return apply_delta(read_base_records(generation), read_delta(generation))


def write_records(gen: Path, previous: Path | None, records_id: str | None,
                  removed: list[str], changed: dict[str, dict], entries: int) -> str:
    """Write a generation's light records; returns the id of its RECORDS file.

    An incremental build (`previous`, whose RECORDS file is `records_id`) shares that file (a
    hard link) and writes only what changed since it was written (DELTA), so a one-entry edit
    neither reads nor rewrites the records of every entry, and a server can reuse the records
    it has. Once the delta grows past DELTA_UP_TO (or a twentieth of the entries), RECORDS is
    rewritten whole."""
    if previous is not None and records_id:
        old = read_delta(previous)
        gone = set(removed)
        delta = {"changed": {slug: rec for slug, rec in old["changed"].items()
                             if slug not in gone},
                 "removed": (old["removed"] | gone) - set(changed)}
        delta["changed"].update(changed)
        if len(delta["changed"]) + len(delta["removed"]) <= max(DELTA_UP_TO, entries // 20):
            os.link(previous / RECORDS, gen / RECORDS)
            (gen / DELTA).write_bytes(pickle.dumps(delta, protocol=5))
            return records_id
        changed = apply_delta(read_base_records(previous), delta)
    (gen / RECORDS).write_bytes(pickle.dumps(changed, protocol=5))
    return f"{gen.name}/{RECORDS}"
