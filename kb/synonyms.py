"""synonyms.yaml: groups of words and phrases that mean the same to a commissioner (BME, BAME,
black and minority ethnic...), read for the search and checked for `kb check`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kb.entry import Problem, Problems, yaml_line
from kb.taxonomy import PHRASE_RE, as_written, compose_vocabulary


def load_synonyms(path: Path) -> list[tuple[str, ...]]:
    """Groups of equivalent words and phrases from synonyms.yaml, lowercased but for an
    acronym written in capitals ('SEND': see kb.vocabulary.capitals_only); [] if absent.
    `kb check` reports problems in the file; here a malformed group is skipped."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8-sig"),  # libyaml's, if there
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    except FileNotFoundError:
        return []
    groups = []
    for group in data if isinstance(data, list) else []:
        if isinstance(group, list):
            phrases = tuple(dict.fromkeys(_as_kept(str(p)) for p in group
                                          if isinstance(p, str | int) and str(p).strip()))
            if len(phrases) > 1:
                groups.append(phrases)
    return groups


def _as_kept(phrase: str) -> str:
    words = " ".join(phrase.split())
    return words if re.fullmatch(r"[A-Z]{2,6}", words) else words.lower()


def synonym_problems(path: Path, rel: str = "synonyms.yaml") -> list[Problem]:
    """Check synonyms.yaml: a list of groups, each a list of two or more words or phrases, no
    phrase in two groups."""
    r = Problems(rel)
    root = compose_vocabulary(Path(path), r)
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
            if isinstance(item, yaml.MappingNode):  # 'European Social Fund: ESF'
                r.error(yaml_line(item, 1), f"'{as_written(item)}' has a colon in it, which "
                                            "YAML reads as a name and its value: take the "
                                            "colon out, or put the item in quotes")
            elif value is None:
                r.error(yaml_line(item, 1), "a group's items are words or phrases, not a list "
                                            "inside the list: write - [LAA, local area agreement]")
            elif not phrase or not PHRASE_RE.match(phrase):
                r.error(line, f"'{value}' must be plain words (letters, digits, hyphens)")
            elif phrase in seen and seen[phrase] == line:
                r.warning(line, f"'{value}' is listed twice in this group; remove one")
            elif phrase in seen:
                r.error(line, f"'{value}' is already in the group on line {seen[phrase]}; a "
                              "phrase may belong to one group only")
            else:
                seen[phrase] = line
    return r.problems
