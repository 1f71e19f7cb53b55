"""The rules that span entry files: each slug and each old address (alias) leads to one
entry, wherever in the folder its file is; and no two entries share a title, which a list of
results could not tell apart."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import frontmatter
import yaml

from kb.entry import Address, Problem


def address_problems(addresses: list[Address]) -> list[Problem]:
    """Slugs unique across subfolders; an alias is no other entry's slug or alias."""
    problems = []
    by_slug: dict[str, list[str]] = defaultdict(list)
    for a in addresses:
        by_slug[a.slug].append(a.path)
    for slug, rels in by_slug.items():
        for rel in rels if len(rels) > 1 else ():
            others = ", ".join(o for o in rels if o != rel)
            problems.append(Problem(rel, 1, "error", f"slug '{slug}' is also used by {others}; "
                                                     "rename one file"))
    alias_owner: dict[str, str] = {}
    for a in addresses:
        for alias in a.aliases:
            if alias in by_slug:
                problems.append(Problem(a.path, a.aliases_line, "error",
                                        f"alias '{alias}' is the slug of {by_slug[alias][0]}; "
                                        "an old address cannot point to two entries"))
            elif alias in alias_owner:
                problems.append(Problem(a.path, a.aliases_line, "error",
                                        f"alias '{alias}' is also an alias of "
                                        f"{alias_owner[alias]}; keep it on one entry"))
            else:
                alias_owner[alias] = a.path
    return problems


def address_problems_among(moved: list[Address], rels: list[str],
                           claims: dict[str, tuple[int, tuple[str, ...]]]) -> list[Problem]:
    """What address_problems finds over every file, when only the `moved` addresses (new
    files, changed aliases) can clash: the other files, every one in `rels` (each file's slug
    is its name), some claiming aliases (`claims`: rel -> (line, aliases)), passed that check
    together before. Only the files sharing a slug or an alias with a moved one are checked
    again, in the order of a full check, so the problems are a full check's."""
    if not moved:
        return []
    keys = {a.slug for a in moved} | {alias for a in moved for alias in a.aliases}
    mine = {a.path for a in moved}
    others = {rel for rel in rels if rel[rel.rfind("/") + 1:-3] in keys}
    others |= {rel for rel, (_, claimed) in claims.items() if keys.intersection(claimed)}
    found = moved + [Address(rel, Path(rel).stem, claims.get(rel, (1, ()))[1],
                             claims.get(rel, (1, ()))[0]) for rel in others - mine]
    return address_problems(sorted(found, key=lambda a: a.path))


def title_problems(titles: list[tuple[str, int, str]],
                   only: set[str] | None = None) -> list[Problem]:
    """A warning on every entry (or those in `only`) whose title another has (case, spacing,
    punctuation and quote marks aside), naming the others: in a list of results they cannot
    be told apart, and the one just added is warned whichever file comes first. `titles`:
    each entry's (path, line of its title, title)."""
    same: dict[str, list[tuple[str, int]]] = {}
    for path, line, title in titles:
        same.setdefault(title_key(title), []).append((path, line))
    problems = []
    for group in (g for g in same.values() if len(g) > 1):
        for path, line in group:
            if only is not None and path not in only:
                continue
            others = [p for p, _ in group if p != path]
            named = ", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 \
                else others[0]
            problems.append(Problem(path, line, "warning",
                                    f"{named} {'have' if len(others) > 1 else 'has'} this "
                                    "title too: make the titles differ, so commissioners can "
                                    "tell them apart"))
    return problems


def title_key(title: str) -> str:
    """A title as commissioners would tell it apart: case, spacing, punctuation and quote
    marks aside, and how an accent was typed ('é' as one character or 'e' and a mark)."""
    same = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[^\w\s]", "", same).split())


def titled(paths: list[str], title: str) -> list[str]:
    """The entry files among `paths` whose title is `title`, as title_key compares them."""
    key = title_key(title)
    return [p for p in paths if (t := listed_title(p)) is not None and title_key(t) == key]


def alias_owners(paths: list[str], slug: str) -> list[str]:
    """The entry files among `paths` that list `slug` under 'aliases' (its text is searched
    first, so only the few files that name it are read as YAML)."""
    found = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        if re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", text):
            try:
                aliases = frontmatter.loads(text).metadata.get("aliases") or []
            except (yaml.YAMLError, ValueError):
                continue
            found += [path] if slug in (aliases if isinstance(aliases, list) else []) else []
    return found


def listed_title(path: Path) -> str | None:
    """An entry file's title as its front matter's 'title:' gives it (lines that continue it,
    indented, included; a '# comment' after it left out), without reading the rest: to compare
    the files being checked with every other's."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    found = None
    for line in lines[1:80] if lines and lines[0].strip() == "---" else ():
        if found is not None and line[:1].isspace() and line.strip():
            found += " " + line.strip()  # a long title wrapped over lines, as kb new writes it
        elif found is not None or line.strip() == "---":
            break
        elif line.startswith("title:"):
            found = line[6:]
    if found is None:
        return None
    found = re.sub(r"\s+#.*$", "", found) if not found.strip().startswith(("'", '"')) else found
    return found.strip().strip("'\"").replace("''", "'") or None
