"""Entries' history from Git: the commits that changed each entry file (renames followed), and
the file's text at each, so that a guidance document can cite the version it read.

A build records the history in two files of the generation: HISTORY (JSON: the Git HEAD it was
read at, each entry's revisions newest first, and where each revision's text is in the pack)
and PACK (the texts, each compressed on its own). A build at the same HEAD links both from the
previous generation; a build at a new HEAD copies the previous pack and adds only new texts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import zlib
from pathlib import Path

from kb.entry import Problem
from kb.publishing import cat_files, git

HISTORY = "history.json"
PACK = "history.pack"
RECORD, FIELD = "\x1e", "\x1f"


def _log(entries_dir: Path) -> list[tuple[str, str, str, list[tuple[str, str, str | None]]]]:
    """(commit, date, subject, [(status, blob, path, old path or None)]) for every commit that
    changed a file below the folder, newest first; paths relative to the folder."""
    out = git(entries_dir, "log", "-M", "--raw", "--no-abbrev", "-z", "--relative",
              f"--format={RECORD}%H{FIELD}%cI{FIELD}%s", "--", ".")
    commits = []
    for chunk in out.split(RECORD)[1:]:
        head, _, rest = chunk.partition("\0")  # -z ends the commit's line with a NUL
        commit, date, subject = head.split(FIELD, 2)
        fields = rest.lstrip("\0\n").split("\0")
        changes, i = [], 0
        while i + 1 < len(fields) and fields[i].startswith(":"):
            meta = fields[i].split()
            status, blob = meta[4][0], meta[3]
            if status in "RC":
                changes.append((status, blob, fields[i + 2], fields[i + 1]))
                i += 3
            else:
                changes.append((status, blob, fields[i + 1], None))
                i += 2
        commits.append((commit, date, subject.strip(), changes))
    return commits


def revisions(entries_dir: Path, current: list[str], aliases: dict[str, tuple] | None = None
              ) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Each current entry file's revisions, newest first ({rel: [{commit, date, subject, path,
    blob}]}), and those of the deleted files of old addresses (`aliases`: rel -> the entry's
    old slugs), {old slug: revisions}, so that a version link to them still shows their text.
    Walking back from the newest commit, a rename hands the file's history on to its old path,
    and the commit that added the file ends it; unless that commit deleted the file of one of
    the entry's old addresses: a rename Git did not see, as the text changed too."""
    old_slugs = {rel: set(names) for rel, names in (aliases or {}).items()}
    retiring = set().union(*old_slugs.values())
    following = {rel: rel for rel in current}  # path at this point in history -> whose
    found: dict[str, list[dict]] = {}
    for commit, date, subject, changes in _log(entries_dir):
        deleted = {Path(p).stem: p for s, _, p, _ in changes if s == "D" and p not in following}
        for status, blob, path, old in changes:
            key = following.get(path)
            if key is None or status == "D":
                continue
            found.setdefault(key, []).append({"commit": commit, "date": date,
                                              "subject": subject, "path": path, "blob": blob})
            if status == "R":  # before this commit the file had its old name
                following[old] = following.pop(path)
            elif status in "AC":  # the file began here, or took over an old address's
                del following[path]
                for name in sorted(old_slugs.get(key, set()) & deleted.keys())[:1]:
                    following[deleted.pop(name)] = key
        for name, path in deleted.items():  # an old address's file, deleted here
            if name in retiring and name not in found:
                following[path] = name
    return ({rel: found[rel] for rel in current if found.get(rel)},
            {name: revs for name, revs in found.items() if name in retiring})


def last_commits(entries_dir: Path, current: list[str]) -> dict[str, dt.date] | None:
    """The day each entry file was last committed (those never committed left out); None when
    the folder is not in Git."""
    if head(entries_dir) is None:
        return None
    return {rel: dt.date.fromisoformat(revs[0]["date"][:10])
            for rel, revs in revisions(entries_dir, current)[0].items()}


def shallow_clone(entries_dir: Path) -> list[Problem]:
    """A warning (at the folder) when it is in a shallow Git clone: the history is cut short,
    so every entry seems added at the oldest commit there, a renamed one loses its first
    address (its feed id: readers see it again as new) and old version links stop working."""
    try:
        shallow = git(entries_dir, "rev-parse", "--is-shallow-repository").strip() == "true"
    except (ValueError, OSError, subprocess.SubprocessError):
        return []
    return [Problem("", 1, "warning", "the Git clone is shallow, so the entries' history is "
                    "cut short (days added, feed ids, version links): build from a full clone "
                    "(git fetch --unshallow; in CI, a checkout with fetch-depth: 0)")
            ] if shallow else []


def head(entries_dir: Path) -> str | None:
    """The HEAD commit of the Git work tree the folder is in, or None (not in one, no
    commits yet, or no git)."""
    try:
        return git(entries_dir, "rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except (ValueError, OSError, subprocess.SubprocessError):
        return None


def short_head(entries_dir: Path) -> str | None:
    """HEAD's short commit id, or None (not in a Git work tree, no commits, or no git)."""
    found = head(entries_dir)
    return found[:7] if found else None


def repository_path(entries_dir: Path) -> str:
    """The entries folder's path inside its git repository ('entries/'), for "edit this file"
    links; the folder's own name outside a repository."""
    try:
        return git(entries_dir, "rev-parse", "--show-prefix").strip()
    except (ValueError, OSError, subprocess.SubprocessError):
        return f"{Path(entries_dir).resolve().name}/"


def record_history(entries_dir: Path, gen: Path, current: list[str],
                   previous: Path | None, aliases: dict[str, tuple] | None = None) -> None:
    """Write the generation's HISTORY and PACK (nothing when the folder is not in Git); with
    `aliases` (rel -> old slugs), the history of old addresses' deleted files too."""
    commit = head(entries_dir)
    if commit is None:
        return
    old = read_index(previous) if previous else None
    if old and old["head"] == commit:  # history changes only with commits
        for name in (HISTORY, PACK):
            os.link(previous / name, gen / name)
        return
    entries, retired = revisions(entries_dir, current, aliases)
    have = dict(old["pack"]) if old else {}
    if old:
        shutil.copyfile(previous / PACK, gen / PACK)
    wanted = sorted({r["blob"] for revs in (*entries.values(), *retired.values()) for r in revs}
                    - set(have))
    with open(gen / PACK, "ab") as pack:
        for blob, text in zip(wanted, cat_files(wanted, entries_dir), strict=True):
            data = zlib.compress(text.encode("utf-8"))
            have[blob] = (pack.tell(), len(data))
            pack.write(data)
    (gen / HISTORY).write_text(json.dumps({"head": commit, "entries": entries,
                                           "retired": retired, "pack": have}), encoding="utf-8")


def read_index(generation: Path) -> dict | None:
    """A generation's HISTORY, or None when it has none."""
    try:
        return json.loads((generation / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_text(generation: Path, where: tuple[int, int]) -> str:
    """One revision's text from the generation's PACK."""
    offset, length = where
    with open(generation / PACK, "rb") as pack:
        pack.seek(offset)
        return zlib.decompress(pack.read(length)).decode("utf-8")
