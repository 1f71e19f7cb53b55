"""Benchmark Compact Practice on a synthetic corpus, with SQLite FTS5 as the peer anchor.

    python -m bench.run --n 1000     # quick, under two minutes on two cores
    python -m bench.run --n 10000    # make bench
    python -m bench.run --n 50000    # make bench-50k

One run, one corpus (bench/cache/corpus-N, generated once and reused), copied to a temporary
folder so the edits never touch the cache. It measures, in order: the full `kb build` as a
subprocess; `kb build` again after editing 100 entries; the FTS5 build as a subprocess;
in-process query latency of kb and of FTS5 over the same queries; HTTP latency and throughput
against a real `kb serve`; and, with that server running, the time from starting `kb build`
after a one-entry edit until the server answers with the edited title (each of those builds
also gives a one-entry rebuild time). It prints one table and writes it as JSON to
bench/results/. Progress goes to stderr. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.corpus import DEFAULT_SEED, ROOT, generate, yaml_scalar
from bench.queries import DEFAULT_SEED as DEFAULT_QUERY_SEED
from bench.queries import BenchQuery, make_queries

RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / "bench" / "cache"
PACKAGES = ("whoosh-reloaded", "bottle", "waitress", "markdown-it-py", "PyYAML",
            "python-frontmatter", "click")
EDIT_TOKEN_BASE = 730_000_000  # 9-digit numbers: no corpus word looks like one
SERVE_GRACE = 30.0  # seconds after a build ends for the server to show the edit
_T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """A step failed; the message says which and why."""


# --- small helpers --------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def summarise_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"count": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99), "mean_ms": statistics.fmean(ms), "max_ms": max(ms)}


def disk_usage(path: Path) -> int:
    """Bytes allocated on disk for path and everything below it, like `du -s` (symlinks
    counted as themselves, never followed)."""
    total = os.lstat(path).st_blocks * 512
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            total += os.lstat(os.path.join(folder, name)).st_blocks * 512
    return total


def kb_command() -> list[str]:
    """The `kb` script next to this Python (the venv's), else `python -m kb`."""
    script = Path(sys.executable).parent / "kb"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kb"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon and RssFile of a process in bytes (empty without /proc).
    RssFile counts mapped index files, pages shared with the page cache: a file mapped by
    several threads' searchers is counted once per mapping."""
    out = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


_RUNNING: set[Child] = set()  # children to kill if the run stops early
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
BUILD_LINE = re.compile(r"\((\d+) read: (changed|all)\)")


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, summed (0 without /proc)."""
    children: dict[int, list[int]] = {}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            pass
    return total


class Child:
    """A subprocess timed from start to exit, with its own peak RSS (wait4's rusage)."""

    def __init__(self, cmd: list[str], log_path: Path, timeout: float):
        self.cmd, self.log_path = cmd, log_path
        self._log = open(log_path, "wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=ROOT)
        self.ended: float | None = None
        self.returncode: int | None = None
        self.maxrss = 0  # the largest single process of the tree (wait4 includes children)
        self.tree_rss = 0  # the largest sampled sum over the whole process tree
        self.cpu_s = 0.0  # user + system time, children included
        self._timer = threading.Timer(timeout, self._timeout)
        self._timed_out = False
        self._timer.daemon = True
        self._timer.start()
        _RUNNING.add(self)
        self._waiter = threading.Thread(target=self._wait, daemon=True)
        self._waiter.start()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while self.ended is None:
            self.tree_rss = max(self.tree_rss, tree_rss(self.proc.pid))
            time.sleep(0.1)

    def _timeout(self) -> None:
        self._timed_out = True
        self.proc.kill()

    def _wait(self) -> None:
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.ended = time.perf_counter()
        self.returncode = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.returncode  # so Popen does not wait again
        self.maxrss = usage.ru_maxrss * 1024  # KiB on Linux
        self.cpu_s = usage.ru_utime + usage.ru_stime
        self._timer.cancel()
        self._log.close()
        _RUNNING.discard(self)

    @property
    def done(self) -> bool:
        return self.ended is not None

    def wait(self) -> Child:
        self._waiter.join()
        if self._timed_out:
            raise BenchError(f"{' '.join(self.cmd[-6:])} took too long and was stopped; "
                             f"see {self.log_path}")
        if self.returncode != 0:
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise BenchError(f"`{' '.join(self.cmd)}` exited {self.returncode}:\n{tail}")
        return self

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def build_mode(self) -> dict:
        """What `kb build` said it did: entries read anew and whether it read them all."""
        found = BUILD_LINE.findall(self.log_path.read_text(errors="replace"))
        if not found:
            return {"read": None, "mode": None}
        read, how = found[-1]
        return {"read": int(read), "mode": "full" if how == "all" else "incremental"}

    def figures(self) -> dict:
        return {"seconds": self.seconds, "cpu_s": self.cpu_s, "peak_rss_bytes": self.maxrss,
                "peak_tree_rss_bytes": max(self.tree_rss, self.maxrss)}

    def kill(self) -> None:
        if not self.done:
            self.proc.kill()
            self._waiter.join(10)


def run_child(cmd: list[str], log_path: Path, timeout: float) -> Child:
    return Child(cmd, log_path, timeout).wait()


# --- HTTP -----------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection to the loopback server."""

    def __init__(self, port: int, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers={"Connection": "keep-alive"})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


class Server:
    """`kb serve` (or, with `workers`, gunicorn running that many worker processes of
    kb.web:app_from_env()) on a free loopback port, stopped on exit whatever happens."""

    def __init__(self, index: Path, log_path: Path, workers: int | None = None):
        self.port = free_port()
        self.log_path = log_path
        self._log = open(log_path, "wb")
        if workers:
            cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                   f"127.0.0.1:{self.port}", "kb.web:app_from_env()"]
        else:
            cmd = [*kb_command(), "serve", "--index", str(index), "--host", "127.0.0.1",
                   "--port", str(self.port)]
        self.proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
            env={**os.environ, "KB_INDEX": str(index)})

    def wait_ready(self, timeout: float = 120) -> float:
        started = time.perf_counter()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"kb serve exited {self.proc.returncode}:\n"
                                 + self.log_path.read_text(errors="replace")[-2000:])
            try:
                client = Client(self.port, timeout=5)
                status, _ = client.get("/healthz")
                client.close()
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.05)
        raise BenchError(f"kb serve did not answer /healthz within {timeout:.0f}s; "
                         f"see {self.log_path}")

    def rss(self) -> dict[str, int]:
        return proc_status(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


def http_latency(port: int, paths: list[str], budget: float) -> dict:
    """Sequential GETs on one keep-alive connection, each path once, within `budget` s."""
    client = Client(port)
    times, errors, statuses = [], 0, {}
    started = time.perf_counter()
    try:
        for path in paths:
            t = time.perf_counter()
            status, _ = client.get(path)
            times.append(time.perf_counter() - t)
            statuses[status] = statuses.get(status, 0) + 1
            errors += status != 200
            if time.perf_counter() - started > budget:
                break
    finally:
        client.close()
    elapsed = time.perf_counter() - started
    return {**summarise_ms(times), "requests_per_s_1_client": len(times) / elapsed,
            "errors": errors, "statuses": statuses}


def http_throughput(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    """`clients` threads, each on its own keep-alive connection, GET round the paths for
    `seconds`; requests per second over the whole window."""
    counts, errors = [0] * clients, [0] * clients
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        client = Client(port)
        i = k
        try:
            while time.perf_counter() < stop:
                status, _ = client.get(paths[i % len(paths)])
                counts[k] += 1
                errors[k] += status != 200
                i += clients
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    elapsed = time.perf_counter() - started
    return {"clients": clients, "seconds": elapsed, "requests": sum(counts),
            "requests_per_s": sum(counts) / elapsed, "errors": sum(errors)}


def warm_workers(port: int, paths: list[str], workers: int) -> None:
    """Send every path from 2 × `workers` concurrent clients, so that each worker process,
    which fills its own caches, has almost surely answered every path before the timing."""
    def send_all() -> None:
        client = Client(port)
        try:
            for path in paths:
                client.get(path)
        finally:
            client.close()

    threads = [threading.Thread(target=send_all, daemon=True) for _ in range(2 * workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def worker_scaling(index: Path, logs: Path, paths: list[str], clients: int, seconds: float,
                   count: int) -> dict:
    """Throughput of gunicorn with one worker process against two. Both servers run at once
    and are warmed on the timed paths; then short timed windows alternate between them,
    `count` windows each, so that a shared machine growing busier or quieter affects both
    alike. The ratio is of all requests served in the windows (of equal total length)."""
    servers = {w: Server(index, logs / f"gunicorn-{w}.log", workers=w) for w in (1, 2)}
    windows: dict[str, list[dict]] = {"1": [], "2": []}
    try:
        for workers, server in servers.items():
            server.wait_ready()
            warm_workers(server.port, paths, workers)
        for r in range(count):
            for workers in ((1, 2) if r % 2 == 0 else (2, 1)):
                server = servers[workers]
                thr = http_throughput(server.port, paths, clients, seconds)
                if thr["errors"]:
                    raise BenchError(f"gunicorn with {workers} worker(s): {thr['errors']} "
                                     f"responses were not 200; see {server.log_path}")
                windows[str(workers)].append(thr)
            log(f"  window {r + 1}: 1 worker {windows['1'][-1]['requests_per_s']:.1f} req/s, "
                f"2 workers {windows['2'][-1]['requests_per_s']:.1f} req/s")
    finally:
        for server in servers.values():
            server.stop()
    out: dict = {"windows": count, "runs": windows}
    for workers, measured in windows.items():
        out[workers] = {"clients": clients,
                        "requests_per_s": sum(m["requests"] for m in measured)
                        / sum(m["seconds"] for m in measured)}
    out["ratio"] = ratio(out["2"]["requests_per_s"], out["1"]["requests_per_s"])
    return out


# --- edits ----------------------------------------------------------------------------------

_TITLE = re.compile(r"^title: .*$", re.M)


def read_title(text: str) -> str:
    import yaml

    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))["title"]


def edit_body(path: Path, note: str) -> None:
    """Add a sentence to the entry's Outcomes section."""
    text = path.read_text(encoding="utf-8")
    marker = "## Outcomes\n\n"
    if marker not in text:
        raise BenchError(f"{path}: no '## Outcomes' section to edit")
    path.write_text(text.replace(marker, marker + note + "\n\n", 1), encoding="utf-8")


def edit_title(path: Path, token: str) -> str:
    """Give the entry a new title ending in a unique number; returns the new title."""
    text = path.read_text(encoding="utf-8")
    old = read_title(text)
    title = f"{old[:160]} (revised, ref {token})"
    text = _TITLE.sub(lambda _: f"title: {yaml_scalar(title)}", text, count=1)
    path.write_text(text, encoding="utf-8")
    return title


def pick(files: list[Path], count: int, salt: int) -> list[Path]:
    """`count` files spread evenly through the corpus, shifted by salt."""
    step = max(1, len(files) // count)
    return [files[(salt + k * step) % len(files)] for k in range(count)]


def edit_served(server: Server, entries: Path, index: Path, files: list[Path], k: int,
                logs: Path, timeout: float) -> dict:
    """Edit one entry's title and body, start `kb build`, and poll the running server until
    /search.json finds the new title. Returns the build's own time and the served time."""
    token = str(EDIT_TOKEN_BASE + 7919 * k)
    (path,) = pick(files, 1, salt=97 * k + 13)
    title = edit_title(path, token)
    edit_body(path, f"A follow-up review (ref {token}) confirmed the changes.")
    url = "/search.json?" + urlencode({"q": token})
    client = Client(server.port)
    try:
        build = Child([*kb_command(), "build", "--entries", str(entries), "--index", str(index)],
                      logs / f"build-edit-{k}.log", timeout)
        served, status, errors = None, None, 0
        try:
            while time.perf_counter() - build.started < timeout:
                status, body = client.get(url)
                now = time.perf_counter()
                if status == 200 and any(r.get("title") == title
                                         for r in json.loads(body).get("results", [])):
                    served = now - build.started
                    break
                errors += status != 200
                if build.done and (build.returncode != 0 or now - build.ended > SERVE_GRACE):
                    break  # the build failed, or finished and the server still does not show it
                time.sleep(0.01)
        except BaseException:
            build.kill()  # stopping: do not wait for the build to finish
            raise
        build.wait()
    finally:
        client.close()
    if served is None:
        tail = server.log_path.read_text(errors="replace")[-1500:]
        raise BenchError(f"the server did not show the edited title of {path.name} (a search "
                         f"for {token}) {SERVE_GRACE:.0f}s after kb build finished; last status "
                         f"{status}, {errors} non-200 answers. Server log ends:\n{tail}")
    return {"entry": path.name, "served_s": served, "non_200": errors, **build.figures(),
            **build.build_mode()}


# --- query latency in-process ---------------------------------------------------------------


def time_side_by_side(engines: dict, queries: list[BenchQuery], warmup: list[BenchQuery],
                      budget: float, max_passes: int = 5) -> dict[str, dict]:
    """Time several ways of answering the same queries, query by query in turn (the order
    rotating from one query to the next), so that a machine growing busier or quieter during
    the run affects them all alike. Each is warmed up on other queries first. The headline
    figures are the first pass: a warm process meeting queries it has not seen. Repeat passes,
    run while within the budget, are kept apart: they show what caches of earlier answers are
    worth."""
    names = list(engines)
    for q in warmup:
        for name in names:
            engines[name](q)
    passes: list[dict[str, list[float]]] = []
    started = time.perf_counter()
    while len(passes) < max_passes:
        times: dict[str, list[float]] = {name: [] for name in names}
        for i, q in enumerate(queries):
            for name in names[i % len(names):] + names[:i % len(names)]:
                t = time.perf_counter()
                engines[name](q)
                times[name].append(time.perf_counter() - t)
        passes.append(times)
        elapsed = time.perf_counter() - started
        if elapsed / len(passes) * (len(passes) + 1) > budget:
            break
    out = {}
    for name in names:
        first = passes[0][name]
        out[name] = {**summarise_ms(first), "warmup_queries": len(warmup),
                     "requests_per_s_1_client": len(first) / sum(first)}
        if len(passes) > 1:
            repeats = [t for times in passes[1:] for t in times[name]]
            out[name]["repeat_passes"] = {**summarise_ms(repeats), "passes": len(passes) - 1}
    return out


# --- the record -----------------------------------------------------------------------------


def load_average() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError):
        return []


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"nproc": usable, "cpu_count": os.cpu_count(), "cpu_model": cpu,
            "ram_bytes": ram, "platform": platform.platform()}


def versions() -> dict:
    import sqlite3

    out = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_state() -> dict:
    def git(*args) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                                 text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"),
            "dirty": bool(status) if status is not None else None,
            "changed_files": status.splitlines() if status else []}


def mb(n: float | None) -> float | None:
    return None if n is None else n / 1e6


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else a / b


def table_rows(r: dict) -> list[tuple[str, object, object, object]]:
    """(figure, ours, FTS5, ours ÷ FTS5) rows; time ratios above 1 mean kb is slower."""
    b, f = r["build"], r["fts5"]
    q, fq, h = r["queries_in_process"], r["fts5"]["queries"], r["http"]
    e = r["edits"]
    one = e["one"]
    full_note = f", {one['full_builds']} full" if one["full_builds"] else ""
    rows = [
        ("full build: entries/s", b["entries_per_s"], f["build"]["entries_per_s"],
         ratio(f["build"]["entries_per_s"], b["entries_per_s"])),
        ("full build: wall s", b["seconds"], f["build"]["seconds"],
         ratio(b["seconds"], f["build"]["seconds"])),
        ("full build: CPU s (user+sys)", b["cpu_s"], f["build"]["cpu_s"],
         ratio(b["cpu_s"], f["build"]["cpu_s"])),
        ("full build: peak RSS MB, largest process", mb(b["peak_rss_bytes"]),
         mb(f["build"]["peak_rss_bytes"]), ratio(b["peak_rss_bytes"],
                                                 f["build"]["peak_rss_bytes"])),
        ("full build: peak RSS MB, process tree", mb(b["peak_tree_rss_bytes"]),
         mb(f["build"]["peak_tree_rss_bytes"]), ratio(b["peak_tree_rss_bytes"],
                                                      f["build"]["peak_tree_rss_bytes"])),
        ("index size on disk MB", mb(b["index_bytes"]), mb(f["build"]["db_bytes"]),
         ratio(b["index_bytes"], f["build"]["db_bytes"])),
        (f"rebuild after {e['hundred']['entries']} edits: s ({e['hundred']['mode']})",
         e["hundred"]["seconds"], None, None),
        (f"rebuild after 1 edit: s (p50 of {one['count']}{full_note})", one["build_p50_s"],
         None, None),
        (f"rebuild after 1 edit: s (max of {one['count']})", one["build_max_s"], None, None),
        (f"edit served: s (p50 of {one['count']})", one["served_p50_s"], None, None),
        (f"edit served: s (max of {one['count']})", one["served_max_s"], None, None),
        ("results page in-process: p50 ms", q["p50_ms"], fq["p50_ms"],
         ratio(q["p50_ms"], fq["p50_ms"])),
        ("results page in-process: p95 ms", q["p95_ms"], fq["p95_ms"],
         ratio(q["p95_ms"], fq["p95_ms"])),
        ("results page in-process: p99 ms", q["p99_ms"], fq["p99_ms"],
         ratio(q["p99_ms"], fq["p99_ms"])),
        ("mean results per query", q["mean_total"], fq["mean_total"],
         ratio(q["mean_total"], fq["mean_total"])),
        ("HTTP /search.json vs FTS5 in-process page: p50 ms", h["search.json"]["latency"][
            "p50_ms"], fq["p50_ms"], ratio(h["search.json"]["latency"]["p50_ms"], fq["p50_ms"])),
        ("HTTP /search.json vs FTS5 in-process page: p99 ms", h["search.json"]["latency"][
            "p99_ms"], fq["p99_ms"], ratio(h["search.json"]["latency"]["p99_ms"], fq["p99_ms"])),
        ("in-process p50 ms: first use of the words ÷ warm (repeat pass)", q["p50_ms"],
         None, ratio(q["p50_ms"], (q.get("repeat_passes") or {}).get("p50_ms"))),
    ]
    for name in ("search", "search.json", "healthz"):
        x = h[name]
        rows += [
            (f"HTTP /{name}: p50 ms", x["latency"]["p50_ms"], None, None),
            (f"HTTP /{name}: p99 ms", x["latency"]["p99_ms"], None, None),
            (f"HTTP /{name}: req/s, 1 client", x["latency"]["requests_per_s_1_client"],
             None, None),
            (f"HTTP /{name}: req/s, {x['throughput']['clients']} clients",
             x["throughput"]["requests_per_s"], None, None),
        ]
    floor = h["healthz"]["latency"]["p50_ms"]
    rows += [
        ("/search p50 ÷ /healthz p50", ratio(h["search"]["latency"]["p50_ms"], floor),
         None, None),
        ("/search.json p50 ÷ /healthz p50",
         ratio(h["search.json"]["latency"]["p50_ms"], floor), None, None),
        ("/search p50 ÷ in-process p50", ratio(h["search"]["latency"]["p50_ms"], q["p50_ms"]),
         None, None),
        ("/search.json p50 − in-process p50: ms",
         h["search.json"]["latency"]["p50_ms"] - q["p50_ms"], None, None),
        ("server RSS after the timed queries MB", mb(h["server_rss_bytes"]), None, None),
        ("server RSS after HTTP runs MB", mb(h["server_rss_end_bytes"]), None, None),
        ("  of which heap (RssAnon) MB", mb(h.get("server_rss_end_anon_bytes")), None, None),
        ("  of which mapped files (RssFile) MB", mb(h.get("server_rss_end_file_bytes")),
         None, None),
    ]
    if "workers" in h:
        w = h["workers"]
        rows += [
            (f"gunicorn 1 worker: /search.json req/s, {w['1']['clients']} clients",
             w["1"]["requests_per_s"], None, None),
            (f"gunicorn 2 workers: /search.json req/s, {w['2']['clients']} clients",
             w["2"]["requests_per_s"], None, None),
            (f"2 workers ÷ 1 worker: req/s ({w.get('windows', 1)} alternating windows each)",
             w["ratio"], None, None),
        ]
    return rows


def fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if v >= 100:
            return f"{v:,.0f}"
        if v >= 10:
            return f"{v:.1f}"
        return f"{v:.2f}"
    return str(v)


def render_table(r: dict) -> str:
    rows = [(name, fmt(a), fmt(b), fmt(c)) for name, a, b, c in r["table"]]
    head = ("figure", "kb", "FTS5", "kb ÷ FTS5")
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(4)]
    line = lambda x: "  ".join(  # noqa: E731
        x[i].ljust(widths[i]) if i == 0 else x[i].rjust(widths[i]) for i in range(4))
    m = r["machine"]
    out = [f"Compact Practice benchmark: n={r['n']} entries, {r['queries']['count']} queries, "
           f"{m['nproc']} CPU ({m['cpu_model'] or 'unknown'}), "
           f"{m['ram_bytes'] / 2**30:.0f} GiB, Python {r['versions']['python']}, "
           f"commit {(r['git']['commit'] or '?')[:10]}{' (dirty)' if r['git']['dirty'] else ''}"
           + (" (the code changed during the run)" if "git_at_end" in r else ""),
           line(head), line(tuple("-" * w for w in widths))]
    out += [line(row) for row in rows]
    load = r.get("load_average", {})
    # Only the load before the run says whether something else was busy: by the end, the
    # load average counts the bench's own builds, servers and clients.
    busy = load.get("start", [0])[0]
    if busy > 0.5 * (m["nproc"] or 1):
        out.append(f"warning: the machine was busy before the run (1-minute load average "
                   f"{busy:.1f} on {m['nproc']} CPU); figures are noisier and slower than on "
                   "an idle machine.")
    out.append("kb ÷ FTS5: for times and sizes, above 1 means kb is slower or bigger; for "
               "entries/s it is FTS5's rate ÷ kb's, so above 1 also means kb is slower.")
    return "\n".join(out)


# --- the run --------------------------------------------------------------------------------


cfg: dict = {}  # settings of this run: defaults(n) with the command line's overrides


def defaults(n: int) -> dict:
    quick = n <= 1000
    return {
        "queries": 240,
        "edits": 10,
        "min_edits": 3,
        "edit_budget": 30.0 if quick else 300.0,
        "warmup_queries": 60,
        "query_budget": 6.0 if quick else 40.0,
        "http_budget": 6.0 if quick else 30.0,
        "throughput_seconds": 1.5 if quick else 5.0,
        "scaling_windows": 2 if quick else 8,
        "scaling_seconds": 1.5 if quick else 3.0,
    }


def run(args) -> dict:
    n = args.n
    corpus = args.corpus or CACHE / f"corpus-{n}"
    log(f"corpus: {corpus}")
    generate(n, corpus, args.seed, log=log)
    queries = make_queries(args.queries)
    warmup = make_queries(cfg["warmup_queries"], seed=DEFAULT_QUERY_SEED + 1)
    work = Path(tempfile.mkdtemp(prefix=f"kb-bench-{n}-"))
    server: Server | None = None
    try:
        entries, index, db, logs = work / "entries", work / "index", work / "fts5.sqlite", \
            work / "logs"
        logs.mkdir()
        log(f"copying the corpus to {entries}")
        shutil.copytree(corpus, entries)
        files = sorted(entries.rglob("*.md"))
        if len(files) != n:
            raise BenchError(f"{corpus} holds {len(files)} entries, expected {n}")
        timeout = args.timeout
        result: dict = {"n": n, "corpus": str(corpus), "seed": args.seed}

        log(f"full build: kb build of {n} entries")
        child = run_child([*kb_command(), "build", "--entries", str(entries), "--index",
                           str(index)], logs / "build-full.log", timeout)
        result["build"] = {**child.figures(), "entries_per_s": n / child.seconds,
                           "index_bytes": disk_usage(index), **child.build_mode()}
        log(f"full build: {child.seconds:.1f}s, {n / child.seconds:.0f} entries/s, "
            f"index {result['build']['index_bytes'] / 1e6:.1f} MB")

        log(f"rebuild after editing {min(100, n)} entries")
        for k, path in enumerate(pick(files, min(100, n), salt=5)):
            edit_body(path, f"A later review (batch ref {EDIT_TOKEN_BASE + 1 + k}) found the "
                            "changes had lasted.")
        child = run_child([*kb_command(), "build", "--entries", str(entries), "--index",
                           str(index)], logs / "build-100.log", timeout)
        hundred = {"entries": min(100, n), **child.figures(), **child.build_mode()}
        log(f"rebuild after {min(100, n)} edits: {child.seconds:.1f}s ({hundred['mode']})")

        log("FTS5 build")
        child = run_child([sys.executable, "-m", "bench.fts5", "build", "--entries",
                           str(entries), "--db", str(db)], logs / "build-fts5.log", timeout)
        fts_build = {**child.figures(), "entries_per_s": n / child.seconds,
                     "db_bytes": disk_usage(db),
                     "log": (logs / "build-fts5.log").read_text(errors="replace").strip()}
        log(f"FTS5 build: {child.seconds:.1f}s, {n / child.seconds:.0f} entries/s")

        from bench.fts5 import Fts5Library
        from kb.library import Library
        from kb.query import Query

        log("starting kb serve")
        server = Server(index, logs / "serve.log")
        started_in = server.wait_ready()
        log(f"kb serve ready on 127.0.0.1:{server.port} in {started_in:.1f}s")
        library = Library(index)
        fts = Fts5Library(db, entries / "synonyms.yaml", entries / "taxonomy.yaml")
        client = Client(server.port)
        totals: dict[str, dict[str, int]] = {"kb": {}, "fts5": {}}

        def ours(q: BenchQuery):
            totals["kb"][q.url()] = library.search(Query(text=q.text, filters=q.filters)).total

        def peer(q: BenchQuery):
            totals["fts5"][q.url()] = fts.search(q.text, q.filters).total

        def over_http(route: str):
            def get(q: BenchQuery):
                status, _ = client.get(q.url(route))
                if status != 200:
                    raise BenchError(f"{q.url(route)} answered {status}; see "
                                     f"{server.log_path}")
            return get

        log(f"results page, side by side (kb in process, FTS5 in process, kb over HTTP as "
            f"/search and /search.json): {len(warmup)} queries to warm up, then "
            f"{len(queries)} timed")
        try:
            timed = time_side_by_side({"kb": ours, "fts5": peer,
                                       "search": over_http("/search"),
                                       "search.json": over_http("/search.json")},
                                      queries, warmup, cfg["query_budget"])
        finally:
            fts.close()
            client.close()
        result["queries_in_process"] = {**timed["kb"], "mean_total": statistics.fmean(
            totals["kb"].values())}
        result["fts5"] = {"build": fts_build,
                          "queries": {**timed["fts5"], "mean_total": statistics.fmean(
                              totals["fts5"].values())}}
        for name in ("kb", "fts5", "search", "search.json"):
            log(f"{name}: p50 {timed[name]['p50_ms']:.1f} ms, p99 {timed[name]['p99_ms']:.1f} ms")
        search_paths = [q.url("/search") for q in queries]
        json_paths = [q.url("/search.json") for q in queries]
        warm_rss = server.rss()
        http = {"port": server.port, "startup_s": started_in,
                "server_rss_bytes": warm_rss.get("VmRSS"),
                "server_rss_anon_bytes": warm_rss.get("RssAnon"),
                "server_rss_file_bytes": warm_rss.get("RssFile")}
        for name, paths in (("search", search_paths), ("search.json", json_paths),
                            ("healthz", ["/healthz"] * 2000)):
            if name == "healthz":
                log("HTTP /healthz: latency, 1 client")
                lat = http_latency(server.port, paths, cfg["http_budget"])
            else:
                lat = {**timed[name], "errors": 0}
            log(f"HTTP /{name}: throughput, {args.clients} clients")
            thr = http_throughput(server.port, paths, args.clients, cfg["throughput_seconds"])
            if lat["errors"] or thr["errors"]:
                raise BenchError(f"/{name}: {lat['errors'] + thr['errors']} responses were "
                                 f"not 200; see {logs / 'serve.log'}")
            http[name] = {"latency": lat, "throughput": thr}
        end_rss = server.rss()
        http["server_rss_end_bytes"] = end_rss.get("VmRSS")
        http["server_rss_end_anon_bytes"] = end_rss.get("RssAnon")
        http["server_rss_end_file_bytes"] = end_rss.get("RssFile")
        http["server_peak_rss_bytes"] = end_rss.get("VmHWM")
        result["http"] = http

        log(f"edit served: up to {cfg['edits']} one-entry edits, each a kb build while the "
            f"server runs (budget {cfg['edit_budget']:.0f}s, at least {cfg['min_edits']})")
        edits, edits_started = [], time.perf_counter()
        for k in range(cfg["edits"]):
            e = edit_served(server, entries, index, files, k, logs, timeout)
            edits.append(e)
            log(f"edit {k + 1}: build {e['seconds']:.2f}s ({e['mode']}), served after "
                f"{e['served_s']:.2f}s")
            if len(edits) >= cfg["min_edits"] and \
                    time.perf_counter() - edits_started > cfg["edit_budget"]:
                break
        server.stop()
        server = None

        log(f"gunicorn with 1 and with 2 worker processes: /search.json throughput, "
            f"{args.clients} clients, {cfg['scaling_windows']} alternating windows of "
            f"{cfg['scaling_seconds']:g}s each")
        scaling = worker_scaling(index, logs, json_paths, args.clients,
                                 cfg["scaling_seconds"], cfg["scaling_windows"])
        result["http"]["workers"] = scaling

        result["edits"] = {
            "one": {"count": len(edits),
                    "full_builds": sum(e["mode"] == "full" for e in edits),
                    "build_p50_s": statistics.median(e["seconds"] for e in edits),
                    "build_max_s": max(e["seconds"] for e in edits),
                    "served_p50_s": statistics.median(e["served_s"] for e in edits),
                    "served_max_s": max(e["served_s"] for e in edits),
                    "runs": edits},
            "hundred": hundred,
        }
        result["queries"] = {"count": len(queries), "filtered": sum(bool(q.filters)
                                                                     for q in queries)}
        return result
    finally:
        if server is not None:
            server.stop()
        for child in list(_RUNNING):
            child.kill()
        if args.keep:
            log(f"kept the working folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _on_sigterm(signum, frame):
    """SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so the server is always stopped."""
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark kb (build, rebuild, search in-process and over HTTP) against "
                    "SQLite FTS5 on a synthetic corpus.")
    parser.add_argument("--n", type=int, required=True, help="entries in the corpus")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default bench/cache/"
                        "corpus-N; generated when missing)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--queries", type=int, help="number of queries (at least 200)")
    parser.add_argument("--edits", type=int, help="most one-entry edits to time (default 10)")
    parser.add_argument("--edit-budget", type=float,
                        help="stop the edits after this many seconds, once 3 are done")
    parser.add_argument("--clients", type=int, default=4,
                        help="concurrent HTTP clients for throughput (default 4)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="longest any one build may take, in seconds (default 3600)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args(argv)
    if args.n < 100:
        parser.error("--n must be at least 100")
    cfg.update(defaults(args.n))
    if args.queries is not None:
        if args.queries < 200:
            parser.error("--queries must be at least 200")
        cfg["queries"] = args.queries
    args.queries = cfg["queries"]
    if args.edits is not None:
        cfg["edits"] = max(1, args.edits)
        cfg["min_edits"] = min(cfg["min_edits"], cfg["edits"])
    if args.edit_budget is not None:
        cfg["edit_budget"] = args.edit_budget

    signal.signal(signal.SIGTERM, _on_sigterm)
    started = dt.datetime.now(dt.UTC)
    load_start = load_average()
    git_start = git_state()
    try:
        result = run(args)
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted; the server and temporary files were cleaned up")
        return 130
    result.update({
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": time.monotonic() - _T0,
        "settings": dict(cfg),
        "machine": machine(),
        "versions": versions(),
        "git": git_start,
        "load_average": {"start": load_start, "end": load_average()},
    })
    git_end = git_state()
    if git_end != git_start:  # someone changed the code while the run was measuring it
        result["git_at_end"] = git_end
    result["table"] = [list(row) for row in table_rows(result)]
    text = render_table(result)
    print(text)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        body = json.dumps(result, indent=2, ensure_ascii=False, default=str)
        (RESULTS / f"{args.n}-{stamp}.json").write_text(body + "\n", encoding="utf-8")
        (RESULTS / f"latest-{args.n}.json").write_text(body + "\n", encoding="utf-8")
        log(f"wrote {RESULTS / f'{args.n}-{stamp}.json'} and latest-{args.n}.json")
    log(f"done in {time.monotonic() - _T0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
