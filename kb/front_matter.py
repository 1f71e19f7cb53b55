"""Front matter: split it from the body, compose its YAML safely, and explain YAML mistakes in
plain English at the line where they are, with the fix.

The YAML parser's own words ("mapping values are not allowed here") say little to an editor, and
it often notices a mistake a line late; the explanations here look at the lines themselves.
The parser's text is kept only for mistakes none of them recognises.
"""

from __future__ import annotations

import re

import yaml

from kb.entry import CONTROL_CHARACTERS, FM_OFFSET, Problems, yaml_line
from kb.yaml_errors import explain_yaml_error

MAX_YAML_NODES = 5000  # bounds alias expansion ("billion laughs") while walking front matter
TEXT_FIELDS = ("title", "summary")  # plain text: a ' #' in them silently cuts the text short


CLOSING_LIKE = re.compile(r"\s*(-{3,}|[-\u2013\u2014]*[\u2013\u2014][-\u2013\u2014]*)\s*")


def split_front_matter(text: str, r: Problems) -> tuple[str, str, int] | None:
    """(front matter, body, body's first line) or None with a problem recorded."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        r.error(1, "no front matter: the file must start with a line '---', then the fields, "
                   "then another '---'")
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            heading = next((n for n in range(1, i) if _MARKDOWN_HEADING.match(lines[n])), None)
            if heading is not None:  # the '---' found is a rule in the text, further down
                r.error(heading + 1, f"front matter is not closed: add a line '---' before the "
                                 f"heading on line {heading + 1}")
                return None
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    meant = next((n for n in range(1, len(lines)) if CLOSING_LIKE.fullmatch(lines[n])), None)
    if meant is not None:  # '----', ' --- ', or dashes a word processor made of '---'
        r.error(meant + 1, f"'{lines[meant]}' does not close the front matter: write exactly "
                           "'---' (three hyphens, nothing else on the line)")
        return None
    r.error(1, "front matter is not closed: add a line '---' after the last field")
    return None


# A section heading ('## What they did'): in YAML a comment, but one with two or more '#'
# above the first '---' means the front matter was never closed. ('# regions: [national]',
# a field commented out, is a YAML comment.)
_MARKDOWN_HEADING = re.compile(r"^#{2,6}\s+\S")


def _count_nodes(node, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        return
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _count_nodes(k, budget)
            _count_nodes(v, budget)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _count_nodes(v, budget)


def _tabs(fm: str, r: Problems, offset: int) -> bool:
    """Report every line indented with a tab (YAML allows only spaces there)."""
    found = False
    for n, line in enumerate(fm.split("\n")):
        indent = line[:len(line) - len(line.lstrip())]
        if "\t" in indent:
            r.error(n + offset, "this line is indented with a tab; YAML needs spaces: replace "
                                "the tab with spaces (two per level)")
            found = True
    return found


def _cut_short(root: yaml.MappingNode, fm: str, r: Problems, offset: int) -> None:
    """A plain (unquoted) text value followed by ' #...' on its line has lost that part as a
    comment: say so, since YAML does not."""
    lines = fm.split("\n")
    for key_node, value_node in root.value:
        if getattr(key_node, "value", None) not in TEXT_FIELDS:
            continue
        if not isinstance(value_node, yaml.ScalarNode) or value_node.style is not None:
            continue
        start = value_node.start_mark
        if lines[start.line][start.column:start.column + 1] in ("!", "&"):  # a tag, an anchor
            _quote_it(r, key_node.value, lines[start.line], start.line + offset)
            continue
        end = value_node.end_mark
        rest = lines[end.line][end.column:] if end.line < len(lines) else ""
        if rest.lstrip().startswith("#"):
            whole = (value_node.value + " " + rest.strip()).replace('"', "'")
            r.error(end.line + offset, f"'{key_node.value}': everything after '#' is read as a "
                                       f"comment and dropped: put the whole value in quotes: "
                                       f"{key_node.value}: \"{whole}\"")


def _quote_it(r: Problems, key: str, line_text: str, line: int) -> None:
    value = line_text.split(":", 1)[1].strip().replace('"', "'")
    r.error(line, f"the value of '{key}' starts with '{value[:1]}', which YAML reads as markup "
                  f"and drops: put the whole value in double quotes: {key}: \"{value}\"")


def _control_characters(fm: str, r: Problems, offset: int) -> str:
    """Report each line with a control character pasted in (YAML refuses them, or reads a
    line break), and read on with a space in its place."""
    lines = fm.split("\n")
    for n, line in enumerate(lines):
        found = CONTROL_CHARACTERS.search(line)
        if found:
            r.error(n + offset, f"this line has an invisible control character "
                                f"(U+{ord(found.group()):04X}, pasted with the text?): "
                                "delete it and retype the spaces around it")
            lines[n] = CONTROL_CHARACTERS.sub(" ", line)
    return "\n".join(lines)


def compose_yaml(fm: str):
    """The YAML's node tree, from libyaml's parser when PyYAML has it (several times faster),
    made to look as the pure-Python parser's does (plain scalars have style None). Any error
    is raised by the pure-Python parser, whose messages explain_yaml_error knows."""
    if not yaml.__with_libyaml__:
        return yaml.compose(fm, Loader=yaml.SafeLoader)
    try:
        root = yaml.compose(fm, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return yaml.compose(fm, Loader=yaml.SafeLoader)
    stack, seen = [root] if root is not None else [], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: the same node again
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            node.style = node.style or None
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        else:
            stack.extend(n for pair in node.value for n in pair)
    return root


def parse_front_matter(fm: str, r: Problems, offset: int = FM_OFFSET):
    """Compose the YAML safely. Returns {key: (line, value_node, value)} or None."""
    try:
        return _parse(fm, r, offset)
    except RecursionError:
        r.error(offset, "the front matter nests lists or mappings hundreds deep: write each "
                        "field as 'name: value' or 'name: [a, b]'")
        return None


def _parse(fm: str, r: Problems, offset: int):
    fm = _control_characters(fm, r, offset)
    if _tabs(fm, r, offset):
        fm = re.sub(r"(?m)^[ \t]+", lambda m: m.group().replace("\t", "  "), fm)
    root = _compose_around_errors(fm, r, offset)
    if root is None:
        if r.present or any(p.severity == "error" for p in r.problems):
            return None  # every field was unreadable: said so
        r.error(1, "front matter is empty: add title, summary, principles, sectors, published")
        return None
    budget = [MAX_YAML_NODES]
    _count_nodes(root, budget)
    if budget[0] < 0:
        r.error(1, f"front matter is too large or expands too many YAML aliases (over "
                   f"{MAX_YAML_NODES} values); write the values out plainly")
        return None
    if not isinstance(root, yaml.MappingNode):
        r.error(yaml_line(root, offset), "front matter must be 'name: value' lines, e.g. "
                                         "title: Joint commissioning in Derby")
        return None
    _cut_short(root, fm, r, offset)
    return _construct(root, r, offset)


MAX_YAML_ERRORS = 20  # syntax mistakes reported in one file before giving up on it


def _compose_around_errors(fm: str, r: Problems, offset: int):
    """The YAML's node tree; at each syntax error, the error explained and the field it is in
    left out (its lines blanked, so the line numbers hold), and the rest read again: every
    mistake in a file is reported at once, not only the first. A field left out counts as
    present (it is there, unreadable), so it is not also called missing."""
    lines = fm.split("\n")
    for _ in range(MAX_YAML_ERRORS):
        try:
            return compose_yaml("\n".join(lines))
        except yaml.MarkedYAMLError as exc:
            at, message = explain_yaml_error("\n".join(lines), exc)
            r.error(at + offset, message)
            start, end, key = _field_around(lines, at)
            if key:
                r.present.add(key)
            if not any(line.strip() for line in lines[start:end]):
                return None  # nothing left to take out: the error is not in a field
            lines[start:end] = [""] * (end - start)
        except yaml.YAMLError as exc:
            r.error(1, f"front matter is not valid YAML: {exc}")
            return None
    return None


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_TOP_LINE = re.compile(r"^[^\s#-]")  # a line at the left margin: a field starts there


def _field_around(lines: list[str], at: int) -> tuple[int, int, str | None]:
    """(first line, line after the last, name) of the top-level field whose lines hold line
    `at`: from its line at the left margin to the next such line."""
    at = min(max(at, 0), len(lines) - 1) if lines else 0
    start = next((n for n in range(at, -1, -1) if _TOP_LINE.match(lines[n])), 0)
    end = next((n for n in range(at + 1, len(lines)) if _TOP_LINE.match(lines[n])), len(lines))
    m = _TOP_KEY.match(lines[start]) if lines else None
    return start, end, m.group(1) if m else None


def _construct(root: yaml.MappingNode, r: Problems, offset: int) -> dict:
    loader = yaml.SafeLoader("")
    _impossible_dates_as_text(root, loader)
    fields: dict[str, tuple[int, object, object]] = {}
    first_line: dict[str, int] = {}  # every key given, readable or not
    for key_node, value_node in root.value:
        line = yaml_line(key_node, offset)
        if not isinstance(key_node, yaml.ScalarNode):
            r.error(line, "a field name must be one plain word before the colon, e.g. "
                          "title: ...")
            continue
        key = key_node.value
        r.present.add(key)
        if key in first_line:
            r.error(line, f"'{key}' appears twice (first on line {first_line[key]}); keep one")
            continue
        first_line[key] = line
        _nested_duplicates(value_node, key, r, offset)
        try:
            value = loader.construct_object(value_node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            if not (key in TEXT_FIELDS and isinstance(value_node, yaml.ScalarNode)):
                r.error(line, f"'{key}': {exc.problem}; only plain YAML values are allowed")
            continue  # ('title: !Important review', a tag to YAML: _cut_short said so)
        fields[key] = (line, value_node, value)
    return fields


TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _impossible_dates_as_text(root, loader) -> None:
    """A date that does not exist (2010-02-30) is read as the text it is, wherever it is, so
    the field's own check reports it at its line, with its value; YAML would fail the whole
    field ('sources') at its key."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.tag == TIMESTAMP:
                try:
                    loader.construct_yaml_timestamp(node)
                except ValueError:
                    node.tag = "tag:yaml.org,2002:str"
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)


def _nested_duplicates(node, field_name: str, r: Problems, offset: int) -> None:
    """A key given twice inside one item of a list (YAML keeps the last silently): usually a
    second source whose '- ' is missing."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for item in items:
        if not isinstance(item, yaml.MappingNode):
            continue
        seen: dict[str, int] = {}
        for key_node, _ in item.value:
            key, line = str(key_node.value), yaml_line(key_node, offset)
            if key in seen:
                r.error(line, f"'{key}' appears twice in this {field_name.rstrip('s')} (first "
                              f"on line {seen[key]}): start each {field_name.rstrip('s')} "
                              f"with '- ' on a new line, or keep one '{key}'")
            else:
                seen[key] = line
