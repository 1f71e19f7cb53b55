"""Read and validate entries: one Markdown file with YAML front matter -> an Entry, or problems;
and the rules that span files (unique slugs and aliases).

Every problem is reported with the file, the line of the offending key and a message that says
what is wrong and how to fix it. Nothing stops at the first problem: a staff editor sees every
mistake in one run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from kb.across_files import address_problems, listed_title, title_problems
from kb.anchors import kept_anchor_problems
from kb.body_checks import check_body, merge_conflicts
from kb.dates import check_precision, read_dates
from kb.entry import (
    FIELDS,
    FM_OFFSET,
    INVISIBLE,
    MAX_SUMMARY,
    MAX_TITLE,
    REQUIRED,
    SLUG_RE,
    Address,
    Entry,
    Problem,
    Problems,
    address_of,
    closest,
    decode,
    near_miss,
    read_as,
    slugify,
    yaml_line,
)
from kb.entry_files import chosen_files, entry_files, stray_files
from kb.front_matter import parse_front_matter, split_front_matter
from kb.sources import read_sources
from kb.synonyms import synonym_problems
from kb.taxonomy import (
    FACET_OF,
    FACETS,
    FIELD,
    Taxonomy,
    taxonomy_problems,
)


def _text(r: Problems, fields, key: str, limit: int) -> str:
    if key not in fields:
        return ""
    line, node, value = fields[key]
    if not isinstance(value, str) or not value.strip():
        r.error(line, f"'{key}' must be text, e.g. {key}: ...{read_as(value, written(node))}")
        return ""
    value = " ".join(value.split())
    if not any(c.isalnum() for c in value):
        r.error(line, f"'{key}' has no letters or digits in it (only spaces or invisible "
                      "characters): write it out")
    if len(value) > limit:
        r.error(line, f"'{key}' is {len(value)} characters; the limit is {limit}: shorten it")
    if value[:1] in CURLY_QUOTES and value[-1:] in CURLY_QUOTES:
        r.warning(line, f"'{key}' is wrapped in curly quotes ({value[0]} {value[-1]}), which "
                        "are kept as part of it: replace them with straight quotes (\"), or "
                        "delete them")
    return value


CURLY_QUOTES = "\u201c\u201d\u2018\u2019"  # “ ” ‘ ’, as a word processor writes quotes


def written(node) -> str | None:
    """A YAML value as the file has it (before YAML made it a number, a date, yes or no)."""
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _string_list(r: Problems, fields, key: str) -> list[tuple[int, str]]:
    """[(line, item)] for a YAML list of strings; a lone string is an error, and its
    comma-separated values are checked as the list's would be."""
    if key not in fields:
        return []
    line, node, value = fields[key]
    if value is None:
        r.error(line, f"'{key}' is empty: write {key}: [] when there is nothing to list")
        return []
    if not isinstance(value, list):
        parts = [p.strip() for p in value.split(",") if p.strip()] \
            if isinstance(value, str) else []
        r.error(line, f"'{key}' must be a list in square brackets, even for one value: "
                      f"write {key}: [{', '.join(parts) or 'a-term'}]")
        return [(line, p) for p in parts]  # checked too: 'stages: planning' is said to be 'plan'
    items = []
    for item_node, item in zip(node.value, value, strict=True):
        item_line = yaml_line(item_node)
        if not isinstance(item, str) or not item.strip():
            raw = written(item_node)
            r.error(item_line, f"'{key}' items must be text; " + (
                "a list inside the list: write the values plainly, e.g. [a, b]"
                if isinstance(item, list) else "one has a ': ' in it: put it in quotes"
                if isinstance(item, dict) else f"got {raw or repr(item)}{read_as(item, raw)}"))
            continue
        items.append((item_line, item.strip()))
    seen = set()
    for item_line, item in items:
        if item in seen:
            r.warning(item_line, f"'{key}' lists '{item}' twice")
        seen.add(item)
    return items


def _terms(r: Problems, fields, facet: str, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The terms a facet's field lists (principles: [...]), each checked against the
    vocabulary."""
    vocab, key = taxonomy[facet], FIELD[facet]
    if key in REQUIRED and key in fields and fields[key][2] is None:  # 'principles:' alone
        r.error(fields[key][0], f"'{key}' is empty: it {_needs_value(key, vocab)}")
        return ()
    out = []
    for line, value in _string_list(r, fields, key):
        slug = vocab.resolve(value)
        elsewhere = next((f for f in FACETS if f != facet and taxonomy[f].terms and
                          taxonomy[f].resolve(value)), None)
        if slug is None and elsewhere:  # 'principles: [health]': health is a sector
            r.error(line, f"'{key}': '{value}' is a {elsewhere}, not a {facet}: move it to "
                          f"{FIELD[elsewhere]}: [...]")
            continue
        if slug is None:
            r.error(line, f"'{key}': {_unknown_term(value, vocab)}; allowed: "
                          f"{', '.join(vocab.terms)}")
            continue
        if slug != value:
            r.warning(line, f"'{key}': '{value}' is an old name; write '{slug}'")
        if slug not in out:
            out.append(slug)
    if key in REQUIRED and key in fields and not out and not any(
        p.line == fields[key][0] for p in r.problems
    ):
        r.error(fields[key][0], f"'{key}' {_needs_value(key, vocab)}")
    return tuple(out)


def _needs_value(key: str, vocab) -> str:
    if not vocab.terms:  # taxonomy.yaml cannot be read, or lists no usable term here
        return f"needs at least one value, e.g. {key}: [slug], a term of taxonomy.yaml"
    return (f"needs at least one value, e.g. {key}: [{next(iter(vocab.terms))}]; "
            f"allowed: {', '.join(vocab.terms)}")




def _unknown_term(value: str, vocab) -> str:
    """What is wrong with a value no term has, and the likeliest fix."""
    hidden = INVISIBLE.search(value)
    if hidden:
        return (f"'{INVISIBLE.sub('', value)}' has an invisible character in it "
                f"(U+{ord(hidden.group()):04X}, pasted with it?): retype the value")
    parts = re.split(r"[\s;]+", value.strip(" ;"))
    if len(parts) > 1 and all(vocab.resolve(p) for p in parts):
        return f"'{value}' is {len(parts)} values: separate them with commas: {', '.join(parts)}"
    labels = {t.label.lower(): t.slug for t in vocab.terms.values()}
    said = " ".join(value.lower().replace("-", " ").split())
    word_of = next((t for t in vocab.terms.values()
                    if said in {" ".join(w.lower().replace("-", " ").split()) for w in t.words}),
                   None)
    hint = (f" (did you mean '{labels[value.lower()]}'?)" if value.lower() in labels
            else f" ('{value}' is one of the words for {word_of.label}: write "
                 f"'{word_of.slug}')" if word_of
            else near_miss(value, vocab.terms)) or (
        f" (if taxonomy.yaml renamed it, list '{value}' under the new term's 'aliases' "
        "there)" if SLUG_RE.match(value) else "")
    return f"unknown value '{value}'{hint}"


PLACEHOLDER = re.compile(r"\[Replace this[^\]]*\]?", re.IGNORECASE)


def _placeholders(r: Problems, front: str, body: str, body_line: int) -> None:
    """Text that `kb new` wrote for the editor to replace must never be published."""
    key = "front matter"
    for n, line in enumerate(front.split("\n")):
        named = re.match(r"^([A-Za-z_]\w*)\s*:", line)  # a top-level field; items stay in it
        key = named.group(1) if named else key
        for m in PLACEHOLDER.finditer(line):
            value = re.match(r"^\s*(?:- )?[\w-]+\s*:(.*?)\s+#", line[:m.start()] + " ")
            r.error(FM_OFFSET + n, f"the note '# {m.group(0)}' is still after the value of "
                                   f"'{key}': if the value is the source's, delete the note; "
                                   "if not, write the source's" if value and value.group(1)
                    else f"replace the placeholder '{m.group(0)}' in '{key}' with what the "
                         "source says")
    section = "the text"
    for n, line in enumerate(body.split("\n")):
        heading = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
        if heading:
            section = heading.group(1)
        for m in PLACEHOLDER.finditer(line):
            r.error(body_line + n, f"replace the placeholder '{m.group(0)}' in section "
                                   f"'{section}' with what the source says")


def read_entry(path: Path | str, rel: str,
               taxonomy: Taxonomy) -> tuple[Entry | None, list[Problem]]:
    """Read one file. Returns (Entry or None, problems): an Entry only when there is no error."""
    entry, problems = read_draft(path, rel, taxonomy)
    return (None if any(p.severity == "error" for p in problems) else entry), problems


def read_draft(path: Path | str, rel: str,
               taxonomy: Taxonomy) -> tuple[Entry | None, list[Problem]]:
    """Read one file as far as it goes: an Entry, errors and all (a field in error is None or
    empty), for the checks of its text; None when its front matter cannot be read."""
    path = Path(path)
    r = Problems(rel)
    stem = Path(rel).stem
    if not SLUG_RE.match(stem):
        better = slugify(stem.removesuffix(".md")) or "a-descriptive-name"
        taken = path.with_name(f"{better}.md").exists()
        r.error(1, f"file name '{stem}.md' is not a valid slug: use lowercase letters, digits "
                   f"and hyphens, e.g. '{better}.md'" + (
                       f" ('{better}.md' exists already: merge the two, or choose another "
                       "name)" if taken else ""))
    try:
        text = decode(path.read_bytes(), r)
    except OSError as exc:
        r.error(1, f"cannot read the file ({exc.strerror}): it must be a readable text file")
        return None, r.problems
    conflicts = merge_conflicts(text or "")
    for line in conflicts:  # nothing else in the file can be judged until they are resolved
        r.error(line, "unresolved merge conflict: keep the version wanted (the lines between "
                      "<<<<<<< and =======, or between ======= and >>>>>>>), then delete the "
                      "three marker lines")
    if conflicts:
        return None, r.problems
    parts = split_front_matter(text, r) if text is not None else None
    fields = parse_front_matter(parts[0], r) if parts else None
    if parts:  # the text is checked even when the fields cannot be read
        _placeholders(r, *parts)
        check_body(r, *parts[1:])
        kept_anchor_problems(r, *parts[1:])
    if fields is None:
        return None, r.problems
    _, body, body_line = parts

    meant = _unknown_fields(r, fields)
    told = _told_fields(r, parts[0])
    for key in REQUIRED:
        if key not in r.present and key not in meant and key not in told:
            r.error(body_line - 1, _missing(key, taxonomy))

    title = _text(r, fields, "title", MAX_TITLE)
    summary = _text(r, fields, "summary", MAX_SUMMARY)
    tags = {facet: _terms(r, fields, facet, taxonomy) for facet in FACETS}
    organisations = tuple(v for _, v in _string_list(r, fields, "organisations"))
    aliases = _aliases(r, fields, stem)
    published, precision, dates = read_dates(r, fields)
    sources = read_sources(r, fields)
    check_precision(r, fields, published, precision, sources)
    entry = Entry(
        slug=stem, path=rel, title=title, summary=summary,
        principles=tags["principle"], sectors=tags["sector"], stages=tags["stage"],
        regions=tags["region"], organisations=organisations, published=published, **dates,
        aliases=tuple(aliases), sources=sources, body=body, text=text, body_line=body_line,
        published_precision=precision,
        withdrawn_reason=_text(r, fields, "withdrawn_reason", MAX_SUMMARY),
        key_lines={key: line for key, (line, _, _) in fields.items()},
    )
    return entry, r.problems


def _unknown_fields(r: Problems, fields) -> set[str]:
    """An error for each field name that is not one; the fields they stand for (misspelt, or
    with an invisible character), not also to be called missing."""
    meant = set()
    for key, (line, _, _) in fields.items():
        plain = INVISIBLE.sub("", key)
        if key in FIELDS:
            continue
        guess = MEANT_FIELDS.get(plain.lower()) or closest(key, FIELDS)
        meant.add(plain if plain in FIELDS else guess)
        if plain in FIELDS:
            r.error(line, f"the field name '{plain}' has an invisible character in it (pasted "
                          "with it?): retype the name")
        else:
            hint = f" (did you mean '{guess}'?)" if guess else ""
            r.error(line, f"unknown field '{key}'{hint}; allowed fields: {', '.join(FIELDS)}")
    return meant


# Names editors give the fields, for the field meant ('date' is when the source was published)
MEANT_FIELDS = {"date": "published", "publication_date": "published", "tags": "principles",
                "principle": "principles", "sector": "sectors", "stage": "stages",
                "region": "regions", "organisation": "organisations",
                "organization": "organisations", "organizations": "organisations",
                "source": "sources", "description": "summary", "name": "title",
                "alias": "aliases"}


def _aliases(r: Problems, fields, stem: str) -> list[str]:
    aliases = []
    for line, alias in _string_list(r, fields, "aliases"):
        if not SLUG_RE.match(alias):
            old = slugify(alias.split("/")[-1].removesuffix(".md")) or "old-name"
            r.error(line, f"alias '{alias}' is not a valid slug: write the old file name "
                          f"without '.md', e.g. {old}")
        elif alias == stem:
            r.error(line, f"alias '{alias}' is this entry's own slug; remove it")
        elif alias not in aliases:  # listed twice: a warning of the list's, not a clash
            aliases.append(alias)
    return aliases


EXAMPLES = {"title": "title: Joint commissioning framework for health and social care",
            "summary": "summary: One or two sentences shown in the results list.",
            "published": "published: 2009-03-02"}


def _told_fields(r: Problems, front_matter: str) -> set[str]:
    """The fields written on a line already told as an error ('\tprinciples: [...]'
    indented): they are not missing as well."""
    lines = front_matter.split("\n")
    at = {p.line - FM_OFFSET for p in r.problems if p.severity == "error"}
    return {m[1] for i in at if 0 <= i < len(lines)
            and (m := re.match(r"\s*([a-z_]+)\s*:", lines[i]))}


def _missing(key: str, taxonomy: Taxonomy) -> str:
    """A missing required field: what it is, an example line and, for tags, the values."""
    where = f"missing required field '{key}' ({FIELDS[key]}): add a line before the " \
            "closing '---'"
    slugs = list(taxonomy[FACET_OF[key]].terms) if key in FACET_OF else []
    if slugs:
        return f"{where}, e.g. {key}: [{slugs[0]}]; allowed values: {', '.join(slugs)}"
    if key in FACET_OF:  # taxonomy.yaml cannot be read, or lists no usable term here
        return f"{where}, e.g. {key}: [slug], a term of taxonomy.yaml"
    return f"{where}, e.g. {EXAMPLES[key]}"


def load_entries(entries_dir: Path, taxonomy: Taxonomy,
                 drafts: bool = False) -> tuple[list[Entry], list[Problem]]:
    """Read every entry and check the rules that span files: unique slugs and aliases. The
    entries returned are those without an error; with `drafts`, every one whose front matter
    could be read, errors and all (for checking the links in their text)."""
    entries, problems, addresses, readable = [], [], [], []
    for path, rel in entry_files(entries_dir):
        entry, found = read_draft(path, rel, taxonomy)
        problems.extend(found)
        readable += [entry] if entry else []
        if entry and not any(p.severity == "error" for p in found):
            entries.append(entry)
        # a broken file still claims its slug, and the aliases it lists: told all at once
        addresses.append(address_of(entry) if entry else Address(rel, Path(rel).stem, ()))
    problems += address_problems(addresses) + stray_files(entries_dir) + title_problems(
        [_titled(e) for e in readable if e.title])  # a file with an error is told too
    problems += synonym_problems(Path(entries_dir) / "synonyms.yaml")
    problems += taxonomy_problems(Path(entries_dir) / "taxonomy.yaml")
    bad = {p.path for p in problems if p.severity == "error"}
    return readable if drafts else [e for e in entries if e.path not in bad], sorted(problems)


def _titled(entry: Entry) -> tuple[str, int, str]:
    return entry.path, entry.key_lines.get("title", 1), entry.title


def check_files(entries_dir: Path, files, taxonomy: Taxonomy,
                check_links: Callable | None = None) -> list[Problem]:
    """Validate only the given files (entries, or the vocabularies) under the entries folder,
    as a pre-commit hook does for the files being committed: another entry's half-written
    draft never blocks the commit. Slugs are still checked for clashes with every other
    file's, and `check_links` (kb.entry_links.link_problems_in) judges the files' links to
    the site. A path that is not an entry file is a problem, not a silent all-clear."""
    wanted, problems = chosen_files(entries_dir, files)
    addresses, titles = [], []
    for path, rel in entry_files(entries_dir):
        if rel not in wanted:
            addresses.append(Address(rel, Path(rel).stem, ()))
            titles += [(rel, 1, title)] if (title := listed_title(path)) else []
            continue
        entry, found = read_draft(path, rel, taxonomy)
        problems += found
        addresses.append(address_of(entry) if entry else Address(rel, Path(rel).stem, ()))
        titles += [_titled(entry)] if entry and entry.title else []
    problems += [p for p in address_problems(addresses) if p.path in wanted]
    problems += title_problems(titles, only=wanted)
    problems += check_links(entries_dir, sorted(wanted), taxonomy) if check_links else []
    if "synonyms.yaml" in wanted:
        problems += synonym_problems(Path(entries_dir) / "synonyms.yaml")
    if "taxonomy.yaml" in wanted or taxonomy.unread:  # its mistakes come first
        problems += taxonomy_problems(Path(entries_dir) / "taxonomy.yaml")
    return sorted(problems)
