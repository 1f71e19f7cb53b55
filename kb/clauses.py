"""A search's words once read: each clause (a word or a quoted phrase as typed) with the
ways it can match, and the whole query: its clauses, its boolean tree and the vocabulary
terms its words name. kb.text reads them from the query text; kb.scoring matches them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kb.analysis import is_stop_word
from kb.syntax import clauses_in
from kb.vocabulary import Concept


@dataclass(frozen=True)
class Alternative:
    """One way a clause can match: a word's index term, or a phrase's terms in order."""
    terms: tuple[str, ...]
    weight: float = 1.0
    why: str = "word"  # word, synonym, compound or spelling


@dataclass
class Clause:
    text: str  # as typed: 'light-touch', 'BME', '"full cost recovery"'
    alternatives: list[Alternative]
    exact: bool = False  # a quoted phrase: matched as typed, never through a concept
    correction: str | None = None  # the index's word for a misspelt one
    acronym: bool = False  # typed in capitals ('ESFA'): a name, never corrected
    offer: str | None = None  # a spelling offered as 'Did you mean', not searched ('VSCE')
    name: bool = False  # a place's name: matched as written, never by its stem ('Worthing')

    @property
    def meant(self) -> str:
        """The word the clause stands for: as corrected ('comissioning': commissioning), else
        as typed (also a word cut short: 'commiss' matches commiss*)."""
        fix = self.correction
        return fix if fix and not fix.endswith("*") else self.text


@dataclass
class ParsedQuery:
    clauses: list[Clause]
    tree: tuple  # ("clause", i) | ("and", [..]) | ("or", [..]) | ("not", node) | ("all",)
    positive: list[int]  # the clauses that score: every clause not under NOT
    concepts: list[Concept] = field(default_factory=list)
    excluded: list[Concept] = field(default_factory=list)  # named under NOT: excluded too
    either: bool = False  # an OR typed as such joins two or more parts

    @property
    def ranking_only(self) -> list[int]:
        """The scoring clauses no result needs: plain words typed beside a phrase, a +word or
        an OR ('youth OR children grants': grants), which only rank the results having them."""
        needed = clauses_in(self.tree)
        return [i for i in self.positive if i not in needed]

    def needed_concepts(self) -> list[Concept]:
        """The terms the words a result needs name, each said to be for those words only:
        'hospice OR palliative NHS ICB' names Health for hospice, not for NHS and ICB, which
        only rank (a term only they name brings no result in)."""
        only = set(self.ranking_only)
        extra = {w for i in only for c in (self.clauses[i],)
                 for w in re.findall(r"\w+", f"{c.text} {c.meant}".lower())}
        out = []
        for c in self.concepts:
            if not set(c.clauses) & set(self.positive) <= only:
                kept = [p for p in c.phrase.split(", ") if not set(re.findall(r"\w+", p)) <= extra]
                out.append(replace(c, phrase=", ".join(kept)) if kept else c)
        return out

    def highlights(self) -> tuple[set[str], set[tuple[str, ...]]]:
        """What the scoring clauses can match, for highlighting: (single index terms, phrases
        as index terms in order)."""
        alternatives = [a.terms for i in self.positive for a in self.clauses[i].alternatives]
        return ({t[0] for t in alternatives if len(t) == 1},
                {t for t in alternatives if len(t) > 1})

    def corrected_text(self, text: str) -> str | None:
        """The query as typed with each misspelt word replaced by its correction, or None. A
        word cut short ('hous': hous*) is no search to offer instead, nor are small words
        alone ('wiht': with)."""
        # 'Helth' as typed (the clause 'helth') is 'Health'
        out = respelt_text(text, [(c.text, c.correction or c.offer) for c in self.clauses
                                  if c.correction or c.offer])
        if out is None or all(is_stop_word(w) for w in re.findall(r"\w+", out)):
            return None
        return out


def respelt_text(text: str, corrections: list[tuple[str, str]]) -> str | None:
    """The text with each misspelt word (typed, meant) replaced as typed ('Servises' ->
    'Services'), quotation marks and all; None when nothing changes."""
    out = text
    for typed, meant in corrections:
        if not meant.endswith("*"):
            out = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)",
                         lambda m, meant=meant: in_case_of(m.group(0), meant), out,
                         flags=re.IGNORECASE)
    return out if out != text else None


def dedupe(alts: list[Alternative]) -> list[Alternative]:
    """The alternatives without repeats (the first of each way of matching kept)."""
    seen, out = set(), []
    for a in alts:
        if a.terms and a.terms not in seen:
            seen.add(a.terms)
            out.append(a)
    return out


def in_case_of(typed: str, word: str) -> str:
    """`word` written as `typed` was: 'HEATH' -> 'HEALTH', 'Heath' -> 'Health'."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    return word.capitalize() if typed[:1].isupper() else word
