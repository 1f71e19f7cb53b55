import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from kb.entry_files import scan_entry_stats
from kb.synonyms import synonym_problems
from kb.taxonomy import load_taxonomy, taxonomy_problems
from kb.validate import check_files, load_entries, read_entry
from tests.conftest import FIXTURES, VALID, write_entry

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED = yaml.safe_load((BAD / "expected.yaml").read_text())


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(FIXTURES / "taxonomy.yaml")


def test_valid_entry_reads_into_a_frozen_entry(entries_dir, taxonomy):
    path = write_entry(entries_dir, "good-one", VALID + "stages: [plan]\nregions: [london]")
    entry, problems = read_entry(path, "good-one.md", taxonomy)
    assert problems == []
    assert entry.slug == "good-one"
    assert entry.principles == ("partnership-working",)
    assert entry.stages == ("plan",) and entry.regions == ("london",)
    assert str(entry.published) == "2009-01-05"
    with pytest.raises(AttributeError):
        entry.title = "changed"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_entry_is_rejected_naming_field_and_line(name, taxonomy):
    expected = EXPECTED[name]
    entry, problems = read_entry(BAD / name, name, taxonomy)
    errors = [p for p in problems if p.severity == "error"]
    assert entry is None
    assert errors, f"{name} was accepted"
    matching = [p for p in errors if all(s in p.message for s in expected["says"])]
    assert matching, f"{name}: no error says {expected['says']}: {[str(p) for p in errors]}"
    assert matching[0].line == expected["line"], str(matching[0])


def test_every_bad_file_has_an_expectation():
    files = {p.name for p in BAD.glob("*.md")}
    assert files == set(EXPECTED)
    assert len(files) >= 25


def test_all_bad_entries_reported_in_one_run(tmp_path, taxonomy):
    _, problems = load_entries(BAD, taxonomy)
    reported = {p.path for p in problems if p.severity == "error"}
    assert reported == set(EXPECTED)
    assert problems == sorted(problems)


def test_several_problems_in_one_file_are_all_reported(entries_dir, taxonomy):
    path = write_entry(entries_dir, "many", """
        title: Many problems
        summary: Fine.
        principles: [partnership-workin, nonsense]
        sectors: health
        published: 2009-13-01
        colour: blue
    """)
    _, problems = read_entry(path, "many.md", taxonomy)
    lines = sorted((p.line, p.message.split(":")[0]) for p in problems if p.severity == "error")
    assert [line for line, _ in lines] == [4, 4, 5, 6, 7]


def test_bom_and_crlf_are_accepted(entries_dir, taxonomy):
    path = entries_dir / "bom.md"
    text = "---\n" + VALID.strip() + "\n---\n## What they did\n\nx\n\n## Learning points\n\ny\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    entry, problems = read_entry(path, "bom.md", taxonomy)
    assert problems == [] and entry.title == "A valid entry"


def test_missing_sections_are_warnings_not_errors(entries_dir, taxonomy):
    path = write_entry(entries_dir, "thin", VALID, body="Just a paragraph.\n")
    entry, problems = read_entry(path, "thin.md", taxonomy)
    assert entry is not None
    assert {p.severity for p in problems} == {"warning"}
    assert any("What they did" in p.message for p in problems)
    assert any("Learning points" in p.message for p in problems)


def test_slugs_unique_across_subfolders_and_aliases(entries_dir, taxonomy):
    write_entry(entries_dir, "same", VALID)
    write_entry(entries_dir / "health", "same", VALID)
    write_entry(entries_dir, "other", VALID + "aliases: [third]")
    write_entry(entries_dir, "third", VALID)
    entries, problems = load_entries(entries_dir, taxonomy)
    messages = [str(p) for p in problems if p.severity == "error"]
    assert any(m.startswith("health/same.md:1:") and "also used by same.md" in m
               for m in messages)
    assert any(m.startswith("other.md:12:") and "alias 'third'" in m for m in messages)
    assert [e.slug for e in entries] == ["third"]


def test_old_term_slug_is_a_warning_and_canonicalised(entries_dir):
    data = yaml.safe_load((entries_dir / "taxonomy.yaml").read_text())
    data["sectors"]["terms"]["health"]["aliases"] = ["nhs"]
    (entries_dir / "taxonomy.yaml").write_text(yaml.safe_dump(data))
    taxonomy = load_taxonomy(entries_dir / "taxonomy.yaml")
    path = write_entry(entries_dir, "old-term", VALID.replace("[health]", "[nhs]"))
    entry, problems = read_entry(path, "old-term.md", taxonomy)
    assert entry.sectors == ("health",)
    assert [p.severity for p in problems] == ["warning"]


@pytest.mark.parametrize("text,expected", [
    ("- [PCT, primary care trust]\n- [BME, black and minority ethnic]\n", []),
    ("", []),
    ("- [PCT, primary care trust\n", ["synonyms.yaml:1: error: not valid YAML"]),
    ("PCT: primary care trust\n", ["synonyms.yaml:1: error: synonyms.yaml must be a list"]),
    ("- [PCT]\n", ["synonyms.yaml:1: error: each group must be a list of at least two"]),
    ("- [PCT, <b>trust</b>]\n", ["synonyms.yaml:1: error: '<b>trust</b>' must be plain words"]),
    ("- [ABG, area grant]\n- [LAA, [local area agreement]]\n",
     ["synonyms.yaml:2: error: a group's items are words or phrases, not a list inside"]),
    ("- [EU, European Union, eu]\n",
     ["synonyms.yaml:1: warning: 'eu' is listed twice in this group"]),
    ("- [VCS, third sector]\n- [Third  Sector, TSO]\n",
     ["synonyms.yaml:2: error: 'Third  Sector' is already in the group on line 1"]),
])
def test_synonym_file_problems_name_the_line(tmp_path, text, expected):
    path = tmp_path / "synonyms.yaml"
    path.write_text(text)
    found = [str(p) for p in synonym_problems(path)]
    assert len(found) == len(expected), found
    assert all(f.startswith(e) for f, e in zip(found, expected, strict=True)), found


def test_vocabulary_words_under_two_terms_or_not_a_list_are_named(tmp_path):
    text = (FIXTURES / "taxonomy.yaml").read_text()
    assert "words: [joint working," in text
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text.replace("words: [joint working,", "words: [grant aid, joint working,"))
    found = [str(p) for p in taxonomy_problems(path)]
    assert any("'grant aid'" in f for f in found), found
    assert taxonomy_problems(FIXTURES / "taxonomy.yaml") == []
    assert taxonomy_problems(tmp_path / "missing.yaml") == []


def test_sources_must_let_a_reader_find_them_again(entries_dir, taxonomy):
    def bare(name: str) -> str:  # each its own title: two alike would add a warning
        return VALID.split("sources:")[0].replace("A valid entry", name)

    write_entry(entries_dir, "none", bare("None"))
    write_entry(entries_dir, "printed", bare("printed") + "sources:\n  - title: A printed report\n"
                "    publisher: Commission for the Compact\n    date: 2008-12")
    write_entry(entries_dir, "vague", bare("vague") + "sources:\n  - title: Something we read")
    write_entry(entries_dir, "bad", bare("bad") + "sources:\n  - title: A page\n"
                "    url: https://example.org/\n    publisher: A body\n    date: 12/2008")
    write_entry(entries_dir, "later", bare("later") + "sources:\n  - title: A page\n"
                "    url: https://example.org/\n    publisher: A body\n    date: 2999-12-02")
    _, problems = load_entries(entries_dir, taxonomy)
    said = {(p.path, p.severity): p.message for p in problems}
    assert "no 'sources'" in said[("none.md", "warning")]
    assert ("printed.md", "warning") not in said and ("printed.md", "error") not in said
    assert "neither a 'url' nor a 'publisher'" in said[("vague.md", "warning")] \
        or "no 'date'" in said[("vague.md", "warning")]
    assert sum(p.path == "vague.md" for p in problems) == 2
    assert "source date '12/2008' must be YYYY-MM-DD" in said[("bad.md", "error")]
    assert "source date '2999-12-02' is after today" in said[("later.md", "error")]


def test_source_publisher_and_date_reach_the_entry(entries_dir, taxonomy):
    path = write_entry(entries_dir, "full", VALID)
    entry, problems = read_entry(path, "full.md", taxonomy)
    assert problems == []
    assert (entry.sources[0].publisher, entry.sources[0].date) == ("Northfield District Council",
                                                                   "2009-01-05")


def test_fast_yaml_parser_gives_the_pure_parsers_tree():
    """Front matter is composed by libyaml when PyYAML has it; line numbers, values and
    styles must be what the pure-Python parser gives (the error messages depend on them)."""
    import yaml

    from kb.front_matter import compose_yaml

    def shape(node):
        if isinstance(node, yaml.ScalarNode):
            return (node.tag, node.value, node.style, node.start_mark.line,
                    node.start_mark.column, node.end_mark.line, node.end_mark.column)
        kids = node.value if isinstance(node, yaml.SequenceNode) else \
            [n for pair in node.value for n in pair]
        return (node.tag, node.start_mark.line, [shape(k) for k in kids])

    texts = [p.read_text(encoding="utf-8").split("\n---\n")[0][4:]
             for p in FIXTURES.glob("*.md")]
    texts += [VALID, "a: &x [1, 2]\nb: *x\nc: 'quoted'\nd: |\n  block\ne: >-\n  folded\n"]
    for text in texts:
        assert shape(compose_yaml(text)) == shape(yaml.compose(text, Loader=yaml.SafeLoader))


def test_a_source_problem_is_on_the_line_of_its_key(entries_dir, taxonomy):
    bare = VALID.split("sources:")[0]
    write_entry(entries_dir, "odd", bare + "sources:\n  - title: A page\n"
                "    url: https://example.org/page\n    publsher: A body\n    date: Sept 2017")
    _, problems = load_entries(entries_dir, taxonomy)
    said = sorted((p.line, p.severity, p.message.split(":")[0]) for p in problems)
    assert said == [(10, "error", "source has unknown key 'publsher' (did you mean 'publisher'?);"
                                  " a source's keys are title, url, publisher, date"),
                    (11, "error", "source date 'Sept 2017' must be YYYY-MM-DD (or YYYY-MM, or "
                                  "YYYY when the source gives only that)")]


def test_files_meant_as_entries_but_not_read_are_reported(entries_dir, taxonomy):
    """A file nothing would publish must not pass in silence: Foo.MD, foo.markdown, a hidden
    .foo.md and a link are each an error; README.md and notes are left alone."""
    write_entry(entries_dir, "good-one", VALID)
    for name in ("Upper.MD", "long.markdown", ".hidden.md", "README.md", "saved-as.txt",
                 "typed.md.txt", "spaced.md ", "no-extension", "good-one.md~", "Café Talk.MD"):
        (entries_dir / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    for name in ("plain-notes", "notes.txt"):
        (entries_dir / name).write_text("not an entry", encoding="utf-8")
    (entries_dir / "dangling.md").symlink_to(entries_dir / "nowhere.md")
    (entries_dir / "folder-link.md").symlink_to(entries_dir)
    assert scan_entry_stats(entries_dir)[0] == ["good-one.md"]  # what a build reads
    entries, problems = load_entries(entries_dir, taxonomy)
    assert [e.slug for e in entries] == ["good-one"]
    said = {p.path: p.message for p in problems if p.severity == "error"}
    assert said == {
        "typed.md.txt": "not read as an entry: rename it 'typed.md'",
        "spaced.md ": "not read as an entry: rename it 'spaced.md'",
        "no-extension": "not read as an entry: rename it 'no-extension.md'",
        "saved-as.txt": "not read as an entry: rename it 'saved-as.md'",
        "Café Talk.MD": "not read as an entry: rename it 'cafe-talk.md'",
        "Upper.MD": "not read as an entry: rename it 'upper.md'",
        "long.markdown": "not read as an entry: rename it 'long.md'",
        ".hidden.md": "not read as an entry: rename it 'hidden.md'",
        "dangling.md": "not read as an entry: it is a link: put the entry itself in the folder",
        "folder-link.md": "not read as an entry: it is a link: put the entry itself in the "
                          "folder",
    }


def test_checking_given_paths_reports_those_that_are_not_entries(entries_dir, taxonomy,
                                                                 tmp_path):
    write_entry(entries_dir, "good-one", VALID)
    (tmp_path / "outside.md").write_text("x", encoding="utf-8")
    (entries_dir / "notes.txt").write_text("x", encoding="utf-8")
    problems = check_files(entries_dir, [entries_dir / "good-one.md", entries_dir / "gone.md",
                                         entries_dir / "notes.txt", tmp_path / "outside.md"],
                           taxonomy)
    said = {p.path: p.message for p in problems}
    assert said["gone.md"] == "no such file"
    assert said["notes.txt"].startswith("not an entry")
    assert "not in the entries folder" in said[(tmp_path / "outside.md").as_posix()]
    assert "good-one.md" not in said


def test_the_text_is_checked_even_when_the_front_matter_cannot_be_read(entries_dir, taxonomy):
    path = write_entry(entries_dir, "broken", VALID.replace("[health]", "[health"),
                       body="## What they did\n\n[Replace this: what they did]\n")
    _, problems = read_entry(path, "broken.md", taxonomy)
    said = [p.message for p in problems]
    assert any("is not closed" in m for m in said)
    assert any(m.startswith("replace the placeholder") for m in said)
    assert any("no '## Learning points' section" in m for m in said)


def test_a_repeated_section_heading_is_a_warning_at_its_line(entries_dir, taxonomy):
    path = write_entry(entries_dir, "twice", VALID, body="## What they did\n\nA.\n\n"
                       "## Learning points\n\n- B.\n\n## What they did\n\nC.\n")
    _, problems = read_entry(path, "twice.md", taxonomy)
    [warning] = [p for p in problems if "second section" in p.message]
    assert warning.severity == "warning" and "'What they did'" in warning.message
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[warning.line - 1] == "## What they did" and warning.line > 12


def test_a_file_name_in_capitals_beside_its_lowercase_twin_says_so(entries_dir, taxonomy):
    write_entry(entries_dir, "twin", VALID)
    path = write_entry(entries_dir, "Twin", VALID)
    _, problems = read_entry(path, "Twin.md", taxonomy)
    assert any("'twin.md' exists already: merge the two" in p.message for p in problems)


def test_raw_html_in_the_text_is_a_warning_at_its_line(entries_dir, taxonomy):
    path = write_entry(entries_dir, "html", VALID, body="## What they did\n\nA.\n\n"
                       "<script>alert(1)</script>\n\n## Learning points\n\n- B.\n")
    entry, problems = read_entry(path, "html.md", taxonomy)
    [warning] = [p for p in problems if "shown as text, not as HTML" in p.message]
    assert entry is not None and "'<script>'" in warning.message
    assert path.read_text(encoding="utf-8").split("\n")[warning.line - 1].startswith("<script>")


def test_headings_that_link_alike_are_a_warning_at_the_later_one(entries_dir, taxonomy):
    """'Learning points!' above 'Learning points' takes its link, #learning-points: every
    link to the section would land on the wrong heading."""
    path = write_entry(entries_dir, "alike", VALID, body="## What they did\n\nA.\n\n"
                       "## Learning points!\n\nB.\n\n## Learning points\n\n- C.\n")
    _, problems = read_entry(path, "alike.md", taxonomy)
    [warning] = [p for p in problems if "links need headings that differ" in p.message]
    assert "links as #learning-points, as 'Learning points!' does" in warning.message
    assert path.read_text(encoding="utf-8").split("\n")[warning.line - 1] == \
        "## Learning points"


def test_every_line_with_html_or_an_html_comment_is_a_warning(entries_dir, taxonomy):
    path = write_entry(entries_dir, "tags", VALID, body="## What they did\n\n<b>A</b>.\n\n"
                       "<i>B</i>\n\n<!-- TODO check this -->\n\n## Learning points\n\n- C.\n")
    _, problems = read_entry(path, "tags.md", taxonomy)
    lines = path.read_text(encoding="utf-8").split("\n")
    said = {lines[p.line - 1]: p.message for p in problems if "HTML" in p.message}
    assert set(said) == {"<b>A</b>.", "<i>B</i>", "<!-- TODO check this -->"}
    assert "HTML comment is shown on the page as text" in said["<!-- TODO check this -->"]


@pytest.mark.parametrize("heading", ["##Learning points", "# Learning points",
                                     "## Learning point", "## Learnings"])
def test_a_near_miss_of_a_required_section_is_named_at_its_line(entries_dir, taxonomy,
                                                                 heading):
    path = write_entry(entries_dir, "near", VALID,
                       body=f"## What they did\n\nA.\n\n{heading}\n\n- B.\n")
    _, problems = read_entry(path, "near.md", taxonomy)
    [warning] = [p for p in problems if "Learning points" in p.message]
    assert path.read_text(encoding="utf-8").split("\n")[warning.line - 1] == heading
    assert "write '## Learning points'" in warning.message


def test_an_alias_listed_twice_on_one_entry_is_only_a_warning(entries_dir, taxonomy):
    write_entry(entries_dir, "twice", VALID + "aliases: [old-a, old-a]")
    entries, problems = load_entries(entries_dir, taxonomy)
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "'aliases' lists 'old-a' twice")]
    assert entries[0].aliases == ("old-a",)


def test_two_entries_with_one_title_are_a_warning_on_each(entries_dir, taxonomy):
    """Case, spacing, punctuation and quote marks aside: whichever file is the new one, it
    is told, with the other's name."""
    write_entry(entries_dir, "first", VALID.replace("A valid entry", "The council’s entry"))
    write_entry(entries_dir, "second", VALID.replace("title: A valid entry",
                                                     "title: the  COUNCIL'S entry."))
    entries, problems = load_entries(entries_dir, taxonomy)
    assert len(entries) == 2
    assert [(p.path, p.line, p.severity) for p in problems] == [
        ("first.md", 2, "warning"), ("second.md", 2, "warning")]
    assert "second.md has this title too" in problems[0].message
    assert "first.md has this title too" in problems[1].message


def test_a_title_with_an_accent_typed_two_ways_is_one_title(entries_dir, taxonomy):
    """'Café' as one character and as 'e' with a combining accent look the same on the page:
    the whole check and the check of one file both say they are one title."""
    write_entry(entries_dir, "first", VALID.replace("A valid entry", "Caf\u00e9 grants"))
    new = write_entry(entries_dir, "second", VALID.replace("A valid entry", "Cafe\u0301 grants"))
    _, problems = load_entries(entries_dir, taxonomy)
    assert {p.path for p in problems if "title too" in p.message} == {"first.md", "second.md"}
    assert [p.path for p in check_files(entries_dir, [new], taxonomy)
            if "title too" in p.message] == ["second.md"]


def test_a_title_another_entry_has_is_told_when_checking_one_file_and_despite_errors(
        entries_dir, taxonomy):
    """The pre-commit hook checks only the files being committed: a new entry with another
    entry's title is still told, naming the other; so is a file that has errors too."""
    write_entry(entries_dir, "old", VALID.replace("A valid entry", "Kent grants review"))
    write_entry(entries_dir, "older", VALID.replace("A valid entry", "'Kent Grants review'"))
    write_entry(entries_dir, "wrapped", VALID.replace("A valid entry", "Kent grants\n  review"
                                                      "  # as kb new wraps a long one"))
    new = write_entry(entries_dir, "new", VALID.replace("A valid entry", "Kent grants review")
                      .replace("sectors: [health]", "sectors: [helth]"))
    problems = check_files(entries_dir, [new], taxonomy)
    said = [p.message for p in problems if "title too" in p.message]
    assert [p.path for p in problems if "title too" in p.message] == ["new.md"]
    assert said == ["old.md, older.md and wrapped.md have this title too: make the titles "
                    "differ, so commissioners can tell them apart"]
    assert any(p.severity == "error" and "helth" in p.message for p in problems)
    _, everything = load_entries(entries_dir, taxonomy)
    assert {p.path for p in everything if "title too" in p.message} == {
        "new.md", "old.md", "older.md", "wrapped.md"}


def test_a_file_with_errors_still_has_its_aliases_checked_against_every_other(entries_dir,
                                                                            taxonomy):
    """Every mistake at once: an alias that is another entry's slug is told beside the
    file's own errors, not only once they are fixed, in a whole check and a pre-commit one."""
    write_entry(entries_dir, "taken", VALID)
    broken = write_entry(entries_dir, "broken", VALID.replace("[health]", "[helth]")
                         + "aliases: [taken, old-name]")
    for problems in (load_entries(entries_dir, taxonomy)[1],
                     check_files(entries_dir, [broken], taxonomy)):
        said = {(p.path, p.message.split(";")[0]) for p in problems if p.severity == "error"}
        assert ("broken.md", "alias 'taken' is the slug of taken.md") in said, said
        assert any(path == "broken.md" and "helth" in message for path, message in said)


def test_a_date_written_another_way_is_still_compared_with_the_others(entries_dir, taxonomy):
    """'published: 31/12/2010' is told how to write it, and 'updated: 2009-01-01' is told at
    the same time that it is before the date meant: every mistake at once."""
    path = write_entry(entries_dir, "dates", VALID.replace(
        "published: 2009-01-05", "published: 31/12/2010\nupdated: 2009-01-01"))
    messages = [p.message for p in read_entry(path, "dates.md", taxonomy)[1]]
    assert any("write published: 2010-12-31" in m for m in messages), messages
    assert "'updated' (2009-01-01) is before 'published' (2010-12-31)" in messages


@pytest.mark.parametrize("closing", ["----", " --- ", "--- ", "\u2014", "\u2013-",
                                     "\u2013\u2013\u2013"])  # dashes a word processor made
def test_a_closing_line_not_quite_written_is_named_at_its_line(entries_dir, taxonomy, closing):
    front = textwrap.dedent(VALID).strip()
    path = entries_dir / "closing.md"
    path.write_text(f"---\n{front}\n{closing}\n\n## What they did\n\nA.\n", encoding="utf-8")
    _, problems = read_entry(path, "closing.md", taxonomy)
    if closing.rstrip() == "---":  # a space after it is fine
        assert not [p for p in problems if p.severity == "error"]
        return
    [error] = [p for p in problems if p.severity == "error"]
    assert error.line == front.count("\n") + 3
    assert error.message.startswith(f"'{closing}' does not close the front matter: write "
                                    "exactly '---'")


def test_every_mistake_in_the_front_matter_is_reported_not_only_the_first(entries_dir,
                                                                          taxonomy):
    """A YAML slip no longer hides the rest: its field is left out and the others checked."""
    path = entries_dir / "many.md"
    path.write_text("---\ntitle: Legal review: the BME Code\nsummary: A summary.\n"
                    "principles: [equality-and-bme\nsectors: [comunity-development]\n"
                    "regions: national\npublished: 2/12/2008\nsources:\n  - title: A report\n"
                    "    publisher: A body\n    date: Dec 2008\n---\n## What they did\n\nA.\n\n"
                    "## Learning points\n\n- B.\n", encoding="utf-8")
    _, problems = read_entry(path, "many.md", taxonomy)
    said = [(p.line, p.message.split(":")[0]) for p in problems if p.severity == "error"]
    assert said == [
        (2, "the value of 'title' contains a colon, which YAML reads as a new field"),
        (4, "the list opened with '[' on this line is not closed"),
        (5, "'sectors'"), (6, "'regions' must be a list in square brackets, even for one value"),
        (7, "'published' must be a date written year-month-day (YYYY-MM-DD); got '2/12/2008'"),
        (11, "source date 'Dec 2008' must be YYYY-MM-DD (or YYYY-MM, or YYYY when the source "
             "gives only that)")], said


@pytest.mark.parametrize("old,new,line,says", [
    ("sectors: [health]", "sectors: [health\u200b]", 5,
     "'sectors': 'health' has an invisible character in it (U+200B, pasted with it?): "
     "retype the value"),
    ("sectors: [health]", "sectors: [health social-care]", 5,
     "'sectors': 'health social-care' is 2 values: separate them with commas: health, "
     "social-care"),
    ("principles: [partnership-working]", "principles: []", 4,
     "'principles' needs at least one value, e.g. principles: [partnership-working]; allowed:"),
    ("    url: https://example.org/report", "    link: https://example.org/report", 9,
     "source has unknown key 'link' (did you mean 'url'?)"),
    ("    url: https://example.org/report", "    url: example.org/report", 9,
     "source url 'example.org/report' must start with http:// or https://: write "
     "https://example.org/report"),
    ("published: 2009-01-05", "published: 2009-01-05\naliases: [/entries/old-name]", 7,
     "alias '/entries/old-name' is not a valid slug: write the old file name without '.md', "
     "e.g. old-name"),
    ("principles: [partnership-working]", "principles:", 4,
     "'principles' is empty: it needs at least one value, e.g. principles: ["),
    ("sectors: [health]", "sectors: [health; social-care]", 5,
     "'sectors': 'health; social-care' is 2 values: separate them with commas"),
    ("published: 2009-01-05", "published: 2009-01-05T10:00:00", 6,
     "'published' must be a date without a time: write published: 2009-01-05"),
    ("published: 2009-01-05", "published: 2009-01-05 10:00", 6,
     "'published' must be a date written year-month-day (YYYY-MM-DD); got '2009-01-05 10:00':"
     " write published: 2009-01-05"),
    ("published: 2009-01-05", "published: 2009\u201301\u201305", 6,
     "'published' must be a date written year-month-day (YYYY-MM-DD); got '2009\u201301\u201305"
     "': write published: 2009-01-05"),
    ("title: A valid entry", "title: ! A valid entry", 2,
     "the value of 'title' starts with '!', which YAML reads as markup and drops"),
    ("title: A valid entry", "title: A valid\x0bentry", 2,
     "this line has an invisible control character (U+000B, pasted with the text?)"),
    ("title: A valid entry", "title: A \u202evalid entry", 2,  # shows 'yrtne dilav'
     "this line has an invisible control character (U+202E, pasted with the text?)"),
    ("sectors: [health]", "sectors: [[health]]", 5,
     "'sectors' items must be text; a list inside the list: write the values plainly"),
    ("sectors: [health]", "sectors: [health]\norganisations: [Matrix Law: chambers]", 6,
     "'organisations' items must be text; one has a ': ' in it: put it in quotes"),
    ("sectors: [health]", "sectors: [health]\n\u200bregions: [national]", 6,
     "the field name 'regions' has an invisible character in it (pasted with it?)"),
    ("    url: https://example.org/report", "    url: http://localhost:8080/report.pdf", 9,
     "source url 'http://localhost:8080/report.pdf' only works on your computer or your "
     "organisation's network"),
    ("    url: https://example.org/report", "    url: http://intranet/grants/report.docx", 9,
     "source url 'http://intranet/grants/report.docx' only works on your computer"),
    ("published: 2009-01-05", "date: 2009-01-05", 6,
     "unknown field 'date' (did you mean 'published'?)"),
    ("    url: https://example.org/report", "     url: https://example.org/report", 9,
     "'url:' is indented further than 'title:' on the line above, so YAML reads it as more of "
     "that value: line it up under 'title:' (4 spaces)"),
])
def test_a_mistake_is_named_with_its_fix(entries_dir, taxonomy, old, new, line, says):
    path = write_entry(entries_dir, "slip", VALID.replace(old, new))
    _, problems = read_entry(path, "slip.md", taxonomy)
    assert [(p.line, p.message[:len(says)]) for p in problems] == [(line, says)], problems


def test_a_field_commented_out_in_the_front_matter_is_a_comment(entries_dir, taxonomy):
    """'# regions: [national]' is YAML's comment, not a heading of a front matter left open."""
    path = write_entry(entries_dir, "commented", VALID + "# regions: [national]\n# a note")
    entry, problems = read_entry(path, "commented.md", taxonomy)
    assert entry is not None and problems == []


def body_problems(entries_dir, taxonomy, body: str):
    """(the file's lines, the problems) of a valid entry with this text."""
    path = write_entry(entries_dir, "text", VALID, body=body)
    return path.read_text(encoding="utf-8").split("\n"), read_entry(path, "text.md", taxonomy)[1]


def test_code_is_shown_as_written_so_it_is_not_read_for_headings_or_html(entries_dir,
                                                                           taxonomy):
    _, problems = body_problems(entries_dir, taxonomy, (
        "## What they did\n\nWrite `<b>` for bold, or `[x](/entries/nowhere)`.\n\n"
        "```\n## Learning points\n<i>kept</i>\n```\n"))
    assert [p.message for p in problems] == [
        "no '## Learning points' section; commissioners look for it"]


def test_a_code_block_never_closed_is_a_warning_at_its_opening(entries_dir, taxonomy):
    lines, problems = body_problems(entries_dir, taxonomy, (
        "## What they did\n\nA.\n\n```\ncode\n\n## Learning points\n\n- B.\n"))
    [opened] = [p for p in problems if "never closed" in p.message]
    assert lines[opened.line - 1] == "```"


def test_underlined_headings_count_and_a_heading_may_not_take_the_pages_own_ids(entries_dir,
                                                                                 taxonomy):
    _, problems = body_problems(entries_dir, taxonomy, (
        "What they did\n-------------\n\nA.\n\nLearning points\n===============\n\n"
        "## Learning points\n\n- B.\n\n## Sources\n\nC.\n"))
    said = [p.message for p in problems]
    assert not any("'## What they did'" in m for m in said), said
    assert any("'Sources' links as #sources, which is the page's own Sources list" in m
               for m in said), said


def test_a_title_without_a_space_after_its_colon_is_one_mistake(entries_dir, taxonomy):
    path = write_entry(entries_dir, "nospace", VALID.replace("title: A valid", "title:A valid")
                       .replace("sectors: [health]", "sectors: [helth]"))
    _, problems = read_entry(path, "nospace.md", taxonomy)
    assert [(p.line, p.message[:44]) for p in problems] == [
        (2, "there is no space after the ':' of 'title', "),
        (5, "'sectors': unknown value 'helth' (did you me")]


def test_not_utf8_hides_no_other_mistake(entries_dir, taxonomy):
    path = entries_dir / "latin.md"
    text = "---\n" + VALID.strip().replace("sectors: [health]", "sectors: [helth]") + \
        "\norganisations: [Caf\xe9 Ltd]\n---\n## What they did\n\nA.\n\n## Learning points" \
        "\n\n- B.\n"
    path.write_bytes(text.encode("latin-1"))
    _, problems = read_entry(path, "latin.md", taxonomy)
    said = [(p.line, p.message[:12]) for p in problems]
    assert (5, "'sectors': u") in said and any(m.startswith("not UTF-8") for _, m in said), said


@pytest.mark.parametrize("misspelt", ["publshed", "Published", "\u200bpublished"])
def test_a_misspelt_required_field_is_one_mistake_not_also_a_missing_one(entries_dir, taxonomy,
                                                                         misspelt):
    path = write_entry(entries_dir, "misspelt", VALID.replace("published:", f"{misspelt}:", 1))
    _, problems = read_entry(path, "misspelt.md", taxonomy)
    assert len(problems) == 1 and problems[0].line == 6, problems
    assert "missing" not in problems[0].message


@pytest.mark.parametrize("where", ["front", "body"])
def test_an_unresolved_merge_conflict_is_one_error_at_its_first_marker(entries_dir, taxonomy,
                                                                       where):
    """In the fields it had given four confusing YAML errors; in the text, none at all (the
    markers render as a heading and quotes)."""
    conflict = "<<<<<<< HEAD\n{a}\n=======\n{b}\n>>>>>>> feature\n"
    if where == "front":
        front = VALID.replace("sectors: [health]\n", conflict.format(
            a="sectors: [health]", b="sectors: [social-care]"))
        path = write_entry(entries_dir, "merged", front)
    else:
        path = write_entry(entries_dir, "merged", VALID, body="## What they did\n\n" +
                           conflict.format(a="The council agreed.", b="It refused.") +
                           "\n## Learning points\n\n- A.\n")
    marker = path.read_text(encoding="utf-8").split("\n").index("<<<<<<< HEAD") + 1
    entry, problems = read_entry(path, "merged.md", taxonomy)
    assert entry is None
    assert [(p.line, p.severity) for p in problems] == [(marker, "error")]
    assert "unresolved merge conflict" in problems[0].message


def test_an_empty_section_is_a_warning_at_its_heading(entries_dir, taxonomy):
    """The browser template's headings left empty would publish as bare headings."""
    path = write_entry(entries_dir, "bare", VALID, body="## What they did\n\nThey met.\n\n"
                       "## Outcomes\n\n## Learning points\n\n- A lesson.\n\n## Contact\n")
    entry, problems = read_entry(path, "bare.md", taxonomy)
    lines = path.read_text(encoding="utf-8").split("\n")
    empty = [(lines[p.line - 1], p.severity) for p in problems if "has no text" in p.message]
    assert entry is not None and empty == [("## Outcomes", "warning"), ("## Contact", "warning")]


@pytest.mark.parametrize("line,said", [
    ("    url: https://example.org/", "the template's sample address"),
    ("    url: https://www.example.com", "the template's sample address"),
    ("    publisher: Example Council", "the template's sample publisher"),
])
def test_the_templates_sample_values_cannot_be_published(entries_dir, taxonomy, line, said):
    key = line.split(":")[0]
    front = "\n".join(line if ln.startswith(key + ":") else ln for ln in VALID.split("\n"))
    path = write_entry(entries_dir, "sample", front)
    entry, problems = read_entry(path, "sample.md", taxonomy)
    assert entry is None and [p.line for p in problems if said in p.message] == [
        path.read_text(encoding="utf-8").split("\n").index(line) + 1]


@pytest.mark.parametrize("written,said", [
    ("published: 2009-02-30", "'published': '2009-02-30' is not a real date (February 2009 "
                              "has 28 days): write the date the source gives"),
    ("published:", "'published' is empty: write the date the source gives, year-month-day, "
                   "as published: YYYY-MM-DD"),
    ("published: 2 Dec 2008", "'published' must be a date written year-month-day "
                              "(YYYY-MM-DD); got '2 Dec 2008': write published: 2008-12-02"),
    ("published: next year", "'published' must be a date written year-month-day (YYYY-MM-DD, "
                             "or YYYY-MM or YYYY when the source gives no more); got 'next year'"),
    ("published: 1st February 2019", "'published' must be a date written year-month-day "
                                     "(YYYY-MM-DD); got '1st February 2019': write published: "
                                     "2019-02-01"),
    # a financial year spans two: which day the source appeared is for the source to say
    ("published: 2015/16", "'published' must be a date written year-month-day (YYYY-MM-DD, "
                           "or YYYY-MM or YYYY when the source gives no more); got '2015/16': "
                           "2015/16 is a financial year (1 April 2015 to 31 March 2016), not a "
                           "date; write the date the source shows, or its year or month"),
    ("published: 2019-2020", "got '2019-2020': 2019-2020 is a financial year (1 April 2019 to "
                             "31 March 2020), not a date; write the date the source shows, or "
                             "its year or month"),
    ("published: 2019-20", "'published': '2019-20' is not a real month (months run 01 to 12): "
                           "2019/20 is a financial year (1 April 2019 to 31 March 2020)"),
    ("published: next year", "got 'next year': write the date the source shows, or its year "
                             "or month"),
    ("    date: 2009-01-05\n  - title: B\n    url: https://example.org/b\n    date: 2019-20",
     "source date '2019-20' is not a real date (there is no month 20): 2019/20 is a financial "
     "year"),
    ("    date: 2009-01-05\n  - title: B\n    url: https://example.org/b\n    date: 2019/20",
     "source date '2019/20' must be YYYY-MM-DD (or YYYY-MM, or YYYY when the source gives only "
     "that): 2019/20 is a financial year"),
    ("    date: 2009-01-05\n  - title: B\n    url: https://example.org/b\n    date: next year",
     "source date 'next year' must be YYYY-MM-DD (or YYYY-MM, or YYYY when the source gives "
     "only that): write the date the source shows, or its year or month"),
    ("published: FY2019/20", "got 'FY2019/20': FY2019/20 is a financial year (1 April 2019 to "
                             "31 March 2020)"),
    ("    date: 2009-01-05\n  - title: B\n    url: https://example.org/b\n    date: 2019-02-30",
     "source date '2019-02-30' is not a real date (February 2019 has 28 days)"),
    # review_by is the editors' choice: a day a year on is a fair example, financial year or no
    ("published: 2009-01-05\nreview_by: 2019/20", "got '2019/20': write the day to look at it "
                                                 "again, like review_by: "),
    ("published: 2009-01-05\nreview_by: next year",
     "'review_by' must be a date written year-month-day (YYYY-MM-DD); got 'next year': write "
     "the day to look at it again, like review_by: "
     f"{dt.date.today() + dt.timedelta(days=365)} (a year from today)"),
])
def test_a_date_that_is_not_one_says_why_in_words(entries_dir, taxonomy, written, said):
    """No Python in the message ('day is out of range for month', 'None'), and no example
    date that could be taken for a suggestion. The same words for a source's date."""
    field = "    date: 2009-01-05" if written.startswith("    date:") else "published: 2009-01-05"
    path = write_entry(entries_dir, "dated", VALID.replace(field, written))
    _, problems = read_entry(path, "dated.md", taxonomy)
    assert any(said in p.message for p in problems), [p.message for p in problems]


def test_a_misspelt_source_title_key_is_one_mistake(entries_dir, taxonomy):
    bare = VALID.split("sources:")[0]
    path = write_entry(entries_dir, "titel", bare + "sources:\n  - titel: A page\n"
                       "    url: https://example.org/page\n    date: 2009-01-05")
    _, problems = read_entry(path, "titel.md", taxonomy)
    line = path.read_text(encoding="utf-8").split("\n").index("  - titel: A page") + 1
    assert [(p.line, p.message.split(";")[0]) for p in problems if p.severity == "error"] == [
        (line, "source has unknown key 'titel' (did you mean 'title'?)")]


def test_a_tag_no_term_is_near_says_where_a_renamed_term_keeps_its_old_slug(entries_dir,
                                                                           taxonomy):
    """A term renamed or removed in taxonomy.yaml shows as an unknown value in each entry
    using it: the message says where the fix is, not only in the entry."""
    path = write_entry(entries_dir, "renamed", VALID.replace("[partnership-working]",
                                                             "[working-together-as-one]"))
    _, problems = read_entry(path, "renamed.md", taxonomy)
    [said] = [p.message for p in problems if "working-together-as-one" in p.message]
    assert "list 'working-together-as-one' under the new term's 'aliases'" in said
    misspelt = write_entry(entries_dir, "misspelt", VALID.replace("[health]", "[helth]"))
    _, problems = read_entry(misspelt, "misspelt.md", taxonomy)
    assert not any("aliases" in p.message for p in problems)  # a near miss is said instead


@pytest.mark.parametrize("field,written,meant", [("sectors: [health]", "[nhs]", "health"),
                                                 ("sectors: [health]", "[Mental health]",
                                                  "health")])
def test_a_tag_written_as_one_of_a_terms_words_names_the_term(entries_dir, taxonomy, field,
                                                              written, meant):
    """'nhs' is one of Health's words: the message says to write 'health', not to add an
    alias to taxonomy.yaml."""
    path = write_entry(entries_dir, "worded", VALID.replace(field, field.split(":")[0] +
                                                            ": " + written))
    _, problems = read_entry(path, "worded.md", taxonomy)
    [said] = [p.message for p in problems if "unknown value" in p.message]
    assert f"is one of the words for Health: write '{meant}'" in said and "aliases" not in said


def test_a_title_in_curly_quotes_is_told_they_are_kept(entries_dir, taxonomy):
    """A word processor's quotes are not YAML's: the title would show with them."""
    path = write_entry(entries_dir, "curly", VALID.replace("title: A valid entry",
                                                           "title: “A valid entry”"))
    _, problems = read_entry(path, "curly.md", taxonomy)
    [said] = [p for p in problems if "curly quotes" in p.message]
    assert said.severity == "warning" and said.line == 2 and "straight quotes" in said.message


@pytest.mark.parametrize("title,fix", [
    ("“Derby Compact: joint working”", 'title: "Derby Compact: joint working"'),
    ('The "Legal" review: a summary', 'title: "The \\"Legal\\" review: a summary"'),
])
def test_a_title_with_a_colon_is_told_the_quoted_line_that_reads_back_as_written(
        entries_dir, taxonomy, title, fix):
    """The suggested line, pasted in, gives the title as meant: a word processor's quotes
    around it dropped, its own double quotes kept."""
    path = write_entry(entries_dir, "colon", VALID.replace("title: A valid entry",
                                                           f"title: {title}"))
    _, problems = read_entry(path, "colon.md", taxonomy)
    [said] = [p.message for p in problems if "contains a colon" in p.message]
    assert said.endswith(fix)
    fixed = write_entry(entries_dir, "fixed", VALID.replace("title: A valid entry", fix))
    entry, _ = read_entry(fixed, "fixed.md", taxonomy)
    assert entry.title == title.strip("“”")


@pytest.mark.parametrize("old, new, line, says", [
    ("principles: [partnership-working]", "principles: [partnership-working, health]", 4,
     "'principles': 'health' is a sector, not a principle: move it to sectors: [...]"),
    ("sectors: [health]", "sectors: [health, full-cost-recovery]", 5,
     "'sectors': 'full-cost-recovery' is a principle, not a sector: move it to principles:"),
])
def test_a_tag_of_another_vocabulary_is_moved_not_added_to_taxonomy(entries_dir, taxonomy, old,
                                                                     new, line, says):
    path = write_entry(entries_dir, "moved", VALID.replace(old, new))
    _, problems = read_entry(path, "moved.md", taxonomy)
    assert [(p.line, p.message[:len(says)]) for p in problems] == [(line, says)], problems


def test_a_source_key_typed_and_left_empty_is_named(entries_dir, taxonomy):
    """'publisher:' with nothing after it is an empty publisher, as publisher: "" is, and
    'date:' with nothing after it is no date."""
    front = VALID.replace("    publisher: Northfield District Council", "    publisher:") \
        .replace("    date: 2009-01-05", "    date:")
    path = write_entry(entries_dir, "empty", front)
    _, problems = read_entry(path, "empty.md", taxonomy)
    said = [(p.severity, p.message.split(";")[0]) for p in problems]
    assert ("error", "source 'publisher' must be the name of the body that published it") \
        in said
    assert any(s == "warning" and "has no 'date'" in m for s, m in said), said


def test_a_value_written_without_brackets_is_checked_too(entries_dir, taxonomy):
    """'stages: planning' says both what to fix at once: the brackets, and that the stage is
    'plan'; a fix made from the first message alone would meet the second."""
    path = write_entry(entries_dir, "bare", VALID.replace("sectors: [health]",
                                                          "sectors: [health]\nstages: planning"))
    _, problems = read_entry(path, "bare.md", taxonomy)
    said = [p.message for p in problems if p.line == 6]
    assert len(said) == 2 and "square brackets" in said[0]
    assert "unknown value 'planning' (did you mean 'plan'?)" in said[1]


def test_a_source_without_a_title_still_has_its_other_mistakes_named(entries_dir, taxonomy):
    front = VALID.replace("  - title: A report on the test entry\n    url: https://example.org/"
                          "report", "  - url: www.leeds.gov.uk/four").replace(
        "    publisher: Northfield District Council", '    publisher: ""').replace(
        "    date: 2009-01-05", "    date: 2009-02-30")
    path = write_entry(entries_dir, "untitled", front)
    _, problems = read_entry(path, "untitled.md", taxonomy)
    said = " | ".join(p.message for p in problems if p.severity == "error")
    for mistake in ("needs a 'title'", "must start with http", "'publisher' must be",
                    "2009-02-30"):
        assert mistake in said, said


def test_every_html_tag_on_a_line_is_named_at_once(entries_dir, taxonomy):
    """Three tags on one line are named in one warning, not one a round."""
    path = write_entry(entries_dir, "tags", VALID, body="## What they did\n\nTwo <b>bold</b> "
                       'then <img src="chart.png"> and <a href="https://x.org">a link</a>.\n\n'
                       "## Learning points\n\n- B.\n")
    _, problems = read_entry(path, "tags.md", taxonomy)
    [warning] = [p for p in problems if "shown as text" in p.message]
    assert all(tag in warning.message for tag in ("'<b>'", "'<img src=", "'<a href="))


@pytest.mark.parametrize("written, day, precision", [
    ("published: 2017", dt.date(2017, 1, 1), "year"),
    ("published: '2017'", dt.date(2017, 1, 1), "year"),
    ("published: 2017-03", dt.date(2017, 3, 1), "month"),
    ("published: 2017-03-05", dt.date(2017, 3, 5), "day"),
])
def test_a_source_that_gives_only_a_year_or_month_is_published_as_that(
        entries_dir, taxonomy, written, day, precision):
    """Staff need not invent a day the source does not give: the entry stands for the first
    day of the period, and knows how precise its date is."""
    path = write_entry(entries_dir, "dated", VALID.replace("published: 2009-01-05", written))
    entry, problems = read_entry(path, "dated.md", taxonomy)
    assert [p for p in problems if p.severity == "error"] == []
    assert (entry.published, entry.published_precision) == (day, precision)


@pytest.mark.parametrize("written, said", [
    ("published: 2017-13", "'published': '2017-13' is not a real month (months run 01 to 12): "
                           "write the date the source gives"),
    ("published: 2999", "'published' (2999-01-01) is after today"),
    ("published: 2017-3", "'published': write the month with two digits: published: 2017-03"),
    ("published: 0999", "'published': 999 is no year a source was published in"),
    ("published: 0000", "'published': 0 is no year a source was published in"),
    ("published: 0999-12-01", "'published': 999 is no year a source was published in"),
    ("published: March 2017", "'published' must be a date written year-month-day (YYYY-MM-DD, "
                              "or YYYY-MM or YYYY when the source gives no more); got 'March "
                              "2017': write published: 2017-03"),
])
def test_a_year_or_month_that_cannot_be_is_named(entries_dir, taxonomy, written, said):
    path = write_entry(entries_dir, "dated", VALID.replace("published: 2009-01-05", written))
    _, problems = read_entry(path, "dated.md", taxonomy)
    assert any(p.message.startswith(said) for p in problems), [p.message for p in problems]


@pytest.mark.parametrize("published, source_date, warned", [
    ("2017-01-01", "2017", "write published: 2017,"),
    ("2017-03-01", "2017-03", "write published: 2017-03,"),
    ("2017-03-01", "2017", None),  # the month came from somewhere: not the first day of 2017
    ("2017-01-01", "2017-01-01", None),
])
def test_a_first_day_the_source_does_not_give_is_a_warning(entries_dir, taxonomy, published,
                                                          source_date, warned):
    text = VALID.replace("published: 2009-01-05", f"published: {published}")
    text = text.replace("date: 2009-01-05", f"date: {source_date}")
    path = write_entry(entries_dir, "dated", text)
    _, problems = read_entry(path, "dated.md", taxonomy)
    said = [p for p in problems if "gives only" in p.message]
    if warned:
        assert len(said) == 1 and said[0].severity == "warning" and warned in said[0].message
    else:
        assert said == []


@pytest.mark.parametrize("heading, said", [
    ("## Results {#Outcomes}", "the heading ends with '{#Outcomes}', which is not read as an "
                               "anchor to keep"),
    ("## Results {#out comes}", "which is not read as an anchor to keep"),
    ("## Results {outcomes}", "the heading ends with '{outcomes}', which is not read"),
    ("## Results {#outcomes}.", "the heading ends with '{#outcomes}.', which is not read"),
    ("## Results {#outcomes} {#results}", "ends with '{#outcomes}', which is not read as an "
                                          "anchor to keep: write them all in one pair"),
    ("## {#outcomes}", "this heading is only an anchor"),
    ("## Results {#learning-points}", "#learning-points, kept by this heading, is the link of "
                                      "the heading 'Learning points'"),
    ("## Results {#main}", "#main, kept by this heading, is the page's own main content"),
    ("## Results {#what-they-did}", "#what-they-did, kept by this heading, is the link of"),
])
def test_an_anchor_a_heading_means_to_keep_but_does_not_is_named(entries_dir, taxonomy,
                                                                  heading, said):
    body = f"## What they did\n\nDone.\n\n{heading}\n\nFound.\n\n## Learning points\n\n- Learnt.\n"
    path = write_entry(entries_dir, "kept", VALID, body=body)
    _, problems = read_entry(path, "kept.md", taxonomy)
    found = [p for p in problems if said in p.message]
    assert found and found[0].severity == "warning", [p.message for p in problems]
    assert found[0].line == path.read_text().split("\n").index(heading) + 1


def test_a_renamed_section_that_keeps_its_anchor_is_still_that_section(entries_dir, taxonomy):
    """'## Learning points {#lessons}' is the Learning points section commissioners look for."""
    body = "## What they did\n\nDone.\n\n## Learning points {#lessons}\n\n- Learnt.\n"
    path = write_entry(entries_dir, "kept", VALID, body=body)
    _, problems = read_entry(path, "kept.md", taxonomy)
    assert [p.message for p in problems] == []


def test_a_section_renamed_keeping_its_old_anchor_is_still_that_section(entries_dir, taxonomy):
    """CONTRIBUTING's way to rename a heading, '## Lessons for commissioners
    {#learning-points}', keeps the Learning points section: no warning that it is missing."""
    body = ("## What they did\n\nDone.\n\n## Lessons for commissioners {#learning-points}\n\n"
            "- Learnt.\n")
    path = write_entry(entries_dir, "kept", VALID, body=body)
    _, problems = read_entry(path, "kept.md", taxonomy)
    assert [p.message for p in problems] == []


@pytest.mark.parametrize("written, fix", [("March 2017", "2017-03"), ("2017-3", "2017-03"),
                                          ("2 Dec 2008", "2008-12-02")])
def test_a_source_date_written_another_way_names_the_date_to_write(entries_dir, taxonomy,
                                                                    written, fix):
    path = write_entry(entries_dir, "dated", VALID.replace("    date: 2009-01-05",
                                                           f"    date: {written}"))
    _, problems = read_entry(path, "dated.md", taxonomy)
    assert any(p.message.endswith(f": write date: {fix}") for p in problems), \
        [p.message for p in problems]


@pytest.mark.parametrize("line", ["\tprinciples: [partnership-working]",
                                  "  principles: [partnership-working]"])
def test_a_field_told_as_indented_is_not_also_said_to_be_missing(entries_dir, taxonomy, line):
    """One mistake, one message: the line is told where it is, and 'missing required field'
    would contradict it. A required field nobody wrote is still missing."""
    path = write_entry(entries_dir, "indented", VALID.replace(
        "principles: [partnership-working]", line).replace("sectors: [health]\n", ""))
    _, problems = read_entry(path, "indented.md", taxonomy)
    said = [(p.line, p.message) for p in problems if p.severity == "error"]
    assert any(n == 4 and "indented" in message for n, message in said), said
    assert not any("missing required field 'principles'" in m for _, m in said), said
    assert any("missing required field 'sectors'" in m for _, m in said), said
