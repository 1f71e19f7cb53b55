"""The library: the live index generation, followed as builds swap in new ones, and every
question the site asks of it (a search with facet counts, ranking, highlights and why each
hit matched; an entry, related entries, coverage, the newest entries). A running server
serves a new generation without a restart: `Library` opens it in the background, so no
request waits."""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb import history
from kb.clauses import ParsedQuery, respelt_text
from kb.facets import FacetValue, count_facets, coverage, in_order, tagged, union
from kb.generations import CURRENT
from kb.matched import any_two, complete, complete_mask, said_apart
from kb.near_phrases import near_phrase
from kb.query import Query
from kb.reading import MINUS_DASHES
from kb.related import most_alike
from kb.scoring import Match, match, rank
from kb.snapshot import Snapshot
from kb.snippets import snippet
from kb.taxonomy import Taxonomy
from kb.text import parse_query
from kb.vocabulary import Concept

FOLLOW_INTERVAL = 0.05  # seconds between a server's checks for a new index generation
RETRY_AFTER = 5.0  # seconds before a generation that failed to open is tried again
log = logging.getLogger("kb")


class IndexMissing(RuntimeError):
    """No usable index: run `kb build`."""


@dataclass
class Hit:
    slug: str
    title: str
    summary: str
    score: float | None
    principles: list[str]
    sectors: list[str]
    stages: list[str]
    regions: list[str]
    published: str
    published_precision: str  # "day", or "month" or "year" when the source gives no more
    added: str | None  # the day it was added here (Git's first commit), when known
    highlights: str  # HTML: escaped text with <mark> around matched words
    matched_words: list[str] = field(default_factory=list)  # the query's words it contains
    matched_tags: list[Concept] = field(default_factory=list)  # concepts it is tagged with
    suggested_tags: list[Concept] = field(default_factory=list)  # suggested terms it carries


@dataclass
class Results:
    query: Query
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None  # "did you mean": the query with misspelt words corrected
    pages: int = 1
    # With no results: (facet, value, total without that filter value) for each filter.
    relaxations: list[tuple[str, str, int]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the query's scoring clauses, as typed
    complete: int = 0  # results that match every one of `words` (directly or by a concept)
    complete_words: int = 0  # results that use every one of `words` themselves
    unmatched: list[str] = field(default_factory=list)  # words no entry matches
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, searched too)
    sort: str = "relevance"  # the order the hits are in: newest when nothing can be scored
    concepts: list[Concept] = field(default_factory=list)  # terms named, with tagged results
    unsaid: list[Concept] = field(default_factory=list)  # those named by words no entry uses
    apart: list[str] = field(default_factory=list)  # phrases naming terms entries have apart
    suggested: list[Concept] = field(default_factory=list)  # terms suggested, ranking first
    either: bool = False  # the search joins words with OR: each result has one of them
    ranking_only: list[str] = field(default_factory=list)  # words no result needs, as typed
    left_out: int = 0  # results the search would have without its '-word' and NOT exclusions
    tag_only: int = 0  # results there only through a topic the words name, using no word
    tags_apart: bool = False  # ranked so, and every result using some word comes before them
    one_word_each: bool = False  # three or more words, and no result matches two of them


class Library:
    """The index as a long-lived, thread-safe object that follows `kb build`'s swaps.

    With `follow`, a background thread opens a newly swapped-in generation as soon as it
    appears, so requests keep being answered from the old one until the new one is ready.
    """

    def __init__(self, index_root: Path, follow: bool = False):
        self.root = Path(index_root)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._target: str | None = None  # the generation self._snapshot is
        self.failure: dict | None = None  # the newest generation that would not open
        self.snapshot()
        if follow:
            threading.Thread(target=self._follow, daemon=True, name="kb-follow").start()

    def _follow(self, interval: float = FOLLOW_INTERVAL) -> None:
        """Open each new generation as soon as a build swaps it in. Whatever goes wrong is
        logged and tried again; the last good generation keeps serving meanwhile."""
        while True:
            time.sleep(interval)
            try:
                self.snapshot(warm=True)
            except IndexMissing:  # the index was removed: keep serving what is open
                continue
            except Exception:
                log.exception("following %s failed; retrying", self.root)
                time.sleep(RETRY_AFTER)

    def snapshot(self, warm: bool = False) -> Snapshot:
        """The current generation, opened anew if a build swapped in a new one. A generation
        that fails to open is logged, reported by stats() and tried again after RETRY_AFTER
        seconds, while the one open before it keeps serving."""
        try:
            target = os.readlink(self.root / CURRENT)
        except OSError:
            if self._snapshot:
                return self._snapshot
            raise IndexMissing(f"no index at {self.root}: run `kb build` first") from None
        if target != self._target and not self._recently_failed(target):
            with self._lock:
                if target != self._target and not self._recently_failed(target):
                    self._open(target, warm)
        if self._snapshot is None:
            raise IndexMissing(f"the index at {self.root} cannot be opened "
                               f"({self.failure['error']}); run `kb build` again")
        return self._snapshot

    def _recently_failed(self, target: str) -> bool:
        return bool(self.failure and self.failure["generation"] == target
                    and time.monotonic() - self.failure["at"] < RETRY_AFTER)

    def _open(self, target: str, warm: bool) -> None:
        try:
            self._snapshot = Snapshot(self.root / target, warm=warm, previous=self._snapshot)
        except Exception as exc:  # a corrupt or half-copied generation: anything can break
            error = f"{type(exc).__name__}: {exc}"
            if not self.failure or (self.failure["generation"], self.failure["error"]) != (
                    target, error):
                log.error("index generation %s cannot be opened (%s); %s", target, error,
                          "still serving " + self._target if self._target else "nothing open")
            self.failure = {"generation": target, "error": error, "at": time.monotonic()}
            return
        self._target, self.failure = target, None

    def search(self, query: Query, snippets: bool = True) -> Results:
        snap = self.snapshot()
        base = snap.date_mask(query.date_from, query.date_to) & snap.listed  # not withdrawn
        found = None
        if query.text.strip():
            found = match(snap, parse_query(query.text, snap.vocabulary, lexicon=snap))
            found.suggested = _worth_saying(found.suggested, query)
            base &= found.mask & _scorable(found)
        final, facets, relaxations = count_facets(snap.masks, snap.taxonomy, base,
                                                  query.filters)
        total = final.bit_count()
        if not total and (query.date_from or query.date_to):
            relaxations.append(("published", "", _undated(snap, found, query).bit_count()))
        words = " ".join(query.text.replace('"', " ").split())
        kept = EXCLUSION.sub(" ", query.text).strip()
        respelt = None
        if not total and '"' in kept and words:  # a phrase no entry has: its words may
            unquoted, respelt = self._without_quotes(query, words)
            relaxations += [("quotes", words, unquoted)] if unquoted else []
        left_out = 0
        if kept != query.text.strip():  # '-word': how many it left out
            without = self.search(query.replace(text=kept), snippets=False).total
            left_out = max(0, without - total)
            if not total and without and kept:
                relaxations.append(("exclusions", " ".join(kept.split()), without))
        pages = max(1, -(-total // query.page_size))
        results = Results(query, total, [], facets, pages=pages, relaxations=relaxations,
                          left_out=left_out)
        if found is not None:
            _describe(results, snap, found, final, query.text)
        results.suggestion = results.suggestion or respelt
        scored = found is not None and bool(found.query.positive)
        results.sort = query.sort if scored or query.sort != "relevance" else "newest"
        results.hits, results.tags_apart = self._hits(snap, found, final, query, results.sort,
                                                      snippets)
        return results

    def _without_quotes(self, query: Query, words: str) -> tuple[int, str | None]:
        """How many a phrase's words find without its quotation marks; and the phrase with its
        misspelt words corrected ('"youth servises"'), when that finds examples."""
        unquoted = self.search(query.replace(text=words), snippets=False)
        respelt = respelt_text(query.text, unquoted.corrections)
        if respelt and self.search(query.replace(text=respelt), snippets=False).total:
            return unquoted.total, respelt
        return unquoted.total, None

    def _hits(self, snap: Snapshot, found: Match | None, final: int, query: Query,
              sort: str, snippets: bool) -> tuple[list[Hit], bool]:
        """The page's hits, and whether those found only through a tag all rank last."""
        start = (query.page - 1) * query.page_size
        if start >= final.bit_count():
            return [], False
        limit = start + query.page_size
        ranked_scores: dict[int, float] = {}
        apart = False
        if sort == "relevance":
            best, apart = rank(snap, found, final, limit)
            ranked = [d for d, _ in best]
            ranked_scores = dict(best)
        else:  # walk a precomputed order: those that use the words, then those by a tag alone
            order = snap.added_order if sort == "added" else \
                snap.order["title" if sort == "title" else "newest"]
            worded = final & found.through_words() if found is not None else final
            whole = complete_mask(found, worded) if found is not None else worded
            groups = [g for g in (whole, worded & ~whole, final & ~worded) if g]  # all words,
            ranked = list(itertools.islice(itertools.chain.from_iterable(  # some, tags alone
                in_order(order, group, snap.size, sort == "oldest") for group in groups),
                limit))
            apart = bool(worded) and worded != final
        marks = found.query.highlights() if found is not None and snippets else (set(), set())
        return [self._hit(snap, d, found, ranked_scores.get(d), marks)
                for d in ranked[start:limit]], apart

    def _hit(self, snap: Snapshot, d: int, found: Match | None, score: float | None,
             marks: tuple[set[str], set[tuple[str, ...]]]) -> Hit:
        rec = snap.records[snap.slug_of[d]]
        words, tags, suggested = [], [], []
        if found is not None:
            clauses = found.query.clauses
            words = [clauses[i].text for i in found.words_matched(d)]
            tags = [c for c in found.query.concepts
                    if snap.masks[c.facet].get(c.slug, 0) >> d & 1]
            suggested = [c for c in _only_suggested(found)
                         if snap.masks[c.facet].get(c.slug, 0) >> d & 1]
        body = snap.stored(d)["body"] if any(marks) else ""
        return Hit(
            slug=rec["slug"], title=rec["title"], summary=rec["summary"],
            score=round(score, 4) if score else None,
            principles=rec["principles"], sectors=rec["sectors"], stages=rec["stages"],
            regions=rec["regions"], published=rec["published"],
            published_precision=rec["published_precision"],
            added=snap.added_on(rec["path"]),
            highlights=snippet(body, *marks) if body else "",
            matched_words=words, matched_tags=tags, suggested_tags=suggested,
        )

    def entry(self, slug: str) -> dict | None:
        """The full stored record of an entry (metadata, HTML, source), or None."""
        snap = self.snapshot()
        if slug not in snap.docnum:
            return None
        return json.loads(snap.stored(snap.docnum[slug])["data"])

    def revisions(self, slug: str) -> list[dict] | None:
        """The entry's revisions in Git, newest first ({commit, date, subject, path}), or for an
        old address whose file was deleted, that file's; None when the index records none
        (the entries were not in a Git work tree, or the slug names neither)."""
        revs = self._revisions(slug)
        return None if revs is None else [{k: r[k] for k in ("commit", "date", "subject", "path")}
                                          for r in revs]

    def _revisions(self, slug: str) -> list[dict] | None:
        found, rec = self.snapshot().history, self.snapshot().records.get(slug)
        return None if found is None else found["entries"].get(rec["path"], []) if rec else \
            found.get("retired", {}).get(slug)

    def revision_text(self, slug: str, commit: str) -> str:
        """The entry's (or an old address's deleted) file as it was at one of its revisions."""
        blob = next(r["blob"] for r in self._revisions(slug) if r["commit"] == commit)
        return history.read_text(self.snapshot().generation, self.snapshot().history["pack"][blob])

    def coverage(self) -> dict[str, dict[str, int]]:
        """principle -> sector -> number of entries tagged with both."""
        return coverage((snap := self.snapshot()).masks, "principle", "sector", snap.listed)

    def related(self, slug: str, limit: int = 5) -> list[dict]:
        """The entries most like this one (kb.related): sharing the words of its title and
        summary, then its principles and sectors."""
        snap = self.snapshot()
        return [snap.records[snap.slug_of[d]] for d in most_alike(snap, slug, limit)] \
            if slug in snap.records else []

    def entries_path(self) -> str:
        """Where the entries folder sits in its git repository ('entries/')."""
        return self.snapshot().meta.get("entries_path", "entries/")

    def resolve_alias(self, slug: str) -> str | None:
        return self.snapshot().alias.get(slug)

    def newest(self, limit: int, added: bool = False) -> list[dict]:
        """Light metadata of the `limit` most recently published entries (by their sources'
        dates), or with `added`, of those most recently added here."""
        snap = self.snapshot()
        order = snap.added_order if added else snap.order["newest"]
        return list(itertools.islice((snap.records[snap.slug_of[d]] for d in order
                                      if snap.listed >> d & 1), limit))

    def dates_here(self, slug: str) -> tuple[str, str] | None:
        """When Git says the entry was added here and last changed (ISO 8601): for a file not
        yet committed, when the index was built; None without history."""
        revs = self.revisions(slug)
        if revs is None:
            return None
        built = self.snapshot().meta["built_at"]
        return (revs[-1]["date"], revs[0]["date"]) if revs else (built, built)

    def records(self) -> list[dict]:
        """Light metadata of every entry, with the day it was added here, newest first."""
        snap = self.snapshot()
        return sorted(({**r, "added": snap.added_on(r["path"])} for r in snap.records.values()),
                      key=lambda r: (r["published"], r["slug"]), reverse=True)

    @property
    def taxonomy(self) -> Taxonomy:
        return self.snapshot().taxonomy

    def built_on(self) -> str:
        """The day (YYYY-MM-DD) the index being served was built."""
        return self.snapshot().meta["built_at"][:10]

    def stats(self) -> dict:
        """The generation being served; and, when a newer one failed to open, which and why
        (the older one keeps serving meanwhile)."""
        snap = self.snapshot()
        failed = None if self.failure is None else {
            "generation": self.failure["generation"], "error": self.failure["error"]}
        return {"entries": (n := snap.listed.bit_count()), "withdrawn": len(snap.docnum) - n,
                "generation": snap.generation.name,
                "built_at": snap.meta["built_at"], "commit": snap.meta.get("commit"),
                "failed_generation": failed}


def _scorable(found: Match) -> int:
    """The entries some scoring word matches (directly or by a tag), so results can be ranked
    and listed: 'grant -housing OR health' is not every entry without housing. All entries
    when no word scores ('-covid' alone lists the rest, newest first)."""
    if not found.query.positive:
        return -1  # every bit set
    return union(found.clause_masks[i] for i in found.query.positive)


def _undated(snap: Snapshot, found: Match | None, query: Query) -> int:
    """The entries the search would find without its dates."""
    out = snap.listed & found.mask if found is not None else snap.listed
    for facet, values in query.filters.items():
        if values:
            out &= tagged(snap.masks[facet], values)
    return out


def _describe(results: Results, snap: Snapshot, found: Match, final: int, text: str) -> None:
    """What the page says about how the words matched: the words, those nothing matched, the
    spelling corrections searched too, and the concepts that brought in tagged results."""
    query: ParsedQuery = found.query
    results.words = [query.clauses[i].text for i in query.positive]
    results.complete = complete(found, final)
    results.complete_words = complete(found, final, itself=True)
    results.one_word_each = len(query.positive) > 2 and not (query.either or any_two(found, final))
    results.either = query.either
    results.ranking_only = [query.clauses[i].text for i in query.ranking_only]
    results.unmatched = list(dict.fromkeys(query.clauses[i].text for i in query.positive
                                           if not found.own[i] and not found.tagged[i]))
    results.corrections = [(c.text, c.correction) for c in query.clauses if c.correction]
    corrected = query.corrected_text(text)  # 'mentall heath': mental health
    results.suggestion = near_phrase(snap, query, corrected or text) or corrected
    results.concepts = [c for c in query.needed_concepts()
                        if snap.masks[c.facet].get(c.slug, 0) & final]
    results.unsaid = [c for c in results.concepts
                      if not any(found.own[i] & snap.live for i in c.clauses)]
    results.apart = [p for c in query.concepts for p in said_apart(snap, found, c)]
    results.tag_only = (final & ~found.through_words()).bit_count() if results.concepts else 0
    results.suggested = [c for c in _only_suggested(found)
                         if snap.masks[c.facet].get(c.slug, 0) & final]


# What a search leaves out: '-word', '-"a phrase"', 'NOT word', 'NOT (a OR b)'
EXCLUSION = re.compile(rf'(?:(?<!\S)[-{MINUS_DASHES}]|\bNOT\s+)(?:\([^()]*\)|"[^"]*"?|[^\s()"]+)')


def _worth_saying(suggested: list[tuple[Concept, float]], query: Query):
    """The suggested terms a page can say rank higher: none when results are sorted by date,
    and not one that a filter already selects (every result then has it)."""
    selected = {(facet, value) for facet, values in query.filters.items() for value in values}
    return [] if query.sort != "relevance" else [
        (c, weight) for c, weight in suggested if (c.facet, c.slug) not in selected]


def _only_suggested(found: Match) -> list[Concept]:
    """The terms the words suggest that they do not also name (those are said once, as
    named)."""
    named = {(c.facet, c.slug) for c in found.query.concepts}
    return [c for c, _ in found.suggested if (c.facet, c.slug) not in named]


