"""A query's syntax: the boolean tree of its parts. Words side by side are an OR (any may
match; ranking rewards more), "quoted phrases" and +words must match, -words and NOT exclude,
AND requires both sides, OR either, and (parentheses) group. Operators with nothing to join are
dropped, never an error. kb.text turns the words into clauses; this orders them."""

from __future__ import annotations


class Parser:
    """Recursive descent over tokens whose plain-word runs are already clauses.
    Precedence: NOT, then AND, then OR, then juxtaposition (recall-first)."""

    def __init__(self, items: list[tuple[str, object]]):
        self.items, self.at = items, 0
        self.either = False  # an explicit OR joined two or more parts

    def peek(self, kind: str, value=None) -> bool:
        if self.at >= len(self.items):
            return False
        k, v = self.items[self.at]
        return k == kind and (value is None or v == value)

    def sequence(self) -> tuple:
        must, should, must_not = [], [], []
        while self.at < len(self.items) and not self.peek(")"):
            if self.peek("op", "AND") or self.peek("op", "OR"):
                self.at += 1  # a dangling operator: ignore it
                continue
            node, kind = self.disjunction()
            if node:
                {"must": must, "should": should, "must_not": must_not}[kind].append(node)
        tree = ("and", must) if must else ("or", should) if should else ("all",)
        if must_not:
            tree = ("and", [tree, *(("not", n) for n in must_not)])
        return tree

    def disjunction(self):
        return self.chain("OR", self.conjunction, "or")

    def conjunction(self):
        return self.chain("AND", self.unary, "and")

    def chain(self, word: str, operand, tag: str):
        """operand (word operand)*: one node, or (tag, nodes) when the operator joins two or
        more; an excluded operand ('a AND NOT b', 'a AND -b') joins as its negation. A
        dangling operator ("a OR", "a AND )") is dropped, not an error."""
        parts = [operand()]
        while self.peek("op", word):
            self.at += 1
            if self.at < len(self.items) and not self.peek(")"):
                parts.append(operand())
        parts = [(n, kind) for n, kind in parts if n]
        if len(parts) > 1:
            self.either |= tag == "or"
            return (tag, [("not", n) if kind == "must_not" else n for n, kind in parts]), "must"
        return parts[0] if parts else (None, "should")

    def unary(self):
        if self.peek("op", "NOT"):
            self.at += 1
            if self.at >= len(self.items) or self.peek(")") or self.peek("op"):
                return None, "should"
            node, _ = self.unary()
            return node, "must_not"
        kind, value = self.items[self.at]
        self.at += 1
        if kind == "(":  # '-(a OR b)' excludes the group, as NOT does
            node = self.sequence()
            if self.peek(")"):
                self.at += 1
            return (node if node != ("all",) else None), "must_not" if value == "-" else "must"
        if kind == ")":
            return None, "should"
        if kind == "op":  # an operator where a word should be: skip it
            return None, "should"
        return ("clause", value[0]), value[1]


def negated_clauses(tree: tuple, under_not: bool = False) -> set[int]:
    """The clauses under a NOT (or a '-'): they exclude entries, and never score."""
    kind = tree[0]
    if kind == "clause":
        return {tree[1]} if under_not else set()
    if kind == "not":
        return negated_clauses(tree[1], True)
    if kind in ("and", "or"):
        return set().union(*(negated_clauses(n, under_not) for n in tree[1])) if tree[1] else set()
    return set()


def clauses_in(tree: tuple) -> set[int]:
    """Every clause the tree holds, excluded or not."""
    kind = tree[0]
    if kind == "clause":
        return {tree[1]}
    if kind == "not":
        return clauses_in(tree[1])
    return set().union(*map(clauses_in, tree[1])) if kind in ("and", "or") else set()


def without_clauses(tree: tuple, dropped: set[int]) -> tuple:
    """The tree with the `dropped` clauses taken out (a misspelt small word: 'wich'), as if
    they had never been typed: with nothing left, a tree that matches nothing."""
    return _without(tree, dropped) or ("or", []) if dropped else tree


def _without(tree: tuple, dropped: set[int]) -> tuple | None:
    kind = tree[0]
    if kind == "clause":
        return None if tree[1] in dropped else tree
    if kind == "not":
        inner = _without(tree[1], dropped)
        return ("not", inner) if inner else None
    if kind in ("and", "or"):
        kept = [n for n in (_without(n, dropped) for n in tree[1]) if n]
        return (kind, kept) if kept else None
    return tree
