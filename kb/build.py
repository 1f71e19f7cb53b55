"""Build the index: validate every entry, write a new generation, swap it in atomically; merge
small segments afterwards; rebuild on every save for the live preview.

Only files whose content changed since the live generation are re-read and re-indexed: the new
generation starts as hard links to the old one's immutable segment files and adds one small
segment. A full build happens when asked, after a vocabulary or schema change, when many files
changed, or when superseded copies of edited entries have piled up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb import history, whoosh_internals
from kb import workers as reading
from kb.across_files import address_problems, address_problems_among
from kb.entry import Problem
from kb.entry_files import scan_entry_stats
from kb.generations import (
    DELTA,
    FILES,
    META,
    RECORDS,
    BuildLocked,
    FileTable,
    build_lock,
    compare_files,
    current_generation,
    link_files,
    new_generation,
    paused_gc,
    read_files,
    read_meta,
    remove_old_generations,
    swap,
    write_files,
    write_meta,
    write_records,
)
from kb.publishing import dropped_addresses, gone_addresses
from kb.schema import SCHEMA_VERSION, make_schema
from kb.synonyms import synonym_problems
from kb.taxonomy import Taxonomy, TaxonomyError, load_taxonomy, taxonomy_problems
from kb.workers import Prepared

INCREMENTAL_UP_TO = 500  # changed files an incremental build takes on (or a quarter of all)
MERGE_AFTER = 4  # segments of one size tier from incremental builds merged once this many pile up
DELETED_FLOOR = 2000  # superseded documents tolerated whatever the size of the index
MAX_DELETED_SHARE = 0.2  # superseded documents beyond this share call for a full build
log = logging.getLogger("kb")


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


@dataclass
class Plan:
    """What a build starts from: the files, which changed since the live generation, and
    whether an incremental build may take them on."""
    entries_dir: Path
    index_root: Path
    taxonomy: Taxonomy
    vocabularies: str  # fingerprint of taxonomy.yaml and synonyms.yaml
    table: FileTable  # the files now
    previous: Path | None
    previous_meta: dict | None  # the live generation's meta, when incremental
    previous_aliases: dict = field(default_factory=dict)  # rel -> (line, aliases) in the live one
    changed: list[tuple[str, str]] = field(default_factory=list)  # (path, rel) to read
    added: set[str] = field(default_factory=set)  # changed files the live one did not have
    removed: list[str] = field(default_factory=list)  # slugs the live one indexed, to remove
    gone: list[str] = field(default_factory=list)  # files the live one indexed, now gone
    check_links: Callable | None = None  # (entries_dir, rels read, taxonomy) -> problems

    @property
    def incremental(self) -> bool:
        return self.previous_meta is not None


def build(entries_dir: Path, index_root: Path, full: bool = False, workers: int | None = None,
          check_links: Callable | None = None) -> BuildResult:
    """Validate the entries, index them into a new generation and swap it in atomically.
    `check_links` (kb.entry_links.link_problems_in) also judges the files' links to the site."""
    started = time.monotonic()
    with paused_gc():
        try:
            with build_lock(Path(index_root)):
                plan = make_plan(Path(entries_dir), Path(index_root), full)
                plan.check_links = check_links
                return _build(plan, workers or os.cpu_count() or 1, started)
        except BuildLocked as exc:
            raise BuildError(str(exc)) from None


def make_plan(entries_dir: Path, index_root: Path, full: bool) -> Plan:
    taxonomy = load_taxonomy(entries_dir / "taxonomy.yaml")
    vocabularies = _fingerprint_vocabularies(entries_dir)
    rels, stats = scan_entry_stats(entries_dir)
    previous = current_generation(index_root)
    meta, old = _usable_meta(previous, vocabularies) if previous and not full else (None, None)
    root = str(entries_dir)
    table, changed, gone = compare_files(old, rels, stats, lambda rel: _digest(root, rel))
    plan = Plan(entries_dir, index_root, taxonomy, vocabularies, table, previous, meta)
    if meta is not None and not (
            meta.get("deleted", 0) > max(MAX_DELETED_SHARE * len(rels), DELETED_FLOOR)
            or len(changed) > max(INCREMENTAL_UP_TO, len(rels) // 4)):
        plan.previous_aliases = old.aliases
        plan.added = set(changed) - set(old.rels) if old.rels != rels else set()
        plan.removed = [_slug(rel) for rel in [*changed, *gone] if rel not in plan.added]
        plan.gone = gone
    else:
        plan.previous_meta, changed = None, rels
    plan.changed = [(os.path.join(root, rel), rel) for rel in changed]
    return plan


def _slug(rel: str) -> str:
    return rel[rel.rfind("/") + 1:-3]


def _digest(root: str, rel: str) -> bytes:
    with open(os.path.join(root, rel), "rb") as fh:
        return hashlib.sha256(fh.read()).digest()


def _build(plan: Plan, workers: int, started: float) -> BuildResult:
    gen = new_generation(plan.index_root)
    try:
        if plan.incremental or workers <= 1 or len(plan.changed) < reading.PARALLEL_FROM:
            prepared, segments = reading.prepare_all(plan.changed, plan.taxonomy, workers), None
        else:
            prepared, segments = reading.index_in_parallel(gen, plan.changed, plan.taxonomy,
                                                           workers)
        problems = _check(plan, prepared)
        if plan.incremental and not plan.changed and not plan.removed and \
                read_meta(plan.previous).get("commit") == history.short_head(plan.entries_dir):
            # nothing to do (a commit of files already built still needs their history)
            shutil.rmtree(gen, ignore_errors=True)
            return BuildResult(plan.previous, len(plan.table.rels), time.monotonic() - started,
                               [], reindexed=0, incremental=True)
        meta, merge = _write(plan, gen, prepared, segments)
        swap(plan.index_root, gen)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    # Spare the previous generation: a server may still be answering from it.
    keep = {gen.name, plan.previous.name if plan.previous else ""}
    if merge:
        # The edit is live; now fold small segments of incremental builds together, as a
        # further generation, so no edit waits for a merge to be served.
        gen = _merge_generation(plan.index_root, gen, meta)
        keep.add(gen.name)
    remove_old_generations(plan.index_root, keep)
    warnings = sorted(p for p in problems if p.severity == "warning")
    return BuildResult(gen, len(plan.table.rels), time.monotonic() - started, warnings,
                       reindexed=len(plan.changed), incremental=plan.incremental)


def _check(plan: Plan, prepared: list[Prepared]) -> list[Problem]:
    """The problems of the files read and of the addresses across all files; raises
    BuildError when any is an error. Records the aliases the files read now claim."""
    problems = [p for one in prepared for p in one.problems]
    if plan.incremental:  # the others passed together last time: check what moved
        before = plan.previous_aliases
        moved = [one.address for one in prepared if one.address.path in plan.added
                 or one.address.aliases != before.get(one.address.path, (1, ()))[1]]
        problems += address_problems_among(moved, plan.table.rels, plan.table.aliases)
    else:
        problems += address_problems([one.address for one in prepared])
    problems += synonym_problems(plan.entries_dir / "synonyms.yaml") + taxonomy_problems(
        plan.entries_dir / "taxonomy.yaml") + history.shallow_clone(plan.entries_dir)
    for one in prepared:
        plan.table.aliases.pop(one.address.path, None)
        if one.address.aliases:
            plan.table.aliases[one.address.path] = (one.address.aliases_line,
                                                    one.address.aliases)
    if plan.check_links:
        problems += plan.check_links(plan.entries_dir, _links_to_judge(plan), plan.taxonomy)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BuildError(f"{len(errors)} error(s) in {plan.entries_dir}; the index was not "
                         "changed", sorted(problems))
    if plan.incremental:  # renamed or deleted without an alias: say so while editing
        problems += dropped_addresses(plan.gone, plan.previous_aliases, plan.table)
    return problems


def _links_to_judge(plan: Plan) -> list[str]:
    """The files whose links a build judges: those it read and, when an address the live
    generation served is gone (a file deleted or renamed, an alias taken out), every other
    file that names it, as a full build would (a link to a deleted entry is an error)."""
    read = [rel for _, rel in plan.changed]
    gone = gone_addresses(plan.gone, plan.previous_aliases, plan.table)
    if not plan.incremental or not gone:
        return read
    pattern = re.compile("|".join(re.escape(slug) for slug in sorted(gone)))
    return read + [rel for rel in sorted(set(plan.table.rels) - set(read)) if pattern.search(
        Path(plan.entries_dir, rel).read_text("utf-8", errors="replace"))]


def _write(plan: Plan, gen: Path, prepared: list[Prepared],
           segments: list[str] | None) -> tuple[dict, bool]:
    """Write the new generation's segments, records, metadata and vocabularies. Returns
    (its metadata, whether small segments are due to be merged)."""
    changed = {one.light["slug"]: one.light for one in prepared if one.light is not None}
    docs = [one.document for one in prepared if one.document is not None]
    entries = len(plan.table.rels)
    if plan.incremental:
        base = set(plan.previous_meta.get("base_segments", ()))
        written = _update_generation(plan.previous, gen, plan.removed, docs)
        segments = [s.segment_id() for s in written]
        deleted = sum(s.deleted_count() for s in written)
        merge = bool(_tier_to_merge(written, base))
        records = write_records(gen, plan.previous, plan.previous_meta.get("records"),
                                plan.removed, changed, entries)
    else:
        segments = segments if segments is not None else _write_generation(gen, docs)
        base, deleted, merge = set(segments), 0, False
        records = write_records(gen, None, None, [], changed, entries)
    meta = {
        "schema": SCHEMA_VERSION,
        "vocabularies": plan.vocabularies,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "entries": entries,
        "commit": history.short_head(plan.entries_dir),
        "entries_path": history.repository_path(plan.entries_dir),
        "segments": len(segments),
        "base_segments": sorted(base),  # written by the last full build
        "deleted": deleted,  # superseded documents still in segments
        "records": records,  # names the RECORDS file, which later builds may share
    }
    write_meta(gen, meta)
    write_files(gen, plan.table)
    for name in ("taxonomy.yaml", "synonyms.yaml"):
        if (plan.entries_dir / name).exists():
            shutil.copyfile(plan.entries_dir / name, gen / name)
    history.record_history(plan.entries_dir, gen, plan.table.rels, plan.previous,
                           {rel: names for rel, (_, names) in plan.table.aliases.items()})
    return meta, merge


def _fingerprint_vocabularies(entries_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("taxonomy.yaml", "synonyms.yaml"):
        path = entries_dir / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def _usable_meta(generation: Path, vocabularies: str) -> tuple[dict | None, FileTable | None]:
    """The live generation's metadata and files if an incremental build may start from it."""
    try:
        meta = read_meta(generation)
        if meta.get("schema") != SCHEMA_VERSION or meta.get("vocabularies") != vocabularies:
            return None, None
        return meta, read_files(generation)
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError):
        return None, None


def _write_generation(gen: Path, docs: list[dict]) -> list[str]:
    """Index prepared documents into the new generation `gen` as one segment."""
    ix = whoosh_internals.create_index(gen, make_schema())
    writer = whoosh_internals.full_build_writer(ix)
    show = reading.progress(len(docs), "indexing")
    for done, doc in enumerate(docs, 1):
        writer.add_document(**doc)
        show(done)
    writer.commit()
    return [segment.segment_id() for segment in whoosh_internals.segments(ix)]


def _drop_empty(writer, segments):
    """A Whoosh merge policy that merges nothing and drops segments with no live document left
    (an entry edited again supersedes its only copy in a small segment)."""
    return [s for s in segments if s.doc_count() > 0]


def _update_generation(previous: Path, gen: Path, removed: list[str], docs: list[dict]) -> list:
    """Start `gen` as hard links to `previous`, then delete and add documents as one new
    segment, merging nothing. Returns the generation's segments."""
    link_files(previous, gen, skip=(META, FILES, RECORDS, DELTA, history.HISTORY, history.PACK,
                                    "MAIN_WRITELOCK"))
    ix = whoosh_internals.open_index(gen)
    writer = whoosh_internals.writer(ix, limitmb=64)
    with writer.reader() as reader:  # as delete_by_term does, without its query machinery
        for slug in removed:
            if reader.doc_frequency("slug", slug):
                for docnum in reader.postings("slug", slug).all_ids():
                    writer.delete_document(docnum)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(mergetype=_drop_empty)
    return whoosh_internals.segments(ix)


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


def _merge_generation(index_root: Path, source: Path, meta: dict) -> Path:
    """Publish a copy of `source` with the smallest full tier of small segments merged into
    one; the segments of the last full build are left alone. Returns the new generation."""
    base = set(meta["base_segments"])
    gen = new_generation(index_root)
    try:
        link_files(source, gen, skip=(META, "MAIN_WRITELOCK"))
        ix = whoosh_internals.open_index(gen)

        def merge_tier(writer, segments):
            tier = _tier_to_merge(segments, base)
            for segment in tier:
                whoosh_internals.merge_into(writer, segment)
            return [s for s in segments if s not in tier]

        whoosh_internals.writer(ix, limitmb=64).commit(mergetype=merge_tier)
        segments = whoosh_internals.segments(ix)
        write_meta(gen, {**meta, "segments": len(segments),
                         "deleted": sum(s.deleted_count() for s in segments)})
        swap(index_root, gen)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen


def _fingerprint(entries_dir: Path) -> tuple:
    out = [history.short_head(entries_dir)]  # a commit changes the history pages
    for path in sorted(Path(entries_dir).rglob("*")):
        try:
            st = path.stat()
        except OSError:
            continue
        if path.suffix in (".md", ".yaml"):
            out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def watch(entries_dir: Path, index_root: Path, on_build: Callable[[list[Problem]], None],
          stop, interval: float = 0.3, check_links: Callable | None = None) -> None:
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
                on_build(build(entries_dir, index_root, check_links=check_links).warnings)
            except BuildError as exc:
                on_build(exc.problems or [Problem("entries", 1, "error", str(exc))])
            except TaxonomyError as exc:  # a vocabulary that cannot be used: each problem
                on_build(list(exc.problems) or [Problem("entries", 1, "error", str(exc))])
            except OSError as exc:  # a full disk...
                on_build([Problem("entries", 1, "error", str(exc))])
            except Exception as exc:  # a fault of our own: say so, keep serving, try again
                log.exception("rebuilding %s failed", entries_dir)
                on_build([Problem("entries", 1, "error", f"the build failed: {exc}")])
        stop.wait(interval)
