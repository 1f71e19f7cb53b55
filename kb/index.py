"""Build the Whoosh index: validate every entry, write a fresh generation, swap it in atomically.

The index folder holds generations (``gen-*``) and a symlink ``current`` naming the live one.
A build writes a new generation beside the old, then replaces ``current`` with one rename, so a
reader sees either the old index or the new one, never half of either, and a failed build
leaves the last good index serving.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from kb.analysis import make_analyzer, make_pairs_analyzer
from kb.entry import Address, Entry, Problem, address_of
from kb.render import render_markdown
from kb.taxonomy import FACETS, Taxonomy, load_taxonomy, synonym_problems, vocabulary_word_problems
from kb.validate import address_problems, entry_files, read_entry

CURRENT = "current"
LOCK = ".build.lock"
META = "kb-meta.json"
FILES = "kb-files.pickle"  # hashes, stats and addresses of the files, for incremental builds
RECORDS = "entries.pickle"  # slug -> light record; pickle loads several times faster than JSON
DELTA = "entries-delta.pickle"  # records changed and removed since RECORDS was written
SCHEMA_VERSION = 4
DELTA_UP_TO = 1000  # records a delta holds (or a twentieth of all) before RECORDS is rewritten
PARALLEL_FROM = 400  # files: below this, worker processes cost more than they save
# Worker processes start as new interpreters rather than as forks of this one, which
# may be a web server with threads (kb serve --reload) whose locks a fork would copy held.
_PROCESSES = multiprocessing.get_context("spawn")
INCREMENTAL_UP_TO = 500  # changed files an incremental build takes on (or a quarter of all)
MERGE_AFTER = 4  # segments of one size tier from incremental builds merged once this many pile up
DELETED_FLOOR = 2000  # superseded documents tolerated whatever the size of the index
MAX_DELETED_SHARE = 0.2  # superseded documents beyond this share call for a full build
# The metadata kept in memory for every entry (results, facets, feeds); the rest stays on disk.
LIGHT_KEYS = ("slug", "path", "title", "summary", *FACETS, "organisations", "published",
              "updated", "review_by", "aliases")


def make_schema() -> Schema:
    """The one place the index's fields are defined."""
    stem = make_analyzer()
    # No positions: phrases and nearness are matched through `pairs`, which is smaller and
    # quicker to read than positions.
    return Schema(
        slug=ID(stored=True, unique=True, sortable=True),
        aliases=KEYWORD(stored=True),
        title=TEXT(analyzer=stem, stored=True, field_boost=3.0, phrase=False),
        title_sort=ID(sortable=True),
        summary=TEXT(analyzer=stem, stored=True, field_boost=2.0, phrase=False),
        body=TEXT(analyzer=stem, stored=True, phrase=False),
        organisations=TEXT(analyzer=stem, field_boost=2.0, phrase=False),
        pairs=TEXT(analyzer=make_pairs_analyzer(), phrase=False),  # neighbouring terms
        spell=TEXT(analyzer=StandardAnalyzer(stoplist=None), spelling=True, phrase=False),
        principles=KEYWORD(stored=True),
        sectors=KEYWORD(stored=True),
        stages=KEYWORD(stored=True),
        regions=KEYWORD(stored=True),
        published=DATETIME(stored=True, sortable=True),
        data=STORED,  # JSON: everything a page needs, so pages never re-read the files
    )


class BuildError(Exception):
    """A build that cannot publish; the previous index is left as it was."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class BuildResult:
    generation: Path
    entries: int
    seconds: float
    warnings: list[Problem]
    reindexed: int = 0  # files read and indexed anew
    incremental: bool = False


def entry_record(entry: Entry, taxonomy: Taxonomy) -> dict:
    """The stored JSON of one entry: its metadata, rendered HTML and source."""
    rendered = render_markdown(entry.body)
    return {
        "slug": entry.slug,
        "path": entry.path,
        "title": entry.title,
        "summary": entry.summary,
        **{facet: list(entry.tags(facet)) for facet in FACETS},
        "organisations": list(entry.organisations),
        "published": entry.published.isoformat(),
        "updated": entry.updated.isoformat() if entry.updated else None,
        "review_by": entry.review_by.isoformat() if entry.review_by else None,
        "aliases": list(entry.aliases),
        "sources": [{"title": s.title, "url": s.url} for s in entry.sources],
        "headings": [{"level": h.level, "id": h.id, "text": h.text} for h in rendered.headings],
        "html": rendered.html,
        "text": rendered.text,
        "source": entry.text,
    }


def document(record: dict) -> dict:
    """The Whoosh document of an entry's record. (The vocabulary terms an entry is tagged with
    are matched at query time, from the facets' bitsets: see kb.text's concepts.)"""
    orgs = " ".join(record["organisations"])
    return {
        "slug": record["slug"],
        "aliases": " ".join(record["aliases"]),
        "title": record["title"],
        "title_sort": record["title"].lower(),
        "summary": record["summary"],
        "body": record["text"],
        "organisations": orgs,
        # Fields, paragraphs and list items end a run of neighbouring words.
        "pairs": " . ".join([record["title"], record["summary"], *record["organisations"],
                             record["text"].replace("\n", " . ")]),
        # Each distinct word once: enough for spelling suggestions, and far fewer postings.
        "spell": " ".join(dict.fromkeys(re.findall(r"\w+", " ".join(
            [record["title"], record["summary"], orgs, record["text"]]).lower()))),
        **{facet: " ".join(record[facet]) for facet in FACETS},
        "published": dt.datetime.fromisoformat(record["published"]),
        "data": json.dumps({k: v for k, v in record.items() if k != "text"}, ensure_ascii=False),
    }


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
            raise BuildError(f"another build is running on {index_root}; wait for it to finish "
                             "and run kb build again") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _git_says(path: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True,
                             timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def git_commit(path: Path) -> str | None:
    return _git_says(path, "rev-parse", "--short", "HEAD")


def repository_path(entries_dir: Path) -> str:
    """The entries folder's path inside its git repository ('entries/'), for "edit this file"
    links; the folder's own name outside a repository."""
    prefix = _git_says(entries_dir, "rev-parse", "--show-prefix")
    return prefix if prefix is not None else f"{Path(entries_dir).resolve().name}/"


def current_generation(index_root: Path) -> Path | None:
    link = Path(index_root) / CURRENT
    try:
        return Path(index_root) / os.readlink(link)
    except OSError:
        return None


def _progress(total: int, doing: str) -> Callable[[int], None]:
    """A one-line progress counter on a terminal ("reading 4100/10000 entries (41%)"), updated
    at each percent passed, however the count advances; silent when stderr is not a
    terminal."""
    if not sys.stderr.isatty() or total < 50:
        return lambda done: None
    step = max(1, total // 100)
    shown = [-1]

    def show(done: int) -> None:
        if done // step != shown[0] // step or (done == total and shown[0] != total):
            shown[0] = done
            sys.stderr.write(f"\r{doing} {done}/{total} entries ({100 * done // total}%)")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show


def prepare(path: Path | str, rel: str, taxonomy: Taxonomy):
    """Read, validate and render one file: (Address, light record, document or None,
    problems). Runs in worker processes during a large build."""
    entry, problems = read_entry(path, rel, taxonomy)
    if entry is None:
        return Address(rel, Path(rel).stem, ()), None, None, problems
    record = entry_record(entry, taxonomy)
    light = {k: record[k] for k in LIGHT_KEYS}
    return address_of(entry), light, document(record), problems


def _prepare_chunk(args):
    items, taxonomy = args
    return [prepare(path, rel, taxonomy) for path, rel in items]


def _prepare_all(items: list[tuple[str, str]], taxonomy: Taxonomy, workers: int):
    show = _progress(len(items), "reading")
    if workers <= 1 or len(items) < PARALLEL_FROM:
        out = []
        for path, rel in items:
            out.append(prepare(path, rel, taxonomy))
            show(len(out))
        return out
    size = max(1, len(items) // (workers * 8))
    chunks = [(items[i:i + size], taxonomy) for i in range(0, len(items), size)]
    out = []
    with ProcessPoolExecutor(workers, mp_context=_PROCESSES) as pool:
        for chunk in pool.map(_prepare_chunk, chunks):
            out += chunk
            show(len(out))
    return out


def _fingerprint_vocabularies(entries_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("taxonomy.yaml", "synonyms.yaml"):
        path = entries_dir / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def build(entries_dir: Path, index_root: Path, full: bool = False,
          workers: int | None = None) -> BuildResult:
    """Validate the entries, index them into a new generation and swap it in atomically.

    Only files whose content changed since the live generation are re-read and re-indexed: the
    new generation starts as hard links to the old one's immutable segment files and adds one
    small segment. A full build happens with `full`, after a vocabulary or schema change, when
    many files changed, or when superseded copies of edited entries have piled up.
    """
    with paused_gc():
        return _build(entries_dir, index_root, full, workers)


def _build(entries_dir: Path, index_root: Path, full: bool, workers: int | None) -> BuildResult:
    started = time.monotonic()
    entries_dir, index_root = Path(entries_dir), Path(index_root)
    workers = workers or os.cpu_count() or 1
    taxonomy = load_taxonomy(entries_dir / "taxonomy.yaml")
    vocab = _fingerprint_vocabularies(entries_dir)
    files = entry_files(entries_dir)
    with build_lock(index_root):
        previous = current_generation(index_root)
        prev_meta = _usable_meta(previous, vocab) if previous and not full else None
        hashes, stats = _content_hashes(files, prev_meta)
        # rel -> (slug, aliases) of every file the live generation indexed
        prev_addresses = prev_meta["addresses"] if prev_meta else {}
        unchanged = {rel for rel, digest in (prev_meta or {}).get("hashes", {}).items()
                     if hashes.get(rel) == digest}
        changed = [(path, rel) for path, rel in files if rel not in unchanged]
        incremental = (prev_meta is not None
                       and prev_meta.get("deleted", 0) <= max(MAX_DELETED_SHARE * len(files),
                                                              DELETED_FLOOR)
                       and len(changed) <= max(INCREMENTAL_UP_TO, len(files) // 4))
        if not incremental:
            unchanged, changed = set(), files
        gen = _new_generation(index_root)
        try:
            if incremental or workers <= 1 or len(changed) < PARALLEL_FROM:
                segments = None
                prepared = _prepare_all(changed, taxonomy, workers)
            else:
                prepared, segments = _index_in_parallel(gen, changed, taxonomy, workers)
            addresses = {rel: prev_addresses[rel] for rel in unchanged}
            problems = [p for *_, found in prepared for p in found]
            problems += address_problems([a for a, *_ in prepared] + [
                Address(rel, slug, tuple(aliases)) for rel, (slug, aliases) in addresses.items()])
            problems += synonym_problems(entries_dir / "synonyms.yaml")
            problems += vocabulary_word_problems(entries_dir / "taxonomy.yaml")
            errors = [p for p in problems if p.severity == "error"]
            if errors:
                raise BuildError(f"{len(errors)} error(s) in {entries_dir}; the index was not "
                                 "changed", sorted(problems))
            removed = [slug for rel, (slug, _) in prev_addresses.items() if rel not in unchanged]
            if incremental and not changed and not removed:  # nothing to do: keep the live one
                shutil.rmtree(gen, ignore_errors=True)
                return BuildResult(previous, len(addresses), time.monotonic() - started, [],
                                   reindexed=0, incremental=True)
            new_light = {lt["slug"]: lt for _, lt, _, _ in prepared if lt is not None}
            addresses.update({rec["path"]: (slug, tuple(rec["aliases"]))
                              for slug, rec in new_light.items()})
            docs = [doc for _, _, doc, _ in prepared if doc is not None]
            if incremental:
                base = set(prev_meta.get("base_segments", ()))
                updated = _update_generation(previous, gen, removed, docs)
                segments = [s.segment_id() for s in updated]
                deleted = sum(s.deleted_count() for s in updated)
                to_merge = _tier_to_merge(updated, base)
                records_id = _write_records(gen, previous, prev_meta, removed, new_light,
                                            len(addresses))
            else:
                if segments is None:
                    segments = _write_generation(gen, docs)
                deleted, base, to_merge = 0, set(segments), []
                records_id = _write_records(gen, None, None, [], new_light, len(addresses))
            meta = {
                "schema": SCHEMA_VERSION,
                "vocabularies": vocab,
                "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "entries": len(addresses),
                "commit": git_commit(entries_dir),
                "entries_path": repository_path(entries_dir),
                "segments": len(segments),
                "base_segments": sorted(base),  # written by the last full build
                "deleted": deleted,  # superseded documents still in segments
                "records": records_id,  # names the RECORDS file, which later builds may share
            }
            (gen / META).write_text(json.dumps(meta), encoding="utf-8")
            (gen / FILES).write_bytes(pickle.dumps({
                "hashes": {rel: hashes[rel] for rel in addresses},
                "stats": {rel: stats[rel] for rel in addresses},
                "addresses": addresses}, protocol=5))
            for name in ("taxonomy.yaml", "synonyms.yaml"):
                if (entries_dir / name).exists():
                    shutil.copyfile(entries_dir / name, gen / name)
            _swap(index_root, gen)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        # Spare the previous generation: a server may still be answering from it.
        keep = {gen.name, previous.name if previous else ""}
        if to_merge:
            # The edit is live; now fold small segments of incremental builds together, as a
            # further generation, so no edit waits for a merge to be served.
            gen = _merge_generation(index_root, gen, meta, base)
            keep.add(gen.name)
        _remove_old_generations(index_root, keep)
    warnings = sorted(p for p in problems if p.severity == "warning")
    return BuildResult(gen, len(addresses), time.monotonic() - started, warnings,
                       reindexed=len(changed), incremental=incremental)


def _content_hashes(files, prev_meta: dict | None) -> tuple[dict, dict]:
    """({path: sha256}, {path: [mtime_ns, size]}). Like git's index, a file whose modification
    time and size match the last build's is taken as unchanged without being read."""
    prev_hashes = (prev_meta or {}).get("hashes", {})
    prev_stats = (prev_meta or {}).get("stats", {})
    hashes, stats = {}, {}
    for path, rel in files:
        st = os.stat(path)
        stats[rel] = [st.st_mtime_ns, st.st_size]
        if rel in prev_hashes and prev_stats.get(rel) == stats[rel]:
            hashes[rel] = prev_hashes[rel]
        else:
            with open(path, "rb") as fh:
                hashes[rel] = hashlib.sha256(fh.read()).hexdigest()
    return hashes, stats


def _write_records(gen: Path, previous: Path | None, prev_meta: dict | None,
                   removed: list[str], new_light: dict[str, dict], entries: int) -> str:
    """Write the generation's light records; returns the id of its RECORDS file.

    An incremental build shares the previous generation's RECORDS file (a hard link) and
    writes only what changed since that file was written (DELTA), so a one-entry edit neither
    reads nor rewrites the records of every entry, and a server can reuse the records it has.
    Once the delta grows past DELTA_UP_TO (or a twentieth of the entries), RECORDS is
    rewritten whole."""
    if previous is not None and prev_meta.get("records"):
        old = read_delta(previous)
        gone = set(removed)
        delta = {"changed": {slug: rec for slug, rec in old["changed"].items()
                             if slug not in gone},
                 "removed": (old["removed"] | gone) - set(new_light)}
        delta["changed"].update(new_light)
        if len(delta["changed"]) + len(delta["removed"]) <= max(DELTA_UP_TO, entries // 20):
            os.link(previous / RECORDS, gen / RECORDS)
            (gen / DELTA).write_bytes(pickle.dumps(delta, protocol=5))
            return prev_meta["records"]
        new_light = apply_delta(read_base_records(previous), delta)
    (gen / RECORDS).write_bytes(pickle.dumps(new_light, protocol=5))
    return f"{gen.name}/{RECORDS}"


def _usable_meta(generation: Path, vocab: str) -> dict | None:
    """The live generation's metadata if an incremental build may start from it."""
    try:
        meta = read_meta(generation)
        if meta.get("schema") != SCHEMA_VERSION or meta.get("vocabularies") != vocab:
            return None
        return {**meta, **pickle.loads((generation / FILES).read_bytes())}
    except (OSError, ValueError, pickle.UnpicklingError):
        return None


def _write_generation(gen: Path, docs: list[dict]) -> list[str]:
    """Index prepared documents into the new generation `gen` as one segment."""
    ix = whoosh_index.create_in(str(gen), make_schema())
    writer = ix.writer(limitmb=256)
    show = _progress(len(docs), "indexing")
    for done, doc in enumerate(docs, 1):
        writer.add_document(**doc)
        show(done)
    writer.commit()
    return [segment.segment_id() for segment in ix._segments()]


_indexed = None  # in a worker process: the count of files it has indexed, shared with the parent


def _count_into(counter) -> None:
    global _indexed
    _indexed = counter


def _index_share(args):
    """In a worker process: read, validate, render and index a share of the files as one
    segment of the new generation. Returns (the segment or None, [(Address, light record,
    None, problems)])."""
    gen, items, taxonomy = args
    ix = FileStorage(gen, supports_mmap=False).open_index()
    writer = SegmentWriter(ix, _lk=False, limitmb=256)  # the parent holds the index's lock
    out = []
    for path, rel in items:
        address, light, doc, problems = prepare(path, rel, taxonomy)
        if doc is not None:
            writer.add_document(**doc)
        out.append((address, light, None, problems))
        with _indexed.get_lock():
            _indexed.value += 1
    if not writer._added:
        writer.cancel()
        return None, out
    return writer._finalize_segment(), out


def _index_in_parallel(gen: Path, items: list[tuple[str, str]], taxonomy: Taxonomy,
                       workers: int):
    """A full build's reading and indexing, fused: each of `workers` processes takes an equal
    share of the files and writes one segment, so no document crosses between processes (as
    it would from reading workers to Whoosh's indexing workers). Returns (prepared, segment
    ids), prepared as _prepare_all gives it."""
    ix = whoosh_index.create_in(str(gen), make_schema())
    size = -(-len(items) // workers)
    shares = [(str(gen), items[i:i + size], taxonomy) for i in range(0, len(items), size)]
    show = _progress(len(items), "indexing")
    counter = _PROCESSES.Value("i", 0)
    with ProcessPoolExecutor(len(shares), mp_context=_PROCESSES, initializer=_count_into,
                             initargs=(counter,)) as pool:
        futures = [pool.submit(_index_share, share) for share in shares]
        while not all(f.done() for f in futures):
            wait(futures, timeout=0.5)
            show(counter.value)
        results = [f.result() for f in futures]
    show(len(items))
    segments = [segment for segment, _ in results if segment is not None]
    writer = SegmentWriter(ix, limitmb=16)  # takes the lock; writes only the table of segments
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()
    return [p for _, prepared in results for p in prepared], [s.segment_id() for s in segments]


def _new_generation(index_root: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    gen = index_root / f"gen-{stamp}-{os.getpid()}"
    gen.mkdir()
    return gen


def _link_files(source: Path, gen: Path, skip: tuple[str, ...]) -> None:
    """Hard-link a generation's files into a new one: Whoosh never changes a segment file in
    place, and this build code never rewrites a file once a generation is published."""
    for path in source.iterdir():
        if path.is_file() and path.name not in skip:
            os.link(path, gen / path.name)


def _open_for_writing(gen: Path):
    # Without memory maps: Whoosh copies a mapped segment file whole into memory when it opens
    # it, which made a one-entry update read the large segments' term files in full.
    return FileStorage(str(gen), supports_mmap=False).open_index()


def _drop_empty(writer, segments):
    """A Whoosh merge policy that merges nothing and drops segments with no live document left
    (an entry edited again supersedes its only copy in a small segment)."""
    return [s for s in segments if s.doc_count() > 0]


def _update_generation(previous: Path, gen: Path, removed: list[str], docs: list[dict]) -> list:
    """Start `gen` as hard links to `previous`, then delete and add documents as one new
    segment, merging nothing. Returns the generation's segments."""
    _link_files(previous, gen, skip=(META, FILES, RECORDS, DELTA, "MAIN_WRITELOCK"))
    ix = _open_for_writing(gen)
    writer = ix.writer(limitmb=64)
    for slug in removed:
        writer.delete_by_term("slug", slug)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(mergetype=_drop_empty)
    return ix._segments()


def _tiers(segments, base: set[str]) -> dict[int, list]:
    """The segments written by incremental builds, by size tier: 1-9 documents, 10-99, ..."""
    tiers: dict[int, list] = {}
    for segment in segments:
        if segment.segment_id() not in base:
            tiers.setdefault(len(str(max(1, segment.doc_count_all()))), []).append(segment)
    return tiers


def _tier_to_merge(segments, base: set[str]) -> list:
    """The segments of the smallest size tier holding MERGE_AFTER or more, or []. Merging a
    tier at a time (as log-structured indexes do) keeps merges small: four one-entry segments
    are merged without rewriting the hundred entries of an earlier batch."""
    full = [members for _, members in sorted(_tiers(segments, base).items())
            if len(members) >= MERGE_AFTER]
    return full[0] if full else []


def _merge_generation(index_root: Path, source: Path, meta: dict, base: set[str]) -> Path:
    """Publish a copy of `source` with the smallest full tier of small segments merged into
    one; the segments of the last full build (`base`) are left alone. Returns the new
    generation."""
    gen = _new_generation(index_root)
    try:
        _link_files(source, gen, skip=(META, "MAIN_WRITELOCK"))
        ix = _open_for_writing(gen)

        def merge_tier(writer, segments):
            tier = _tier_to_merge(segments, base)
            for segment in tier:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            return [s for s in segments if s not in tier]

        ix.writer(limitmb=64).commit(mergetype=merge_tier)
        segments = ix._segments()
        merged = {**meta, "segments": len(segments),
                  "deleted": sum(s.deleted_count() for s in segments)}
        (gen / META).write_text(json.dumps(merged), encoding="utf-8")
        _swap(index_root, gen)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen


def _swap(index_root: Path, gen: Path) -> None:
    tmp = index_root / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(gen.name, tmp)
    os.replace(tmp, index_root / CURRENT)


def _remove_old_generations(index_root: Path, keep: set[str]) -> None:
    """Delete every generation not kept, including any left half-written by a killed build."""
    for path in index_root.glob("gen-*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


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
    """slug -> the light record of every entry in a generation (written by this build code)."""
    return apply_delta(read_base_records(generation), read_delta(generation))


def read_meta(generation: Path) -> dict:
    return json.loads((generation / META).read_text(encoding="utf-8"))


def _fingerprint(entries_dir: Path) -> tuple:
    out = []
    for path in sorted(Path(entries_dir).rglob("*")):
        try:
            st = path.stat()
        except OSError:
            continue
        if path.suffix in (".md", ".yaml"):
            out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def watch(entries_dir: Path, index_root: Path, on_build: Callable[[list[Problem]], None],
          stop, interval: float = 0.3) -> None:
    """Rebuild whenever a file under entries_dir changes, until `stop` (an Event) is set.

    `on_build` receives the problems of each build: the errors of a failed one (which leaves
    the last good index serving), the warnings of the files a good one re-read.
    """
    seen = None
    while not stop.is_set():
        now = _fingerprint(entries_dir)
        if now != seen:
            seen = now
            try:
                on_build(build(entries_dir, index_root).warnings)
            except BuildError as exc:
                on_build(exc.problems or [Problem("entries", 1, "error", str(exc))])
            except Exception as exc:  # a vocabulary error, a full disk...: report, keep serving
                on_build([Problem("entries", 1, "error", str(exc))])
        stop.wait(interval)
