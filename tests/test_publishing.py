"""Staff publishing: permanent addresses, rename checks against git, kb new, schema, stale
report and live preview. Uses real git repositories and real server processes."""

import html
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import tomllib

import pytest
import yaml

from kb.build import build
from kb.web import create_app
from tests.conftest import (
    ROOT,
    VALID,
    Client,
    WsgiClient,
    free_port,
    serve_in_thread,
    write_entry,
)
from tests.htmlcheck import Page
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


def test_against_a_branch_only_the_changed_files_warnings_are_told(repo):
    """A pull request is told the warnings of the files it changes, not the ones already on
    the base branch, which would hide its own; errors are told wherever they are."""
    (repo / "old-name.md").write_text((repo / "old-name.md").read_text().replace(
        "## Learning points\n\n- A lesson.\n", ""))  # a warning now on the base branch
    git(repo.parent, "add", "-A")
    git(repo.parent, "commit", "-qm", "no lessons")
    write_entry(repo, "added", VALID.replace("A valid entry", "An added entry"),
                body="## What they did\n\nText.\n")
    everything = kb("check", "--entries", str(repo)).stdout
    assert "old-name.md" in everything and "added.md" in everything
    out = kb("check", "--against", "HEAD", "--entries", str(repo))
    assert out.returncode == 0 and "added.md" in out.stdout
    assert "old-name.md" not in out.stdout, out.stdout
    write_entry(repo, "old-name", VALID.replace("[health]", "[helth]"))  # an error: told
    out = kb("check", "--against", "HEAD", "--entries", str(repo))
    assert out.returncode == 1 and "old-name.md" in out.stdout


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


def test_rename_without_alias_fails_naming_the_new_file_and_the_line_to_add(repo):
    rename(repo, alias=False)
    git(repo.parent, "add", "-A")
    git(repo.parent, "commit", "-qm", "rename")
    out = kb("check", "--entries", str(repo), "--against", "HEAD~1")
    assert out.returncode == 1
    assert out.stdout.startswith(
        f"{repo.as_posix()}/new-name.md:12: error: /entries/old-name was published at HEAD~1 "
        "(in old-name.md) but no longer resolves; this file seems to replace it: add this "
        "line before the closing '---' on line 12: aliases: [old-name]"), out.stdout
    assert kb("check", "--entries", str(repo)).returncode == 0  # fine without --against
    text = (repo / "new-name.md").read_text()
    (repo / "new-name.md").write_text(text.replace("published:", "aliases: [older]\npublished:"))
    out = kb("check", "--entries", str(repo), "--against", "HEAD~1")
    assert "new-name.md:6: error:" in out.stdout
    assert "change line 6 to: aliases: [older, old-name]" in out.stdout, out.stdout
    (repo / "new-name.md").write_text(text.replace("published:", "aliases: [old-name]\n"
                                                                 "published:"))
    assert kb("check", "--entries", str(repo), "--against", "HEAD~1").returncode == 0


def test_a_deleted_entry_with_no_replacement_is_named_as_such(repo):
    (repo / "old-name.md").unlink()
    write_entry(repo, "something-else", VALID.replace("A valid entry", "Different"),
                body="## What they did\n\nUnrelated.\n\n## Learning points\n\n- None.\n")
    out = kb("check", "--entries", str(repo), "--against", "HEAD")
    assert out.returncode == 1
    assert "old-name.md:1: error: /entries/old-name was published at HEAD (in old-name.md) " \
           "but no longer resolves, and no new file replaces it" in out.stdout


def test_an_alias_dropped_from_an_entry_is_to_be_put_back_in_that_entry(repo):
    text = (repo / "old-name.md").read_text()
    (repo / "old-name.md").write_text(text.replace("published:", "aliases: [older]\npublished:"))
    git(repo.parent, "commit", "-qam", "alias")
    (repo / "old-name.md").write_text(text)
    out = kb("check", "--entries", str(repo), "--against", "HEAD")
    assert out.returncode == 1
    assert f"{repo.as_posix()}/old-name.md:12: error: /entries/older was published at HEAD as " \
           "an alias of this entry but no longer resolves: put it back; add this line before " \
           "the closing '---' on line 12: aliases: [older]" in out.stdout, out.stdout


def test_dropped_term_without_alias_fails_check_against(repo):
    data = yaml.safe_load((repo / "taxonomy.yaml").read_text())
    data["sectors"]["terms"]["nhs-and-health"] = data["sectors"]["terms"].pop("health")
    (repo / "taxonomy.yaml").write_text(yaml.safe_dump(data))
    write_entry(repo, "old-name", VALID.replace("[health]", "[nhs-and-health]"))
    out = kb("check", "--entries", str(repo), "--against", "HEAD")
    assert out.returncode == 1 and "sectors term 'health' existed at HEAD" in out.stdout
    # named at the term that seems to replace it, with the line to give it
    at = (repo / "taxonomy.yaml").read_text().split("\n").index("    nhs-and-health:") + 1
    assert f"taxonomy.yaml:{at}: error: " in out.stdout and "'nhs-and-health' seems to " \
        "replace it: give it the line 'aliases: [health]'" in out.stdout, out.stdout
    data["sectors"]["terms"]["nhs-and-health"]["aliases"] = ["health"]
    (repo / "taxonomy.yaml").write_text(yaml.safe_dump(data))
    assert kb("check", "--entries", str(repo), "--against", "HEAD").returncode == 0


def test_bad_ref_is_a_clear_error(repo):
    out = kb("check", "--entries", str(repo), "--against", "no-such-ref")
    assert out.returncode == 1 and "cannot read the entries as they were at 'no-such-ref'" \
        in out.stderr and "fetch that branch" in out.stderr and "(git)" not in out.stdout


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
        # data saved with the old slug can be mapped: the term's JSON names its old slugs
        listed = {t["slug"]: t for t in client.get("/sectors.json").json()["terms"]}
        assert listed["health"]["aliases"] == ["nhs"] and listed["housing"]["aliases"] == []
        assert client.get("/sectors/health.json").json()["aliases"] == ["nhs"]
    finally:
        server.close()


def test_kb_new_writes_a_draft_that_check_rejects_until_its_placeholders_are_replaced(
        entries_dir):
    out = kb("new", "Hospice funding: a county", "--principle", "full-cost-recovery",
             "--sector", "health", cwd=entries_dir)  # from inside entries/, no --entries
    assert out.returncode == 0, out.stderr
    assert "Wrote hospice-funding-a-county.md. Next:" in out.stdout
    # the check to run is of the new file alone: its mistakes, not every other file's warnings
    assert "  2. kb check hospice-funding-a-county.md\n" in out.stdout
    given = kb("new", "Another county", "--entries", str(entries_dir), cwd=entries_dir.parent)
    assert f"  2. kb check --entries {entries_dir} " in given.stdout
    (entries_dir / "another-county.md").unlink()
    path = entries_dir / "hospice-funding-a-county.md"
    text = path.read_text()
    assert "principles: [full-cost-recovery]" in text and "## Learning points" in text
    check = kb("check", "--entries", str(entries_dir))
    assert check.returncode == 1
    said = check.stdout.splitlines()
    for where in ("in 'summary'", "in 'sources'",
                  "in section 'What they did'", "in section 'Outcomes'",
                  "in section 'Learning points'", "in section 'Contact'"):
        assert any("replace the placeholder '[Replace this:" in line and where in line
                   for line in said), where
    # the date kb new fills in is today's: it must be confirmed as the source's, or replaced
    assert any("the note '# [Replace this:" in line and "value of 'published': if the value "
               "is the source's, delete the note" in line for line in said)
    edited = re.sub(r"\s*# \[Replace this:[^\]]*\]", "", text)
    edited = re.sub(r"\[Replace this:[^\]]*\]", "What the source says.", edited)
    path.write_text(edited)
    samples = kb("check", "--entries", str(entries_dir))  # the comments gone, not the samples
    assert samples.returncode == 1 and "the template's sample address" in samples.stdout
    assert "'Example Council' is the template's sample publisher" in samples.stdout
    path.write_text(edited.replace("https://example.org/", "https://www.gov.uk/report")
                    .replace("Example Council", "Cabinet Office"))
    done = kb("check", "--entries", str(entries_dir))
    assert done.returncode == 0, done.stdout
    again = kb("new", "Hospice funding: a county", "--entries", str(entries_dir))
    assert again.returncode == 1 and "already exists" in again.stderr
    # the same title under another file name: the same example twice, or two no list tells apart
    twice = kb("new", "hospice funding - a County", "--slug", "other-name", "--entries",
               str(entries_dir))
    assert twice.returncode == 1 and "already has this title" in twice.stderr
    assert path.name in twice.stderr and not (entries_dir / "other-name.md").exists()
    # an old address another entry keeps (an alias) is no file name for a new one
    (entries_dir / "moved.md").write_text("---\ntitle: Moved\naliases: [old-name, kept]\n---\n")
    taken = kb("new", "Another example", "--slug", "old-name", "--entries", str(entries_dir))
    assert taken.returncode == 1 and "moved.md keeps 'old-name' as an old address" in \
        taken.stderr and not (entries_dir / "old-name.md").exists()
    assert kb("new", "Old name two", "--entries", str(entries_dir)).returncode == 0
    (entries_dir / "sub").mkdir()  # an entry in a subfolder has its address all the same
    (entries_dir / "sub" / "filed-away.md").write_text("---\ntitle: Filed away\n---\n")
    filed = kb("new", "Filed away again", "--slug", "filed-away", "--entries", str(entries_dir))
    assert filed.returncode == 1 and "filed-away.md already exists" in filed.stderr
    assert not (entries_dir / "filed-away.md").exists()
    bad = kb("new", "X", "--sector", "helth", "--entries", str(entries_dir))
    assert bad.returncode == 2 and "did you mean 'health'" in bad.stderr
    nameless = kb("new", "!!!", "--entries", str(entries_dir))
    assert nameless.returncode == 1 and "makes no file name of plain letters a to z: give " \
        "--slug" in nameless.stderr
    assert not (entries_dir / ".md").exists()
    arabic = kb("new", "\u0645\u0646\u062d \u0627\u0644\u0645\u062c\u062a\u0645\u0639",
                "--slug", "community-grants-in-arabic", "--entries", str(entries_dir))
    assert arabic.returncode == 0
    party = kb("new", "Street party \U0001F389 grants", "--entries", str(entries_dir))
    written = (entries_dir / "street-party-grants.md").read_text(encoding="utf-8")
    assert party.returncode == 0 and 'title: "Street party \U0001F389 grants"' in written
    bad_slug = kb("new", "Test thing", "--slug", "Bad Slug", "--entries", str(entries_dir))
    assert bad_slug.returncode == 1 and "--slug 'Bad Slug' is not a usable file name" in \
        bad_slug.stderr and "like bad-slug" in bad_slug.stderr
    digits = kb("new", "\u6570\u5b57 2024", "--entries", str(entries_dir))  # no a to z
    assert digits.returncode == 1 and "--slug" in digits.stderr
    assert not (entries_dir / "2024.md").exists()
    accented = kb("new", "Café: a test #1", "--entries", str(entries_dir))
    assert accented.returncode == 0 and (entries_dir / "cafe-a-test-1.md").exists()


def test_kb_outside_a_repository_says_where_to_run_it(tmp_path):
    out = kb("new", "Anything", cwd=tmp_path)
    assert out.returncode == 1 and "run kb from the repository" in out.stderr


def test_check_warns_of_a_schema_out_of_date_with_the_vocabularies(entries_dir):
    """A warning, not an error: an editor renaming a term in the browser cannot run kb."""
    write_entry(entries_dir, "one", VALID)
    schema = kb("schema", "--entries", str(entries_dir))
    assert json.loads(schema.stdout)["$schema"].endswith("2020-12/schema")
    (entries_dir / "entry.schema.json").write_text(schema.stdout)
    assert kb("check", "--entries", str(entries_dir)).returncode == 0
    taxonomy = entries_dir / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("label: Health", "label: Health care", 1))
    out = kb("check", "--entries", str(entries_dir))
    assert out.returncode == 0
    assert out.stdout.startswith(f"{entries_dir.as_posix()}/entry.schema.json:1: warning: out "
                                 "of date with taxonomy.yaml"), out.stdout
    assert "kb schema > entries/entry.schema.json" in out.stdout


def test_stale_report(entries_dir):
    write_entry(entries_dir, "due", VALID + "review_by: 2010-01-01")
    write_entry(entries_dir, "old", VALID)
    write_entry(entries_dir, "fresh", VALID.replace("2009-01-05", "2026-01-05"))
    write_entry(entries_dir, "withdrawn", VALID + "withdrawn: 2010-02-01\nwithdrawn_reason: "
                "The decision was quashed.")  # it needs no review
    out = kb("report", "stale", "--today", "2026-06-01", "--entries", str(entries_dir))
    lines = out.stdout.splitlines()
    assert len(lines) == 2, lines
    assert "due.md: review was due 2010-01-01" in lines[0]
    assert "old.md: its source is dated 2009-01-05" in lines[1]
    assert out.stderr == ""
    # a file with an error cannot be judged: it is counted, not silently left out
    write_entry(entries_dir, "broken", VALID.replace("[health]", "[helth]"))
    out = kb("report", "stale", "--today", "2026-06-01", "--entries", str(entries_dir))
    assert len(out.stdout.splitlines()) == 2
    assert "1 file(s) with errors not judged: kb check lists them" in out.stderr


def test_stale_report_goes_by_when_an_entry_was_last_committed(entries_dir):
    """In Git, an entry of a 2009 source committed this year is not stale; one committed in
    2020 and not since is, and the report says when it last changed here."""
    write_entry(entries_dir, "kept", VALID)
    git = ["git", "-C", str(entries_dir)]
    subprocess.run([*git, "init", "-q"], check=True)
    old = {**os.environ, "GIT_AUTHOR_DATE": "2020-03-01T12:00:00", "GIT_COMMITTER_DATE":
           "2020-03-01T12:00:00", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run([*git, "add", "-A"], check=True, env=old)
    subprocess.run([*git, "commit", "-qm", "old"], check=True, env=old)
    write_entry(entries_dir, "recent", VALID.replace("A valid entry", "A recent entry"))
    new = {**old, "GIT_AUTHOR_DATE": "2026-05-01T12:00:00",
           "GIT_COMMITTER_DATE": "2026-05-01T12:00:00"}
    subprocess.run([*git, "add", "-A"], check=True, env=new)
    subprocess.run([*git, "commit", "-qm", "new"], check=True, env=new)
    write_entry(entries_dir, "draft", VALID.replace("A valid entry", "A draft entry"))
    out = kb("report", "stale", "--today", "2026-06-01", "--entries", str(entries_dir))
    assert out.stdout.splitlines() == [
        f"{entries_dir.as_posix()}/kept.md: last changed here 2020-03-01, over two years ago, "
        "and no review_by date"]


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
        health = client.get("/healthz").json()  # a script or monitor can tell too
        assert (health["status"], health["last_edit_errors"]) == ("degraded", 1)
        write_entry(entries_dir, "live", VALID, body="## What they did\n\nText.\n")
        resp = wait_for(lambda r: "published, with warnings" in r.body, 3)
        assert "warning: no '## Learning points' section" in html.unescape(resp.body)
        health = client.get("/healthz").json()
        assert (health["status"], health["last_edit_errors"]) == ("ok", 0)
        assert "`" not in Page(resp.body).text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_pre_commit_environment_has_every_locked_package_kb_needs():
    """The hook runs in pre-commit's own environment (a fresh clone needs no make install):
    it must have every package requirements.lock pins, at that version, but the production
    server's (a missing one, numpy, refused every commit with a traceback)."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hook, deleted = config["repos"][0]["hooks"]
    assert hook["entry"].startswith("python -m kb check") and "--against HEAD" in hook["entry"]
    # pre-commit passes no deleted file to a hook: the second runs whatever is staged, and
    # checks the addresses when an entry is deleted
    assert deleted["always_run"] and not deleted["pass_filenames"]
    assert "--diff-filter=D -- entries/" in deleted["entry"]
    assert "--against HEAD" in deleted["entry"]
    assert deleted["additional_dependencies"] == hook["additional_dependencies"]
    pinned = {line.split(" ")[0] for line in (ROOT / "requirements.lock").read_text()
              .splitlines() if "==" in line and not line.startswith(" ")}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    server = {re.split(r"[<>=~ ]", r)[0] for r in project["optional-dependencies"]["server"]}
    assert set(hook["additional_dependencies"]) == {
        p for p in pinned if p.split("==")[0] not in server}


def test_content_check_prints_warnings_and_passes(repo):
    write_entry(repo, "no-learning-points", VALID, body="## What they did\n\nText.\n")
    out = kb("check", "--entries", str(repo), "--against", "HEAD")
    assert out.returncode == 0
    assert "no-learning-points.md:13: warning: no '## Learning points' section" in out.stdout


def test_the_template_to_paste_in_contributing_is_the_one_kb_new_writes():
    """CONTRIBUTING's template for the browser has the same '[Replace this: ...]' text under
    each heading as `kb new`, so a pasted draft cannot be published with empty sections."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", guide, re.DOTALL).group(1)
    body = textwrap.dedent(block).split("---\n", 2)[2]
    assert body.strip() == (ROOT / "templates" / "new-entry.md").read_text("utf-8").strip()


def test_a_renamed_heading_must_keep_its_published_anchor(repo, tmp_path):
    """A guidance document links to /entries/old-name#learning-points: renaming the heading
    fails the check, on the new heading with the line to write, until the heading keeps the
    old anchor; then the page still has it, and kb links accepts a link to it."""
    text = (repo / "old-name.md").read_text()
    (repo / "old-name.md").write_text(text.replace("## Learning points", "## Lessons"))
    out = kb("check", "--entries", str(repo), "--against", "HEAD")
    assert out.returncode == 1
    lessons = text.split("\n").index("## Learning points") + 1
    assert f"old-name.md:{lessons}: error: /entries/old-name#learning-points (the heading " \
           "'Learning points') was published at HEAD but no heading has that anchor now, so " \
           "a link to it would open the top of the page: end the heading that covers it with " \
           "{#learning-points}, e.g. '## Lessons {#learning-points}'" in out.stdout, out.stdout
    assert kb("check", "--entries", str(repo)).returncode == 0  # fine without --against
    (repo / "old-name.md").write_text(text.replace("## Learning points",
                                                   "## Lessons {#learning-points}"))
    assert kb("check", "--entries", str(repo), "--against", "HEAD").returncode == 0
    build(repo, tmp_path / "ix")
    page = WsgiClient(create_app(tmp_path / "ix")).get("/entries/old-name").body
    assert '<h2 id="lessons"><span id="learning-points"></span>Lessons</h2>' in page
    guide = tmp_path / "guide.md"
    guide.write_text("See [the lessons](https://site.example/entries/old-name#learning-points).")
    out = kb("links", str(guide), "--index", str(tmp_path / "ix"), "--base",
             "https://site.example")
    assert out.returncode == 0, out.stdout
    guide.write_text("See [them](https://site.example/entries/old-name#lessons-learnt).")
    assert kb("links", str(guide), "--index", str(tmp_path / "ix"), "--base",
              "https://site.example").returncode == 1


def test_a_heading_anchor_follows_its_entry_to_a_new_address(repo):
    rename(repo, alias=True)
    new = repo / "new-name.md"
    new.write_text(new.read_text().replace("## What they did", "## What was done"))
    out = kb("check", "--entries", str(repo), "--against", "HEAD")
    assert "new-name.md:" in out.stdout and "/entries/old-name#what-they-did" in out.stdout


def test_each_lost_anchor_is_named_on_the_heading_now_in_its_place(repo):
    """Three headings renamed at once: each anchor is to go on the heading that took its
    heading's place, not on whichever heading's text is closest."""
    body = ("## What they did\n\nDone.\n\n## Outcomes\n\nFound.\n\n## Learning points\n\n"
            "- Learnt.\n\n## Contact\n\nNone given.\n")
    write_entry(repo, "old-name", VALID, body)
    git(repo.parent, "commit", "-qam", "sections")
    renamed = body.replace("## What they did", "## Background").replace(
        "## Learning points", "## Lessons").replace("## Contact", "## Get in touch")
    path = write_entry(repo, "old-name", VALID, renamed)
    out = kb("check", "--entries", str(repo), "--against", "HEAD").stdout
    lines = path.read_text().split("\n")
    for anchor, heading in (("what-they-did", "Background"), ("learning-points", "Lessons"),
                            ("contact", "Get in touch")):
        at = lines.index(f"## {heading}") + 1
        assert f"old-name.md:{at}: error: /entries/old-name#{anchor} " in out, out
        assert f"e.g. '## {heading} {{#{anchor}}}'" in out


def test_a_section_moved_and_renamed_is_found_by_what_it_says(repo):
    """Outcomes and Learning points swapped and renamed: each anchor is to go on the heading
    now over the same text, not on the heading now in its old place."""
    body = ("## What they did\n\nDone.\n\n## Outcomes\n\nThe grants reached forty groups in "
            "the first year.\n\n## Learning points\n\n- Pay core costs so that small groups "
            "can plan ahead.\n")
    write_entry(repo, "old-name", VALID, body)
    git(repo.parent, "commit", "-qam", "sections")
    moved = ("## What they did\n\nDone.\n\n## Lessons learned\n\n- Pay core costs so that small "
             "groups can plan ahead.\n\n## Results\n\nThe grants reached forty groups in the "
             "first year.\n")
    path = write_entry(repo, "old-name", VALID, moved)
    out = kb("check", "--entries", str(repo), "--against", "HEAD").stdout
    lines = path.read_text().split("\n")
    for anchor, heading in (("outcomes", "Results"), ("learning-points", "Lessons learned")):
        at = lines.index(f"## {heading}") + 1
        assert f"old-name.md:{at}: error: /entries/old-name#{anchor} " in out, out


@pytest.mark.parametrize("title,slug", [
    ("Legal review of the Compact BME Code by Karon Monaghan QC for the Commission for the "
     "Compact", "legal-review-of-the-compact-bme-code-by-karon-monaghan-qc-for-the-commission"),
    ("A county council's grants review and what the voluntary sector said about it in the end "
     "of the", "a-county-councils-grants-review-and-what-the-voluntary-sector-said-about-it"),
    ("Café: a test #1", "cafe-a-test-1"),
])
def test_a_long_title_makes_a_file_name_cut_after_a_word_that_reads_well(title, slug):
    from kb.entry import slugify

    assert slugify(title) == slug and len(slug) <= 80
