"""Search quality against the judged sets, over the frozen judged corpus (tests/relevance/corpus)
with the live vocabularies: adding or editing an entry in entries/ never changes these."""

from __future__ import annotations

import shutil

import pytest
import yaml

from kb.build import build
from kb.library import Library
from kb.taxonomy import FIELD
from tests.relevance.baseline import PlainBM25
from tests.relevance.evaluate import CORPUS, SETS, VOCABULARIES, K, evaluate, load_queries

# Floors just under the levels measured with `make relevance` (see README, Search quality):
# a change that makes search worse fails here.
FLOORS = {"blind": {"ndcg": 0.73, "recall": 0.77}, "blind2": {"ndcg": 0.75, "recall": 0.69},
          "blind3": {"ndcg": 0.74, "recall": 0.67}, "original": {"ndcg": 0.90, "recall": 0.92}}


def front_matter(path) -> dict:
    """The YAML front matter of an entry (read directly, to stay independent of kb's loader)."""
    text = path.read_text(encoding="utf-8")
    _, front, _ = text.split("---\n", 2)
    return yaml.safe_load(front) or {}


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    entries = tmp_path_factory.mktemp("relevance") / "entries"
    shutil.copytree(CORPUS, entries)
    for name in ("taxonomy.yaml", "synonyms.yaml"):
        shutil.copyfile(VOCABULARIES / name, entries / name)
    index = tmp_path_factory.mktemp("relevance-ix") / "ix"
    build(entries, index)
    return Library(index)


@pytest.mark.parametrize("name", sorted(SETS))
def test_judgements_name_corpus_entries_that_pass_their_filters(name):
    tags = {path.stem: front_matter(path) for path in CORPUS.glob("*.md")}
    for q in load_queries(SETS[name]):
        for slug in q["judgements"]:
            assert slug in tags, f"{q['id']}: unknown entry {slug}"
            for facet, values in q["filters"].items():
                assert set(tags[slug].get(FIELD[facet]) or ()) & set(values), (
                    f"{q['id']}: {slug} cannot pass the {facet} filter")
        if q["kind"] == "no-answer":
            assert q["judgements"] == {}, q["id"]


@pytest.mark.parametrize("name", sorted(SETS))
def test_ndcg_and_recall_stay_above_the_floor(library, name):
    means = evaluate(library, load_queries(SETS[name]))["means"]
    assert means["ndcg"] >= FLOORS[name]["ndcg"]
    assert means["recall"] >= FLOORS[name]["recall"]


def test_acronym_queries_find_their_best_entries(library):
    """An acronym finds what its expansion finds: the first result is one of the query's best
    entries, and most of its best entries are on the first page (an entry that is about the
    subject without using the acronym's words may rank lower)."""
    queries = load_queries(SETS["original"])
    judged = {q["id"]: q["judgements"] for q in queries}
    missing = {}
    for row in evaluate(library, queries)["queries"]:
        if row["kind"] != "acronym":
            continue
        best = {slug for slug, g in judged[row["id"]].items() if g == 3}
        lost = sorted(best - set(row["returned"][:K]))
        if row["returned"][:1] != [s for s in row["returned"][:1] if s in best] or \
                len(lost) * 2 > len(best):
            missing[f"{row['id']} ({row['query']!r})"] = lost or row["returned"][:1]
    assert not missing, f"grade-3 entries missing from the top {K}: {missing}"


@pytest.mark.parametrize("name", sorted(SETS))
def test_kb_ranks_better_than_plain_or_bm25(library, name):
    """kb's matching and ranking (synonyms, concepts, spelling, coordination, proximity) must
    beat plain OR BM25F over the same index on every judged set, on nDCG@10 and recall@10."""
    queries = load_queries(SETS[name])
    ours = evaluate(library, queries)["means"]
    plain = evaluate(PlainBM25(library), queries)["means"]
    assert ours["ndcg"] > plain["ndcg"] and ours["recall"] > plain["recall"], (ours, plain)
