"""Deterministic benchmark queries: 1-4 words from the corpus vocabulary, a third with filters.

    python -m bench.queries [--count 240]   # prints them, one JSON object a line

A query is a `BenchQuery(text, filters)` where filters is `{facet: (slug, ...)}` (facets
named as in search addresses: principle, sector...), the shape `kb.query.Query(filters=...)`
takes. Slugs come from the taxonomy given (by default
entries/taxonomy.yaml, which every generated corpus copies).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.corpus import TAXONOMY, load_terms
from bench.vocabulary import APPROACHES, KEYWORDS, OUTCOME_MEASURES, SERVICES

DEFAULT_COUNT = 240
DEFAULT_SEED = 1998  # the year of the Compact
FACETS = ("principle", "sector", "stage", "region")  # as kb.taxonomy names them
FACET_OF = {"principles": "principle", "sectors": "sector", "stages": "stage",
            "regions": "region"}


@dataclass(frozen=True)
class BenchQuery:
    text: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def params(self) -> list[tuple[str, str]]:
        """URL parameters in the site's canonical order (q, then facets, values as given)."""
        out = [("q", self.text)] if self.text else []
        for facet in FACETS:
            out += [(facet, v) for v in self.filters.get(facet, ())]
        return out

    def url(self, path: str = "/search") -> str:
        return f"{path}?{urlencode(self.params())}"

    def as_dict(self) -> dict:
        return {"text": self.text, "filters": {f: list(v) for f, v in self.filters.items()}}


def _phrases() -> list[str]:
    """Word runs people would type: vocabulary phrases and their 1-3 word pieces."""
    out = list(KEYWORDS)
    for phrase in [*SERVICES, *APPROACHES, *OUTCOME_MEASURES]:
        words = phrase.replace("'", "").split()
        out.append(" ".join(words))
        for size in (1, 2, 3):
            out += [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)
                    if size < len(words)]
    stop = {"for", "and", "of", "the", "to", "a", "an", "with", "in", "on", "by"}
    clean = []
    for p in out:
        words = p.split()
        if words[0].lower() in stop or words[-1].lower() in stop:
            continue
        clean.append(p)
    return sorted(set(clean))


def make_queries(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED,
                 taxonomy: Path = TAXONOMY) -> list[BenchQuery]:
    """`count` queries (text of 1-4 words; every third one with 1-3 facet filters)."""
    rng = random.Random(f"queries:{seed}")
    terms = load_terms(taxonomy)
    phrases = _phrases()
    by_len: dict[int, list[str]] = {}
    for p in phrases:
        by_len.setdefault(len(p.split()), []).append(p)
    queries, seen = [], set()
    filtered = set(rng.sample(range(count), count // 3))
    attempts = 0
    while len(queries) < count:
        attempts += 1
        if attempts > count * 200:
            raise RuntimeError("could not make enough distinct queries from the vocabulary")
        want = rng.choices([1, 2, 3, 4], weights=[30, 35, 20, 15])[0]
        if want in by_len and rng.random() < 0.7:
            text = rng.choice(by_len[want])
        else:  # combine pieces up to `want` words: "mental health grant funding"
            words: list[str] = []
            while len(words) < want:
                piece = rng.choice(phrases).split()
                words += piece[: want - len(words)]
            text = " ".join(words)
        filters: dict[str, tuple[str, ...]] = {}
        if len(queries) in filtered:
            facets = rng.sample(list(terms), rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
            for facet in sorted(facets, key=list(terms).index):
                k = rng.choices([1, 2], weights=[80, 20])[0]
                filters[FACET_OF[facet]] = tuple(rng.sample(terms[facet], k))
        key = (text.lower(), tuple(sorted(filters.items())))
        if key in seen:
            continue
        seen.add(key)
        queries.append(BenchQuery(text, filters))
    return queries


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Print the benchmark queries as JSON lines.")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    for q in make_queries(args.count, args.seed):
        print(json.dumps(q.as_dict(), ensure_ascii=False))


if __name__ == "__main__":
    main()
