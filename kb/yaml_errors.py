"""YAML's syntax errors explained in plain English, at the line of the slip: the parser names
where it gave up, often lines below the cause (a quote left open runs on to the next quote),
so each likely slip is looked for in turn, nearest the cause first."""

from __future__ import annotations

import re

import yaml

from kb.entry import FIELDS

KEY_VALUE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:\s*(.*)$")


def explain_yaml_error(fm: str, exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """(0-based line of the front matter, plain-English message with the fix) for a YAML
    parser error. The parser names where it gave up, often lines below the slip: each likely
    slip is looked for in turn, nearest the cause first."""
    lines = fm.split("\n")
    problem, context = exc.problem or "", exc.context or ""
    at = exc.problem_mark.line if exc.problem_mark else 0
    opened = exc.context_mark.line if exc.context_mark else at
    line = lines[at] if at < len(lines) else ""
    if "\\t" in problem or "\t" in line:
        return at, ("this line has a tab where YAML needs spaces: replace the tab with spaces")
    for n in sorted({opened, at - 1, at}):
        if 0 <= n < len(lines) and ODD_SPACES.search(lines[n]):
            return n, ("this line has a non-breaking or other unusual space (pasted from a "
                       "word processor?) where YAML needs an ordinary one: retype the spaces")
    found = _left_open(lines, opened, context)
    if found:
        return found
    if problem == "mapping values are not allowed here":  # 'title:Legal' above, or a colon
        return _quote_or_space(lines, at) or _colon_or_indent(lines, at)
    found = _quote_or_space(lines, at)
    unclosed = _unclosed_quote(lines, at) if not found else None
    if unclosed is not None:  # it ran on to a quote further down, where the parser stopped
        quote = lines[unclosed].split(":", 1)[1].strip()[0]
        found = unclosed, (f"the quote ({quote}) opened on this line is not closed: add a "
                           f"closing {quote} at the end of the value")
    found = found or _needs_quotes(lines, opened, at)
    if found:
        return found
    if "expected ':'" in problem and "simple key" in context:
        return opened, _no_colon(lines[opened] if opened < len(lines) else "")
    if "block" in problem or "block" in context or "expected key" in problem or \
            "expected ':'" in problem:
        return at, ("this line is not indented like the lines around it: the keys of one "
                    "item line up (  - title: ... then     url: ...), and a top-level field "
                    "starts at the left margin")
    return at, f"front matter is not valid YAML ({problem or exc}); check this line's " \
               "indentation, quotes and colons"


def _left_open(lines: list[str], opened: int, context: str) -> tuple[int, str] | None:
    """A list or a quote opened on a line and not closed there."""
    start = lines[opened] if opened < len(lines) else ""
    if "flow sequence" in context or "flow mapping" in context:
        if " #" in start:
            return opened, ("'#' starts a comment in YAML, so the rest of this line is dropped "
                            "and its '[' list is left open: put the item that has '#' in "
                            "quotes, e.g. [\"Group #1\"]")
        m = KEY_VALUE.match(start)
        example = f"{m.group(3)}: {m.group(4).strip()}]" if m and "]" not in m.group(4) \
            else "principles: [partnership-working]"
        return opened, ("the list opened with '[' on this line is not closed: end it with ']' "
                        f"on the same line, e.g. {example}")
    if "quoted scalar" in context:
        quote = '"' if '"' in (start or '"') else "'"
        return opened, (f"the quote ({quote}) opened on this line is not closed: add a closing "
                        f"{quote} at the end of the value")
    return None


ODD_SPACES = re.compile("[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_FLOW_START = re.compile(r"^\s*(?:-\s+)?(title|summary):\s*"
                         r"([\[{*&!%@`>|]|\"[^\"]*\"\s*\S|'[^']*'\s*\S)")


def _needs_quotes(lines: list[str], *at: int) -> tuple[int, str] | None:
    """A text value that YAML reads as markup: it starts with '[', '{', '*', '&', '!', '%',
    '@', '`', '>' or '|', or a quoted part is followed by more text ('"Legal" review')."""
    for n in sorted(set(at)):
        m = _FLOW_START.match(lines[n]) if n < len(lines) else None
        if m:
            key = m.group(1)
            value = lines[n].split(":", 1)[1].strip()
            return n, (f"the value of '{key}' starts with {m.group(2)[0]!r}, which YAML reads "
                       f"as markup, not text: put the whole value in double quotes: "
                       f"{key}: {_double_quoted(value)}")
    return None


def _double_quoted(value: str) -> str:
    """A value as YAML reads it back unchanged in double quotes: a word processor's quotes
    around all of it dropped ('“A: B”' is A: B), its own double quotes kept, as \\"."""
    if len(value) > 1 and value[0] in "\u201c\u2018" and value[-1] in "\u201d\u2019":
        value = value[1:-1]
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _no_colon(line: str) -> str:
    """The message for a line YAML read as the start of a field with no ':' after it."""
    m = re.match(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s+(\S.*)$", line)
    if m and m.group(1) in FIELDS:
        return (f"there is no ':' after '{m.group(1)}': write {m.group(1)}: {m.group(2)}")
    return ("this line is not a field ('name: value'): if it goes on with the value above, "
            "indent it by two spaces; if it is a field, add ':' after its name")


def _unclosed_quote(lines: list[str], at: int) -> int | None:
    """The nearest line above `at` (or `at`) whose value opens a quote it does not close."""
    for n in range(min(at, len(lines) - 1), -1, -1):
        m = KEY_VALUE.match(lines[n])
        value = m.group(4).strip() if m else ""
        if value[:1] == '"' and (value.count('"') - value.count('\\"')) % 2:
            return n
        if value[:1] == "'" and value.replace("''", "").count("'") % 2:
            return n
    return None


def _colon_or_indent(lines: list[str], at: int) -> tuple[int, str]:
    line = lines[at] if at < len(lines) else ""
    above = next((n for n in range(at - 1, -1, -1) if lines[n].strip()), None)
    if above is not None and ":" not in lines[above] and not lines[above].lstrip().startswith(
            ("-", "#")):
        return above, ("this line has no ':' after its field name: write it as "
                       "'name: value', e.g. title: Joint commissioning in Derby")
    m = KEY_VALUE.match(line)
    before = KEY_VALUE.match(lines[above]) if above is not None else None
    if m and before and before.group(4).strip() and _key_column(m) > _key_column(before):
        return at, (f"'{m.group(3)}:' is indented further than '{before.group(3)}:' on the "
                    f"line above, so YAML reads it as more of that value: line it up under "
                    f"'{before.group(3)}:' ({_key_column(before)} spaces)")
    if m and ":" in m.group(4):
        key, value = m.group(3), m.group(4).strip()
        return at, (f"the value of '{key}' contains a colon, which YAML reads as a new field: "
                    f"put the value in quotes: {key}: {_double_quoted(value)}")
    if m and m.group(1):
        return at, ("this line is indented, but the line above does not start a list or a "
                    "group of fields: remove the spaces at its start")
    return at, ("YAML found a ':' it did not expect on this line: put a value that contains "
                "a colon in quotes")


def _key_column(m: re.Match) -> int:
    """Where a 'name: value' line's name starts (after a list's '- ')."""
    return len(m.group(1)) + len(m.group(2) or "")


_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):(\S.*)$")
_APOSTROPHE = re.compile(r"\w+'(?!')\w*(?=.)")  # council's, volunteers' (not the closing ')


def _quote_or_space(lines: list[str], at: int) -> tuple[int, str] | None:
    """Two slips the parser notices late or misnames, on this line or the one before: an
    apostrophe inside single quotes, and no space after a field's colon."""
    for n in (at - 1, at):
        line = lines[n] if 0 <= n < len(lines) else ""
        m = KEY_VALUE.match(line)
        value = m.group(4).strip() if m else ""
        word = _APOSTROPHE.search(value[1:]) if value.startswith("'") else None
        if word:
            doubled = word.group().replace("'", "''")
            return n, (f"the apostrophe in '{word.group()}' ends the quoted text early: inside "
                       f"single quotes write it twice ({doubled}), or put the value in double "
                       "quotes instead")
        m = _NO_SPACE.match(line)
        if m and not m.group(2).startswith("//"):
            return n, (f"there is no space after the ':' of '{m.group(1)}', so YAML does not "
                       f"read it as a field: write {m.group(1)}: {m.group(2)}")
    return None
