"""Controlled vocabularies: the four facets of entries/taxonomy.yaml, their terms and aliases.

A facet has a plural name used in front matter (``principles``) and a singular one used in
search URLs (``principle``). Term slugs are permanent; a renamed term keeps its old slug in
``aliases`` so that old links and filters still resolve. A term's ``words`` are the words and
phrases commissioners use for it: a search using them also finds the entries tagged with it.

The file is read from its YAML node tree into the taxonomy and every problem, at its line:
`kb check` reports them all at once; load_taxonomy refuses only a file it cannot use at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.entry import SLUG_RE, Problem, Problems, decode, near_miss, slugify, yaml_line
from kb.front_matter import compose_yaml
from kb.yaml_errors import explain_yaml_error

# A facet is named by its singular, as in search addresses (?principle=...). Its field, the
# plural, is where its terms are listed: an entry's front matter (principles: [...]), records,
# taxonomy.yaml's sections and the address of its pages (/principles/<slug>).
FACETS = ("principle", "sector", "stage", "region")
FIELD = {"principle": "principles", "sector": "sectors", "stage": "stages", "region": "regions"}
FACET_OF = {field: facet for facet, field in FIELD.items()}
FACET_KEYS = ("label", "terms")
TERM_KEYS = ("label", "description", "aliases", "words")
TEXT_TAG, NULL_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
INDENTS = ("this line is not indented like the lines around it: a facet starts at the left "
           "margin, its label: and terms: 2 spaces in, a term's slug 4, and the term's keys 6")
READ_AS = {"int": "number", "float": "number", "bool": "yes/no value", "timestamp": "date"}
PHRASE_RE = re.compile(r"^[\w'’-]+(?: [\w'’-]+)*$", re.UNICODE)
ITEM_RULES = {  # what each item of a term's list must be: (rule, the fault, an example item)
    "aliases": (SLUG_RE, "alias '{0}' must be an old slug: lowercase letters, digits and single "
                         "hyphens, e.g. {1}", "old-slug"),
    "words": (PHRASE_RE, "'{}' must be plain words (letters, digits, hyphens, apostrophes); "
                         "remove the empty or odd item", "core costs"),
}


class TaxonomyError(ValueError):
    """taxonomy.yaml is missing or cannot be used at all. `problems` holds every problem found
    in it, each with its line, for a caller that reports problems itself."""
    problems: tuple[Problem, ...] = ()


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
    any_value: bool = False  # every value resolves (taxonomy.yaml unusable: see unread_taxonomy)

    @property
    def field(self) -> str:
        return FIELD[self.name]

    def resolve(self, value: str) -> str | None:
        """The canonical slug for a slug or one of its aliases, else None."""
        if value in self.terms or self.any_value:
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

    @property
    def unread(self) -> bool:
        """Whether this is the stand-in for a taxonomy.yaml that cannot be read."""
        return any(f.any_value for f in self.facets.values())


@dataclass(eq=False)
class TermAsWritten:
    """One term of the file as written, with the lines that the checks across terms name."""
    name: str  # "sectors.health", as messages name it
    slug: str
    line: int
    term: Term | None  # None when the slug cannot be used in an address
    label: tuple[str, int] | None = None  # (label, line), when it is usable text
    aliases: tuple[tuple[str, int], ...] = ()  # (old slug, line)
    words: tuple[tuple[str, int], ...] = ()  # (plain words, line)


def unread_taxonomy() -> Taxonomy:
    """A stand-in while taxonomy.yaml cannot be read: it has no terms and takes any value as
    one, so that `kb check` can still judge everything else in the entries."""
    return Taxonomy({f: Facet(f, f.title(), {}, any_value=True) for f in FACETS})


def load_taxonomy(path: Path) -> Taxonomy:
    """Read taxonomy.yaml, leaving out a term's faulty parts (`kb check` reports them). A file
    that cannot be used at all raises TaxonomyError, listing every problem at its line."""
    path = Path(path)
    if not path.exists():
        raise TaxonomyError(f"{path}: not found; the entries folder needs a taxonomy.yaml")
    taxonomy, problems = read_taxonomy(path, path.name)
    if taxonomy is None:
        error = TaxonomyError("\n".join(f"{path}:{p.line}: {p.severity}: {p.message}"
                                        for p in problems))
        error.problems = tuple(problems)
        raise error
    return taxonomy


def taxonomy_problems(path: Path, rel: str = "taxonomy.yaml") -> list[Problem]:
    """Every problem of taxonomy.yaml at once, each at its line: YAML mistakes; keys missing,
    unknown or given twice; values of the wrong shape; slugs, labels, aliases and words that
    would not lead to one term. [] when the file is missing (the command needing it says so)."""
    path = Path(path)
    return read_taxonomy(path, rel)[1] if path.exists() else []


def read_taxonomy(path: Path, rel: str = "taxonomy.yaml"
                  ) -> tuple[Taxonomy | None, list[Problem]]:
    """The taxonomy in a file and every problem found in it, by line; no taxonomy when the
    file cannot be used (not YAML, a facet missing or without terms: no tag would resolve)."""
    r = Problems(rel)
    root = compose_vocabulary(Path(path), r)
    if not isinstance(root, yaml.MappingNode):
        if not r.problems:  # empty, or a list or text instead of facets
            r.error(yaml_line(root, 1) if root else 1, f"{rel} needs the facets principles:, "
                    "sectors:, stages: and regions: at the left margin, each with label: and "
                    "terms: indented under it")
        return None, sorted(r.problems)
    found = {key: (at, node) for key, at, node in _keys(root, r, rel, FACET_OF, "facet")}
    facets, written = {}, []
    for name in FACETS:
        if FIELD[name] not in found:
            r.error(1, f"the facet '{FIELD[name]}' is missing: add '{FIELD[name]}:' at the left "
                       "margin, with label: and terms: indented under it")
            continue
        facets[name], terms = _read_facet(name, *found[FIELD[name]], r)
        written += terms
    _check_words(written, r)
    usable = len(facets) == len(FACETS) and None not in facets.values()
    return (Taxonomy(facets) if usable else None), sorted(r.problems)


def _keys(node: yaml.MappingNode, r: Problems, where: str, allowed, kind: str):
    """(key, its line, value node) for the first of each key of a mapping. A key given twice
    (YAML would silently keep the last) or not `allowed` is reported, with the fix."""
    seen: dict[str, int] = {}
    for key_node, value in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        line = yaml_line(key_node, 1)
        if key in seen:
            fix = "merge the two, or give one another slug" if kind == "term" else "keep one"
            r.error(line, f"{kind} '{key}' appears twice in {where} (first on line {seen[key]}); "
                          f"YAML would keep only this one and drop the first: {fix}")
            continue
        seen[key] = line
        if allowed is not None and key not in allowed:
            r.error(line, f"unknown {kind} '{key}' in {where}{near_miss(key, allowed)}; the "
                          f"{kind}s there are {', '.join(allowed)}")
            continue
        yield key, line, value


def _read_facet(name: str, line: int, node, r: Problems
                ) -> tuple[Facet | None, list[TermAsWritten]]:
    """A facet's label and terms, checked; None (with the problem) when it has no terms."""
    field = FIELD[name]
    if not isinstance(node, yaml.MappingNode):
        r.error(line, f"'{field}' needs label: and terms: indented under it")
        return None, []
    parts = {key: (at, value) for key, at, value in _keys(node, r, field, FACET_KEYS, "key")}
    label = _text(*parts["label"], r, field, "label", name.title()) if "label" in parts \
        else None
    terms_line, terms = parts.get("terms", (line, None))
    if not isinstance(terms, yaml.MappingNode) or not terms.value:
        r.error(terms_line, f"'{field}' needs 'terms:' with its terms indented under it, each "
                            "a slug with its label, e.g. social-care: then label: Social care")
        return None, []
    written = [_read_term(field, slug, at, spec, r)
               for slug, at, spec in _keys(terms, r, field, None, "term")]
    _check_labels_and_aliases(name, written, r)
    usable = {t.slug: t.term for t in written if t.term is not None}
    return Facet(name=name, label=label or name.title(), terms=usable), written


def _read_term(field: str, slug: str, line: int, spec, r: Problems) -> TermAsWritten:
    """One term, checked: a slug that can be an address, a label, and values of the right
    shape. Its faulty parts are left out of the Term; a faulty slug leaves the term out."""
    name = f"{field}.{slug}"
    usable = bool(SLUG_RE.match(slug))
    if not usable:
        fix = f"write {slugify(slug)}:" if slugify(slug) else "write one before the ':'"
        r.error(line, f"{field}: the term slug '{slug}' must be lowercase letters, digits and "
                      f"single hyphens (it is part of addresses): {fix}")
    example = slugify(slug).replace("-", " ").capitalize() or "Social care"
    if not isinstance(spec, yaml.MappingNode):
        r.error(line, f"{name} needs a label indented under it, e.g. label: {example}")
        return TermAsWritten(name, slug, line, None)
    parts = {key: (at, value) for key, at, value in _keys(spec, r, name, TERM_KEYS, "key")}
    if "label" not in parts:
        r.error(line, f"{name} needs a label: add 'label: {example}' indented under it")
    label = _text(*parts["label"], r, name, "label", example) if "label" in parts else None
    description = _text(*parts["description"], r, name, "description", "what it covers, in "
                        "a sentence or two") if "description" in parts else ""
    aliases = _list(*parts["aliases"], r, name, "aliases") if "aliases" in parts else ()
    words = _list(*parts["words"], r, name, "words") if "words" in parts else ()
    term = Term(slug=slug, label=label or example, description=description or "",
                aliases=tuple(a for a, _ in aliases), words=tuple(w for w, _ in words))
    return TermAsWritten(name, slug, line, term if usable else None,
                         (label, parts["label"][0]) if label else None, aliases, words)


def _text(line: int, node, r: Problems, where: str, key: str, example: str) -> str | None:
    """A value that must be text; None, with the fix, when it is empty, a list, a group of
    keys, or something YAML reads as a number, date or yes/no."""
    if isinstance(node, yaml.ScalarNode) and node.tag == TEXT_TAG and node.value.strip():
        return node.value.strip()
    if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
        items = [str(n.value) for n in node.value if isinstance(n, yaml.ScalarNode)]
        shape = "a list" if isinstance(node, yaml.SequenceNode) else "a group of keys"
        r.error(line, f"{where}: '{key}' must be text, not {shape}: write {key}: "
                      f"{', '.join(items) or example}")
    elif node.tag == NULL_TAG or not node.value.strip():
        r.error(line, f"{where}: '{key}' is empty: write it, e.g. {key}: {example}")
    else:
        kind = READ_AS.get(node.tag.rsplit(":", 1)[-1], "value other than text")
        r.error(line, f"{where}: '{key}' must be text, but YAML reads {node.value} as a {kind}: "
                      f"put it in quotes: {key}: \"{node.value}\"")
    return None


def _list(line: int, node, r: Problems, name: str, key: str) -> tuple[tuple[str, int], ...]:
    """(item, line) for each usable item of a term's aliases or words, which must be a list in
    square brackets; the rest is reported, with the fix."""
    rule, fault, example = ITEM_RULES[key]
    if not isinstance(node, yaml.SequenceNode):
        value = node.value.strip() if isinstance(node, yaml.ScalarNode) else ""
        if isinstance(node, yaml.ScalarNode) and (node.tag == NULL_TAG or not value):
            r.error(line, f"{name}: '{key}' is empty: write {key}: [] or remove the line")
        else:
            r.error(line, f"{name}: '{key}' must be a list in square brackets, even for one "
                          f"item: write {key}: [{value or example}]")
        return ()
    found = []
    for item in node.value:
        if isinstance(item, yaml.MappingNode):  # 'climate emergency: action'
            r.error(yaml_line(item, 1), f"{name}: '{as_written(item)}' has a colon in it, "
                                        "which YAML reads as a name and its value: take the "
                                        "colon out, or put the item in quotes")
            continue
        value = str(item.value) if isinstance(item, yaml.ScalarNode) else "[...]"
        if rule.match(" ".join(value.split())):
            found.append((" ".join(value.split()), yaml_line(item, 1)))
        else:
            r.error(yaml_line(item, 1), f"{name}: {fault.format(value, slugify(value) or 'care')}")
    return tuple(found)


def as_written(node: yaml.MappingNode) -> str:
    """A one-pair mapping YAML made of an item with a colon, as it was written."""
    return ", ".join(f"{k.value}: {v.value}" for k, v in node.value
                     if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode))


def _check_labels_and_aliases(name: str, written: list[TermAsWritten], r: Problems) -> None:
    """Within one facet, a label, and an alias (an old address, ?sector=care), lead to one term
    only: not another term's label, slug or alias."""
    slugs = {t.slug: t for t in written}
    labels: dict[str, TermAsWritten] = {}
    for t in written:
        key = " ".join(t.label[0].lower().split()) if t.label else ""
        if key in labels:
            r.error(t.label[1], f"{t.name}: the label '{t.label[0]}' is also the label of "
                                f"{labels[key].name} (line {labels[key].label[1]}): give each "
                                "term its own label")
        elif key:
            labels[key] = t
    claimed: dict[str, tuple[TermAsWritten, int]] = {}
    for t in written:
        for alias, line in t.aliases:
            other, (owner, first) = slugs.get(alias), claimed.get(alias, (None, 0))
            if t in (other, owner):
                again = "the term's own slug" if other is t else "listed twice"
                r.warning(line, f"{t.name}: alias '{alias}' is {again}: remove it")
            elif other is not None:
                r.error(line, f"{t.name}: alias '{alias}' is the slug of {other.name} (line "
                              f"{other.line}); ?{name}={alias} must mean one term: remove it")
            elif owner is not None:
                r.error(line, f"{t.name}: alias '{alias}' is also listed under {owner.name} "
                              f"(line {first}); ?{name}={alias} must mean one term: keep one")
            else:
                claimed[alias] = (t, line)


def _check_words(written: list[TermAsWritten], r: Problems) -> None:
    """The commissioners' words across all facets: a phrase names one term only and is not
    another term's label (a search for it could not say which term it means)."""
    labels = {" ".join(t.label[0].lower().split()): t.name for t in written if t.label}
    owner: dict[str, tuple[str, int]] = {}  # phrase -> (facet.term, line)
    for t in written:
        for value, line in t.words:
            phrase = value.lower()
            if labels.get(phrase, t.name) != t.name:
                r.error(line, f"{t.name}: '{value}' is the label of {labels[phrase]}; a "
                              "search for it already finds that term")
            elif phrase in owner and owner[phrase][0] != t.name:
                r.error(line, f"{t.name}: '{value}' is also listed under {owner[phrase][0]} "
                              f"(line {owner[phrase][1]}); a phrase may name one term only")
            elif phrase in owner:
                r.warning(line, f"{t.name}: '{value}' is listed twice; keep one")
            else:
                owner[phrase] = (t.name, line)


def compose_vocabulary(path: Path, r: Problems):
    """A vocabulary file's YAML node tree, or None (a mistake is added to `r` in plain words,
    at the line an unclosed bracket or quote opened)."""
    text = decode(path.read_bytes(), r) if path.exists() else None
    if text is None:
        return None
    try:
        return compose_yaml(text)
    except yaml.MarkedYAMLError as exc:
        opened, message = _yaml_mistake(text, exc, path.name)
        r.error(opened, message)
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        r.error(1, f"not valid YAML: {exc}; remove the character it names")
    return None


def _yaml_mistake(text: str, exc: yaml.MarkedYAMLError, name: str) -> tuple[int, str]:
    """(line the mistake starts on, what to fix in plain words) for a YAML mistake in a
    vocabulary file, whose lists may run over several lines."""
    context = exc.context or ""
    if exc.context_mark and ("flow sequence" in context or "flow mapping" in context):
        opened = exc.context_mark.line + 1
        bracket, close = ("[", "]") if "sequence" in context else ("{", "}")
        comment = " ('#' starts a comment: put an item with '#' in quotes)" \
            if " #" in text.split("\n")[opened - 1] else ""
        return opened, (f"not valid YAML: the list opened with '{bracket}' on line "
                                 f"{opened} is not closed{comment}: end it with '{close}' "
                                 "after its last item, e.g. [core costs, overheads]")
    at, message = explain_yaml_error(text, exc)
    message = INDENTS if "not indented" in message and name == "taxonomy.yaml" else \
        message.replace("front matter", name)
    return at + 1, message if "not valid YAML" in message else \
        f"not valid YAML: {message}"
