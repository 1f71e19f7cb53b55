"""The vocabulary files' own mistakes: `kb check` names every one at once, at its line, with
the fix, and never lets YAML silently drop or reshape a term.

Each test writes a small taxonomy.yaml (MINIMAL below, whose line numbers are easy to check by
eye) or edits a copy of the test vocabulary in tests/data/entries, never the bundled one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from kb.synonyms import synonym_problems
from kb.taxonomy import (
    FACETS,
    FIELD,
    TaxonomyError,
    load_taxonomy,
    taxonomy_problems,
)
from tests.conftest import FIXTURES, ROOT

MINIMAL = """\
principles:
  label: Compact principle
  terms:
    partnership-working:
      label: Partnership working
sectors:
  label: Sector
  terms:
    health:
      label: Health
      description: NHS services.
      aliases: [nhs]
      words: [primary care]
    social-care:
      label: Social care
      description: Adult social care.
      aliases: []
      words: [home care]
stages:
  label: Commissioning stage
  terms:
    plan:
      label: Plan
regions:
  label: Region
  terms:
    london:
      label: London
"""


def minimal(tmp_path, *edits: tuple[str, str]):
    """MINIMAL, with each (old, new) edit made once, written to tmp_path/taxonomy.yaml."""
    text = MINIMAL
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def said(path) -> list[tuple[int, str, str]]:
    return [(p.line, p.severity, p.message) for p in taxonomy_problems(path)]


def has(found: list[tuple[int, str, str]], line: int, *words: str) -> bool:
    """Whether an error on `line` says all of `words`."""
    return any(at == line and severity == "error" and all(w in message for w in words)
               for at, severity, message in found)


def test_the_small_and_the_test_vocabularies_are_clean_and_read_as_yaml_reads_them(tmp_path):
    assert said(minimal(tmp_path)) == []
    assert taxonomy_problems(FIXTURES / "taxonomy.yaml") == []
    taxonomy = load_taxonomy(FIXTURES / "taxonomy.yaml")
    data = yaml.safe_load((FIXTURES / "taxonomy.yaml").read_text(encoding="utf-8"))
    for facet in FACETS:
        written = data[FIELD[facet]]
        assert taxonomy[facet].label == written["label"]
        assert list(taxonomy[facet].terms) == list(written["terms"])
        for slug, spec in written["terms"].items():
            term = taxonomy[facet].terms[slug]
            assert (term.label, term.description, term.aliases) == (
                spec["label"], spec["description"].strip(), tuple(spec["aliases"]))
            assert term.words == tuple(" ".join(str(w).split()) for w in spec["words"])


def test_1_a_term_slug_given_twice_is_an_error_at_the_second_naming_the_first(tmp_path):
    path = minimal(tmp_path, ("    social-care:\n", "    health:\n"))
    found = said(path)
    assert len(found) == 1 and has(found, 14, "term 'health' appears twice in sectors",
                                   "first on line 9", "merge the two"), found
    assert load_taxonomy(path)["sector"].terms["health"].label == "Health"  # not dropped


def test_2_misspelt_or_unknown_keys_are_errors_with_did_you_mean(tmp_path):
    path = minimal(tmp_path, ("      aliases: []\n      words: [home care]",
                              "      alias: []\n      word: [home care]\n      colour: red"),
                   ("  label: Sector\n", "  lable: Sector\n"),
                   ("stages:", "stage:"))
    found = said(path)
    assert has(found, 17, "unknown key 'alias' in sectors.social-care",
               "did you mean 'aliases'?"), found
    assert has(found, 18, "unknown key 'word'", "did you mean 'words'?"), found
    assert has(found, 19, "unknown key 'colour'", "label, description, aliases, words"), found
    assert has(found, 7, "unknown key 'lable' in sectors", "did you mean 'label'?"), found
    assert has(found, 20, "unknown facet 'stage'", "did you mean 'stages'?"), found
    assert has(found, 1, "the facet 'stages' is missing"), found
    assert len(found) == 6, found


@pytest.mark.parametrize("old,new,line,words", [
    ("aliases: []", "aliases: socialcare", 17,
     ("'aliases' must be a list in square brackets", "write aliases: [socialcare]")),
    ("aliases: []", "aliases:", 17, ("'aliases' is empty", "aliases: []")),
    ("aliases: []", "aliases: [Social Care]", 17,
     ("alias 'Social Care' must be an old slug", "e.g. social-care")),
    ("words: [home care]", "words: home care", 18,
     ("'words' must be a list in square brackets", "write words: [home care]")),
    ("words: [home care]", "words: {home: care}", 18, ("'words' must be a list",)),
    ("words: [home care]", "words: [home care, '<b>']", 18, ("'<b>' must be plain words",)),
    ("label: Social care", "label: [Social care]", 15,
     ("'label' must be text, not a list", "write label: Social care")),
    ("label: Social care", "label: 2020", 15,
     ("'label' must be text", "as a number", 'label: "2020"')),
    ("label: Social care", "label:", 15, ("'label' is empty", "label: Social care")),
    ("label: Social care", "label: ''", 15, ("'label' is empty",)),
    ("description: Adult social care.", "description: [Adult social care]", 16,
     ("'description' must be text, not a list",)),
    ("description: Adult social care.", "description: yes", 16, ("as a yes/no value",)),
])
def test_3_values_of_the_wrong_shape_are_errors_saying_the_shape(tmp_path, old, new, line,
                                                                  words):
    path = minimal(tmp_path, (old, new))
    found = said(path)
    assert len(found) == 1 and has(found, line, "sectors.social-care", *words), found
    assert load_taxonomy(path)["sector"].terms["social-care"]  # the rest of the term is kept


@pytest.mark.parametrize("slug,fix", [
    ("Social Care", "write social-care:"),
    ("social_care", "write social-care:"),
    ("''", "write one before the ':'"),
])
def test_4_a_term_slug_must_be_lowercase_letters_digits_and_hyphens(tmp_path, slug, fix):
    found = said(minimal(tmp_path, ("    social-care:", f"    {slug}:")))
    assert len(found) == 1 and has(found, 14, "must be lowercase letters, digits and single "
                                              "hyphens", fix), found


@pytest.mark.parametrize("old,new,line,words", [
    ("label: Social care", "label: health", 15,
     ("the label 'health' is also the label of sectors.health (line 10)",)),
    ("aliases: []", "aliases: [nhs]", 17,
     ("alias 'nhs' is also listed under sectors.health (line 12)", "?sector=nhs")),
    ("aliases: []", "aliases: [health]", 17,
     ("alias 'health' is the slug of sectors.health (line 9)", "?sector=health")),
    ("label: Social care", "label: [Social care]", 15, ("must be text, not a list",)),
])
def test_5_a_label_or_an_old_address_leads_to_one_term_only(tmp_path, old, new, line, words):
    found = said(minimal(tmp_path, (old, new)))
    assert len(found) == 1 and has(found, line, "sectors.social-care", *words), found


def test_6_structural_problems_come_with_their_lines_through_kb_check(entries_dir):
    (entries_dir / "taxonomy.yaml").write_text(MINIMAL.replace(
        "      label: Social care\n", "").replace("      label: Plan\n", "      label:\n"))
    out = subprocess.run([sys.executable, "-m", "kb", "check", "--entries", str(entries_dir)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    where = f"{entries_dir.as_posix()}/taxonomy.yaml"
    assert out.returncode == 1 and re.fullmatch(r"kb check: \d+ error\(s\)[^\n]*\n", out.stderr), \
        out.stderr  # the tally, no traceback
    assert out.stdout.splitlines() == [
        f"{where}:14: error: sectors.social-care needs a label: add 'label: Social care' "
        "indented under it",
        f"{where}:22: error: stages.plan: 'label' is empty: write it, e.g. label: Plan"]


@pytest.mark.parametrize("old,new,line,words", [
    ("words: [home care]", "words: [home care", 18,
     ("not valid YAML: the list opened with '[' on line 18 is not closed", "end it with ']'")),
    ("label: Social care", "label: Social: care", 15,
     ("not valid YAML", "put the value in quotes", 'label: "Social: care"')),
    ("    social-care:", "   social-care:", 14,
     ("not valid YAML", "not indented like the lines around it", "a term's slug 4")),
    ("      label: Social care", "\tlabel: Social care", 15, ("tab",)),
])
def test_6_a_yaml_mistake_is_said_in_plain_words_at_its_line(tmp_path, old, new, line, words):
    path = minimal(tmp_path, (old, new))
    found = said(path)
    assert len(found) == 1 and has(found, line, *words), found
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    assert str(raised.value).startswith(f"{path}:{line}: error: not valid YAML")
    assert [p.line for p in raised.value.problems] == [line]


def test_6_a_file_that_cannot_be_used_lists_all_its_problems_when_it_is_refused(tmp_path):
    path = minimal(tmp_path, ("stages:", "stage:"), ("label: Social care", "label: [Social]"))
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    assert str(raised.value).splitlines() == [
        f"{path}:{p.line}: error: {p.message}" for p in raised.value.problems]
    assert [p.line for p in raised.value.problems] == [1, 15, 19]
    (tmp_path / "taxonomy.yaml").write_text("- principles\n- sectors\n")
    assert said(tmp_path / "taxonomy.yaml") == [
        (1, "error", "taxonomy.yaml needs the facets principles:, sectors:, stages: and "
                     "regions: at the left margin, each with label: and terms: indented under "
                     "it")]
    assert has(said(minimal(tmp_path, ("    plan:\n      label: Plan\n", ""))), 21,
               "'stages' needs 'terms:'")


def test_7_an_unclosed_bracket_on_the_last_line_is_named_where_it_opened(tmp_path):
    path = minimal(tmp_path, ("      label: London\n", "      label: London\n"
                                                      "      words: [inner london\n"))
    assert said(path) == [(29, "error", "not valid YAML: the list opened with '[' on line 29 "
                                        "is not closed: end it with ']' after its last item, "
                                        "e.g. [core costs, overheads]")]
    synonyms = tmp_path / "synonyms.yaml"
    synonyms.write_text("- [BME, black and minority ethnic]\n- [PCT, primary care trust\n")
    assert [(p.line, p.message) for p in synonym_problems(synonyms)] == [
        (2, "not valid YAML: the list opened with '[' on line 2 is not closed: end it with ']' "
            "after its last item, e.g. [core costs, overheads]")]


def test_a_taxonomy_that_cannot_be_used_is_reported_as_lines_in_the_format_asked(tmp_path):
    """kb check prints such a file's problems as it prints any: path:line, or JSON."""
    path = minimal(tmp_path, ("      label: London\n", "      label: London\n"
                                                      "      words: [inner london\n"))
    for fmt in ("text", "json"):
        out = subprocess.run([sys.executable, "-m", "kb", "check", "--entries", str(tmp_path),
                              "--format", fmt], capture_output=True, text=True)
        assert out.returncode == 1 and "Error:" not in out.stderr, out.stderr
        if fmt == "json":
            assert [(p["line"], p["severity"]) for p in json.loads(out.stdout)] == [
                (29, "error")]
        else:
            assert out.stdout.startswith(f"{path.as_posix()}:29: error: not valid YAML")


def test_an_unreadable_taxonomy_does_not_hide_the_entries_mistakes(tmp_path):
    """kb check reports the taxonomy's mistake and every entry's, tags aside, in one run:
    whole or for the files named (as a pre-commit hook does)."""
    entries = tmp_path / "entries"
    shutil.copytree(FIXTURES, entries)
    taxonomy = entries / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace(
        "label: Housing", "label: [Housing", 1), encoding="utf-8")
    entry = sorted(entries.glob("*.md"))[0]
    text = entry.read_text(encoding="utf-8")
    entry.write_text(re.sub(r"(?m)^published: .*$", "published: 2019-13-45", text),
                     encoding="utf-8")
    for named in ([], [str(entry)]):
        out = subprocess.run([sys.executable, "-m", "kb", "check", "--entries", str(entries),
                              *named], capture_output=True, text=True)
        lines = out.stdout.splitlines()
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
        assert lines[0].startswith(f"{taxonomy.as_posix()}:") and "not valid YAML" in lines[0]
        assert any(line.startswith(f"{entry.as_posix()}:") and "no month 13" in line
                   for line in lines), lines


def test_several_mistakes_at_once_are_all_reported_in_one_run(tmp_path):
    entries = tmp_path / "entries"
    shutil.copytree(FIXTURES, entries)
    text = (entries / "taxonomy.yaml").read_text(encoding="utf-8")
    edits = [("    housing:\n      label: Housing\n", "    housing:\n"),  # no label
             ("    source:\n", "    review:\n"),  # a second 'review' term
             ("label: Criminal justice", "label: [Criminal justice]"),
             ("label: Environment", "label: Health"),
             ("    london:\n", "    London:\n")]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    lines = text.splitlines()
    text = text.replace("      aliases: []\n", "      alias: []\n", 1)
    (entries / "taxonomy.yaml").write_text(text, encoding="utf-8")

    def line_of(start: str, after: int = 0) -> int:
        return next(n for n, line in enumerate(lines, 1) if n > after and line.startswith(start))

    review = line_of("    review:")
    expected = [
        (line_of("      aliases: []"), "unknown key 'alias'", "did you mean 'aliases'?"),
        (line_of("    housing:"), "sectors.housing needs a label"),
        (line_of("      label: [Criminal"), "'label' must be text, not a list"),
        (line_of("      label: Health", line_of("    environment:")),
         "the label 'Health' is also the label of sectors.health",
         f"(line {line_of('      label: Health')})"),
        (line_of("    review:", review), "term 'review' appears twice in stages",
         f"first on line {review}"),
        (line_of("    London:"), "the term slug 'London' must be lowercase", "write london:"),
    ]
    out = subprocess.run([sys.executable, "-m", "kb", "check", "--entries", str(entries)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 1 and re.fullmatch(r"kb check: \d+ error\(s\)[^\n]*\n", out.stderr), \
        out.stderr  # the tally, no traceback
    reported = [line for line in out.stdout.splitlines() if "/taxonomy.yaml:" in line]
    for line, *words in expected:
        start = f"{entries.as_posix()}/taxonomy.yaml:{line}: error: "
        assert any(r.startswith(start) and all(w in r for w in words) for r in reported), \
            (line, words, reported)
    assert len(reported) == len(expected), reported


def test_a_synonym_with_a_colon_is_told_about_the_colon(tmp_path):
    synonyms = tmp_path / "synonyms.yaml"
    synonyms.write_text("- [ESF, European Social Fund: ESF]\n- [PCT, primary care trust]\n")
    [problem] = synonym_problems(synonyms)
    assert problem.line == 1 and problem.message.startswith(
        "'European Social Fund: ESF' has a colon in it")


def test_a_terms_word_with_a_colon_is_named_with_the_colon(tmp_path):
    path = minimal(tmp_path, ("      label: London\n", "      label: London\n"
                                                      "      words: [inner london, city: west]\n"))
    assert any(line == 29 and "'city: west' has a colon in it" in message
               for line, _, message in said(path))
