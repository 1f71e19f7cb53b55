"""Controlled vocabularies: the four facets of entries/taxonomy.yaml, their terms and aliases.

A facet has a plural name used in front matter (``principles``) and a singular one used in
search URLs (``principle``). Term slugs are permanent; a renamed term keeps its old slug in
``aliases`` so that old links and filters still resolve. A term's ``words`` are the words and
phrases commissioners use for it: a search using them also finds the entries tagged with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

FACETS = ("principles", "sectors", "stages", "regions")
PARAM = {"principles": "principle", "sectors": "sector", "stages": "stage", "regions": "region"}


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
    name: str  # plural, as in front matter: "principles"
    label: str  # "Compact principle"
    terms: dict[str, Term]

    @property
    def param(self) -> str:
        return PARAM[self.name]

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
        raw = data.get(name)
        if not isinstance(raw, dict) or not isinstance(raw.get("terms"), dict):
            raise TaxonomyError(f"{path}: facet '{name}' needs a 'terms' mapping")
        terms = {}
        for slug, spec in raw["terms"].items():
            spec = spec or {}
            if not isinstance(spec, dict) or not spec.get("label"):
                raise TaxonomyError(f"{path}: term '{name}.{slug}' needs a label")
            terms[str(slug)] = Term(
                slug=str(slug),
                label=str(spec["label"]),
                description=str(spec.get("description") or "").strip(),
                aliases=tuple(str(a) for a in spec.get("aliases") or ()),
                words=tuple(" ".join(str(w).split()) for w in spec.get("words") or ()
                            if isinstance(w, str | int) and str(w).strip()),
            )
        facets[name] = Facet(name=name, label=str(raw.get("label") or name.title()), terms=terms)
    unknown = set(data) - set(FACETS)
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
