"""Never down, never wrong: rebuilds under load, killed and concurrent builds, a missing or
corrupt index, shutdown, request logs, several worker processes. Real processes throughout."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from kb.build import build
from kb.generations import CURRENT, current_generation
from kb.library import Library
from kb.query import Query
from tests.conftest import FIXTURES, ROOT, VALID, Client, free_port, write_entry

LOAD_SECONDS = float(os.environ.get("KB_LOAD_SECONDS", "4"))


def kb_process(*args, log=None):
    """Start `kb ARGS`; output goes to the file `log` (a server's request log would fill a
    pipe nobody reads and stall it) or to pipes for a short command."""
    if not log:
        return subprocess.Popen([sys.executable, "-m", "kb", *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open(log, "w") as out:  # the child keeps its own copy of the file
        return subprocess.Popen([sys.executable, "-m", "kb", *args], cwd=ROOT, stdout=out,
                                stderr=out, text=True)


def wait_until_serving(port: int, proc, seconds: float = 20) -> Client:
    client = Client("127.0.0.1", port)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            if client.get("/healthz", timeout=1).status == 200:
                return client
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.fixture
def corpus(tmp_path):
    """A copy of the test entries and a built index."""
    entries = tmp_path / "entries"
    shutil.copytree(FIXTURES, entries)
    index = tmp_path / "ix"
    build(entries, index)
    return entries, index


def fixture_count() -> int:
    return len(list(FIXTURES.glob("*.md")))


def many_entries(entries, n: int) -> None:
    words = ("commissioning grant contract volunteers hospice council partnership notice "
             "monitoring consultation ").split()
    for i in range(n):
        body = "## What they did\n\n" + " ".join(words[(i + j) % len(words)]
                                                 for j in range(400)) + "\n\n## Learning points\n"
        write_entry(entries, f"bulk-{i}", VALID.replace("A valid entry", f"Bulk entry {i}"),
                    body)


def test_rebuilds_under_load_fail_no_request(corpus):
    entries, index = corpus
    port = free_port()
    server = kb_process("serve", "--index", str(index), "--port", str(port), "--threads", "8",
                        log=index.parent / "server.log")
    try:
        wait_until_serving(port, server)
        stop = threading.Event()
        counts = {"ok": 0, "failed": []}
        lock = threading.Lock()
        paths = ["/search.json?q=funding", "/search?q=compact&sector=health",
                 "/entries/pct-hospice-grants", "/coverage.json",
                 "/search.json?principle=partnership-working&sort=newest"]

        def hammer(n: int):
            client = Client("127.0.0.1", port)
            i = n
            while not stop.is_set():
                path = paths[i % len(paths)]
                i += 1
                try:
                    status = client.get(path, timeout=5).status
                except OSError as exc:
                    status = repr(exc)
                with lock:
                    if status == 200:
                        counts["ok"] += 1
                    else:
                        counts["failed"].append((path, status))

        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        started, builds = time.monotonic(), 0
        target = entries / "pct-hospice-grants.md"
        original = target.read_text()
        while builds < 10 or time.monotonic() - started < LOAD_SECONDS:
            target.write_text(original.replace("\ntitle: ", f"\ntitle: Rebuild {builds} - ", 1))
            out = subprocess.run([sys.executable, "-m", "kb", "build", "--entries", str(entries),
                                  "--index", str(index)], cwd=ROOT, capture_output=True,
                                 text=True)
            assert out.returncode == 0, out.stderr
            builds += 1
        stop.set()
        for t in threads:
            t.join()
        total = counts["ok"] + len(counts["failed"])
        print(f"\nrebuilt {builds} times under load: {total} requests, "
              f"{len(counts['failed'])} failed")
        assert counts["failed"] == [] and counts["ok"] > 100
        client = Client("127.0.0.1", port)
        assert f"Rebuild {builds - 1}" in client.get(
            "/entries/pct-hospice-grants").body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def test_killed_build_leaves_the_old_index_serving(corpus):
    entries, index = corpus
    good = current_generation(index)
    library = Library(index)
    before = library.search(Query()).total
    many_entries(entries, 300)
    proc = kb_process("build", "--entries", str(entries), "--index", str(index))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill it once it is writing its new generation
        if any(p.name.endswith(f"-{proc.pid}") for p in index.glob("gen-*")):
            break
        time.sleep(0.01)
    else:
        raise AssertionError("the build never started writing")
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert current_generation(index) == good
    assert library.search(Query()).total == before  # still answering from the old index
    result = build(entries, index)  # the kernel dropped the dead build's lock
    assert result.entries == before + 300
    assert library.search(Query()).total == before + 300
    assert not any(p.name.endswith(f"-{proc.pid}") for p in index.glob("gen-*"))


def test_concurrent_builds_never_corrupt(corpus):
    entries, index = corpus
    many_entries(entries, 150)
    procs = [kb_process("build", "--entries", str(entries), "--index", str(index))
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    assert 0 in codes
    for code, (_, err) in zip(codes, outs, strict=True):
        assert code == 0 or "another build is running" in err, err
    assert Library(index).search(Query()).total == fixture_count() + 150


def test_missing_or_corrupt_index_is_a_clear_startup_error(tmp_path, corpus):
    _, index = corpus
    out = subprocess.run([sys.executable, "-m", "kb", "serve", "--index", str(tmp_path / "no"),
                          "--port", str(free_port())], cwd=ROOT, capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1 and "run `kb build`" in out.stderr
    assert "Traceback" not in out.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "gen-x").mkdir()
    (broken / "gen-x" / "junk").write_text("not an index")
    os.symlink("gen-x", broken / CURRENT)
    out = subprocess.run([sys.executable, "-m", "kb", "serve", "--index", str(broken),
                          "--port", str(free_port())], cwd=ROOT, capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1 and "cannot be opened" in out.stderr and "kb build" in out.stderr
    assert "Traceback" not in out.stderr


def test_request_log_healthz_and_graceful_sigterm(corpus):
    _, index = corpus
    port = free_port()
    log = index.parent / "server.log"
    server = kb_process("serve", "--index", str(index), "--port", str(port), log=log)
    client = wait_until_serving(port, server)
    health = client.get("/healthz").json()
    assert health["entries"] == fixture_count() and health["index_age_seconds"] >= 0
    assert "commit" in health and "built_at" in health
    client.get("/search?q=funding")
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=10) == 0
    log = log.read_text()
    assert "GET /healthz 200 " in log and "GET /search?q=funding 200 " in log
    assert "ms" in log.splitlines()[-2] and "stopped" in log


def test_gunicorn_runs_two_workers_over_one_read_only_index(corpus):
    _, index = corpus
    for path in index.rglob("*"):  # the index is a read-only build artefact
        path.chmod(path.stat().st_mode & 0o555)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "kb.web:app_from_env()"], cwd=ROOT, env={**os.environ, "KB_INDEX": str(index)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = wait_until_serving(port, server, seconds=30)
        for _ in range(20):
            data = client.get("/search.json?q=funding&sector=health").json()
            assert data["total"] >= 1
        assert client.get("/").status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        for path in index.rglob("*"):
            path.chmod(path.stat().st_mode | 0o200)


def test_a_generation_that_fails_to_open_is_logged_reported_and_retried(
        corpus, monkeypatch, caplog):
    from kb import library as library_module
    from kb.contexts import health

    _, index = corpus
    library = Library(index)
    good = current_generation(index)
    broken = index / "gen-broken"
    broken.mkdir()
    (broken / "junk").write_text("not an index")
    (index / "next").symlink_to(broken.name)
    os.replace(index / "next", index / CURRENT)
    with caplog.at_level("ERROR", logger="kb"):
        assert library.snapshot().generation == good  # the last good one keeps serving
    assert "gen-broken cannot be opened" in caplog.text
    report = health(library, dt.datetime.now(dt.UTC))
    assert report["status"] == "degraded"
    assert report["failed_generation"]["generation"] == "gen-broken"
    monkeypatch.setattr(library_module, "RETRY_AFTER", 0.0)
    shutil.rmtree(broken)
    shutil.copytree(good, broken)  # the same name, now a good copy: tried again, opened
    assert library.snapshot().generation == broken and library.failure is None
    assert health(library, __import__("datetime").datetime.now(
        __import__("datetime").UTC))["status"] == "ok"


def test_an_index_built_by_another_version_is_not_served_but_named(tmp_path, corpus):
    """After an upgrade, the old index's records lack fields the new code reads: rather than
    fail on every search, the server refuses it at start, saying to build again."""
    import json

    from kb.generations import META

    _, index = corpus
    old = tmp_path / "old"
    shutil.copytree(index, old, symlinks=True)
    meta = current_generation(old) / META
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "schema": 1}))
    out = subprocess.run([sys.executable, "-m", "kb", "serve", "--index", str(old),
                          "--port", str(free_port())], cwd=ROOT, capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "built by another version of kb (schema 1; this one reads" in out.stderr
    assert "run `kb build` again" in out.stderr
