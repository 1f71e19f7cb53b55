"""The code's shape, kept: small modules and functions, and Whoosh's internals behind one door.

- no module in kb/ over 400 lines, no function over 60 (a sign of two jobs in one);
- the private parts of Whoosh (its codec, columns, file store, matchers, readers' and writers'
  internals, and any `._` attribute of another object) are used in kb/whoosh_internals.py only.
"""

from __future__ import annotations

import ast
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
