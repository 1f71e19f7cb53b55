"""Search quality against the hand-made judgements in queries.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kb.index import build
from kb.search import Library
from tests.relevance.evaluate import QUERIES, K, evaluate, load_queries

# Floors just under the level measured with `make relevance` (nDCG@10 0.939, recall@10 0.943
# on 53 judged queries): a change that makes search worse fails here.
FLOOR_NDCG = 0.93
FLOOR_RECALL = 0.93

BUNDLED = Path(__file__).resolve().parent.parent.parent / "entries"


def front_matter(path: Path) -> dict:
    """The YAML front matter of an entry (read directly, to stay independent of kb's loader)."""
    text = path.read_text(encoding="utf-8")
    _, front, _ = text.split("---\n", 2)
    return yaml.safe_load(front) or {}


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return load_queries(QUERIES)


@pytest.fixture(scope="module")
def report(tmp_path_factory, queries) -> dict:
    entries = tmp_path_factory.mktemp("relevance") / "entries"
    shutil.copytree(BUNDLED, entries)
    index = tmp_path_factory.mktemp("relevance-ix") / "ix"
    build(entries, index)
    return evaluate(Library(index), queries)


def test_judgements_name_real_entries_that_pass_their_filters(queries):
    tags = {path.stem: front_matter(path) for path in BUNDLED.glob("*.md")}
    no_answer = [q["id"] for q in queries if q["kind"] == "no-answer"]
    assert len(no_answer) == 1
    for q in queries:
        if q["kind"] == "no-answer":
            assert q["judgements"] == {}, q["id"]
            continue
        assert 3 in q["judgements"].values(), f"{q['id']} has no grade-3 entry"
        for slug in q["judgements"]:
            assert slug in tags, f"{q['id']}: unknown entry {slug}"
            for facet, values in q["filters"].items():
                assert set(tags[slug].get(facet) or ()) & set(values), (
                    f"{q['id']}: {slug} cannot pass the {facet} filter")


def test_mean_ndcg_and_recall_stay_above_the_floor(report):
    means = report["means"]
    assert means["ndcg"] >= FLOOR_NDCG
    assert means["recall"] >= FLOOR_RECALL


def test_acronym_queries_find_their_best_entries(report, queries):
    judged = {q["id"]: q["judgements"] for q in queries}
    missing = {}
    for row in report["queries"]:
        if row["kind"] != "acronym":
            continue
        best = {slug for slug, g in judged[row["id"]].items() if g == 3}
        lost = sorted(best - set(row["returned"][:K]))
        if lost:
            missing[f"{row['id']} ({row['query']!r})"] = lost
    assert not missing, f"grade-3 entries missing from the top {K}: {missing}"
