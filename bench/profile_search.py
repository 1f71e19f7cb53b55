"""Profile in-process search with cProfile over the benchmark queries.

    python -m bench.profile_search --n 10000              # builds a temporary index first
    python -m bench.profile_search --index DIR [--top 25] # profiles an existing index

Prints the functions with the most cumulative and the most own time, and the wall time of the
profiled passes. Profiling slows Python code down, so read the shares, not the milliseconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import DEFAULT_SEED, generate
from bench.queries import DEFAULT_SEED as QUERY_SEED
from bench.queries import make_queries
from bench.run import CACHE, kb_command


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, help="corpus size to build an index for")
    parser.add_argument("--index", type=Path, help="an existing index folder")
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, help="also save the raw profile here")
    args = parser.parse_args(argv)
    if not args.index and not args.n:
        parser.error("give --n or --index")
    tmp = None
    try:
        index = args.index
        if index is None:
            corpus = CACHE / f"corpus-{args.n}"
            generate(args.n, corpus, DEFAULT_SEED)
            tmp = Path(tempfile.mkdtemp(prefix="kb-profile-"))
            index = tmp / "index"
            print(f"building an index of {args.n} entries in {index}", file=sys.stderr)
            subprocess.run([*kb_command(), "build", "--entries", str(corpus), "--index",
                            str(index)], check=True)
        from kb.library import Library
        from kb.query import Query

        library = Library(index)
        queries = make_queries(args.queries)
        for q in make_queries(60, seed=QUERY_SEED + 1):  # warm up on other queries
            library.search(Query(text=q.text, filters=q.filters))
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.passes):
            for q in queries:
                library.search(Query(text=q.text, filters=q.filters))
        profile.disable()
        wall = time.perf_counter() - started
        print(f"{args.passes * len(queries)} searches in {wall:.1f}s under the profiler "
              f"({wall / (args.passes * len(queries)) * 1000:.1f} ms each)")
        stats = pstats.Stats(profile, stream=sys.stdout).strip_dirs()
        if args.out:
            stats.dump_stats(args.out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    except subprocess.CalledProcessError as exc:
        print(f"kb build failed ({exc.returncode})", file=sys.stderr)
        return 1
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
