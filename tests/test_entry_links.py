"""The links inside entries to the site, as kb check reads them from the entry files."""

from __future__ import annotations

import pytest

from kb.entry_links import entry_link_problems
from kb.taxonomy import load_taxonomy
from kb.validate import load_entries
from tests.conftest import FIXTURES, VALID, write_entry


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(FIXTURES / "taxonomy.yaml")


def test_links_inside_entries_are_checked_against_the_entries(entries_dir, taxonomy):
    """A link to another entry, a heading in it or in this entry, a term's page or a search
    must find its page; an old address that redirects is a warning naming the new one."""
    write_entry(entries_dir, "target", VALID.replace("A valid entry", "Target") +
                "aliases: [old-target]")
    body = ("## What they did\n\n"
            "[a](/entries/target) [b](/entries/target#learning-points) [c](#what-they-did)\n"
            "[d](/entries/targt)\n[e](/entries/target#learning-pionts)\n[f](#nowhere)\n"
            "[g](/principles/full-cost-recovry)\n[h](/search?sector=helth)\n"
            "[i](/entries/old-target) [j](https://example.org/x) [k](/search?q=grants)\n\n"
            "## Learning points\n\n- A lesson.\n")
    path = write_entry(entries_dir, "linking", VALID, body=body)
    entries, found = load_entries(entries_dir, taxonomy)
    assert not [p for p in found if p.severity == "error"]
    problems = entry_link_problems(entries_dir, entries, taxonomy)
    lines = path.read_text(encoding="utf-8").split("\n")
    said = {lines[p.line - 1].split("](")[1].split(")")[0]: (p.severity, p.message)
            for p in problems if p.path == "linking.md"}
    assert set(said) == {"/entries/targt", "/entries/target#learning-pionts", "#nowhere",
                         "/principles/full-cost-recovry", "/search?sector=helth",
                         "/entries/old-target"}, said
    assert said["/entries/targt"] == ("error", "there is no entry at /entries/targt: did you "
                                               "mean /entries/target?")
    assert "did you mean 'learning-points'" in said["/entries/target#learning-pionts"][1]
    assert said["#nowhere"][0] == "error" and "no heading 'nowhere' in this entry" in \
        said["#nowhere"][1]
    assert "did you mean 'full-cost-recovery'" in said["/principles/full-cost-recovry"][1]
    assert "did you mean 'health'" in said["/search?sector=helth"][1]
    assert said["/entries/old-target"] == (
        "warning", "/entries/old-target now redirects to /entries/target: update the link")


def test_kb_check_reports_a_broken_link_inside_an_entry(entries_dir):
    from tests.test_cli import kb

    write_entry(entries_dir, "linking", VALID, body="## What they did\n\nSee [x](/entries/"
                "nowhere-at-all).\n\n## Learning points\n\n- A.\n")
    out = kb("check", "--entries", str(entries_dir))
    assert out.returncode == 1
    assert "linking.md:15: error: there is no entry at /entries/nowhere-at-all" in out.stdout


def test_a_link_in_code_is_shown_not_followed(entries_dir, taxonomy):
    body = ("## What they did\n\nWrite `[x](/entries/nowhere)` to link.\n\n```\n"
            "[y](/entries/nowhere-else)\n```\n\n## Learning points\n\n- A.\n")
    write_entry(entries_dir, "code", VALID, body=body)
    entries, _ = load_entries(entries_dir, taxonomy)
    assert entry_link_problems(entries_dir, entries, taxonomy) == []


def test_links_that_work_only_in_an_editor_are_errors_naming_the_address(entries_dir,
                                                                         taxonomy):
    write_entry(entries_dir, "target", VALID.replace("A valid entry", "Target"))
    body = ("## What they did\n\n[a](target.md) [b](../entries/target.md)\n"
            "[c](http://127.0.0.1:8080/entries/target) [d](mailto:x@example.org)\n"
            "[e](other-thing) [f](www.example.org/report.pdf)\n[g](https//example.org/x) "
            "[h](grants@example.org) [i](report.docx)\n\n## Learning points\n\n- A.\n")
    write_entry(entries_dir, "linking", VALID, body=body)
    entries, _ = load_entries(entries_dir, taxonomy)
    said = [p.message for p in entry_link_problems(entries_dir, entries, taxonomy)]
    assert said == [
        "the link 'target.md' leads to this file, which the site does not serve: write the "
        "site's address, /entries/target",
        "the link '../entries/target.md' leads to this file, which the site does not serve: "
        "write the site's address, /entries/target",
        "the link 'http://127.0.0.1:8080/entries/target' leads to a preview on this computer: "
        "write the site's address, /entries/target",
        "the link 'other-thing' leads to this file, which the site does not serve: write the "
        "site's address, /entries/<slug> of the entry meant",
        "the link 'www.example.org/report.pdf' has no https:// before it, so the page takes it "
        "for a file beside the entry: write https://www.example.org/report.pdf",
        "the link 'https//example.org/x' is missing the ':' after http(s): write "
        "https://example.org/x",
        "the link 'grants@example.org' is an email address: write mailto:grants@example.org",
        "the link 'report.docx' leads to a document beside the entry, which the site does not "
        "serve: link to its published copy (its https:// address), or name it under "
        "'sources'"], said


def test_a_link_to_a_file_on_a_shared_drive_is_not_told_to_link_to_an_entry(entries_dir,
                                                                             taxonomy):
    """'\\\\server\\share\\plan.docx' is no entry's file: the text checks say to link to
    the published copy; the links' checks add nothing about /entries/<slug>."""
    body = ("## What they did\n\n[the plan](\\\\server\\share\\plan.docx) and "
            "[it](C:\\Reports\\plan.pdf)\n\n## Learning points\n\n- A.\n")
    write_entry(entries_dir, "linking", VALID, body=body)
    entries, problems = load_entries(entries_dir, taxonomy, drafts=True)
    assert entry_link_problems(entries_dir, entries, taxonomy) == []
    assert {p.message.split(" only works")[0] for p in problems if p.severity == "error"} == {
        "the link '\\\\server\\share\\plan.docx'", "the link 'C:\\Reports\\plan.pdf'"}


def test_an_address_in_capitals_is_told_it_is_lower_case(entries_dir, taxonomy):
    """/entries/Target-Entry redirects, so it is told the address to write; the site does
    not redirect /entries/Target-Entry/history, so that is broken."""
    write_entry(entries_dir, "target-entry", VALID.replace("A valid entry", "Target"))
    write_entry(entries_dir, "linking", VALID, body="## What they did\n\n[a](/entries/"
                "Target-Entry) [b](/entries/Target-Entry/history)\n\n## Learning points"
                "\n\n- A.\n")
    entries, _ = load_entries(entries_dir, taxonomy)
    respelt, broken = entry_link_problems(entries_dir, entries, taxonomy)
    assert "/entries/target-entry" in respelt.message and "history" not in respelt.message
    assert broken.message == ("there is no page at /entries/Target-Entry/history: addresses "
                              "are in lower case; did you mean /entries/target-entry/history?")


def test_an_entry_with_an_error_in_its_fields_still_has_its_links_checked_and_linked_to(
        entries_dir, taxonomy):
    """A misspelt tag in one entry: its own broken link is reported with it (every mistake
    at once), and a good link from another entry to its heading or its old address is no
    false alarm (the old address is told the new one, as always). A file whose front
    matter cannot be read at all is not judged by its headings."""
    write_entry(entries_dir, "target", VALID.replace("[health]", "[helth]") +
                "aliases: [old-target]", body="## What they did\n\n[x](/entries/nope)\n\n"
                "## Outcomes\n\nDone.\n\n## Learning points\n\n- A.\n")
    (entries_dir / "unreadable.md").write_text("---\ntitle: [unclosed\n---\n## Outcomes\n")
    write_entry(entries_dir, "linking", VALID, body="## What they did\n\n"
                "[a](/entries/target#outcomes) [b](/entries/old-target) "
                "[c](/entries/unreadable#outcomes)\n\n## Learning points\n\n- A.\n")
    drafts, found = load_entries(entries_dir, taxonomy, drafts=True)
    assert {p.path for p in found if p.severity == "error"} == {"target.md", "unreadable.md"}
    problems = entry_link_problems(entries_dir, drafts, taxonomy)
    assert sorted((p.path, p.severity, p.message) for p in problems) == [
        ("linking.md", "warning", "/entries/old-target now redirects to /entries/target: "
                                  "update the link"),
        ("target.md", "error", "there is no entry at /entries/nope: find the entry on the "
                               "site and link to the address its page shows")]


def test_an_image_or_a_footnote_is_named_for_what_it_is_not_as_a_broken_link(entries_dir,
                                                                            taxonomy):
    """'![Chart](images/chart.png)' had been told it 'leads to this file', and a footnote's
    '[^1]: Council minutes' that 'Council' was a link."""
    path = write_entry(entries_dir, "pictured", VALID, body="## What they did\n\n"
                       "Grants rose.[^1] ![Chart of grants](images/chart.png)\n\n"
                       "[^1]: Council minutes, 2009.\n\n## Learning points\n\n- A.\n")
    entries, found = load_entries(entries_dir, taxonomy)
    assert entry_link_problems(entries_dir, entries, taxonomy) == []
    lines = path.read_text(encoding="utf-8").split("\n")
    said = [(lines[p.line - 1][:12], p.message.split(":")[0]) for p in found]
    assert ("Grants rose.", "an image") in said
    assert ("Grants rose.", "a footnote '[^1]'") in said
    assert ("[^1]: Counci", "a footnote '[^1]'") in said


def test_a_full_address_of_the_site_is_checked_when_the_site_is_known(entries_dir, taxonomy,
                                                                      monkeypatch):
    """Staff copy addresses from the browser: with KB_BASE_URL set, a link written in full
    to the site is checked as a link from / is; one to another site is not."""
    write_entry(entries_dir, "target", VALID.replace("A valid entry", "Target"))
    body = ("## What they did\n\n[a](https://practice.example.org/entries/targt) "
            "[b](https://elsewhere.example.org/entries/targt)\n\n## Learning points\n\n- A.\n")
    write_entry(entries_dir, "linking", VALID, body=body)
    entries, _ = load_entries(entries_dir, taxonomy)
    assert entry_link_problems(entries_dir, entries, taxonomy) == []  # the site unknown
    monkeypatch.setenv("KB_BASE_URL", "https://practice.example.org")
    [problem] = entry_link_problems(entries_dir, entries, taxonomy)
    assert "there is no entry at /entries/targt: did you mean /entries/target?" in \
        problem.message
