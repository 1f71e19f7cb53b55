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
from contextlib import contextmanager
from pathlib import Path

CURRENT = "current"
LOCK = ".build.lock"
META = "kb-meta.json"
FILES = "kb-files.pickle"  # hashes, stats and addresses of the files, for incremental builds
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


def read_files(generation: Path) -> dict:
    """{"hashes", "stats", "addresses"} of the files a generation indexed."""
    return pickle.loads((generation / FILES).read_bytes())


def write_files(generation: Path, files: dict) -> None:
    (generation / FILES).write_bytes(pickle.dumps(files, protocol=5))


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
