"""The checks that catch what would publish broken though Markdown accepts the file: links and
headings the page would show as typed, links to the writer's own files, invisible and control
characters, and source values written as a list. Each message must say where and how to fix
it in plain words."""

import pytest

from kb.taxonomy import load_taxonomy
from kb.validate import read_entry
from tests.conftest import FIXTURES, VALID, write_entry

START = "## What they did\n\nThey met.\n\n"
END = "\n\n## Learning points\n\n- A lesson.\n"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(FIXTURES / "taxonomy.yaml")


def problems_of(entries_dir, taxonomy, body: str = START + "Fine." + END, front: str = VALID):
    """(the file's lines, its problems) for an entry with this text and front matter."""
    path = write_entry(entries_dir, "text", front, body=body)
    return path.read_text(encoding="utf-8").split("\n"), read_entry(path, "text.md", taxonomy)[1]


def said_at(lines, problems, severity="error") -> dict[str, str]:
    """{the line of the file: the message} of each problem of a severity."""
    return {lines[p.line - 1]: p.message for p in problems if p.severity == severity}


@pytest.mark.parametrize("line, fix", [
    ("See [the process](/entries/some-slug.",
     "close the link with ')' straight after the address"),
    ("See [the process] (/entries/some-slug) here.", "remove the space between ']' and '('"),
    ("Read [the report](http://example.org/old report.pdf) now.",
     "the address has a space in it: copy it again from the browser, or write %20"),
    ('And [x](/entries/y "title) too.', "the title after the address (the text in quotes) is "
                                         "never closed"),
    ("| [x](/entries/y z) | cell |", "the address has a space in it"),
    ("Run [this](javascript:alert(1)) now.", "the site never links to a javascript: address; "
                                             "link to the page or document meant"),
    ("See [the chart](DATA:text/html;base64,PGI+) here.", "never links to a data: address"),
    ("See [it](data:image/png;base64,AAAA) here.", "never links to a data: address"),
])
def test_a_link_markdown_cannot_read_is_an_error_at_its_line_with_its_fix(entries_dir,
                                                                          taxonomy, line, fix):
    body = START + ("| a | b |\n|---|---|\n" if line.startswith("|") else "") + line + END
    lines, problems = problems_of(entries_dir, taxonomy, body)
    said = said_at(lines, problems)
    assert list(said) == [line], [str(p) for p in problems]
    assert "is shown on the page as typed" in said[line] and fix in said[line]


def test_a_link_broken_across_lines_is_named_at_the_line_it_starts_on(entries_dir, taxonomy):
    body = START + "They wrote:\n\n- see [the **plan** `v2`](/entries/plan\n  and more\n" + END
    lines, problems = problems_of(entries_dir, taxonomy, body)
    said = said_at(lines, problems)
    assert list(said) == ["- see [the **plan** `v2`](/entries/plan"]
    assert "the link '[the **plan** `v2`](/entries/plan'" in said[list(said)[0]]


def test_links_that_work_code_escapes_and_prose_in_brackets_are_not_reported(entries_dir,
                                                                             taxonomy):
    body = START + (
        'See [a](/entries/x "A title"), [b](<https://x.org/a b.pdf>), '
        "[c](https://en.wikipedia.org/wiki/A_(b)), [d][ref] and a link [over\nlines]"
        "(https://example.org/e).\n\n[ref]: https://example.org/ref\n\n"
        "Prose [sic] (2009), \\[shown\\](as typed), `[code](not a link` and\n\n"
        "```\n[fenced](not a link\n##Code\n```\n\n    ##indented code\n") + END
    _, problems = problems_of(entries_dir, taxonomy, body)
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("link, address", [
    ("[the report](file:///C:/Users/jo/report.pdf)", "file:///C:/Users/jo/report.pdf"),
    ("[the plan](\\\\server\\share\\plan.docx)", "\\\\server\\share\\plan.docx"),
    ("[the plan](C:\\Users\\Jo Bloggs\\plan.docx)", "C:\\Users\\Jo Bloggs\\plan.docx"),
    ("file:///H:/minutes.pdf", "file:///H:/minutes.pdf"),
    ("[the plan](http://intranet/grants/plan.docx)", "http://intranet/grants/plan.docx"),
    ("[draft](https://sharepoint:8080/draft)", "https://sharepoint:8080/draft"),
])
def test_a_link_to_a_file_on_the_writers_computer_says_to_link_the_published_copy(
        entries_dir, taxonomy, link, address):
    lines, problems = problems_of(entries_dir, taxonomy, START + f"Read {link}." + END)
    [(line, message)] = said_at(lines, problems).items()
    assert line == f"Read {link}."
    assert message == (f"the link '{address}' only works on your computer or your network: "
                       "link to the published copy of the document instead, or if it was "
                       "never online, name it in 'sources'")


@pytest.mark.parametrize("link", ["[the report](https://www.gov.uk/x)", "[site](http://nhs.uk)",
                                  "[page](https://intranet.example.org/x)"])
def test_a_link_to_a_site_with_a_full_name_is_no_local_address(entries_dir, taxonomy, link):
    _, problems = problems_of(entries_dir, taxonomy, START + f"Read {link}." + END)
    assert not any("only works on your computer" in str(p) for p in problems)


def test_a_heading_with_an_invisible_character_says_which_and_where(entries_dir, taxonomy):
    body = START + "Fine.\n\n## Learning\u00a0points\n\n- A lesson.\n"
    lines, problems = problems_of(entries_dir, taxonomy, body)
    [(line, message)] = said_at(lines, problems, "warning").items()
    assert line == "## Learning\u00a0points"
    assert "a no-break space (U+00A0) in it, between 'Learning' and 'points'" in message
    assert "retype the heading" in message


def test_a_heading_repeated_with_an_invisible_character_is_a_second_section(entries_dir,
                                                                             taxonomy):
    body = START + "Fine." + END + "\n## Learning\u00a0points\n\n- Again.\n"
    _, problems = problems_of(entries_dir, taxonomy, body)
    assert any(p.message.startswith("a second section called 'Learning\u00a0points'")
               for p in problems), [str(p) for p in problems]


def test_an_invisible_character_in_a_source_address_is_an_error(entries_dir, taxonomy):
    front = VALID.replace("https://example.org/report", "https://example.org/\u200breport")
    lines, problems = problems_of(entries_dir, taxonomy, front=front)
    [(line, message)] = said_at(lines, problems).items()
    assert line.strip().startswith("url:")
    assert "a zero-width space (U+200B) in it, after 'https://example.org/'" in message
    assert "copy the address again from the browser" in message


def test_control_characters_in_the_text_are_errors_naming_each_with_delete_it(entries_dir,
                                                                               taxonomy):
    body = START + "A NUL\x00 here.\n\nA form feed\x0c and\x1a an end of file.\n" + END
    lines, problems = problems_of(entries_dir, taxonomy, body)
    said = said_at(lines, problems)
    assert said == {
        "A NUL\x00 here.": "an invisible control character, U+0000 after 'A NUL', is in the "
                           "text: the page shows it as '\ufffd' (a question mark in a diamond) "
                           "or not at all; delete it (retype the words around it)",
        "A form feed\x0c and\x1a an end of file.":
            "invisible control characters (U+000C after 'A form feed'; U+001A after 'form "
            "feed and') are in the text: the page shows them as '\ufffd' (a question mark in "
            "a diamond) or not at all; delete them (retype the words around them)"}


def test_a_file_full_of_control_characters_names_ten_lines_then_counts(entries_dir, taxonomy):
    body = START + "\n".join(f"Line\x00 {n}" for n in range(15)) + END
    _, problems = problems_of(entries_dir, taxonomy, body)
    errors = [p.message for p in problems if p.severity == "error"]
    assert len(errors) == 11 and errors[-1].startswith("5 more lines with control characters")


@pytest.mark.parametrize("line, severity, says", [
    ("##Outcomes", "error", "'##Outcomes' has no space after the #: the page shows it as "
                            "typed, not as a heading; write '## Outcomes'"),
    ("###Who took part ###", "error", "write '### Who took part'"),
    ("##\u00a0Outcomes", "error", "has a no-break space (U+00A0) after the #, which Markdown "
                                  "does not take for a space"),
    ("#Outcomes", "warning", "write '## Outcomes' if it is a heading"),
])
def test_a_heading_without_its_space_after_the_hashes_is_named(entries_dir, taxonomy, line,
                                                               severity, says):
    lines, problems = problems_of(entries_dir, taxonomy, START + "Fine.\n\n" + line + "\n\n"
                                  "It went well." + END)
    said = said_at(lines, problems, severity)
    assert says in said[line], [str(p) for p in problems]


def test_hashes_that_are_no_heading_are_not_reported(entries_dir, taxonomy):
    body = START + "#1 priority was money.\n#MeToo was named.\n\n`##code`\n" + END
    _, problems = problems_of(entries_dir, taxonomy, body)
    assert [str(p) for p in problems] == []


def test_a_required_section_without_its_space_is_one_error_not_also_missing(entries_dir,
                                                                            taxonomy):
    lines, problems = problems_of(entries_dir, taxonomy,
                                  START + "Fine.\n\n##Learning points\n\n- A lesson.\n")
    assert [(lines[p.line - 1], p.severity) for p in problems] == [("##Learning points",
                                                                    "error")]


@pytest.mark.parametrize("line", ["Learning points", "**Learning points:**"])
def test_a_section_name_written_as_plain_text_is_named_at_its_line(entries_dir, taxonomy,
                                                                   line):
    lines, problems = problems_of(entries_dir, taxonomy,
                                  START + "Fine.\n\n" + line + "\n\n- A lesson.\n")
    [(at, message)] = said_at(lines, problems, "warning").items()
    assert at == line and "write '## Learning points'" in message


@pytest.mark.parametrize("key, written, says", [
    ("date", "[2008-12-02]", "source date is a list, [2008-12-02]: write one value, not a "
                             "list, without the square brackets: date: 2008-12-02"),
    ("url", "[https://a.org/r]", "source url is a list, [https://a.org/r]: write one value, "
                                 "not a list, without the square brackets: url: https://a.org/r"),
    ("url", "[https://a.org/r, https://b.org/s]", "a second url belongs to a second source"),
    ("title", "[Annual report]", "write one value, not a list, without the square brackets: "
                                 "title: Annual report"),
    ("publisher", "[A council]", "publisher: A council"),
    ("url", '"http://[example.org/report"', "is not a web address a browser can open"),
])
def test_a_source_value_is_shown_as_written_not_as_python_shows_it(entries_dir, taxonomy, key,
                                                                   written, says):
    old = {"date": "date: 2009-01-05", "url": "url: https://example.org/report",
           "title": "title: A report on the test entry",
           "publisher": "publisher: Northfield District Council"}[key]
    front = VALID.replace(old, f"{key}: {written}")
    lines, problems = problems_of(entries_dir, taxonomy, front=front)
    [(line, message)] = said_at(lines, problems).items()
    assert line.endswith(f" {key}: {written}")
    assert says in message and "datetime" not in message and "['" not in message


@pytest.mark.parametrize("body, said", [
    ("\n", "the entry has no text below the front matter"),
    (START + "A whole report pasted in. " * 40_000 + END, "over the 1,000,000 a page is "
                                                        "published with"),
])
def test_an_entry_with_no_text_or_a_whole_report_cannot_be_published(entries_dir, taxonomy,
                                                                      body, said):
    _, problems = problems_of(entries_dir, taxonomy, body=body)
    assert any(p.severity == "error" and said in p.message for p in problems)


def test_headings_step_down_one_level_at_a_time_under_the_title(entries_dir, taxonomy):
    """Screen reader users list and skip through a page's headings by level: a '#' heading
    is a second title, and a '####' under a '##' leaves a level out. Each is a warning at its
    line with the heading to write; headings that step down one at a time are not told."""
    body = ("# Background\n\nText.\n\n## What they did\n\nText.\n\n### Detail\n\nText.\n\n"
            "#### Finer\n\nText.\n\n## Learning points\n\n- A lesson.\n\n#### Contact\n\nNone.\n"
            "\n#### Deeper\n\nText.\n")
    path = write_entry(entries_dir, "levels", VALID, body=body)
    _, problems = read_entry(path, "levels.md", taxonomy)
    lines = path.read_text(encoding="utf-8").split("\n")
    told = [(lines[p.line - 1], p.message) for p in problems if "level" in p.message]
    assert told == [
        ("# Background", "'# Background' is a heading at the level of the page's title: write "
                         "'## Background'"),
        ("#### Contact", "the heading 'Contact' is level 4 under a level 2 one: write "
                         "'## Contact'"),  # a section of its own, as kb new writes it
        ("#### Deeper", "the heading 'Deeper' is level 4 under a level 2 one: write "
                        "'### Deeper'")]
