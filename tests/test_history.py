"""An entry's history from Git: the history page, each version at its permanent address, what
changed between two, their .json twins, renames followed, and no history outside Git."""

from __future__ import annotations

import os
import subprocess
import sys

import feedparser
import pytest

from kb.build import build
from kb.generations import current_generation
from kb.history import HISTORY, PACK
from kb.web import create_app
from tests.conftest import VALID, WsgiClient, write_entry
from tests.htmlcheck import Page

BODY = "## What they did\n\nThe council gave {} notice.\n\n## Learning points\n\n- A lesson.\n"


def git(cwd, *args, day: int = 1):
    stamp = f"2024-03-{day:02d}T10:00:00+00:00"
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
                        "PATH": "/usr/bin:/bin"})


def commit(entries_dir, message: str, day: int) -> str:
    git(entries_dir.parent, "add", "-A", day=day)
    git(entries_dir.parent, "commit", "-qm", message, day=day)
    out = subprocess.run(["git", "-C", str(entries_dir), "rev-parse", "HEAD"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture
def edited(entries_dir, tmp_path):
    """An entry published, corrected, then renamed (with an alias), each in its own commit;
    the index built after each. Returns (client, the three commit ids, the index folder)."""
    write_entry(entries_dir, "old-name", VALID, BODY.format("three months'"))
    git(entries_dir.parent, "init", "-q", "-b", "main")
    index = tmp_path / "ix"
    commits = [commit(entries_dir, "Publish the Derby example", 1)]
    build(entries_dir, index)
    write_entry(entries_dir, "old-name", VALID, BODY.format("six months'"))
    commits.append(commit(entries_dir, "Correct the notice period", 2))
    build(entries_dir, index)
    os.rename(entries_dir / "old-name.md", entries_dir / "new-name.md")
    write_entry(entries_dir, "new-name", VALID + "aliases: [old-name]",
                BODY.format("six months'"))
    commits.append(commit(entries_dir, "Rename the example", 3))
    build(entries_dir, index)
    return WsgiClient(create_app(index)), commits, index


def test_history_lists_every_change_with_its_date_and_note(edited):
    client, commits, _ = edited
    page = client.get("/entries/new-name/history")
    assert page.status == 200 and Page(page.body).problems() == []
    text = Page(page.body).text
    for note in ("Publish the Derby example", "Correct the notice period", "Rename the example"):
        assert note in text
    assert "1 March 2024" in text and "3 March 2024" in text
    data = client.get("/entries/new-name/history.json").json()
    assert [r["commit"] for r in data["revisions"]] == commits[::-1]
    assert [r["subject"] for r in data["revisions"]][-1] == "Publish the Derby example"
    entry = client.get("/entries/new-name")
    # the page's changes in Git, dated by the newest, apart from the content's own dates
    assert "Changes to this page 2 since it was first put here, the latest on 3 March 2024" \
        in Page(entry.body).text
    assert 'href="/entries/new-name/history"' in entry.body
    assert f"/entries/new-name/at/{commits[2][:12]}" in entry.body  # link to this version


def test_an_entry_says_when_it_was_added_and_is_cited_by_its_last_change(edited):
    """The source's date (published) is not the page's: the page says when the example was
    added here, and its citation gives the day it last changed."""
    client, _, _ = edited
    data = client.get("/entries/new-name.json").json()
    assert data["published"] == "2009-01-05" and data["added"] == "2024-03-01"
    assert "Compact Practice, last changed 3 March 2024." in data["citation"]
    text = Page(client.get("/entries/new-name").body).text
    assert "Added here 1 March 2024" in text and "Last updated" not in text


def test_an_older_version_shows_its_own_text_and_says_it_is_not_current(edited):
    client, commits, _ = edited
    old = client.get(f"/entries/new-name/at/{commits[0][:12]}")
    assert old.status == 200 and Page(old.body).problems() == []
    text = Page(old.body).text
    assert "three months' notice" in text and "six months'" not in text
    assert "older version" in text and "not the current version" in text
    assert 'href="https://127.0.0.1/entries/new-name"' in old.body or \
        'href="http://127.0.0.1/entries/new-name"' in old.body
    data = client.get(f"/entries/new-name/at/{commits[0][:7]}.json").json()
    assert data["revision"]["commit"] == commits[0] and "three months'" in data["source"]
    assert data["newest"] is False


def test_the_diff_shows_what_changed(edited):
    client, commits, _ = edited
    page = client.get(f"/entries/new-name/diff?from={commits[0][:12]}&to={commits[1][:12]}")
    assert page.status == 200 and Page(page.body).problems() == []
    assert "<del><span class=\"visually-hidden\">Removed: </span>The council gave three " \
           "months&#039; notice.</del>" in page.body
    assert "six months&#039; notice.</ins>" in page.body
    data = client.get(f"/entries/new-name/diff.json?from={commits[0][:12]}").json()
    kinds = {line["kind"] for hunk in data["hunks"] for line in hunk}
    assert kinds == {"same", "removed", "added"}
    assert data["to"]["commit"] == commits[2]  # "to" defaults to the newest


def test_old_addresses_keep_working_after_a_rename_and_later_edits(edited):
    client, commits, _ = edited
    moved = client.get(f"/entries/old-name/at/{commits[0][:12]}")
    assert moved.status == 301
    assert moved.headers["location"].endswith(f"/entries/new-name/at/{commits[0][:12]}")
    assert client.get("/entries/old-name/history").status == 301
    odd = client.get("/entries/old-name/diff?from=a%0D%0ASet-Cookie:x&to=b c")
    assert odd.status == 301 and "\n" not in odd.headers["location"]
    assert odd.headers["location"].endswith(
        "/entries/new-name/diff?from=a%0D%0ASet-Cookie%3Ax&to=b+c")
    assert client.get(f"/entries/new-name/at/{'0' * 12}").status == 404
    assert client.get(f"/entries/new-name/diff?from={'0' * 12}").status == 404  # none such
    malformed = client.get("/entries/new-name/diff?from=zzzzzzz")  # no commit id at all
    assert malformed.status == 400 and "&#039;from=zzzzzzz&#039; is no version" in malformed.body
    twice = client.get(f"/entries/new-name/diff.json?from={commits[0][:7]}&to={commits[1][:7]}"
                       f"&to={commits[2][:7]}")
    assert twice.status == 400 and "'to' is given 2 times" in twice.body


def test_a_renamed_entry_keeps_its_feed_id_so_readers_do_not_see_it_as_new(edited):
    client, _, _ = edited
    for path in ("/feed.atom", "/search.atom?q=valid"):
        [item] = feedparser.parse(client.get(path).body).entries
        assert item.link.endswith("/entries/new-name")
        assert item.id.endswith("/entries/old-name"), path  # its first address, for ever


def test_a_build_at_the_same_commit_reuses_the_recorded_history(edited, entries_dir):
    _, _, index = edited
    before = current_generation(index)
    write_entry(entries_dir, "another", VALID)  # a change that is not committed
    build(entries_dir, index)
    after = current_generation(index)
    assert after != before
    for name in (HISTORY, PACK):
        assert os.stat(after / name).st_ino == os.stat(before / name).st_ino


def test_a_build_before_a_commit_is_brought_up_to_date_by_the_next_build(edited, entries_dir):
    """An editor previews a change (a build), then commits it: the next build reads no file
    but records the new commit, so the history shows it without a full build."""
    _, _, index = edited
    write_entry(entries_dir, "new-name", VALID + "aliases: [old-name]", BODY.format("two"))
    build(entries_dir, index)
    latest = commit(entries_dir, "Say two weeks", 4)
    build(entries_dir, index)
    revisions = WsgiClient(create_app(index)).get("/entries/new-name/history.json").json()
    assert latest.startswith(revisions["revisions"][0]["commit"][:7])
    assert revisions["revisions"][0]["subject"] == "Say two weeks"


def test_the_live_preview_records_a_commit_of_what_it_already_shows(entries_dir, tmp_path):
    """kb serve --reload rebuilds on each save; a commit of the saved file changes no file,
    but the preview's history then shows it, as after a build."""
    import threading
    import time

    from kb.build import watch

    write_entry(entries_dir, "live", VALID, BODY.format("three months'"))
    git(entries_dir.parent, "init", "-q", "-b", "main")
    commit(entries_dir, "Publish", 1)
    index, builds, stop = tmp_path / "ix", [], threading.Event()
    threading.Thread(target=watch, args=(entries_dir, index, builds.append, stop),
                     kwargs={"interval": 0.05}, daemon=True).start()

    def after(count):
        deadline = time.monotonic() + 20
        while len(builds) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(builds) >= count

    try:
        after(1)
        write_entry(entries_dir, "live", VALID, BODY.format("six months'"))  # a save
        after(2)
        latest = commit(entries_dir, "Say six months", 2)
        after(3)
    finally:
        stop.set()
    data = WsgiClient(create_app(index)).get("/entries/live/history.json").json()
    assert latest.startswith(data["revisions"][0]["commit"][:7])


def test_no_history_outside_git(entries_dir, tmp_path):
    write_entry(entries_dir, "plain", VALID)
    build(entries_dir, tmp_path / "ix")
    client = WsgiClient(create_app(tmp_path / "ix"))
    assert "Changes to this page" not in client.get("/entries/plain").body
    page = client.get("/entries/plain/history")
    assert page.status == 200 and "No history is recorded" in Page(page.body).text
    assert client.get("/entries/plain/history.json").json()["recorded"] is False


def test_an_example_of_an_old_source_reaches_feed_readers_when_it_is_added(entries_dir,
                                                                           tmp_path):
    """Feeds list examples in the order they were added here, dated so: an example of a 2004
    source added today comes first, not after every example of a newer source."""
    git(entries_dir.parent, "init", "-q", "-b", "main")
    write_entry(entries_dir, "recent-source", VALID.replace("2009-01-05", "2020-06-01"))
    commit(entries_dir, "Add an example of a 2020 source", 1)
    write_entry(entries_dir, "old-source", VALID.replace("2009-01-05", "2004-03-02"))
    commit(entries_dir, "Add an example of a 2004 source", 2)
    build(entries_dir, tmp_path / "ix")
    client = WsgiClient(create_app(tmp_path / "ix"))
    for path in ("/feed.atom", "/search.atom?q=valid"):
        feed = feedparser.parse(client.get(path).body)
        assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == ["old-source",
                                                                   "recent-source"], path
        assert feed.entries[0].published == "2024-03-02T10:00:00+00:00"
        assert "Source dated 2 March 2004" in feed.entries[0].summary
    order = client.get("/search.json?q=valid&sort=added").json()["results"]
    assert [(r["slug"], r["added"]) for r in order] == [("old-source", "2024-03-02"),
                                                        ("recent-source", "2024-03-01")]
    page = client.get("/search?q=valid&sort=added").body
    assert '<dt>Added here</dt>\n    <dd><time datetime="2024-03-02">2 March 2024</time>' in page
    assert "Added here" not in client.get("/search?q=valid").body  # by relevance: not said
    newest = client.get("/search.json?q=valid&sort=newest").json()["results"]
    assert [r["slug"] for r in newest] == ["recent-source", "old-source"]
    write_entry(entries_dir, "not-committed", VALID.replace("2009-01-05", "2001-05-01"))
    build(entries_dir, tmp_path / "ix")
    client = WsgiClient(create_app(tmp_path / "ix"))
    feed = feedparser.parse(client.get("/feed.atom").body)
    assert feed.feed.title == "Compact Practice: Examples added most recently"
    first = feed.entries[0]
    assert first.link.endswith("/not-committed") and not first.published.startswith("2001")
    found = client.get("/search.json?q=valid&sort=added").json()["results"][0]
    assert found["slug"] == "not-committed" and found["added"] == first.published[:10]


def test_kb_links_knows_an_entrys_versions(edited, tmp_path):
    """A guidance document may link to a version of an entry (/at/<commit>): one the entry
    had is good (through its old address, a redirect to update); one it never had is an
    error naming where its versions are listed."""
    from kb.documents import read_links
    from kb.library import Library
    from kb.links import check_documents

    _, commits, index = edited
    guide = tmp_path / "guide.md"
    guide.write_text(f"[a](/entries/new-name/at/{commits[0][:12]})\n"
                     f"[b](/entries/old-name/at/{commits[1][:7]})\n"
                     "[c](/entries/new-name/at/deadbeef)\n"
                     f"[d](/entries/new-name/diff?from={commits[0][:7]}&to={commits[2][:7]})\n"
                     "[e](/entries/new-name/diff?from=zzzz)\n", encoding="utf-8")
    findings, _ = check_documents(Library(index), {guide: read_links(guide)}, "")
    said = {f.link.line: (f.severity, f.message) for f in findings}
    assert 1 not in said and said[2][0] == "warning"
    assert said[3] == ("error", "/entries/new-name has no version deadbeef: its versions are "
                                "listed at /entries/new-name/history")
    assert 4 not in said and said[5][0] == "error"  # a diff's from and to are versions too


def test_version_addresses_in_the_json_are_absolute_with_the_sites_base(edited):
    """As an entry's own url: a reuser cites a version wherever the JSON was read."""
    _, commits, index = edited
    client = WsgiClient(create_app(index, base_url="https://practice.example.org"))
    base = "https://practice.example.org/entries/new-name/at/"
    history = client.get("/entries/new-name/history.json").json()
    assert all(r["url"].startswith(base) for r in history["revisions"])
    at = client.get(f"/entries/new-name/at/{commits[0][:12]}.json").json()
    assert at["permanent_url"].startswith(base) and at["revision"]["url"].startswith(base)
    changes = client.get("/entries/new-name/diff.json").json()
    assert changes["to"]["url"].startswith(base) and changes["from"]["url"].startswith(base)


def test_a_rename_git_cannot_see_keeps_the_history_through_the_alias(entries_dir, tmp_path):
    """Renamed and rewritten in one commit, the file is too changed for Git to call it a
    rename; the new file's alias says it is one. Its history, first address (the feed id) and
    day added carry on, and the old version link still shows the old text."""
    write_entry(entries_dir, "old-name", VALID, BODY.format("three months'"))
    git(entries_dir.parent, "init", "-q", "-b", "main")
    first = commit(entries_dir, "Publish the example", 1)
    (entries_dir / "old-name.md").unlink()
    write_entry(entries_dir, "new-name", VALID.replace("A valid entry", "Rewritten") +
                "aliases: [old-name]", "## What they did\n\nEverything is different now, "
                "sentence by sentence, in other words entirely.\n")
    last = commit(entries_dir, "Rename and rewrite the example", 5)
    build(entries_dir, tmp_path / "ix")
    client = WsgiClient(create_app(tmp_path / "ix"))
    data = client.get("/entries/new-name/history.json").json()
    assert [r["commit"] for r in data["revisions"]] == [last, first]
    assert client.get("/entries/new-name.json").json()["added"] == "2024-03-01"
    moved = client.get(f"/entries/old-name/at/{first[:12]}")
    assert moved.status == 301 and moved.headers["location"].endswith(
        f"/entries/new-name/at/{first[:12]}")
    old = client.get(f"/entries/new-name/at/{first[:12]}")
    assert old.status == 200 and "three months'" in Page(old.body).text
    feed = feedparser.parse(client.get("/feed.atom").body)
    assert feed.entries[0].id.endswith("/old-name")  # the id it was first announced under


def test_a_merged_entrys_old_version_link_shows_its_own_text(entries_dir, tmp_path):
    """Two examples, then one merged into the other: its file deleted, its address an alias
    of the one kept. A version link to the merged one must still show its own text, as it
    was, and say where it went; not the kept entry's text at the same commit."""
    from kb.documents import read_links
    from kb.library import Library
    from kb.links import check_documents

    write_entry(entries_dir, "kept", VALID, BODY.format("three months'"))
    write_entry(entries_dir, "merged", VALID.replace("A valid entry", "Merged one"),
                BODY.format("six weeks'"))
    git(entries_dir.parent, "init", "-q", "-b", "main")
    first = commit(entries_dir, "Publish both", 1)
    write_entry(entries_dir, "merged", VALID.replace("A valid entry", "Merged one"),
                BODY.format("eight weeks'"))
    second = commit(entries_dir, "Correct the merged one", 2)
    (entries_dir / "merged.md").unlink()
    write_entry(entries_dir, "kept", VALID + "aliases: [merged]", BODY.format("three months'"))
    commit(entries_dir, "Merge the two", 3)
    build(entries_dir, tmp_path / "ix")
    client = WsgiClient(create_app(tmp_path / "ix"))
    page = client.get(f"/entries/merged/at/{first[:12]}")
    assert page.status == 200 and Page(page.body).problems() == []
    text = Page(page.body).text
    assert "six weeks'" in text and "three months'" not in text and "Merged one" in text
    assert 'renamed or merged into <a href="http://127.0.0.1/entries/kept">A valid entry</a>' \
        in page.body
    data = client.get(f"/entries/merged/at/{second[:12]}.json").json()
    assert data["merged_into"]["url"].endswith("/entries/kept") and not data["changes_url"]
    assert client.get("/entries/merged").status == 301  # the page itself: the kept entry
    assert client.get("/entries/merged/at/deadbeef0").status == 301  # no such version of it
    # its history and what changed between its own versions stay at its address
    history = client.get("/entries/merged/history.json").json()
    assert [r["commit"] for r in history["revisions"]] == [second, first]
    assert history["title"] == "Merged one" and history["merged_into"]["title"] == "A valid entry"
    diff = client.get(f"/entries/merged/diff?from={first[:7]}&to={second[:7]}")
    assert diff.status == 200 and "eight weeks'" in Page(diff.body).text and \
        "six weeks'" in Page(diff.body).text
    assert "renamed or merged into" in Page(diff.body).text
    guide = tmp_path / "guide.md"
    guide.write_text(f"[a](/entries/merged/at/{first[:12]})\n[b](/entries/merged/history)\n"
                     f"[c](/entries/merged/diff?from={first[:7]}&to={second[:7]})\n"
                     "[d](/entries/merged)\n", encoding="utf-8")
    findings, _ = check_documents(Library(tmp_path / "ix"), {guide: read_links(guide)}, "")
    # the links to its versions are right as they are: no advice to cite another text
    assert [(f.link.line, f.severity) for f in findings] == [(4, "warning")]


def test_a_build_in_a_shallow_clone_warns_that_the_history_is_cut_short(entries_dir, tmp_path):
    """A shallow clone (a CI checkout's default) has the last commit only: every entry would
    seem added that day, with no earlier versions. The build says so, and how to fix it; a
    full clone builds without the warning."""
    write_entry(entries_dir, "one", VALID, BODY.format("three months'"))
    git(entries_dir.parent, "init", "-q", "-b", "main")
    commit(entries_dir, "Publish", 1)
    write_entry(entries_dir, "one", VALID, BODY.format("six months'"))
    commit(entries_dir, "Correct", 2)
    said = {}
    for depth in ("--depth=1", "--no-local"):
        clone = tmp_path / depth.strip("-")
        subprocess.run(["git", "clone", "-q", depth, f"file://{entries_dir.parent}", str(clone)],
                       check=True, capture_output=True)
        result = build(clone / "entries", tmp_path / f"ix-{depth}")
        said[depth] = [w.message for w in result.warnings if "shallow" in w.message]
    assert said["--no-local"] == [] and len(said["--depth=1"]) == 1
    assert "fetch-depth: 0" in said["--depth=1"][0]
    # in the terminal, after the files' own warnings, where it is seen: not buried above them
    clone = tmp_path / "depth=1"
    write_entry(clone / "entries", "thin", VALID.replace("A valid entry", "Thin"), "Only.\n")
    out = subprocess.run([sys.executable, "-m", "kb", "build", "--full", "--entries",
                          str(clone / "entries"), "--index", str(tmp_path / "ix-cli")],
                         capture_output=True, text=True, check=True).stderr.splitlines()
    assert "thin.md" in out[0] and "shallow" in out[-2] and out[-1].startswith("indexed")
