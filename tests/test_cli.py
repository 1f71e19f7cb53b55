import json
import re
import subprocess
import sys

from tests.conftest import FIXTURES, ROOT, VALID, write_entry


def kb(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


def test_check_is_silent_on_the_test_entries():
    out = kb("check", "--entries", str(FIXTURES))
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_check_names_file_line_field_and_value(entries_dir):
    write_entry(entries_dir, "good", VALID)
    write_entry(entries_dir, "bad", VALID.replace("[partnership-working]", "[full-cost-recovry]")
                .replace("A valid entry", "A broken entry"))
    out = kb("check", "--entries", str(entries_dir))
    assert out.returncode == 1
    line = f"{entries_dir.as_posix()}/bad.md:4: error: 'principles': unknown value"
    assert out.stdout.startswith(line), out.stdout
    assert "full-cost-recovry" in out.stdout and "full-cost-recovery" in out.stdout
    assert "Traceback" not in out.stderr


def test_check_strict_and_json(entries_dir):
    write_entry(entries_dir, "thin", VALID, body="Only text.\n")
    assert kb("check", "--entries", str(entries_dir)).returncode == 0
    assert kb("check", "--entries", str(entries_dir), "--strict").returncode == 1
    data = json.loads(kb("check", "--entries", str(entries_dir), "--format", "json").stdout)
    assert {d["severity"] for d in data} == {"warning"} and data[0]["line"] == 13


def test_check_lists_errors_before_warnings_and_ends_with_a_tally(entries_dir):
    """Many warnings must not bury an error: errors come first, and the tally (on stderr,
    where a terminal leaves it in view) says how many of each and which stop publication."""
    write_entry(entries_dir, "a-thin", VALID.replace("A valid entry", "Thin"), body="Only.\n")
    write_entry(entries_dir, "z-bad", VALID.replace("[health]", "[helth]"))
    (entries_dir / "synonyms.yaml").write_text("- [pilot, pilot]\n")  # a vocabulary warning
    out = kb("check", "--entries", str(entries_dir))
    lines = out.stdout.splitlines()
    assert out.returncode == 1 and ": error: " in lines[0] and "z-bad.md" in lines[0], lines
    assert any("a-thin.md" in line and ": warning: " in line for line in lines[1:])
    assert "synonyms.yaml" in lines[1] and ": warning: " in lines[1]  # warnings: its first
    warnings = sum(": warning: " in line for line in lines)
    assert out.stderr == f"kb check: 1 error(s), listed first, and {warnings} warning(s); " \
                         "only errors stop publication\n"
    (entries_dir / "z-bad.md").unlink()
    strict = kb("check", "--entries", str(entries_dir), "--strict")
    assert strict.returncode == 1 and strict.stderr.startswith("kb check: no errors and ")
    assert "--strict fails on warnings too" in strict.stderr
    quiet = kb("check", "--entries", str(entries_dir), "--format", "json")  # a document only
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_build_then_search_in_the_terminal(entries_dir, tmp_path):
    write_entry(entries_dir, "funding-example", VALID.replace("A valid entry", "Hospice funding"))
    out = kb("build", "--entries", str(entries_dir), "--index", str(tmp_path / "ix"))
    assert out.returncode == 0, out.stderr
    out = kb("search", "hospice", "--sector", "health", "--index", str(tmp_path / "ix"))
    assert out.returncode == 0
    assert out.stdout.startswith("1 result for ‘hospice’ in Health")
    assert "/entries/funding-example" in out.stdout
    data = json.loads(kb("search", "--json", "--index", str(tmp_path / "ix")).stdout)
    assert data["total"] == 1


def test_search_in_the_terminal_says_the_pages_notes_and_marks_results_for_a_topic(
        index_dir):
    """As the web page: the notes under the result sentence (how the words matched, topics
    named), and which results are there for a topic alone, without the words."""
    out = kb("search", "reporting burden", "--index", str(index_dir))
    page = json.loads(kb("search", "reporting burden", "--json", "--index",
                         str(index_dir)).stdout)
    assert out.returncode == 0 and page["notes"]
    for note in page["notes"]:
        assert f"\n{note}\n" in out.stdout
    alone = [r for r in page["results"] if not r["matched"]["words"]]
    assert alone and out.stdout.count("(here for a topic your words name)") == len(alone)


def test_build_failure_exits_non_zero_with_file_line(entries_dir, tmp_path):
    write_entry(entries_dir, "bad", VALID.replace("2009-01-05", "2009-02-30"))
    out = kb("build", "--entries", str(entries_dir), "--index", str(tmp_path / "ix"))
    assert out.returncode == 1
    assert "bad.md:6: error:" in out.stderr and "index was not changed" in out.stderr


def test_missing_index_is_a_clear_message(tmp_path):
    out = kb("search", "x", "--index", str(tmp_path / "none"))
    assert out.returncode == 1 and "run `kb build` first" in out.stderr
    assert "Traceback" not in out.stderr


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text()
    help_text = kb("--help").stdout
    commands = re.findall(r"^  (\w+)\s", help_text.split("Commands:")[1], re.M)
    assert commands
    for command in commands:
        assert f"kb {command}" in readme, command


def test_export_lists_every_published_entry(index_dir):
    import csv
    import io

    data = json.loads(kb("export", "--index", str(index_dir)).stdout)
    table = kb("export", "--format", "csv", "--index", str(index_dir)).stdout
    assert table.startswith("\ufeffslug,")  # as /search.csv: the mark spreadsheets need
    rows = list(csv.DictReader(io.StringIO(table.removeprefix("\ufeff"))))
    assert len(data) == len(rows) == len(list(FIXTURES.glob("*.md")))
    assert [d["slug"] for d in data] == [r["slug"] for r in rows]
    assert data[0]["published"] >= data[-1]["published"]
    assert [d["added"] or "" for d in data] == [r["added"] for r in rows]
    # a withdrawn example is still published: exported with the day it was withdrawn
    assert [d["withdrawn"] or "" for d in data] == [r["withdrawn"] for r in rows]
    bare = kb("export", "--base-url", "x.org", "--index", str(index_dir))
    assert bare.returncode == 1 and "'x.org' is not a site's address" in bare.stderr


def test_version_and_help_for_repeatable_options():
    out = kb("--version")
    assert out.returncode == 0 and re.fullmatch(r"kb, version \d+\.\d+\.\d+\n", out.stdout)
    help_text = " ".join(kb("search", "--help").stdout.split())
    assert "repeat the option for several" in help_text
    assert "one of: partnership-working," in help_text and "one of: analyse, plan," in help_text


GITHUB_COMMAND = re.compile(  # GitHub's documented workflow command: ::level file=F,line=N::msg
    r"^::(error|warning) file=(?P<file>[^,:]+),line=(?P<line>\d+)::(?P<message>[^\r\n]*)$")


def test_check_prints_github_annotations_on_the_lines_of_the_files(entries_dir):
    write_entry(entries_dir, "bad", VALID.replace("[partnership-working]", "[full-cost-recovry]")
                .replace("A valid entry", "A broken entry"))
    write_entry(entries_dir, "warned", VALID, body="## What they did\n\nText, 100% done.\n")
    out = kb("check", "--format", "github", "--entries", str(entries_dir))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines and all(GITHUB_COMMAND.match(line) for line in lines), lines
    first = GITHUB_COMMAND.match(lines[0])
    assert first.group(1) == "error" and first.group("line") == "4"
    assert first.group("file") == f"{entries_dir.as_posix()}/bad.md"
    assert any(line.startswith("::warning file=") and "Learning points" in line
               for line in lines)


def test_check_with_files_ignores_other_drafts_but_not_clashing_slugs(entries_dir):
    good = write_entry(entries_dir, "good", VALID)
    write_entry(entries_dir, "draft", "title: [half written")  # an unfinished draft
    assert kb("check", "--entries", str(entries_dir)).returncode == 1
    out = kb("check", str(good), "--entries", str(entries_dir))
    assert (out.returncode, out.stdout) == (0, "")
    write_entry(entries_dir / "sub", "good", VALID)
    out = kb("check", str(good), "--entries", str(entries_dir))
    assert out.returncode == 1 and "slug 'good' is also used by sub/good.md" in out.stdout


def test_github_annotations_escape_as_documented():
    from kb.entry import Problem, github_annotation

    line = github_annotation("entries/a,b:c.md", Problem("a.md", 3, "warning", "50% done\nnext"))
    assert line == "::warning file=entries/a%2Cb%3Ac.md,line=3::50%25 done%0Anext"


def test_search_text_may_start_with_an_exclusion(tmp_path):
    """'-funding' is a search for what does not say funding, not an unknown option."""
    index = tmp_path / "ix"
    assert kb("build", "--entries", str(FIXTURES), "--index", str(index)).returncode == 0
    out = kb("search", "-funding", "--index", str(index))
    assert out.returncode == 0 and "for ‘-funding’" in out.stdout, out.stderr


def test_an_index_path_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "ix").write_text("not an index")
    out = kb("build", "--entries", str(FIXTURES), "--index", str(tmp_path / "ix"))
    assert out.returncode == 2 and "is a file" in out.stderr and "Traceback" not in out.stderr
    out = kb("build", "--entries", str(FIXTURES), "--index", str(tmp_path / "ix" / "sub"))
    assert out.returncode == 1 and "Not a directory" in out.stderr and "/ix/sub" in out.stderr and \
        "Traceback" not in out.stderr
    assert (tmp_path / "ix").read_text() == "not an index"


def test_the_vocabularies_problems_come_first(entries_dir):
    """An unknown value in every entry may only follow from a broken taxonomy: its cause is
    printed first."""
    write_entry(entries_dir, "aaa", VALID)
    taxonomy = entries_dir / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("    health:", "    Health:", 1))
    out = kb("check", "--entries", str(entries_dir))
    lines = out.stdout.splitlines()
    assert out.returncode == 1 and "taxonomy.yaml:" in lines[0], lines
    assert any("aaa.md:" in line for line in lines[1:]), lines


def test_a_folder_or_a_file_in_the_wrong_place_is_named(entries_dir):
    write_entry(entries_dir, "aaa", VALID)
    out = kb("check", "--entries", str(entries_dir), str(entries_dir))
    assert out.returncode == 1 and "a folder: give entry files" in out.stdout
    out = kb("check", "--entries", str(entries_dir / "aaa.md"))
    assert out.returncode == 1 and "a file, not the entries folder" in out.stderr


def test_a_link_to_nothing_on_the_site_stops_the_build_as_kb_check(entries_dir, tmp_path):
    """The build judges the links of the files it reads as `kb check` does: a link to a
    heading another entry lacks is an error there too, and the index is not changed."""
    write_entry(entries_dir, "target", VALID.replace("A valid entry", "The target"))
    body = "## What they did\n\nSee [it](/entries/target#learning-point).\n"
    assert kb("build", "--entries", str(entries_dir), "--index", str(tmp_path / "ix")
              ).returncode == 0
    write_entry(entries_dir, "linking", VALID.replace("A valid entry", "Linking"), body=body)
    out = kb("build", "--entries", str(entries_dir), "--index", str(tmp_path / "ix"))
    assert out.returncode == 1 and "index was not changed" in out.stderr
    assert "linking.md:15: error: no heading 'learning-point' in /entries/target" in out.stderr
    assert json.loads(kb("search", "--json", "--index", str(tmp_path / "ix")).stdout)[
        "total"] == 1


def test_a_build_that_deletes_a_linked_entry_stops_as_a_full_one(entries_dir, tmp_path):
    """Deleting an entry, or taking out an alias, that another entry links to is an error in
    an incremental build too, named on the file that links; the index is not changed."""
    write_entry(entries_dir, "target", VALID.replace("A valid entry", "The target").replace(
        "published:", "aliases: [old-target]\npublished:"))
    write_entry(entries_dir, "linking", VALID.replace("A valid entry", "Linking"), body=(
        "## What they did\n\nSee [it](/entries/old-target).\n"))
    index = ["--entries", str(entries_dir), "--index", str(tmp_path / "ix")]
    assert kb("build", *index).returncode == 0
    write_entry(entries_dir, "target", VALID.replace("A valid entry", "The target"))
    out = kb("build", *index)
    assert out.returncode == 1 and "linking.md:15: error:" in out.stderr, out.stderr
    (entries_dir / "target.md").unlink()
    out = kb("build", *index)
    assert out.returncode == 1 and "linking.md:15: error:" in out.stderr, out.stderr
    assert json.loads(kb("search", "--json", "--index", str(tmp_path / "ix")).stdout)[
        "total"] == 2


def test_check_with_files_judges_their_links_against_every_entry(entries_dir):
    """A pre-commit check of one file reads another entry only when a link needs it: its
    headings, or its old addresses (a link to one is a warning naming the new address)."""
    write_entry(entries_dir, "target", VALID.replace(
        "A valid entry", "The target").replace("published:", "aliases: [old-target]\npublished:"))
    linking = write_entry(entries_dir, "linking", VALID, body=(
        "## What they did\n\nSee [it](/entries/target#nowhere) and [old](/entries/old-target)."
        "\n"))
    out = kb("check", str(linking), "--entries", str(entries_dir))
    assert out.returncode == 1
    assert "linking.md:15: error: no heading 'nowhere' in /entries/target" in out.stdout
    assert "linking.md:15: warning:" in out.stdout and "/entries/target" in out.stdout
