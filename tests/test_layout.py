"""The code's shape, kept: small modules and functions, and Whoosh's internals behind one door.

- no module in kb/ over 400 lines, no function over 60 (a sign of two jobs in one);
- the private parts of Whoosh (its codec, columns, file store, matchers, readers' and writers'
  internals, and any `._` attribute of another object) are used in kb/whoosh_internals.py only;
- data flows one way: each module imports only from modules before it in FLOW.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

KB = Path(__file__).resolve().parent.parent / "kb"
MODULES = sorted(KB.glob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
INTERNALS = "whoosh_internals.py"
PRIVATE_WHOOSH = ("whoosh.codec", "whoosh.columns", "whoosh.filedb", "whoosh.matching",
                  "whoosh.reading", "whoosh.writing", "whoosh.index", "whoosh.util")


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_and_functions_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(tree(path))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == [], f"{path.name}: {long}"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != INTERNALS],
                         ids=lambda p: p.name)
def test_whoosh_internals_are_used_in_one_module_only(path):
    found = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith(PRIVATE_WHOOSH):
            found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names
                      if a.name.startswith(PRIVATE_WHOOSH)]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and \
                not node.attr.startswith("__") and not (
                    isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            found.append(f"line {node.lineno}: ._{node.attr[1:]} of another object")
    assert found == [], f"{path.name} reaches into private parts: {found}"


# The data flow, top to bottom: each module imports only from modules before it in this list
# (README.md's table of modules is in the same order).
FLOW = ("entry entry_files yaml_errors front_matter taxonomy synonyms dates sources render "
        "body_checks across_files anchors validate publishing history numbers word_forms analysis "
        "spelling schema whoosh_internals generations workers build query vocabulary syntax "
        "clauses compounds reading naming text facets topics postings scoring matched related "
        "near_phrases snippets snapshot library urls wording contexts changes formats redirects "
        "headers web "
        "documents links entry_links cli").split()


def kb_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kb."):
            found.add(node.module.removeprefix("kb."))
        elif isinstance(node, ast.ImportFrom) and node.module == "kb":
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("kb.") for a in node.names if a.name.startswith("kb.")}
    return found


def test_every_module_has_a_place_in_the_flow():
    assert sorted(p.stem for p in MODULES if not p.stem.startswith("__")) == sorted(FLOW)


@pytest.mark.parametrize("name", FLOW)
def test_data_flows_one_way(name):
    later = {m for m in kb_imports(KB / f"{name}.py") if m in FLOW[FLOW.index(name):]}
    assert later == set(), f"kb/{name}.py imports from modules after it: {sorted(later)}"


def test_readme_lists_the_modules_in_flow_order():
    readme = (KB.parent / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"^\| `kb/(\w+)\.py` \|", readme, re.MULTILINE) == FLOW
