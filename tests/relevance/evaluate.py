"""Search-quality measurement against hand-made relevance judgements.

Run from the repository root (`make relevance`):

    python -m tests.relevance.evaluate [--entries DIR] [--set NAME ...] [--no-save]

Four judged sets, all over the frozen corpus in tests/relevance/corpus/ (a copy of the entries
as they were when judged, searched with the live vocabularies entries/taxonomy.yaml and
entries/synonyms.yaml):

- blind.yaml: queries written from commissioners' vocabulary before anyone looked at which
  entries match, then graded for every entry of the corpus (exhaustive judging);
- blind2.yaml: a second set made the same way after the search had been tuned on the first, to
  check that what it learnt holds for queries it was never tuned on;
- blind3.yaml: a third, made the same way by three people each writing as one kind of user,
  after the search had been tuned on the first two;
- queries.yaml: the first set, written by reading the entries.

Metrics, all at a cut-off of 10 results:

- nDCG@10: gains 2^grade - 1, discount log2(rank + 1), normalised by the ideal ordering of the
  judged entries (a query whose relevant entries all come first scores 1.0).
- recall@10: the share of entries graded 2 or 3 that appear in the top 10.
- RR: 1 / rank of the first entry with the query's top grade (when that grade is 2 or 3), 0
  when none is in the top 10; MRR is its mean.
- missed: the relevant entries (graded 2 or 3) not in the top 10, and whether the search
  found them lower down (a ranking problem; the median rank is given) or not at all in its
  first 100 results (a vocabulary problem).
- zero-result rate: the share of answerable queries (some entry graded above 0) that return no
  result at all; and how many no-answer queries (nothing graded) return nothing, as they should.

Queries with no grade above 0 have no ideal ordering and are left out of the means. With
--entries another folder is searched (the live entries, say); the report then names the results
that no judgement covers. Each run is compared with the last one saved in last-run.json: the
report lists the queries whose nDCG@10 rose or fell.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from kb.build import build
from kb.library import Library
from kb.query import Query
from tests.relevance.baseline import PlainBM25

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"
VOCABULARIES = ROOT / "entries"
SETS = {"blind": HERE / "blind.yaml", "blind2": HERE / "blind2.yaml",
        "blind3": HERE / "blind3.yaml", "original": HERE / "queries.yaml"}
QUERIES = SETS["original"]
LAST_RUN = HERE / "last-run.json"
K = 10
DEEP = 100  # results read to say where a missed relevant entry is
KINDS = ("plain", "question", "synonym", "acronym", "jargon", "typo", "hyphenation", "numbers",
         "british-spelling", "filtered", "no-answer")
FIELDS = {"principles": "principle", "sectors": "sector", "stages": "stage",
          "regions": "region"}  # the judged files write filters as front matter does


def load_queries(path: Path = QUERIES) -> list[dict]:
    """The judged queries, checked for shape (not for content)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of queries")
    seen = set()
    for q in data:
        qid = q.get("id")
        if not qid or qid in seen:
            raise ValueError(f"{path}: missing or duplicate id {qid!r}")
        seen.add(qid)
        if not isinstance(q.get("query"), str) or not q["query"].strip():
            raise ValueError(f"{qid}: missing query text")
        if q.get("kind") not in KINDS:
            raise ValueError(f"{qid}: kind must be one of {', '.join(KINDS)}")
        filters = q.get("filters") or {}
        unknown = sorted(set(filters) - set(FIELDS))
        if unknown:
            raise ValueError(f"{qid}: unknown facet(s) in filters: {', '.join(unknown)}")
        q["filters"] = {FIELDS[f]: tuple(v) for f, v in filters.items()}
        judgements = q.get("judgements") or {}
        if any(g not in (1, 2, 3) for g in judgements.values()):
            raise ValueError(f"{qid}: grades must be 1, 2 or 3")
        q["judgements"] = dict(judgements)
    return data


def dcg(grades: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(rank + 1) for rank, g in enumerate(grades, 1))


def score_ranking(returned: list[str], judgements: dict[str, int], k: int = K) -> dict:
    """nDCG@k, recall@k and reciprocal rank of one ranked list of slugs."""
    top = returned[:k]
    ideal = dcg(sorted(judgements.values(), reverse=True)[:k])
    if ideal == 0:
        return {"ndcg": None, "recall": None, "rr": None}
    ndcg = dcg([judgements.get(slug, 0) for slug in top]) / ideal
    wanted = {slug for slug, g in judgements.items() if g >= 2}
    recall = len(wanted & set(top)) / len(wanted) if wanted else None
    best = max(judgements.values())
    rr = next((1 / rank for rank, slug in enumerate(top, 1) if judgements.get(slug, 0) == best),
              0.0) if best >= 2 else None
    return {"ndcg": ndcg, "recall": recall, "rr": rr}


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _means(rows: list[dict]) -> dict:
    judged = [r for r in rows if r["ndcg"] is not None]
    return {
        "queries": len(judged),
        "ndcg": _mean(r["ndcg"] for r in judged),
        "recall": _mean(r["recall"] for r in judged),
        "mrr": _mean(r["rr"] for r in judged),
        "zero_results": _mean(float(r["total"] == 0) for r in judged),
        "best_recall": _mean(r["best_recall"] for r in judged),
        "missed": [rank for r in judged for rank in r["missed"]],
    }


def evaluate(library: Library, queries: list[dict], k: int = K) -> dict:
    """Run every query against the library and score it against its judgements.

    Returns {"queries": [per-query rows], "means": {...}, "by_kind": {kind: {...}},
    "no_answer": [rows of queries without judgements]}.
    """
    rows = []
    for q in queries:
        filters = {f: tuple(v) for f, v in (q.get("filters") or {}).items()}
        results = library.search(Query(text=q["query"], filters=filters, page_size=DEEP),
                                 snippets=False)
        deep = [hit.slug for hit in results.hits]
        returned = deep[:k]
        wanted = [s for s, g in (q.get("judgements") or {}).items() if g >= 2]
        rows.append({
            "id": q["id"], "kind": q["kind"], "query": q["query"], "filters": filters,
            "returned": returned, "total": results.total, "suggestion": results.suggestion,
            "unjudged": [s for s in returned if s not in q["judgements"]],
            # a query with more than k relevant entries cannot reach recall@k = 1
            "best_recall": min(k, len(wanted)) / len(wanted) if wanted else None,
            # relevant entries below the first page: where they are, or None if not found
            "missed": [deep.index(s) + 1 if s in deep else None for s in wanted
                       if s not in returned],
            **score_ranking(returned, q.get("judgements") or {}, k),
        })
    kinds = [kind for kind in KINDS if any(r["kind"] == kind for r in rows)]
    return {
        "queries": rows,
        "means": _means(rows),
        "by_kind": {kind: _means([r for r in rows if r["kind"] == kind]) for kind in kinds},
        "no_answer": [r for r in rows if r["ndcg"] is None],
    }


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_report(name: str, report: dict, last: dict | None = None,
                  reference: dict | None = None) -> str:
    rows = report["queries"]
    id_w = max(len("id"), *(len(r["id"]) for r in rows))
    kind_w = max(len("kind"), *(len(r["kind"]) for r in rows))
    head = f"{'id':<{id_w}}  {'kind':<{kind_w}}  nDCG@10  R@10   RR     top 3 returned"
    lines = [f"== {name} ==", head, "-" * len(head)]
    for r in rows:
        top3 = ", ".join(r["returned"][:3]) or "(nothing)"
        lines.append(f"{r['id']:<{id_w}}  {r['kind']:<{kind_w}}  {_fmt(r['ndcg'])}    "
                     f"{_fmt(r['recall'])}  {_fmt(r['rr'])}  {top3}")
    m = report["means"]
    lines += ["", f"{name}: {m['queries']} judged queries: nDCG@10 {_fmt(m['ndcg'])}  "
              f"recall@10 {_fmt(m['recall'])}  MRR {_fmt(m['mrr'])}  "
              f"zero-result rate {_fmt(m['zero_results'])}",
              f"best possible recall@{K} (every relevant entry ranked first): "
              f"{_fmt(m['best_recall'])}", _missed(m["missed"])]
    if reference:
        lines.append(f"plain OR BM25F over the same index, for reference: nDCG@10 "
                     f"{_fmt(reference['ndcg'])}  recall@10 {_fmt(reference['recall'])}  "
                     f"MRR {_fmt(reference['mrr'])}")
    lines += ["", "Per kind:"]
    for kind, km in report["by_kind"].items():
        if km["queries"]:
            lines.append(f"  {kind:<{kind_w}}  n={km['queries']:<3} nDCG@10 {_fmt(km['ndcg'])}  "
                         f"recall@10 {_fmt(km['recall'])}  MRR {_fmt(km['mrr'])}")
    silent = [r for r in report["no_answer"] if r["total"] == 0]
    lines.append(f"  no judged answer: {len(report['no_answer'])} queries, {len(silent)} "
                 "return nothing")
    for r in report["no_answer"]:
        lines.append(f"    {r['id']}: {r['total']} result(s)")
    lines += _changes(rows, last)
    unjudged = {s for r in rows for s in r["unjudged"] if r["ndcg"] is not None}
    if unjudged and not (CORPUS.exists() and all((CORPUS / f"{s}.md").exists()
                                                  for s in unjudged)):
        lines.append(f"  results no judgement covers: {', '.join(sorted(unjudged))}")
    return "\n".join(lines)


def _missed(ranks: list[int | None]) -> str:
    """Where the relevant entries (graded 2 or 3) missing from the first page are: found
    lower down (a ranking problem) or not found at all (a vocabulary problem)."""
    found = sorted(r for r in ranks if r is not None)
    median = found[len(found) // 2] if found else None
    return (f"relevant entries not in the top {K}: {len(ranks)}; found lower down: "
            f"{len(found)} (median rank {median}); not found at all: "
            f"{len(ranks) - len(found)} (in the first {DEEP} results)")


def _changes(rows: list[dict], last: dict | None) -> list[str]:
    if not last:
        return ["  (no earlier run saved to compare with)"]
    out = []
    for r in rows:
        before = (last.get(r["id"]) or {}).get("ndcg")
        if r["ndcg"] is None or before is None or abs(r["ndcg"] - before) < 0.001:
            continue
        verb = "gained" if r["ndcg"] > before else "lost"
        out.append(f"    {verb}: {r['id']} ({r['query']!r}) nDCG@10 {before:.3f} -> "
                   f"{r['ndcg']:.3f}")
    return ["  since the last saved run:" if out else "  since the last saved run: no change",
            *out]


def run(entries: Path, names: list[str], save: bool) -> str:
    last = json.loads(LAST_RUN.read_text()) if LAST_RUN.exists() else {}
    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
        folder = Path(tmp) / "entries"
        shutil.copytree(entries, folder)
        for name in ("taxonomy.yaml", "synonyms.yaml"):
            shutil.copyfile(VOCABULARIES / name, folder / name)
        build(folder, Path(tmp) / "ix")
        library = Library(Path(tmp) / "ix")
        reports = {name: evaluate(library, load_queries(SETS[name])) for name in names}
        plain = PlainBM25(library)
        reference = {name: evaluate(plain, load_queries(SETS[name]))["means"] for name in names}
    text = "\n\n".join(format_report(n, r, last.get(n), reference[n])
                         for n, r in reports.items())
    if save:
        for name, report in reports.items():
            last[name] = {r["id"]: {"ndcg": r["ndcg"], "recall": r["recall"], "total": r["total"]}
                          for r in report["queries"]}
        LAST_RUN.write_text(json.dumps(last, indent=1, sort_keys=True) + "\n")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure search quality against judgements.")
    parser.add_argument("--entries", type=Path, default=CORPUS,
                        help="entries to search (default: the judged corpus, "
                             "tests/relevance/corpus)")
    parser.add_argument("--set", dest="sets", action="append", choices=sorted(SETS),
                        help="a judged set to run (repeatable; default: all)")
    parser.add_argument("--no-save", action="store_true",
                        help="do not record this run in last-run.json")
    args = parser.parse_args(argv)
    names = args.sets or list(SETS)
    print(run(args.entries, names, save=not args.no_save and args.entries == CORPUS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
