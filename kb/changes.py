"""The pages about an entry's history, as contexts (see kb.contexts): the list of its
revisions, the entry as it was at one of them, and what changed between two."""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlencode

import yaml

from kb.contexts import PageError, Redirect, Site, find_entry
from kb.entry import Problems
from kb.front_matter import split_front_matter
from kb.library import Library
from kb.render import render_markdown
from kb.urls import entry_url, revision_url
from kb.wording import human_date

CONTEXT_LINES = 3  # unchanged lines shown around each change


def _entry(library: Library, site: Site, slug: str, tail: str, versions=()
           ) -> tuple[dict, list[dict]] | Redirect:
    """(the entry's record, its revisions), a redirect from an old slug to the same page of
    the new one, or a 404. At an old address whose own file was deleted (an example merged
    into another, kb.history), that file's revisions, when they have every one of `versions`
    (for a history, always): what a link to them showed then, with `merged_into`."""
    record = find_entry(library, slug, tail)
    if not isinstance(record, Redirect):
        return {**record, "merged_into": None}, library.revisions(slug) or []
    own = library.revisions(slug)
    if not own or not all(_named(own, v) for v in versions if v):
        return record
    kept = library.entry(library.resolve_alias(slug))
    meta, _ = _parts(library.revision_text(slug, own[0]["commit"]))
    return {**kept, "slug": slug, "title": str(meta.get("title") or kept["title"]),
            "merged_into": {"title": kept["title"], "url": site.base + entry_url(kept["slug"])}
            }, own


def _named(revs: list[dict], rev: str) -> bool:
    return len(rev) >= 7 and any(r["commit"].startswith(rev.lower()) for r in revs)


def _revision(r: dict, slug: str, base: str) -> dict:
    """A version for pages and JSON; its `url` absolute with the site's base, as an entry's."""
    url = revision_url(slug, r["commit"])
    return {**r, "short": url.rsplit("/", 1)[1], "day": r["date"][:10],
            "when": human_date(r["date"][:10]), "url": base + url}


def history(library: Library, site: Site, slug: str, suffix: str = "") -> dict | Redirect:
    """The history page: every revision of the entry, newest first, each with its change
    note and links to it and to what it changed."""
    found = _entry(library, site, slug, "/history" + suffix)
    if isinstance(found, Redirect):
        return found
    record, revs = found
    out = [_revision(r, slug, site.base) for r in revs]
    for newer, older in zip(out, out[1:], strict=False):
        newer["changes_url"] = f"{entry_url(slug)}/diff?from={older['short']}&to={newer['short']}"
    return {"slug": slug, "title": record["title"], "url": site.base + entry_url(slug),
            "withdrawn": record.get("withdrawn"), "merged_into": record["merged_into"],
            "recorded": library.revisions(slug) is not None, "revisions": out}


def find(revs: list[dict], rev: str, slug: str) -> dict:
    """The revision a commit id (or its first 7 or more characters) names, or a 404."""
    if len(rev) >= 7:
        for r in revs:
            if r["commit"].startswith(rev.lower()):
                return r
    raise PageError(404, "Version not found",
                    f"/entries/{slug} has no recorded version '{rev}'. See its history at "
                    f"/entries/{slug}/history.")


def revision(library: Library, site: Site, slug: str, rev: str,
             suffix: str = "") -> dict | Redirect:
    """The entry as it was at one revision, marked as such, with the way to the current one.
    At an old address whose own file was deleted (merged into another entry), that file's
    text at the revision, if it had one: what a version link to it showed then."""
    found = _entry(library, site, slug, f"/at/{rev}{suffix}", (rev,))
    if isinstance(found, Redirect):
        return found
    record, revs = found
    r = _revision(find(revs, rev, slug), slug, site.base)
    text = library.revision_text(slug, r["commit"])
    meta, body = _parts(text)
    merged = record["merged_into"]
    newest = revs[0]["commit"] == r["commit"] and not merged
    return {"slug": slug, "revision": r, "newest": newest, "source": text,
            "withdrawn": record.get("withdrawn"), "merged_into": merged,
            "title": str(meta.get("title") or record["title"]),
            "summary": str(meta.get("summary") or ""), "html": render_markdown(body).html,
            "current_url": merged["url"] if merged else site.base + entry_url(slug),
            "changes_url": None if revs[0]["commit"] == r["commit"] else
            f"{entry_url(slug)}/diff?from={r['short']}&to={_revision(revs[0], slug, '')['short']}",
            "permanent_url": r["url"]}


def _parts(text: str) -> tuple[dict, str]:
    """An old revision's front matter (as far as it reads) and body."""
    parts = split_front_matter(text, Problems(""))
    if parts is None:
        return {}, text
    try:
        meta = yaml.safe_load(parts[0])
    except yaml.YAMLError:
        meta = None
    return (meta if isinstance(meta, dict) else {}), parts[1]


def diff(library: Library, site: Site, slug: str, params: list[tuple[str, str]],
         suffix: str = "") -> dict | Redirect:
    """What changed in the entry's file between two revisions (`from`, `to`; by default the
    newest and the one before it), line by line, with a few unchanged lines around each
    change."""
    query = urlencode([(k, v) for k, v in params if k in ("from", "to")])
    found = _entry(library, site, slug, f"/diff{suffix}" + (f"?{query}" if query else ""),
                   [v.strip() for k, v in params if k in ("from", "to")])
    if isinstance(found, Redirect):
        return found
    record, revs = found
    if not revs:
        raise PageError(404, "No recorded versions",
                        f"/entries/{slug} has no recorded history to compare.")
    given = _versions_given(params, slug)
    new = find(revs, given["to"], slug) if given.get("to") else revs[0]
    older = revs[revs.index(new) + 1:]
    old = find(revs, given["from"], slug) if given.get("from") else (older[0] if older
                                                                      else None)
    before = library.revision_text(slug, old["commit"]).splitlines() if old else []
    after = library.revision_text(slug, new["commit"]).splitlines()
    return {"slug": slug, "title": record["title"], "url": site.base + entry_url(slug),
            "merged_into": record["merged_into"],
            "from": _revision(old, slug, site.base) if old else None,
            "to": _revision(new, slug, site.base),
            "hunks": hunks(before, after)}


def _versions_given(params: list[tuple[str, str]], slug: str) -> dict[str, str]:
    """`from` and `to` as given; a 400 for either given twice, or one that is no commit id
    (a 404 is for a well-formed version the entry never had)."""
    given = {}
    for name in ("from", "to"):
        values = [v.strip() for k, v in params if k == name]
        if len(values) > 1:
            raise PageError(400, "Bad request", f"'{name}' is given {len(values)} times: give "
                                                "one version to compare")
        if values and values[0] and not re.fullmatch(r"[0-9a-fA-F]{7,40}", values[0]):
            raise PageError(400, "Bad request", f"'{name}={values[0][:40]}' is no version: give "
                                                "7 or more characters of one listed at "
                                                f"/entries/{slug}/history", typed=True)
        given[name] = values[0] if values else ""
    return given


def hunks(before: list[str], after: list[str]) -> list[list[dict]]:
    """The changed stretches of two texts, each a list of {kind: same|removed|added, text}."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    out = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        lines = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [{"kind": "same", "text": t} for t in before[i1:i2]]
                continue
            lines += [{"kind": "removed", "text": t} for t in before[i1:i2]]
            lines += [{"kind": "added", "text": t} for t in after[j1:j2]]
        out.append(lines)
    return out
