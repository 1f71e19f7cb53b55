"""The vocabularies as the search uses them: synonym groups and the phrases that name each
vocabulary term (its label, the parts of a label that lists several things, its slug, its
commissioners' words), as sequences of index terms, for matching a query's words; and each
term's own text (label, description, words) as index terms, for suggesting it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kb.analysis import (
    STOP_WORDS,
    WORD,
    acronym_term,
    analyse,
    compound_terms,
    is_stop_word,
    light_key,
)
from kb.taxonomy import FACETS, Taxonomy


@dataclass(frozen=True)
class Concept:
    """A vocabulary term named in the query: entries tagged with it match `clauses`."""
    facet: str
    slug: str
    label: str
    phrase: str  # the words of the query that named (or suggest) it
    clauses: tuple[int, ...] = ()


def phrase_terms(phrase: str) -> tuple[str, ...]:
    """The index terms of a phrase, in order, without stop words and joined compounds."""
    forms = phrase_forms(phrase)
    return forms[0] if forms else ()


def phrase_forms(phrase: str) -> list[tuple[str, ...]]:
    """The index terms of a phrase in order: with hyphenated words split into their parts,
    and, when it has any, with them joined ('co-production' -> (co, product), (coproduct,))."""
    split: list[str] = []
    joined: list[str] = []
    for word in WORD.findall(phrase.lower()):
        kept, whole = compound_terms(word)
        split += kept
        joined += [whole] if whole else kept
    forms = [tuple(split), tuple(joined)] if joined != split else [tuple(split)]
    words = WORD.findall(phrase.lower())
    if len(words) > 1:  # 'have your say' is not the word 'say'
        forms = [f for f in forms if len(f) > 1]
        if not forms:  # 'not for profit' is found as it is mostly written: not-for-profit
            forms = [compound_terms("-".join(words))[0]]
    return [f for f in forms if f]


def label_phrases(label: str) -> list[str]:
    """A label and, when it lists several things ('Funding and procurement', 'Arts, culture
    and sport'), each of them: any one names the term."""
    parts = [p.strip() for p in re.split(r",|\band\b|&", label) if p.strip()]
    return [label, *parts] if len(parts) > 1 else [label]


@dataclass
class Vocabulary:
    """Synonym groups and concept phrases, as sequences of index terms, for matching queries."""
    groups: list[tuple[str, ...]]  # synonym groups, as written
    synonym_starts: dict[str, list[tuple[tuple[str, ...], int]]]
    concept_starts: dict[str, list[tuple[tuple[str, ...], Concept]]]
    concepts_by_terms: dict[tuple[str, ...], list[Concept]]
    words: frozenset[str]  # every word the vocabularies use: never "corrected"
    names: frozenset[str]  # the words that alone are a term's or a synonym group's phrase
    labels: frozenset[tuple[str, str, str]]  # (facet, slug, light_key) of each term's label
    # and the things it lists ('Arts, culture and sport': arts, culture, sport)
    term_text: dict[tuple[str, str], frozenset[str]]  # (facet, slug) -> its text's index terms
    # phrases of small words and one other ('below the radar', 'have your say'), as typed,
    # lowercase: named only by all their words ('say' alone is not 'have your say')
    small_word_phrases: dict[str, list[Concept]] = field(default_factory=dict)
    # a synonym that is an acronym spelling an everyday word ('SEND', 'CAT'): it stands for
    # its group only when typed in capitals, and is no way for the group's phrases to match
    # ('sent' is not special educational needs)
    capitals_only: frozenset[tuple[str, ...]] = frozenset()


def capitals_only(phrase: str) -> bool:
    """Whether a synonym is an acronym of three or more letters that is also an everyday
    English word ('SEND', 'CAT'; not 'SEN' or 'SIB', which are rare words)."""
    return acronym_term(phrase) is not None


def _add(starts: dict, terms: tuple[str, ...], value) -> None:
    if terms:
        starts.setdefault(terms[0], []).append((terms, value))


def initialisms(taxonomy: Taxonomy, synonyms: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A term's word that is the initials of other phrases of it ('psed', public sector
    equality duty; 'cvs', council for voluntary service, small words skipped or not), as a
    synonym group, so that an entry saying either is found by both. Words a synonym group
    already has are left to it."""
    grouped = {light_key(p) for group in synonyms for p in group}
    found: dict[str, list[str]] = {}
    for facet in FACETS:
        for term in taxonomy[facet].terms.values():
            phrases = [*label_phrases(term.label), *term.words]
            short = {p.lower() for p in phrases if re.fullmatch(r"[A-Za-z]{2,6}", p)}
            for phrase in phrases:
                for letters in short & initials(phrase):
                    if not {light_key(letters), light_key(phrase)} & grouped:
                        found.setdefault(letters, []).append(phrase)
    return [(letters, *dict.fromkeys(phrases)) for letters, phrases in found.items()]


def initials(phrase: str) -> set[str]:
    """The initials of a phrase of two or more words, its small words counted or skipped:
    'council for voluntary service' -> {'cfvs', 'cvs'}; none for one word."""
    words = WORD.findall(phrase.lower())
    kept = [w for w in words if w not in STOP_WORDS]
    return {"".join(w[0] for w in ws) for ws in (words, kept) if len(ws) > 1}


@lru_cache(maxsize=8)  # a generation's file never changes
def abbreviations(folder: Path) -> tuple[tuple[str, str], ...]:
    """(acronym, what it stands for), from the folder's synonyms.yaml as written (an index
    generation keeps a copy): each acronym in capitals with the phrase of its group whose
    initials it is ('CCG', 'clinical commissioning group'), for the About page and term
    pages; one no phrase spells out is left out."""
    try:
        data = yaml.safe_load((folder / "synonyms.yaml").read_text(encoding="utf-8-sig")) or []
    except (FileNotFoundError, yaml.YAMLError):
        return ()
    found: dict[str, str] = {}
    for group in (g for g in data if isinstance(g, list)) if isinstance(data, list) else ():
        words = [" ".join(p.split()) for p in group if isinstance(p, str)]
        for acronym in (w for w in words if ACRONYM.fullmatch(w)):  # CCG, MoJ: a phrase with
            # its small words counted comes after one without them (BAME: black Asian and ...)
            meant = sorted((p for p in words if " " in p and acronym.lower() in _spelt(p)),
                           key=lambda p: min(_spelt(p), key=len) != acronym.lower())
            if meant:
                found.setdefault(acronym, meant[0])
    return tuple(sorted(found.items(), key=lambda a: a[0].upper()))


ACRONYM = re.compile(r"(?=(?:[a-z]*[A-Z]){2})[A-Z][A-Za-z]{1,6}")  # two capitals at least


def _spelt(phrase: str) -> set[str]:
    """The letters a phrase's acronym may be: initials (as kb.vocabulary.initials), a word in
    capitals giving all its letters ('HM Prison and Probation Service': hmpps)."""
    words = phrase.split()
    if not any(len(w) > 1 and w.isupper() for w in words):
        return initials(phrase)
    letters = [w.lower() if len(w) > 1 and w.isupper() else w[0].lower() for w in words
               if w.lower() not in STOP_WORDS or w.isupper()]
    return {"".join(letters)} | initials(phrase)


def compile_vocabulary(taxonomy: Taxonomy, synonyms: list[tuple[str, ...]]) -> Vocabulary:
    synonyms = [*synonyms, *initialisms(taxonomy, synonyms)]
    synonym_starts: dict = {}
    for n, group in enumerate(synonyms):
        for phrase in group:
            for terms in phrase_forms(phrase):
                _add(synonym_starts, terms, n)
    concept_starts: dict = {}
    small_word_phrases: dict = {}
    by_terms: dict = {}
    term_text: dict = {}
    words: set[str] = {w.lower() for group in synonyms for p in group for w in WORD.findall(p)}
    phrases_used = [p for group in synonyms for p in group]
    labels: set[tuple[str, str, str]] = set()
    for facet in FACETS:
        for term in taxonomy[facet].terms.values():
            own_names = [*label_phrases(term.label), term.slug.replace("-", " ")]
            labels.update((facet, term.slug, light_key(p)) for p in own_names)
            phrases = [*own_names, *term.words]
            term_text[facet, term.slug] = frozenset(
                analyse(" ".join([term.label, term.description, *term.words])))
            seen = set()
            phrases_used += phrases
            for phrase in phrases:
                words.update(w.lower() for w in WORD.findall(phrase))
                if len(WORD.findall(phrase)) > 1 and len(phrase_terms(phrase)) < 2:
                    small_word_phrases.setdefault(" ".join(WORD.findall(phrase.lower())), []
                                                  ).append(Concept(facet, term.slug,
                                                                   term.label, phrase))
                for terms in phrase_forms(phrase):
                    # one per way of writing it: 'Volunteering' and 'volunteers' share a stem,
                    # and a search names the term with either (kb.naming._names)
                    if (terms, light_key(phrase)) in seen:
                        continue
                    seen.add((terms, light_key(phrase)))
                    concept = Concept(facet, term.slug, term.label, phrase)
                    _add(concept_starts, terms, concept)
                    by_terms.setdefault(terms, []).append(concept)
    for starts in (synonym_starts, concept_starts):
        for options in starts.values():
            options.sort(key=lambda o: -len(o[0]))
    names = frozenset(p.lower() for p in phrases_used if len(WORD.findall(p)) == 1)
    capitals = frozenset(t for group in synonyms for p in group if capitals_only(p)
                         for t in phrase_forms(p))
    return Vocabulary(list(synonyms), synonym_starts, concept_starts, by_terms,
                      frozenset(w for w in words if w), names, frozenset(labels), term_text,
                      small_word_phrases, capitals)


def merge_concepts(concepts: list[Concept], negated: set[int]) -> list[Concept]:
    """One Concept per term, covering every clause that named it but those in `negated`."""
    merged: dict[tuple[str, str], Concept] = {}
    for c in concepts:
        covered = tuple(i for i in c.clauses if i not in negated)
        if not covered:
            continue
        key = (c.facet, c.slug)
        if key in merged:
            old = merged[key]
            clauses = tuple(sorted(set(old.clauses) | set(covered)))
            merged[key] = Concept(c.facet, c.slug, c.label, _joined(old.phrase, c.phrase),
                                  clauses)
        else:
            merged[key] = Concept(c.facet, c.slug, c.label, c.phrase, covered)
    return list(merged.values())


def _joined(phrases: str, more: str) -> str:
    """The phrases that named a term, ', '-separated, none inside another: 'youth' and
    'youth servces' are 'youth servces'."""
    kept = phrases.split(", ")
    for phrase in more.split(", "):
        words = _content(phrase)
        kept = [p for p in kept
                if not (_within(_content(p), words) and len(_content(p)) < len(words))]
        if not any(_within(words, _content(p)) for p in kept):
            kept.append(phrase)
    return ", ".join(kept)


def _content(phrase: str) -> list[str]:
    """A phrase's words but the small ones, in lower case: 'black and minority ethnic' is
    'black minority ethnic' named by a synonym of the whole; 'Plymouth' is 'plymouth'."""
    return [w for w in phrase.lower().split() if not is_stop_word(w)]


def _within(inner: list[str], outer: list[str]) -> bool:
    return any(outer[i:i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1))
