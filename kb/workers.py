"""Reading entry files for a build: each file read, validated and rendered into what the index
stores; in worker processes when there are many, with a progress line on a terminal."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from kb import whoosh_internals
from kb.entry import Address, Problem, address_of
from kb.schema import document, entry_record, light_record, make_schema
from kb.taxonomy import Taxonomy
from kb.validate import read_entry

PARALLEL_FROM = 400  # files: below this, worker processes cost more than they save
# Worker processes start as new interpreters rather than as forks of this one, which
# may be a web server with threads (kb serve --reload) whose locks a fork would copy held.
PROCESSES = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Prepared:
    """One file, read: the addresses it claims, and when it is valid its light record and
    Whoosh document (None once a worker has indexed the document itself)."""
    address: Address
    light: dict | None
    document: dict | None
    problems: list[Problem]


def prepare(path: Path | str, rel: str, taxonomy: Taxonomy) -> Prepared:
    """Read, validate and render one file."""
    entry, problems = read_entry(path, rel, taxonomy)
    if entry is None:
        return Prepared(Address(rel, Path(rel).stem, ()), None, None, problems)
    record = entry_record(entry)
    return Prepared(address_of(entry), light_record(record), document(record), problems)


def progress(total: int, doing: str) -> Callable[[int], None]:
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


def _prepare_chunk(args) -> list[Prepared]:
    items, taxonomy = args
    return [prepare(path, rel, taxonomy) for path, rel in items]


def prepare_all(items: list[tuple[str, str]], taxonomy: Taxonomy,
                workers: int) -> list[Prepared]:
    """Every file read, in order; shared among worker processes when there are many."""
    show = progress(len(items), "reading")
    out: list[Prepared] = []
    if workers <= 1 or len(items) < PARALLEL_FROM:
        for path, rel in items:
            out.append(prepare(path, rel, taxonomy))
            show(len(out))
        return out
    size = max(1, len(items) // (workers * 8))
    chunks = [(items[i:i + size], taxonomy) for i in range(0, len(items), size)]
    with ProcessPoolExecutor(workers, mp_context=PROCESSES) as pool:
        for chunk in pool.map(_prepare_chunk, chunks):
            out += chunk
            show(len(out))
    return out


_indexed = None  # in a worker process: the count of files it has indexed, shared with the parent


def _count_into(counter) -> None:
    global _indexed
    _indexed = counter


def _index_share(args):
    """In a worker process: read, validate, render and index a share of the files as one
    segment of the new generation. Returns (the segment or None, [Prepared])."""
    gen, items, taxonomy = args
    writer = whoosh_internals.share_writer(Path(gen))
    out = []
    for path, rel in items:
        one = prepare(path, rel, taxonomy)
        if one.document is not None:
            writer.add_document(**one.document)
        out.append(Prepared(one.address, one.light, None, one.problems))
        with _indexed.get_lock():
            _indexed.value += 1
    return whoosh_internals.finish_share(writer), out


def index_in_parallel(gen: Path, items: list[tuple[str, str]], taxonomy: Taxonomy,
                      workers: int) -> tuple[list[Prepared], list[str]]:
    """A full build's reading and indexing, fused: each of `workers` processes takes an equal
    share of the files and writes one segment, so no document crosses between processes (as
    it would from reading workers to Whoosh's indexing workers). Returns (every file read,
    the segment ids)."""
    ix = whoosh_internals.create_index(gen, make_schema())
    size = -(-len(items) // workers)
    shares = [(str(gen), items[i:i + size], taxonomy) for i in range(0, len(items), size)]
    show = progress(len(items), "indexing")
    counter = PROCESSES.Value("i", 0)
    with ProcessPoolExecutor(len(shares), mp_context=PROCESSES, initializer=_count_into,
                             initargs=(counter,)) as pool:
        futures = [pool.submit(_index_share, share) for share in shares]
        while not all(f.done() for f in futures):
            wait(futures, timeout=0.5)
            show(counter.value)
        results = [f.result() for f in futures]
    show(len(items))
    written = [segment for segment, _ in results if segment is not None]
    whoosh_internals.commit_segments(ix, written)
    return [p for _, prepared in results for p in prepared], [s.segment_id() for s in written]
