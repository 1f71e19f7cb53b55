"""Controlled vocabularies: the four facets of entries/taxonomy.yaml, their terms and aliases.

A facet has a plural name used in front matter (``principles``) and a singular one used in
search URLs (``principle``). Term slugs are permanent; a renamed term keeps its old slug in
``aliases`` so that old links and filters still resolve. A term's ``words`` are the words and
phrases commissioners use for it: a search using them also finds the entries tagged with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.entry import Problem, Problems, decode, yaml_line
from kb.front_matter import compose_yaml

# A facet is named by its singular, as in search addresses (?principle=...). Its field, the
# plural, is where its terms are listed: an entry's front matter (principles: [...]), records,
# taxonomy.yaml's sections and the address of its pages (/principles/<slug>).
FACETS = ("principle", "sector", "stage", "region")
FIELD = {"principle": "principles", "sector": "sectors", "stage": "stages", "region": "regions"}
FACET_OF = {field: facet for facet, field in FIELD.items()}


class TaxonomyError(ValueError):
    """taxonomy.yaml is missing or malformed."""


@dataclass(frozen=True)
class Term:
    slug: str
    label: str
    description: str
    aliases: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # what commissioners type for it: "core costs", "overheads"


@dataclass(frozen=True)
class Facet:
    name: str  # "principle"
    label: str  # "Compact principle"
    terms: dict[str, Term]

    @property
    def field(self) -> str:
        return FIELD[self.name]

    def resolve(self, value: str) -> str | None:
        """The canonical slug for a slug or one of its aliases, else None."""
        if value in self.terms:
            return value
        for term in self.terms.values():
            if value in term.aliases:
                return term.slug
        return None

    def label_of(self, slug: str) -> str:
        term = self.terms.get(slug)
        return term.label if term else slug


@dataclass(frozen=True)
class Taxonomy:
    facets: dict[str, Facet]

    def __getitem__(self, name: str) -> Facet:
        return self.facets[name]


def safe_load(text: str):
    """yaml.safe_load, with libyaml's parser when PyYAML has it (several times faster)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_taxonomy(path: Path) -> Taxonomy:
    """Read taxonomy.yaml; raise TaxonomyError naming the file and the problem."""
    try:
        data = safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: not found; the entries folder needs a taxonomy.yaml") \
            from None
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise TaxonomyError(f"{path}: expected a mapping of facets")
    facets = {}
    for name in FACETS:
        raw = data.get(FIELD[name])
        if not isinstance(raw, dict) or not isinstance(raw.get("terms"), dict):
            raise TaxonomyError(f"{path}: facet '{FIELD[name]}' needs a 'terms' mapping")
        terms = {}
        for slug, spec in raw["terms"].items():
            spec = spec or {}
            if not isinstance(spec, dict) or not spec.get("label"):
                raise TaxonomyError(f"{path}: term '{FIELD[name]}.{slug}' needs a label")
            terms[str(slug)] = Term(
                slug=str(slug),
                label=str(spec["label"]),
                description=str(spec.get("description") or "").strip(),
                aliases=tuple(str(a) for a in spec.get("aliases") or ()),
                words=tuple(" ".join(str(w).split()) for w in spec.get("words") or ()
                            if isinstance(w, str | int) and str(w).strip()),
            )
        facets[name] = Facet(name=name, label=str(raw.get("label") or name.title()), terms=terms)
    unknown = set(data) - set(FIELD.values())
    if unknown:
        raise TaxonomyError(f"{path}: unknown facet(s) {', '.join(sorted(unknown))}")
    return Taxonomy(facets=facets)


def load_synonyms(path: Path) -> list[tuple[str, ...]]:
    """Groups of equivalent words and phrases from synonyms.yaml, lowercased; [] if absent.
    `kb check` reports problems in the file; here a malformed group is skipped."""
    try:
        data = safe_load(Path(path).read_text(encoding="utf-8-sig")) or []
    except FileNotFoundError:
        return []
    groups = []
    for group in data if isinstance(data, list) else []:
        if isinstance(group, list):
            phrases = tuple(dict.fromkeys(" ".join(str(p).lower().split()) for p in group
                                          if isinstance(p, str | int) and str(p).strip()))
            if len(phrases) > 1:
                groups.append(phrases)
    return groups


PHRASE_RE = re.compile(r"^[\w'’-]+(?: [\w'’-]+)*$", re.UNICODE)


def _compose(path: Path, r: Problems, report: bool):
    """A vocabulary file's YAML node tree, or None when the file is missing, empty or not
    YAML (a YAML mistake is added to `r` when `report`)."""
    if not path.exists():
        return None
    text = decode(path.read_bytes(), r)
    try:
        return compose_yaml(text or "")
    except yaml.MarkedYAMLError as exc:
        if report:
            mark = exc.problem_mark or exc.context_mark
            r.error(mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem or exc}")
        return None


def synonym_problems(path: Path, rel: str = "synonyms.yaml") -> list[Problem]:
    """Check synonyms.yaml: a list of groups, each a list of two or more words or phrases, no
    phrase in two groups."""
    r = Problems(rel)
    root = _compose(Path(path), r, report=True)
    if root is None:
        return r.problems
    if not isinstance(root, yaml.SequenceNode):
        r.error(1, "synonyms.yaml must be a list of groups, e.g. - [BME, black and minority "
                   "ethnic]")
        return r.problems
    seen: dict[str, int] = {}
    for group in root.value:
        line = yaml_line(group, 1)
        if not isinstance(group, yaml.SequenceNode) or len(group.value) < 2:
            r.error(line, "each group must be a list of at least two words or phrases, e.g. "
                          "- [PCT, primary care trust]")
            continue
        for item in group.value:
            value = item.value if isinstance(item, yaml.ScalarNode) else None
            phrase = " ".join(str(value).lower().split()) if value is not None else ""
            if not phrase or not PHRASE_RE.match(phrase):
                r.error(line, f"'{value}' must be plain words (letters, digits, hyphens)")
            elif phrase in seen:
                r.error(line, f"'{value}' is already in the group on line {seen[phrase]}; a "
                              "phrase may belong to one group only")
            else:
                seen[phrase] = line
    return r.problems


def vocabulary_word_problems(path: Path, rel: str = "taxonomy.yaml") -> list[Problem]:
    """Check the commissioners' words of taxonomy.yaml's terms: each `words` a list of plain
    words or phrases, none empty, none listed under two terms or equal to another term's
    label (a search for it could not say which term it means)."""
    r = Problems(rel)
    root = _compose(Path(path), r, report=False)  # load_taxonomy reports unreadable YAML
    if root is None:
        return r.problems
    owner: dict[str, tuple[str, int]] = {}  # phrase -> (facet.term, line)
    labels: dict[str, str] = {}
    words: list[tuple[str, int, object]] = []  # (facet.term, line, node)
    for facet, term, spec in _taxonomy_terms(root):
        name = f"{facet}.{term}"
        for key, value in spec:
            if key.value == "label" and isinstance(value, yaml.ScalarNode):
                labels[" ".join(str(value.value).lower().split())] = name
            elif key.value == "words":
                words.append((name, yaml_line(value, 1), value))
    for name, line, node in words:
        if not isinstance(node, yaml.SequenceNode):
            r.error(line, f"{name}: 'words' must be a list, e.g. words: [core costs, overheads]")
            continue
        for item in node.value:
            item_line = yaml_line(item, 1)
            value = item.value if isinstance(item, yaml.ScalarNode) else None
            phrase = " ".join(str(value).lower().split()) if value is not None else ""
            if not phrase or not PHRASE_RE.match(phrase):
                r.error(item_line, f"{name}: '{value}' must be plain words (letters, digits, "
                                   "hyphens, apostrophes); remove the empty or odd item")
            elif labels.get(phrase, name) != name:
                r.error(item_line, f"{name}: '{value}' is the label of {labels[phrase]}; a "
                                   "search for it already finds that term")
            elif phrase in owner and owner[phrase][0] != name:
                other, other_line = owner[phrase]
                r.error(item_line, f"{name}: '{value}' is also listed under {other} (line "
                                   f"{other_line}); a phrase may name one term only")
            elif phrase in owner:
                r.warning(item_line, f"{name}: '{value}' is listed twice; keep one")
            else:
                owner[phrase] = (name, item_line)
    return r.problems


def _taxonomy_terms(root):
    """(facet, term slug, [(key node, value node)]) for each term of a composed taxonomy."""
    if not isinstance(root, yaml.MappingNode):
        return
    for facet_key, facet in root.value:
        if not isinstance(facet, yaml.MappingNode):
            continue
        for key, terms in facet.value:
            if key.value != "terms" or not isinstance(terms, yaml.MappingNode):
                continue
            for term_key, spec in terms.value:
                if isinstance(spec, yaml.MappingNode):
                    yield facet_key.value, term_key.value, spec.value
