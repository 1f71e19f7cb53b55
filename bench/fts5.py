"""The peer anchor: the same corpus and queries on SQLite FTS5 through Python's sqlite3.

    python -m bench.fts5 build --entries DIR --db FILE   # what bench.run times as a subprocess

The build reads the Markdown files with kb's own reader (`kb.validate.load_entries`, so parsing
and validation cost the same), then fills an FTS5 table (porter tokenizer) over title, summary
and body, a table of light metadata and a tags table, and merges the FTS5 segments.

`Fts5Library.search` answers what `kb.library.Library.search` answers for a results page: the
total, the top 10 by bm25 (column weights title 3, summary 2, body 1) with a snippet() of the
body, and the counts of every facet term, each facet counted disjunctively (its own filter
off, the other facets' filters on). The text is matched as kb matches it, where kb's own
modules say how: recall-first (any one word or synonym will do), stop words dropped, synonym
groups from synonyms.yaml ORed, and the entries tagged with a vocabulary term the words name
(found by kb's own query reader, kb.text) included. Unlike kb it has no spelling correction,
no compound splitting, does not search organisations, ranks by plain bm25 (entries found only
through a tag come last), and does not render Markdown to HTML at build.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from kb.taxonomy import FACETS, FIELD, load_taxonomy
from kb.validate import load_entries

# Mirror kb's query semantics where kb has them, so both engines answer the same question.
try:
    from kb.analysis import STOP_WORDS
except ImportError:
    from whoosh.analysis import STOP_WORDS
try:
    from kb.text import parse_query
    from kb.vocabulary import compile_vocabulary
except ImportError:
    compile_vocabulary = parse_query = None
try:
    from kb.synonyms import load_synonyms
except ImportError:
    def load_synonyms(path):
        return []

WORD = re.compile(r"\w+", re.UNICODE)
SCHEMA = """
CREATE TABLE docs(id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
                  summary TEXT NOT NULL, published TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, tokenize = 'porter unicode61');
CREATE TABLE tags(doc INTEGER NOT NULL, facet TEXT NOT NULL, term TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX tags_by_term ON tags(facet, term, doc);
CREATE INDEX tags_by_doc ON tags(doc, facet, term);
"""


def build(entries_dir: Path, db_path: Path) -> dict:
    """Read the entries with kb's reader and write a fresh FTS5 database."""
    started = time.perf_counter()
    entries_dir, db_path = Path(entries_dir), Path(db_path)
    taxonomy = load_taxonomy(entries_dir / "taxonomy.yaml")
    entries, problems = load_entries(entries_dir, taxonomy)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SystemExit(f"{len(errors)} error(s) in {entries_dir}, e.g. {errors[0]}")
    parsed = time.perf_counter()
    if db_path.exists():
        db_path.unlink()
    con = sqlite3.connect(db_path)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(SCHEMA)
        with con:
            for doc_id, e in enumerate(entries, 1):
                con.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                            (doc_id, e.slug, e.title, e.summary, e.published.isoformat()))
                con.execute("INSERT INTO fts(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                            (doc_id, e.title, e.summary, e.body))
                con.executemany("INSERT INTO tags VALUES (?, ?, ?)",
                                [(doc_id, f, t) for f in FACETS for t in getattr(e, FIELD[f])])
        con.executescript(INDEXES)
        con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    done = time.perf_counter()
    return {"entries": len(entries), "parse_seconds": parsed - started,
            "insert_seconds": done - parsed}


def _fts_string(words: list[str]) -> str:
    """Words as one FTS5 string (a phrase when several), so no word is read as syntax."""
    return '"' + " ".join(words).replace('"', '""') + '"'


def clauses(text: str, synonyms=()) -> list[str]:
    """The query's clauses as kb makes them: one a word (stop words dropped, a hyphenated word
    a phrase), a known word or phrase ORed with its synonyms."""
    starts: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for n, group in enumerate(synonyms):
        for phrase in group:
            starts.setdefault(phrase.split()[0], []).append((tuple(phrase.split()), n))
    tokens = text.split()
    norm = [t.lower().strip(".,;:!?") for t in tokens]
    out, i = [], 0
    while i < len(tokens):
        for words, n in sorted(starts.get(norm[i], ()), key=lambda o: -len(o[0])):
            if tuple(norm[i:i + len(words)]) == words:
                alternatives = [_fts_string(WORD.findall(p)) for p in synonyms[n]]
                out.append("(" + " OR ".join(alternatives) + ")")
                i += len(words)
                break
        else:
            words = [w for w in WORD.findall(tokens[i].lower()) if w not in STOP_WORDS]
            if words:
                out.append(_fts_string(words))
            i += 1
    return out


def match_expression(text: str, synonyms=()) -> str | None:
    """The FTS5 query for user text, recall-first as kb matches it: any one clause will do."""
    parts = clauses(text, synonyms)
    return " OR ".join(parts) if parts else None


@dataclass
class Fts5Results:
    total: int
    hits: list[tuple]  # (slug, title, summary, score, snippet)
    facets: dict[str, dict[str, int]]


class Fts5Library:
    def __init__(self, db_path: Path, synonyms_path: Path | None = None,
                 taxonomy_path: Path | None = None):
        self.synonyms = load_synonyms(synonyms_path) if synonyms_path else []
        self.vocabulary = (compile_vocabulary(load_taxonomy(taxonomy_path), self.synonyms)
                           if taxonomy_path and compile_vocabulary else None)
        self.con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True,
                                   check_same_thread=False)
        self.con.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY)")  # matches
        self.con.execute("CREATE TEMP TABLE f(id INTEGER PRIMARY KEY)")  # matches, filtered
        self.terms = {f: [t for (t,) in self.con.execute(
            "SELECT DISTINCT term FROM tags WHERE facet = ? ORDER BY term", (f,))] for f in FACETS}

    def concepts(self, text: str) -> list[tuple[str, str]]:
        """The vocabulary terms the words name, as kb's query reader finds them."""
        if self.vocabulary is None:
            return []
        return [(c.facet, c.slug) for c in parse_query(text, self.vocabulary).concepts]

    def close(self) -> None:
        self.con.close()

    @staticmethod
    def _filter_sql(column: str, filters: dict, skip: str | None = None) -> tuple[str, list]:
        sql, args = [], []
        for facet, values in filters.items():
            if facet == skip or not values:
                continue
            marks = ", ".join("?" * len(values))
            sql.append(f" AND {column} IN (SELECT doc FROM tags WHERE facet = ? "
                       f"AND term IN ({marks}))")
            args += [facet, *values]
        return "".join(sql), args

    def search(self, text: str, filters: dict[str, tuple[str, ...]]) -> Fts5Results:
        con = self.con
        con.execute("DELETE FROM temp.m")
        expr = match_expression(text, self.synonyms)
        if expr is None:
            con.execute("INSERT INTO temp.m SELECT id FROM docs")
        else:
            con.execute("INSERT INTO temp.m SELECT rowid FROM fts WHERE fts MATCH ?", (expr,))
            for facet, term in self.concepts(text):  # entries tagged with a term the words name
                con.execute("INSERT OR IGNORE INTO temp.m SELECT doc FROM tags WHERE facet = ? "
                            "AND term = ?", (facet, term))
        # The final set: the matches that pass every filter.
        where, args = self._filter_sql("m.id", filters)
        con.execute("DELETE FROM temp.f")
        con.execute(f"INSERT INTO temp.f SELECT m.id FROM temp.m AS m WHERE 1{where}", args)
        total = con.execute("SELECT count(*) FROM temp.f").fetchone()[0]
        facets = {}
        for facet in FACETS:
            where, args = self._filter_sql("m.id", filters, skip=facet)
            rows = con.execute(
                "SELECT t.term, count(*) FROM temp.m AS m JOIN tags AS t "
                f"ON t.doc = m.id AND t.facet = ? WHERE 1{where} GROUP BY t.term",
                [facet, *args]).fetchall()
            facets[facet] = dict(rows)
        hits = []
        if total and expr is not None:
            # Score the whole match set once (MATERIALIZED: a filter pushed down into the FTS5
            # scan would make SQLite run the MATCH again for every candidate rowid).
            top = con.execute(
                "WITH r AS MATERIALIZED (SELECT rowid AS id, bm25(fts, 3.0, 2.0, 1.0) AS score "
                "FROM fts WHERE fts MATCH ?) SELECT r.id, r.score FROM r "
                + ("JOIN temp.f AS f ON f.id = r.id " if filters else "")
                + "ORDER BY r.score LIMIT 10", (expr,)).fetchall()
            ids = [r[0] for r in top]
            if len(ids) < 10:  # then the entries found only through a tag, newest first
                top += con.execute(
                    "SELECT f.id, NULL FROM temp.f AS f JOIN docs AS d ON d.id = f.id WHERE f.id "
                    f"NOT IN ({', '.join('?' * len(ids))}) ORDER BY d.published DESC LIMIT ?",
                    [*ids, 10 - len(ids)]).fetchall()
                ids = [r[0] for r in top]
            marks = ", ".join("?" * len(ids))
            snippets = dict(con.execute(
                "SELECT rowid, snippet(fts, 2, '<mark>', '</mark>', '…', 36) FROM fts "
                f"WHERE fts MATCH ? AND rowid IN ({marks})", [expr, *ids]).fetchall())
            meta = {r[0]: r[1:] for r in con.execute(
                f"SELECT id, slug, title, summary FROM docs WHERE id IN ({marks})", ids)}
            hits = [(*meta[i], score, snippets.get(i, "")) for i, score in top]
        elif total:
            hits = con.execute(
                "SELECT d.slug, d.title, d.summary, NULL, '' FROM temp.f AS f JOIN docs AS d "
                "ON d.id = f.id ORDER BY d.published DESC LIMIT 10").fetchall()
        return Fts5Results(total, hits, facets)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Build the FTS5 peer database.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="read the entries and write the FTS5 database")
    b.add_argument("--entries", type=Path, required=True)
    b.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    info = build(args.entries, args.db)
    print(f"fts5: {info['entries']} entries (parse {info['parse_seconds']:.1f}s, "
          f"insert {info['insert_seconds']:.1f}s)", file=sys.stderr)


if __name__ == "__main__":
    main()
