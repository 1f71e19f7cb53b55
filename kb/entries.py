"""Read and validate entries: one Markdown file with YAML front matter -> an Entry, or problems.

Every problem is reported with the file, the line of the offending key and a message that says
what is wrong and how to fix it. Nothing stops at the first problem: a staff editor sees every
mistake in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from kb.taxonomy import FACETS, Taxonomy

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SUMMARY = 300
MAX_TITLE = 200
MAX_YAML_NODES = 5000  # bounds alias expansion ("billion laughs") while walking front matter
FM_OFFSET = 2
REQUIRED_SECTIONS = ("What they did", "Learning points")
NOT_ENTRIES = {"readme.md", "contributing.md"}

FIELDS = {
    "title": "required text",
    "summary": f"required text, at most {MAX_SUMMARY} characters",
    "principles": "required list of Compact principle slugs",
    "sectors": "required list of sector slugs",
    "stages": "optional list of commissioning stage slugs",
    "regions": "optional list of region slugs",
    "organisations": "optional list of organisation names",
    "published": "required date, YYYY-MM-DD",
    "updated": "optional date, YYYY-MM-DD",
    "review_by": "optional date, YYYY-MM-DD",
    "aliases": "optional list of old slugs that redirect here",
    "sources": "optional list of {title, url}",
}
REQUIRED = ("title", "summary", "principles", "sectors", "published")
SOURCE_KEYS = ("title", "url")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    slug: str
    path: str  # relative to the entries folder, with forward slashes
    title: str
    summary: str
    principles: tuple[str, ...]
    sectors: tuple[str, ...]
    stages: tuple[str, ...]
    regions: tuple[str, ...]
    organisations: tuple[str, ...]
    published: dt.date
    updated: dt.date | None
    review_by: dt.date | None
    aliases: tuple[str, ...]
    sources: tuple[Source, ...]
    body: str
    text: str  # the whole file as written, for the .md view
    body_line: int = 1  # file line on which the body starts
    key_lines: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def last_changed(self) -> dt.date:
        return self.updated or self.published

    def tags(self, facet: str) -> tuple[str, ...]:
        return getattr(self, facet)


def slugify(text: str) -> str:
    """A URL slug from any text: lowercase ASCII letters, digits and single hyphens."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")


def suggest(word: str, choices) -> str:
    """' (did you mean `x`?)' for a near miss, else ''."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{match[0]}`?)" if match else ""


class _Reader:
    """Collects the problems of one file while its front matter is checked."""

    def __init__(self, rel: str):
        self.rel = rel
        self.problems: list[Problem] = []
        self.present: set[str] = set()  # keys written, even those whose value failed to load

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, "error", message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, "warning", message))


def _decode(raw: bytes, r: _Reader) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        r.error(
            line,
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} cannot be "
            "decoded; save the file with UTF-8 encoding",
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, r: _Reader) -> tuple[str, str, int] | None:
    """(front matter, body, body's first line) or None with a problem recorded."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        r.error(1, "no front matter: the file must start with a line '---', then the fields, "
                   "then another '---'")
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    r.error(1, "front matter is not closed: add a line '---' after the last field")
    return None


def _count_nodes(node, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        return
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _count_nodes(k, budget)
            _count_nodes(v, budget)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _count_nodes(v, budget)


def _line(node, offset: int = FM_OFFSET) -> int:
    """The file line of a YAML node (marks count from 0, and the front matter starts on line 2)."""
    return node.start_mark.line + offset


def parse_front_matter(fm: str, r: _Reader, offset: int = FM_OFFSET):
    """Compose the YAML safely. Returns {key: (line, value_node, value)} or None."""
    try:
        root = yaml.compose(fm, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark else 1
        r.error(line, f"front matter is not valid YAML: {exc.problem or exc}")
        return None
    except yaml.YAMLError as exc:
        r.error(1, f"front matter is not valid YAML: {exc}")
        return None
    if root is None:
        r.error(1, "front matter is empty: add title, summary, principles, sectors, published")
        return None
    budget = [MAX_YAML_NODES]
    _count_nodes(root, budget)
    if budget[0] < 0:
        r.error(1, f"front matter is too large or expands too many YAML aliases (over "
                   f"{MAX_YAML_NODES} values); write the values out plainly")
        return None
    if not isinstance(root, yaml.MappingNode):
        r.error(_line(root, offset), "front matter must be 'key: value' lines")
        return None
    loader = yaml.SafeLoader("")
    fields: dict[str, tuple[int, object, object]] = {}
    for key_node, value_node in root.value:
        line = _line(key_node, offset)
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
        r.present.add(key)
        if key in fields:
            r.error(line, f"'{key}' appears twice (first on line {fields[key][0]}); keep one")
            continue
        try:
            value = loader.construct_object(value_node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            r.error(line, f"'{key}': {exc.problem}; only plain YAML values are allowed")
            continue
        except ValueError as exc:  # e.g. a date that does not exist: 2008-02-30
            r.error(line, f"'{key}': not a real date ({exc}); use YYYY-MM-DD")
            continue
        fields[key] = (line, value_node, value)
    return fields


def _text(r: _Reader, fields, key: str, limit: int) -> str:
    if key not in fields:
        return ""
    line, _, value = fields[key]
    if not isinstance(value, str) or not value.strip():
        r.error(line, f"'{key}' must be text, e.g. {key}: ...")
        return ""
    value = " ".join(value.split())
    if len(value) > limit:
        r.error(line, f"'{key}' is {len(value)} characters; the limit is {limit}: shorten it")
    return value


def _string_list(r: _Reader, fields, key: str) -> list[tuple[int, str]]:
    """[(line, item)] for a YAML list of strings; a lone string is an error, not split."""
    if key not in fields:
        return []
    line, node, value = fields[key]
    if not isinstance(value, list):
        example = value if isinstance(value, str) else "a-term"
        r.error(line, f"'{key}' must be a list, e.g. {key}: [{example}]")
        return []
    items = []
    for item_node, item in zip(node.value, value, strict=True):
        item_line = _line(item_node)
        if not isinstance(item, str) or not item.strip():
            r.error(item_line, f"'{key}' items must be text; got {item!r}")
            continue
        items.append((item_line, item.strip()))
    seen = set()
    for item_line, item in items:
        if item in seen:
            r.warning(item_line, f"'{key}' lists '{item}' twice")
        seen.add(item)
    return items


def _terms(r: _Reader, fields, facet: str, taxonomy: Taxonomy) -> tuple[str, ...]:
    vocab = taxonomy[facet]
    out = []
    for line, value in _string_list(r, fields, facet):
        slug = vocab.resolve(value)
        if slug is None:
            labels = {t.label.lower(): t.slug for t in vocab.terms.values()}
            hint = (f" (did you mean `{labels[value.lower()]}`?)" if value.lower() in labels
                    else suggest(value, vocab.terms))
            r.error(line, f"'{facet}': unknown value '{value}'{hint}; allowed: "
                          f"{', '.join(vocab.terms)}")
            continue
        if slug != value:
            r.warning(line, f"'{facet}': '{value}' is an old name; write '{slug}'")
        if slug not in out:
            out.append(slug)
    if facet in REQUIRED and facet in fields and not out and not any(
        p.line == fields[facet][0] for p in r.problems
    ):
        r.error(fields[facet][0], f"'{facet}' needs at least one value")
    return tuple(out)


def _date(r: _Reader, fields, key: str) -> dt.date | None:
    if key not in fields:
        return None
    line, _, value = fields[key]
    if isinstance(value, dt.datetime):
        r.error(line, f"'{key}' must be a date without a time, YYYY-MM-DD")
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            r.error(line, f"'{key}': '{value}' is not a real date ({exc})")
            return None
    r.error(line, f"'{key}' must be a date, YYYY-MM-DD; got {value!r}")
    return None


def _sources(r: _Reader, fields) -> tuple[Source, ...]:
    if "sources" not in fields:
        return ()
    line, node, value = fields["sources"]
    if not isinstance(value, list):
        r.error(line, "'sources' must be a list of '- title: ...' items (with optional url)")
        return ()
    out = []
    for item_node, item in zip(node.value, value, strict=True):
        item_line = _line(item_node)
        if not isinstance(item, dict):
            r.error(item_line, "each source must be 'title: ...' with an optional 'url: ...'")
            continue
        for key in item:
            if key not in SOURCE_KEYS:
                r.error(item_line, f"source has unknown key '{key}'{suggest(key, SOURCE_KEYS)}")
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            r.error(item_line, "each source needs a 'title'")
            continue
        url = item.get("url")
        if url is not None:
            parts = urlsplit(str(url))
            if parts.scheme not in ("http", "https") or not parts.netloc:
                r.error(item_line, f"source url '{url}' must start with http:// or https://")
                url = None
        out.append(Source(" ".join(title.split()), url))
    return tuple(out)


def _check_body(r: _Reader, body: str, body_line: int) -> None:
    if not body.strip():
        r.warning(body_line, "the entry has no text below the front matter")
        return
    headings = {m.group(1).strip().lower()
                for m in re.finditer(r"^##\s+(.+?)\s*#*\s*$", body, re.M)}
    for section in REQUIRED_SECTIONS:
        if section.lower() not in headings:
            r.warning(body_line, f"no '## {section}' section; commissioners look for it")


def read_entry(path: Path | str, rel: str,
               taxonomy: Taxonomy) -> tuple[Entry | None, list[Problem]]:
    """Read one file. Returns (Entry or None, problems): an Entry only when there is no error."""
    path = Path(path)
    r = _Reader(rel)
    stem = Path(rel).stem
    if not SLUG_RE.match(stem):
        better = slugify(stem) or "a-descriptive-name"
        r.error(1, f"file name '{stem}.md' is not a valid slug: use lowercase letters, digits "
                   f"and hyphens, e.g. '{better}.md'")
    text = _decode(path.read_bytes(), r)
    parts = split_front_matter(text, r) if text is not None else None
    fields = parse_front_matter(parts[0], r) if parts else None
    if fields is None:
        return None, r.problems
    _, body, body_line = parts

    for key, (line, _, _) in fields.items():
        if key not in FIELDS:
            r.error(line, f"unknown field '{key}'{suggest(key, FIELDS)}; allowed fields: "
                          f"{', '.join(FIELDS)}")
    for key in REQUIRED:
        if key not in r.present:
            r.error(1, f"missing required field '{key}' ({FIELDS[key]})")

    title = _text(r, fields, "title", MAX_TITLE)
    summary = _text(r, fields, "summary", MAX_SUMMARY)
    tags = {facet: _terms(r, fields, facet, taxonomy) for facet in FACETS}
    organisations = tuple(v for _, v in _string_list(r, fields, "organisations"))
    aliases = []
    for line, alias in _string_list(r, fields, "aliases"):
        if not SLUG_RE.match(alias):
            r.error(line, f"alias '{alias}' is not a valid slug (lowercase letters, digits, "
                          "hyphens)")
        elif alias == stem:
            r.error(line, f"alias '{alias}' is this entry's own slug; remove it")
        else:
            aliases.append(alias)
    published = _date(r, fields, "published")
    updated = _date(r, fields, "updated")
    review_by = _date(r, fields, "review_by")
    for key, value in (("updated", updated), ("review_by", review_by)):
        if value and published and value < published:
            r.error(fields[key][0], f"'{key}' ({value}) is before 'published' ({published})")
    sources = _sources(r, fields)
    _check_body(r, body, body_line)

    if any(p.severity == "error" for p in r.problems):
        return None, r.problems
    entry = Entry(
        slug=stem, path=rel, title=title, summary=summary,
        principles=tags["principles"], sectors=tags["sectors"], stages=tags["stages"],
        regions=tags["regions"], organisations=organisations, published=published,
        updated=updated, review_by=review_by, aliases=tuple(aliases), sources=sources,
        body=body, text=text, body_line=body_line,
        key_lines={key: line for key, (line, _, _) in fields.items()},
    )
    return entry, r.problems


def entry_files(entries_dir: Path) -> list[tuple[str, str]]:
    """Every entry file below the folder as (path, relative path), sorted by relative path.
    (Plain strings: at 50,000 files, making Path objects is a noticeable part of a build.)"""
    root = Path(entries_dir)
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in names:
            if name.endswith(".md") and not name.startswith(".") \
                    and name.lower() not in NOT_ENTRIES:
                rel = name if prefix == "." else f"{prefix}/{name}"
                out.append((os.path.join(folder, name), rel))
    return sorted(out, key=lambda item: item[1])


@dataclass(frozen=True)
class Address:
    """What the cross-file checks need of an entry: where it is and the addresses it claims."""
    path: str
    slug: str
    aliases: tuple[str, ...]
    aliases_line: int = 1


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


def address_of(entry: Entry) -> Address:
    return Address(entry.path, entry.slug, entry.aliases, entry.key_lines.get("aliases", 1))


def load_entries(entries_dir: Path, taxonomy: Taxonomy) -> tuple[list[Entry], list[Problem]]:
    """Read every entry and check the rules that span files: unique slugs and aliases."""
    entries, problems, addresses = [], [], []
    for path, rel in entry_files(entries_dir):
        entry, found = read_entry(path, rel, taxonomy)
        problems.extend(found)
        if entry:
            entries.append(entry)
            addresses.append(address_of(entry))
        else:  # a broken file still claims its slug
            addresses.append(Address(rel, Path(rel).stem, ()))
    problems += address_problems(addresses)
    problems += synonym_problems(Path(entries_dir) / "synonyms.yaml")
    problems += vocabulary_word_problems(Path(entries_dir) / "taxonomy.yaml")
    bad = {p.path for p in problems if p.severity == "error"}
    return [e for e in entries if e.path not in bad], sorted(problems)


def _git(cwd: Path, *args: str) -> str:
    import subprocess

    out = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                         timeout=30)
    if out.returncode != 0:
        raise ValueError(out.stderr.strip() or f"git {' '.join(args)} failed")
    return out.stdout


def published_addresses(entries_dir: Path, ref: str) -> tuple[dict[str, str], dict | None]:
    """At git `ref`: {slug or alias: file that held it} and the taxonomy.yaml data (or None)."""
    entries_dir = Path(entries_dir)
    addresses: dict[str, str] = {}
    names = _git(entries_dir, "ls-tree", "-r", "--name-only", ref, ".").split("\n")
    for name in filter(None, names):
        if not name.endswith(".md") or Path(name).name.lower() in NOT_ENTRIES:
            continue
        addresses.setdefault(Path(name).stem, name)
        text = _git(entries_dir, "show", f"{ref}:./{name}")
        r = _Reader(name)
        parts = split_front_matter(text.removeprefix("\ufeff"), r)
        fields = parse_front_matter(parts[0], r) if parts else None
        aliases = fields.get("aliases", (0, None, []))[2] if fields else []
        for alias in aliases if isinstance(aliases, list) else []:
            addresses.setdefault(str(alias), name)
    try:
        taxonomy = yaml.safe_load(_git(entries_dir, "show", f"{ref}:./taxonomy.yaml"))
    except ValueError:
        taxonomy = None
    return addresses, taxonomy


def check_against(entries_dir: Path, ref: str, entries: list[Entry],
                  taxonomy: Taxonomy) -> list[Problem]:
    """Problems for every address published at `ref` that no longer resolves: an entry slug
    that is neither a file nor an alias now, or a vocabulary term dropped without an alias."""
    try:
        addresses, old_taxonomy = published_addresses(entries_dir, ref)
    except (ValueError, OSError) as exc:
        return [Problem("(git)", 1, "error", f"cannot read entries at '{ref}': {exc}")]
    now = {e.slug for e in entries} | {a for e in entries for a in e.aliases}
    problems = [
        Problem(name, 1, "error",
                f"/entries/{slug} was published at {ref} but no longer resolves: add "
                f"'aliases: [{slug}]' to the entry that replaced it")
        for slug, name in sorted(addresses.items()) if slug not in now
    ]
    for facet in FACETS:
        old_terms = ((old_taxonomy or {}).get(facet) or {}).get("terms") or {}
        for slug, spec in old_terms.items():
            for old in [slug, *((spec or {}).get("aliases") or [])]:
                if taxonomy[facet].resolve(str(old)) is None:
                    problems.append(Problem(
                        "taxonomy.yaml", 1, "error",
                        f"{facet} term '{old}' existed at {ref} but is gone: keep it, or list "
                        f"it under 'aliases' of the term that replaced it"))
    return problems


def entry_schema(taxonomy: Taxonomy) -> dict:
    """A JSON Schema (draft 2020-12) of entry front matter, generated from the vocabularies."""

    def terms(facet: str, required: bool) -> dict:
        vocab = taxonomy[facet]
        return {
            "type": "array", "uniqueItems": True, "minItems": 1 if required else 0,
            "description": f"{vocab.label}: {FIELDS[facet]}",
            "items": {"anyOf": [{"const": t.slug, "title": t.label, "description": t.description}
                                for t in vocab.terms.values()]},
        }

    date = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://compact-practice.example/entry.schema.json",
        "title": "Compact Practice entry front matter",
        "description": "Generated by `kb schema` from entries/taxonomy.yaml; do not edit by hand.",
        "type": "object",
        "additionalProperties": False,
        "required": list(REQUIRED),
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE,
                      "description": FIELDS["title"]},
            "summary": {"type": "string", "minLength": 1, "maxLength": MAX_SUMMARY,
                        "description": FIELDS["summary"]},
            **{facet: terms(facet, facet in REQUIRED) for facet in FACETS},
            "organisations": {"type": "array", "items": {"type": "string", "minLength": 1},
                              "description": FIELDS["organisations"]},
            **{key: {**date, "description": FIELDS[key]}
               for key in ("published", "updated", "review_by")},
            "aliases": {"type": "array", "uniqueItems": True, "description": FIELDS["aliases"],
                        "items": {"type": "string", "pattern": SLUG_RE.pattern}},
            "sources": {
                "type": "array", "description": FIELDS["sources"],
                "items": {
                    "type": "object", "additionalProperties": False, "required": ["title"],
                    "properties": {
                        "title": {"type": "string", "minLength": 1},
                        "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
                    },
                },
            },
        },
    }


def stale_entries(entries: list[Entry], today: dt.date, max_age_days: int = 730) -> list[tuple]:
    """(entry, reason) for entries past review_by, or older than two years with no review_by."""
    out = []
    for e in entries:
        due = e.review_by or e.last_changed + dt.timedelta(days=max_age_days)
        if due >= today:
            continue
        reason = (f"review was due {e.review_by}" if e.review_by else
                  f"last changed {e.last_changed}, over two years ago, and no review_by date")
        out.append((due, e.slug, e, reason))
    return [(e, reason) for *_, e, reason in sorted(out)]


PHRASE_RE = re.compile(r"^[\w'’-]+(?: [\w'’-]+)*$", re.UNICODE)


def synonym_problems(path: Path, rel: str = "synonyms.yaml") -> list[Problem]:
    """Check synonyms.yaml: a list of groups, each a list of two or more words or phrases, no
    phrase in two groups."""
    r = _Reader(rel)
    if not Path(path).exists():
        return []
    text = _decode(Path(path).read_bytes(), r)
    try:
        root = yaml.compose(text or "", Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        r.error(mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem or exc}")
        return r.problems
    if root is None:
        return r.problems
    if not isinstance(root, yaml.SequenceNode):
        r.error(1, "synonyms.yaml must be a list of groups, e.g. - [BME, black and minority "
                   "ethnic]")
        return r.problems
    seen: dict[str, int] = {}
    for group in root.value:
        line = _line(group, 1)
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
    r = _Reader(rel)
    if not Path(path).exists():
        return []
    text = _decode(Path(path).read_bytes(), r)
    try:
        root = yaml.compose(text or "", Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError:
        return r.problems  # load_taxonomy reports unreadable YAML
    owner: dict[str, tuple[str, int]] = {}  # phrase -> (facet.term, line)
    labels: dict[str, str] = {}
    words: list[tuple[str, int, object]] = []  # (facet.term, line, node)
    for facet, term, spec in _taxonomy_terms(root):
        name = f"{facet}.{term}"
        for key, value in spec:
            if key.value == "label" and isinstance(value, yaml.ScalarNode):
                labels[" ".join(str(value.value).lower().split())] = name
            elif key.value == "words":
                words.append((name, _line(value, 1), value))
    for name, line, node in words:
        if not isinstance(node, yaml.SequenceNode):
            r.error(line, f"{name}: 'words' must be a list, e.g. words: [core costs, overheads]")
            continue
        for item in node.value:
            item_line = _line(item, 1)
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
