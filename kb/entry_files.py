"""Which files in the entries folder are entries: every `*.md` file below it (folders
included), but README.md, CONTRIBUTING.md, hidden files and links; and, for `kb check`, the
files an editor may have meant as entries that are not read (`Foo.MD`, `foo.markdown`,
`.foo.md`, a link), and the paths given to check that are not entries at all.
"""

from __future__ import annotations

import os
from array import array
from pathlib import Path

from kb.entry import NOT_ENTRIES, Problem, slugify

MEANT_AS_ENTRIES = (".md", ".markdown", ".mdown", ".mkd")  # lowercased endings
LEFT_BY_EDITORS = ("~", ".swp", ".bak", ".orig", ".tmp")  # backups: never meant as entries


def entry_files(entries_dir: Path) -> list[tuple[str, str]]:
    """Every entry file below the folder as (path, relative path), sorted by relative path.
    (Plain strings: at 50,000 files, making Path objects is a noticeable part of a build.)"""
    root = str(entries_dir)
    return [(os.path.join(root, rel), rel) for rel in scan_entry_stats(entries_dir)[0]]


def scan_entry_stats(entries_dir: Path) -> tuple[list[str], array]:
    """Every entry file's relative path, sorted, and its status (mtime_ns and size, two numbers
    a file in one array): one pass over the folders, each file's status read through its
    directory entry, relative to its open folder (a lookup of one name, not of a whole path),
    and no object made a file beyond its path."""
    rels: list[str] = []
    stats = array("q")
    _scan_folder(os.open(entries_dir, os.O_RDONLY | os.O_DIRECTORY), "", rels, stats)
    return rels, stats


def _scan_folder(fd: int, prefix: str, rels: list[str], stats: array) -> None:
    """Scan the open folder `fd` (and close it), its subfolders in the order of their paths."""
    names, status = [], {}
    try:
        with os.scandir(fd) as items:
            for item in items:
                name = item.name
                if name.startswith(".") or item.is_symlink():
                    continue
                if item.is_dir(follow_symlinks=False):
                    names.append(name + "/")  # sorts as the paths below it do
                elif name.endswith(".md") and name.lower() not in NOT_ENTRIES:
                    names.append(name)
                    status[name] = item.stat()
        names.sort()
        for name in names:
            if name.endswith("/"):
                sub = os.open(name[:-1], os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
                _scan_folder(sub, prefix + name, rels, stats)
            else:
                st = status[name]
                rels.append(prefix + name)
                stats.append(st.st_mtime_ns)
                stats.append(st.st_size)
    finally:
        os.close(fd)


def stray_files(entries_dir: Path) -> list[Problem]:
    """A problem for each file that looks meant as an entry but is not read as one: nothing
    would publish it, and nothing would say so."""
    problems = []
    for folder, dirs, files in os.walk(entries_dir):
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in links)
        for name in sorted(files + links):
            path = Path(folder, name)
            if not _meant_as_entry(path):
                continue
            if path.is_symlink():
                why = "it is a link: put the entry itself in the folder"
            elif name.startswith(".") or not name.endswith(".md"):
                why = f"rename it '{_entry_name(name)}'"
            else:
                continue
            rel = path.relative_to(entries_dir).as_posix()
            problems.append(Problem(rel, 1, "error", f"not read as an entry: {why}"))
    return problems


def _meant_as_entry(path: Path) -> bool:
    """A Markdown file by its name ('x.MD', 'x.md.txt', 'x.md ' with a space), or a file
    without an extension, or a text file, that starts as an entry does, with front matter."""
    lower = path.name.lower()
    if lower in NOT_ENTRIES or lower.endswith(LEFT_BY_EDITORS):
        return False
    if lower.endswith(MEANT_AS_ENTRIES) or ".md." in lower or lower.rstrip().endswith(".md"):
        return True
    if "." in path.name.lstrip(".") and not lower.endswith((".txt", ".text")) or \
            not path.is_file():
        return False
    try:
        with path.open("rb") as f:
            return f.read(4).rstrip(b"\r\n") == b"---"
    except OSError:
        return False


def _entry_name(name: str) -> str:
    """The file name an entry's file meant to have: 'Café Review.markdown' -> cafe-review.md."""
    stem = name.lstrip(".").strip()
    lower = stem.lower()
    for ending in (".md", *MEANT_AS_ENTRIES, ".txt", ".text"):
        if ending in lower:
            stem = stem[:lower.index(ending)]
            break
    return (slugify(stem) or "a-descriptive-name") + ".md"


def chosen_files(entries_dir: Path, files) -> tuple[set[str], list[Problem]]:
    """The entry files among `files` (paths given to `kb check`), relative to the entries
    folder, and a problem for each path that is not one of them."""
    root = Path(entries_dir).resolve()
    wanted, problems = set(), []
    for f in files:
        shown = Path(f).as_posix()
        try:
            rel = Path(f).resolve().relative_to(root).as_posix()
        except ValueError:
            problems.append(Problem(shown, 1, "error", f"not in the entries folder {entries_dir}:"
                                    " only entries and the vocabularies are checked"))
            continue
        if Path(f).is_dir():
            problems.append(Problem(rel, 1, "error", "a folder: give entry files, or no FILES "
                                                     "to check every entry"))
        elif not Path(f).is_file():
            problems.append(Problem(rel, 1, "error", "no such file"))
        elif rel in ("taxonomy.yaml", "synonyms.yaml") or rel.endswith(".md"):
            wanted.add(rel)
        else:
            problems.append(Problem(rel, 1, "error", "not an entry: entries are .md files"))
    return wanted, problems
