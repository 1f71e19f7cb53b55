"""Publishing safely: addresses that must keep resolving (kb check --against a git revision),
the JSON Schema of front matter for editors' tools, and entries due for review."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from kb.across_files import alias_owners, titled
from kb.anchors import lost_anchors
from kb.entry import (
    FIELDS,
    MAX_SUMMARY,
    MAX_TITLE,
    NOT_ENTRIES,
    REQUIRED,
    SLUG_RE,
    Entry,
    Problem,
    Problems,
    slugify,
)
from kb.entry_files import entry_files
from kb.front_matter import parse_front_matter, split_front_matter
from kb.sources import SAMPLE_PUBLISHER
from kb.taxonomy import FACETS, FIELD, Taxonomy

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PLACEHOLDER = "[Replace this:"  # what kb new writes for the editor; kb check rejects it
NEW_ENTRY_NOTES = {
    "stages: []": "optional: analyse, plan, source, review",
    "regions: []": "optional: the English region, or national",
    "organisations: []": "optional: the bodies involved, as the source names them",
    "published:": "[Replace this: the date of the source, YYYY-MM-DD, or YYYY-MM or YYYY if it "
                  "gives no more]",
    "    url:": "[Replace this: the source's web address, or delete this line]",
    "    publisher:": "[Replace this: who published it]",
    "    date:": "[Replace this: the date the source was published, YYYY-MM-DD, or YYYY-MM or "
                "YYYY if it gives no more]",
}
NEW_ENTRY_SOURCES = f"""sources:
  - title: "{PLACEHOLDER} the title of the report or page the facts come from]"
    url: https://example.org/
    publisher: {SAMPLE_PUBLISHER}
    date: 2026-01-31
"""


def git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    out = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                         timeout=120, input=stdin)
    if out.returncode != 0:
        raise ValueError(out.stderr.strip() or f"git {' '.join(args)} failed")
    return out.stdout


@dataclass(frozen=True)
class Published:
    """An entry file as it was at a git revision: where it was and what it said."""
    path: str  # relative to the entries folder
    text: str


def files_at(entries_dir: Path, ref: str) -> tuple[list[Published], str | None]:
    """Every entry file under the entries folder at git `ref`, read in one git process, and
    the text of taxonomy.yaml there (or None)."""
    prefix = git(entries_dir, "rev-parse", "--show-prefix").strip()  # e.g. "entries/"
    listing = git(entries_dir, "ls-tree", "-r", "--full-tree", ref, "--", prefix or ".")
    blobs = []
    for row in filter(None, listing.split("\n")):
        meta, name = row.split("\t", 1)
        rel = name[len(prefix):] if name.startswith(prefix) else name
        if meta.split()[1] == "blob" and (_is_entry(rel) or rel == "taxonomy.yaml"):
            blobs.append((meta.split()[2], rel))
    texts = cat_files([sha for sha, _ in blobs], entries_dir)
    files = [Published(rel, t) for (_, rel), t in zip(blobs, texts, strict=True)
             if rel != "taxonomy.yaml"]
    taxonomy = next((t for (_, rel), t in zip(blobs, texts, strict=True)
                     if rel == "taxonomy.yaml"), None)
    return files, taxonomy


def _is_entry(rel: str) -> bool:
    name = Path(rel).name
    return rel.endswith(".md") and not name.startswith(".") and name.lower() not in NOT_ENTRIES


def cat_files(shas: list[str], cwd: Path) -> list[str]:
    """The texts of git blobs, in order, read by one `git cat-file --batch`."""
    if not shas:
        return []
    out = subprocess.run(["git", "-C", str(cwd), "cat-file", "--batch"], capture_output=True,
                         input="\n".join(shas).encode() + b"\n", timeout=120, check=True).stdout
    texts, at = [], 0
    for _ in shas:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        texts.append(out[header_end + 1:header_end + 1 + size].decode("utf-8", "replace"))
        at = header_end + 1 + size + 1
    return texts


def addresses_of(path: str, text: str) -> list[str]:
    """The addresses an entry file claims: its slug and its aliases (read without validating
    anything else, so a file with other mistakes still claims them)."""
    out = [Path(path).stem]
    r = Problems(path)
    parts = split_front_matter(text.removeprefix("\ufeff").replace("\r\n", "\n"), r)
    if parts and "aliases" in parts[0]:
        fields = parse_front_matter(parts[0], r) or {}
        aliases = fields.get("aliases", (0, None, []))[2]
        out += [str(a) for a in aliases] if isinstance(aliases, list) else []
    return out


def gone_addresses(gone: list[str], before: dict, table) -> dict[str, str]:
    """{slug or alias: the file that had it} for the addresses of files gone and the aliases
    taken out since the last build (`before`: the aliases each file claimed then)."""
    dropped = {rel.rsplit("/", 1)[-1][:-3]: rel for rel in gone}
    for rel, (_, aliases) in before.items():
        kept = set(table.aliases.get(rel, (0, ()))[1])
        dropped.update((a, rel) for a in aliases if a not in kept)
    return dropped


def dropped_addresses(gone: list[str], before: dict, table) -> list[Problem]:
    """Warnings for the addresses the last build served that this one does not: an entry
    file gone (deleted, or renamed) without its old slug among the aliases of another, or an
    alias taken out. `gone` are the files gone; `before` and `table.aliases` the aliases the
    files claimed then and now. (kb check --against makes these errors before publishing.)"""
    dropped = gone_addresses(gone, before, table)
    if not dropped:
        return []
    claimed = {rel.rsplit("/", 1)[-1][:-3] for rel in table.rels}
    claimed.update(a for _, aliases in table.aliases.values() for a in aliases)
    return [Problem(rel, 1, "warning", f"/entries/{slug} was served until now and no longer "
                    f"resolves: add 'aliases: [{slug}]' to the entry that now covers it, or put "
                    "it back (kb check --against names the file)")
            for slug, rel in sorted(dropped.items()) if slug not in claimed]


class UnknownRef(ValueError):
    """The Git revision to compare with cannot be read."""


def check_against(entries_dir: Path, ref: str, taxonomy: Taxonomy,
                  found: list[Problem] = ()) -> list[Problem]:
    """The problems a change since `ref` answers for: of those `found`, every error but only
    the warnings of the files it changed (others' would hide its own); and one for every
    address published at `ref` that no longer resolves: a slug or alias no file claims now
    (named on the file that seems to replace it, with the line to add), a heading's anchor
    no heading has now (kb.anchors), or a vocabulary term dropped without an alias."""
    try:
        published, old_taxonomy = files_at(entries_dir, ref)
    except (ValueError, OSError, subprocess.SubprocessError) as exc:
        raise UnknownRef(f"cannot read the entries as they were at '{ref}' ({exc}): fetch "
                         "that branch or commit first, or pass another --against") from exc
    now = {rel: Path(path).read_text(encoding="utf-8", errors="replace")
           for path, rel in entry_files(entries_dir)}
    claimed = {a: rel for rel, text in now.items() for a in addresses_of(rel, text)}
    was_there = {f.path for f in published}
    new_files = {rel: text for rel, text in now.items() if rel not in was_there}
    same = {f.path for f in published if now.get(f.path) == f.text}
    problems = [p for p in found if p.severity == "error" or p.path not in same]
    for old in published:
        lost = [a for a in addresses_of(old.path, old.text) if a not in claimed]
        if lost and old.path in now:  # the file is still there: its aliases were dropped
            line, fix = _alias_line(entries_dir, old.path, now[old.path], lost)
            problems.append(Problem(old.path, line, "error", (
                f"{', '.join(f'/entries/{a}' for a in lost)} was published at {ref} as an "
                f"alias of this entry but no longer resolves: put it back; {fix}")))
        elif lost:
            problems.append(_lost_addresses(entries_dir, ref, old, lost, new_files))
    return problems + lost_anchors(ref, published, now, claimed) + \
        _lost_terms(ref, old_taxonomy, taxonomy, entries_dir / "taxonomy.yaml")


def _lost_addresses(entries_dir: Path, ref: str, old: Published, lost: list[str],
                    new_files: dict[str, str]) -> Problem:
    addresses = ", ".join(f"/entries/{a}" for a in lost)
    heir = _replacement(old.text, new_files)
    if heir is None:
        return Problem(old.path, 1, "error",
                       f"{addresses} was published at {ref} (in {old.path}) but no longer "
                       f"resolves, and no new file replaces it: restore {old.path} and mark "
                       f"it 'withdrawn' (CONTRIBUTING.md), or add 'aliases: [{', '.join(lost)}]'"
                       " to the entry that now covers it")
    line, fix = _alias_line(entries_dir, heir, new_files[heir], lost)
    return Problem(heir, line, "error",
                   f"{addresses} was published at {ref} (in {old.path}) but no longer "
                   f"resolves; this file seems to replace it: {fix}")


def _replacement(old_text: str, candidates: dict[str, str]) -> str | None:
    """The new file whose words are most like an old one's (a rename, perhaps edited): at
    least half the distinct words of their text below the headings in common; or None."""
    old = _words(old_text)
    best, best_share = None, 0.5
    for rel, text in candidates.items():
        new = _words(text)
        share = len(old & new) / (len(old | new) or 1)
        if share >= best_share:
            best, best_share = rel, share
    return best


def _words(text: str) -> set[str]:
    body = text.split("\n---\n", 1)[-1]
    return {w.lower() for line in body.split("\n") if not line.startswith("#")
            for w in re.findall(r"\w+", line)}


def _alias_line(entries_dir: Path, rel: str, text: str, lost: list[str]) -> tuple[int, str]:
    """(line, the exact edit) that makes a file claim the lost addresses too."""
    r = Problems(rel)
    parts = split_front_matter(text.replace("\r\n", "\n"), r)
    fields = (parse_front_matter(parts[0], r) or {}) if parts else {}
    if "aliases" in fields and isinstance(fields["aliases"][2], list):
        line, _, have = fields["aliases"]
        return line, f"change line {line} to: aliases: [{', '.join(map(str, have + lost))}]"
    closing = parts[2] - 1 if parts else 1
    return closing, (f"add this line before the closing '---' on line {closing}: "
                     f"aliases: [{', '.join(lost)}]")


def _lost_terms(ref: str, old_taxonomy: str | None, taxonomy: Taxonomy,
                path: Path) -> list[Problem]:
    """A problem for each term (or alias) published at `ref` that no term resolves now: at
    the term added since whose slug is nearest, with the line to add there; else at line 1."""
    problems = []
    old = yaml.safe_load(old_taxonomy) if old_taxonomy else {}
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    for facet in FACETS:
        old_terms = ((old or {}).get(FIELD[facet]) or {}).get("terms") or {}
        added = [t for t in taxonomy[facet].terms if t not in old_terms]
        for slug, spec in old_terms.items():
            for name in [slug, *((spec or {}).get("aliases") or [])]:
                if taxonomy[facet].resolve(str(name)) is not None:
                    continue
                gone = (f"{FIELD[facet]} term '{name}' existed at {ref} but is gone, so its "
                        "page and the searches filtered by it would break")
                near = difflib.get_close_matches(str(name), added, n=1, cutoff=0.3)
                at = next((n + 1 for n, line in enumerate(lines)
                           if near and line.strip() == f"{near[0]}:"), None)
                if at:
                    problems.append(Problem("taxonomy.yaml", at, "error", (
                        f"{gone}: '{near[0]}' seems to replace it: give it the line "
                        f"'aliases: [{name}]' (in place of 'aliases: []')")))
                else:
                    problems.append(Problem("taxonomy.yaml", 1, "error", (
                        f"{gone}: keep it, or list it under 'aliases' of the term that "
                        "replaced it")))
    return problems


SCHEMA_FILE = "entry.schema.json"


def schema_problems(entries_dir: Path, taxonomy: Taxonomy) -> list[Problem]:
    """The committed entry.schema.json (editors' autocompletion) should match the
    vocabularies: a term added to taxonomy.yaml is offered only once the schema is written
    again. A warning, not an error: an editor in a Git host's web editor cannot run kb."""
    path = Path(entries_dir) / SCHEMA_FILE
    if not path.exists():
        return []
    try:
        current = json.loads(path.read_text(encoding="utf-8")) == entry_schema(taxonomy)
    except (ValueError, UnicodeDecodeError):
        current = False
    if current:
        return []
    return [Problem(SCHEMA_FILE, 1, "warning", "out of date with taxonomy.yaml, so editors' "
                                               "autocompletion offers the old terms: write it "
                                               "again with: kb schema > entries/entry.schema.json"
                                               " (a reviewer can, in the same pull request)")]


def entry_schema(taxonomy: Taxonomy) -> dict:
    """A JSON Schema (draft 2020-12) of entry front matter, generated from the vocabularies."""

    def terms(facet: str, required: bool) -> dict:
        vocab = taxonomy[facet]
        return {
            "type": "array", "uniqueItems": True, "minItems": 1 if required else 0,
            "description": f"{vocab.label}: {FIELDS[FIELD[facet]]}",
            "items": {"anyOf": [{"const": t.slug, "title": t.label, "description": t.description}
                                for t in vocab.terms.values()]},
        }

    date = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://compact-practice.example/entry.schema.json",
        "title": "Compact Practice entry front matter",
        "description": "Generated by `kb schema` from entries/taxonomy.yaml; do not edit by hand.",
        "type": "object", "additionalProperties": False, "required": list(REQUIRED),
        "dependentRequired": {"withdrawn": ["withdrawn_reason"], "withdrawn_reason": ["withdrawn"]},
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE,
                      "description": FIELDS["title"]},
            **{key: {"type": "string", "minLength": 1, "maxLength": MAX_SUMMARY,
                     "description": FIELDS[key]} for key in ("summary", "withdrawn_reason")},
            **{FIELD[f]: terms(f, FIELD[f] in REQUIRED) for f in FACETS},
            "organisations": {"type": "array", "items": {"type": "string", "minLength": 1},
                              "description": FIELDS["organisations"]},
            "published": {"description": FIELDS["published"], "anyOf": [
                date, {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"},
                {"type": "integer", "minimum": 1000, "maximum": 9999}]},
            **{key: {**date, "description": FIELDS[key]}
               for key in ("updated", "review_by", "withdrawn")},
            "aliases": {"type": "array", "uniqueItems": True, "description": FIELDS["aliases"],
                        "items": {"type": "string", "pattern": SLUG_RE.pattern}},
            "sources": {
                "type": "array", "description": FIELDS["sources"],
                "items": {
                    "type": "object", "additionalProperties": False, "required": ["title"],
                    "properties": {
                        "title": {"type": "string", "minLength": 1},
                        "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
                        "publisher": {"type": "string", "minLength": 1},
                        "date": {"type": ["string"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                    },
                },
            },
        },
    }


def stale_entries(entries: list[Entry], today: dt.date, changed_here: dict | None = None,
                  max_age_days: int = 730) -> list[tuple]:
    """(entry, reason) for entries past review_by, or with none and not changed for two
    years: by their last commit (`changed_here`: path -> date; an entry in none is not
    committed yet, so new); outside Git, by their source's date."""
    out = []
    for e in (e for e in entries if not e.withdrawn):  # a withdrawn example needs no review
        if changed_here is None:
            last, said = e.last_changed, f"its source is dated {e.last_changed}"
        else:
            last = changed_here.get(e.path, today)
            said = f"last changed here {last}"
        due = e.review_by or last + dt.timedelta(days=max_age_days)
        if due >= today:
            continue
        reason = (f"review was due {e.review_by}" if e.review_by else
                  f"{said}, over two years ago, and no review_by date")
        out.append((due, e.slug, e, reason))
    return [(e, reason) for *_, e, reason in sorted(out)]


def write_new_entry(entries_dir: Path, title: str, slug: str, today: dt.date,
                    principles: list[str], sectors: list[str]) -> Path:
    """Write a new entry to <entries>/<slug>.md (the slug made from the title unless given):
    see new_entry_text. ValueError when no usable name comes of it, or the file exists."""
    if slug and not SLUG_RE.match(slug):
        raise ValueError(f"--slug '{slug}' is not a usable file name: use lowercase words "
                         f"joined by hyphens, like "
                         f"{slugify(slug.removesuffix('.md')) or 'this-example'}")
    slug = slug or slugify(title)
    if not (SLUG_RE.match(slug) and re.search("[a-z]", slug)):  # '2024' names nothing
        raise ValueError(f"'{title}' makes no file name of plain letters a to z: give "
                         "--slug, in lowercase words joined by hyphens, like-this")
    path = entries_dir / f"{slug}.md"
    files = [full for full, _ in entry_files(entries_dir)]
    for full in [path] if path.exists() else [f for f in files if Path(f).stem == slug]:
        raise ValueError(f"{full} already exists; choose another title or --slug")
    for owner in alias_owners(files, slug):
        raise ValueError(f"{owner} keeps '{slug}' as an old address (its aliases); choose "
                         "another title or --slug")
    for same in titled(files, title):
        raise ValueError(f"{same} already has this title: if it is the same example, edit "
                         "that file; if not, give this one a title that tells them apart")
    path.write_text(new_entry_text(title, principles, sectors, today), encoding="utf-8")
    return path


def new_entry_text(title: str, principles: list[str], sectors: list[str],
                   today: dt.date) -> str:
    """A new entry's file: the fields and sections to fill in, each '[Replace this: ...]'
    marking what the editor must write (kb check rejects any left)."""
    post = frontmatter.Post(
        (TEMPLATES / "new-entry.md").read_text(encoding="utf-8"), title=title,
        summary=f"{PLACEHOLDER} one or two sentences for the results list, at most 300 "
                "characters]",
        principles=principles, sectors=sectors, stages=[], regions=[], organisations=[],
        published=today)
    text = re.sub(r"(?<!\\)\\U([0-9A-F]{8})", lambda m: chr(int(m.group(1), 16)),  # emoji
                  frontmatter.dumps(post, sort_keys=False, default_flow_style=None) + "\n")
    text = text.replace("\n---\n", f"\n{NEW_ENTRY_SOURCES}---\n", 1)
    for key, note in NEW_ENTRY_NOTES.items():
        text = "\n".join(line + f"  # {note}" if line.startswith(key) else line
                         for line in text.split("\n"))
    return text
