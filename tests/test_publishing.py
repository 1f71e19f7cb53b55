"""Staff publishing: permanent addresses, rename checks against git, kb new, schema, stale
report and live preview. Uses real git repositories and real server processes."""

import json
import subprocess
import sys
import time

import pytest
import yaml

from kb.index import build
from kb.publishing import entry_schema
from kb.taxonomy import load_taxonomy
from kb.web import create_app
from tests.conftest import BUNDLED, ROOT, VALID, Client, free_port, serve_in_thread, write_entry
from tests.test_cli import kb


def git(cwd, *args):
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(entries_dir):
    """A git repository whose entries/ folder has one published entry."""
    write_entry(entries_dir, "old-name", VALID)
    git(entries_dir.parent, "init", "-q", "-b", "main")
    git(entries_dir.parent, "add", "-A")
    git(entries_dir.parent, "commit", "-qm", "publish")
    return entries_dir


def rename(entries_dir, alias: bool):
    text = (entries_dir / "old-name.md").read_text()
    if alias:
        text = text.replace("published:", "aliases: [old-name]\npublished:")
    (entries_dir / "new-name.md").write_text(text)
    (entries_dir / "old-name.md").unlink()


def test_rename_with_alias_keeps_old_address_working(repo, tmp_path):
    rename(repo, alias=True)
    git(repo.parent, "add", "-A")
    git(repo.parent, "commit", "-qm", "rename")
    out = kb("check", "--entries", str(repo), "--against", "HEAD~1")
    assert out.returncode == 0, out.stdout
    build(repo, tmp_path / "ix")
    server, url = serve_in_thread(create_app(tmp_path / "ix"))
    try:
        client = Client("127.0.0.1", int(url.rsplit(":", 1)[1]))
        for suffix in ("", ".json"):
            resp = client.get(f"/entries/old-name{suffix}")
            assert resp.status == 301
            assert resp.headers["location"].endswith(f"/entries/new-name{suffix}")
        assert client.get("/entries/new-name").status == 200
    finally:
        server.close()


def test_rename_without_alias_fails_check_against(repo):
    rename(repo, alias=False)
    git(repo.parent, "add", "-A")
    git(repo.parent, "commit", "-qm", "rename")
    out = kb("check", "--entries", str(repo), "--against", "HEAD~1")
    assert out.returncode == 1
    assert "old-name.md:1: error: /entries/old-name was published at HEAD~1" in out.stdout
    assert "aliases: [old-name]" in out.stdout
    assert kb("check", "--entries", str(repo)).returncode == 0  # fine without --against


def test_dropped_term_without_alias_fails_check_against(repo):
    data = yaml.safe_load((repo / "taxonomy.yaml").read_text())
    data["sectors"]["terms"]["nhs-and-health"] = data["sectors"]["terms"].pop("health")
    (repo / "taxonomy.yaml").write_text(yaml.safe_dump(data))
    write_entry(repo, "old-name", VALID.replace("[health]", "[nhs-and-health]"))
    out = kb("check", "--entries", str(repo), "--against", "HEAD")
    assert out.returncode == 1 and "sectors term 'health' existed at HEAD" in out.stdout
    data["sectors"]["terms"]["nhs-and-health"]["aliases"] = ["health"]
    (repo / "taxonomy.yaml").write_text(yaml.safe_dump(data))
    assert kb("check", "--entries", str(repo), "--against", "HEAD").returncode == 0


def test_bad_ref_is_a_clear_error(repo):
    out = kb("check", "--entries", str(repo), "--against", "no-such-ref")
    assert out.returncode == 1 and "cannot read entries at 'no-such-ref'" in out.stdout


def test_old_term_in_a_search_url_redirects_to_the_canonical_one(entries_dir, tmp_path):
    data = yaml.safe_load((entries_dir / "taxonomy.yaml").read_text())
    data["sectors"]["terms"]["health"]["aliases"] = ["nhs"]
    (entries_dir / "taxonomy.yaml").write_text(yaml.safe_dump(data))
    write_entry(entries_dir, "one", VALID)
    build(entries_dir, tmp_path / "ix")
    server, url = serve_in_thread(create_app(tmp_path / "ix"))
    try:
        client = Client("127.0.0.1", int(url.rsplit(":", 1)[1]))
        resp = client.get("/search.json?q=x&sector=nhs")
        assert resp.status == 301 and resp.headers["location"].endswith(
            "/search.json?q=x&sector=health")
    finally:
        server.close()


def test_kb_new_writes_a_valid_entry_and_refuses_to_overwrite(entries_dir):
    out = kb("new", "Hospice funding in a county", "--principle", "full-cost-recovery",
             "--sector", "health", "--entries", str(entries_dir))
    assert out.returncode == 0, out.stderr
    path = entries_dir / "hospice-funding-in-a-county.md"
    text = path.read_text()
    assert "principles: [full-cost-recovery]" in text and "## Learning points" in text
    assert kb("check", "--entries", str(entries_dir)).returncode == 0
    again = kb("new", "Hospice funding in a county", "--entries", str(entries_dir))
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = kb("new", "X", "--sector", "helth", "--entries", str(entries_dir))
    assert bad.returncode == 2 and "did you mean 'health'" in bad.stderr


def test_committed_schema_is_up_to_date():
    committed = json.loads((BUNDLED / "entry.schema.json").read_text())
    assert committed == entry_schema(load_taxonomy(BUNDLED / "taxonomy.yaml")), \
        "run: kb schema > entries/entry.schema.json"
    assert committed["$schema"].endswith("2020-12/schema")


def test_stale_report(entries_dir):
    write_entry(entries_dir, "due", VALID + "review_by: 2010-01-01")
    write_entry(entries_dir, "old", VALID)
    write_entry(entries_dir, "fresh", VALID.replace("2009-01-05", "2026-01-05"))
    out = kb("report", "stale", "--today", "2026-06-01", "--entries", str(entries_dir))
    lines = out.stdout.splitlines()
    assert len(lines) == 2
    assert "due.md: review was due 2010-01-01" in lines[0]
    assert "old.md: last changed 2009-01-05" in lines[1]


def test_live_preview_rebuilds_on_save_and_keeps_last_good(entries_dir, tmp_path):
    write_entry(entries_dir, "live", VALID)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--reload", "--entries", str(entries_dir),
         "--index", str(tmp_path / "ix"), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Client("127.0.0.1", port)

    def wait_for(predicate, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                resp = client.get("/entries/live", timeout=2)
                if predicate(resp):
                    return resp
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("not served in time")

    try:
        wait_for(lambda r: r.status == 200, 15)
        write_entry(entries_dir, "live", VALID.replace("A valid entry", "An edited title"))
        started = time.monotonic()
        wait_for(lambda r: "An edited title" in r.body, 3)
        assert time.monotonic() - started < 3
        write_entry(entries_dir, "live", VALID.replace("[health]", "[not-a-sector]"))
        resp = wait_for(lambda r: "not-a-sector" in r.body, 3)
        assert "An edited title" in resp.body  # the last good version is still served
        assert "was not published" in resp.body
    finally:
        proc.terminate()
        proc.wait(timeout=10)
