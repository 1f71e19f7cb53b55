"""Search-quality measurement against hand-made relevance judgements.

Run from the repository root:

    python -m tests.relevance.evaluate [--entries entries] [--index DIR] [--queries FILE]

Without --index a temporary index is built from the entries folder. The report has one row
per query and the means overall and per kind. Metrics, all at a cut-off of 10 results:

- nDCG@10: gains 2^grade - 1, discount log2(rank + 1), normalised by the ideal ordering of
  the judged entries (so a query whose relevant entries all come first scores 1.0).
- recall@10: the share of entries graded 2 or 3 that appear in the top 10.
- RR: 1 / rank of the first grade-3 entry in the top 10, or 0 when none is there (MRR is
  its mean).

The no-answer query (empty judgements) has no ideal ordering, so it is left out of the means
and the report says how many results it returned instead.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import yaml

from kb.index import build
from kb.search import Library, Query

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
QUERIES = HERE / "queries.yaml"
K = 10
KINDS = ("plain", "acronym", "typo", "question", "filtered", "british-spelling", "no-answer")
FACETS = ("principles", "sectors", "stages", "regions")


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
        unknown = sorted(set(filters) - set(FACETS))
        if unknown:
            raise ValueError(f"{qid}: unknown facet(s) in filters: {', '.join(unknown)}")
        q["filters"] = {f: tuple(v) for f, v in filters.items()}
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
    rr = next((1 / rank for rank, slug in enumerate(top, 1) if judgements.get(slug, 0) == 3), 0.0)
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
    }


def evaluate(library: Library, queries: list[dict], k: int = K) -> dict:
    """Run every query against the library and score it against its judgements.

    Returns {"queries": [per-query rows], "means": {...}, "by_kind": {kind: {...}},
    "no_answer": [rows of queries without judgements]}.
    """
    rows = []
    for q in queries:
        filters = {f: tuple(v) for f, v in (q.get("filters") or {}).items()}
        results = library.search(Query(text=q["query"], filters=filters, page_size=k))
        returned = [hit.slug for hit in results.hits]
        row = {
            "id": q["id"],
            "kind": q["kind"],
            "query": q["query"],
            "filters": filters,
            "returned": returned,
            "total": results.total,
            "note": results.note,
            "suggestion": results.suggestion,
            **score_ranking(returned, q.get("judgements") or {}, k),
        }
        rows.append(row)
    kinds = [kind for kind in KINDS if any(r["kind"] == kind for r in rows)]
    return {
        "queries": rows,
        "means": _means(rows),
        "by_kind": {kind: _means([r for r in rows if r["kind"] == kind]) for kind in kinds},
        "no_answer": [r for r in rows if r["ndcg"] is None],
    }


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_report(report: dict) -> str:
    rows = report["queries"]
    id_w = max(len("id"), *(len(r["id"]) for r in rows))
    kind_w = max(len("kind"), *(len(r["kind"]) for r in rows))
    head = f"{'id':<{id_w}}  {'kind':<{kind_w}}  nDCG@10  R@10   RR     top 3 returned"
    lines = [head, "-" * len(head)]
    for r in rows:
        top3 = ", ".join(r["returned"][:3]) or "(nothing)"
        lines.append(f"{r['id']:<{id_w}}  {r['kind']:<{kind_w}}  {_fmt(r['ndcg'])}    "
                     f"{_fmt(r['recall'])}  {_fmt(r['rr'])}  {top3}")
    m = report["means"]
    lines += ["", f"Overall ({m['queries']} judged queries): nDCG@10 {_fmt(m['ndcg'])}  "
              f"recall@10 {_fmt(m['recall'])}  MRR {_fmt(m['mrr'])}", "", "Per kind:"]
    for kind, km in report["by_kind"].items():
        if km["queries"]:
            lines.append(f"  {kind:<{kind_w}}  n={km['queries']:<3} nDCG@10 {_fmt(km['ndcg'])}  "
                         f"recall@10 {_fmt(km['recall'])}  MRR {_fmt(km['mrr'])}")
    for r in report["no_answer"]:
        lines.append(f"  {r['kind']:<{kind_w}}  {r['id']}: returned {r['total']} result(s)"
                     + (f" [{r['note']}]" if r["note"] else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure search quality against judgements.")
    parser.add_argument("--entries", type=Path, default=ROOT / "entries",
                        help="entries folder to index (default: the bundled entries)")
    parser.add_argument("--index", type=Path, default=None,
                        help="use this existing index instead of building a temporary one")
    parser.add_argument("--queries", type=Path, default=QUERIES,
                        help="judged queries (default: tests/relevance/queries.yaml)")
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)
    if args.index is not None:
        print(format_report(evaluate(Library(args.index), queries)))
        return 0
    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
        index = Path(tmp) / "ix"
        build(args.entries, index)
        print(format_report(evaluate(Library(index), queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
