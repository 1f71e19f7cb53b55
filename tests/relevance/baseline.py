"""A plain reference ranker for `make relevance`: Whoosh's own query parser with OR between the
words and its BM25F scoring (the schema's field weights), over the same index kb searches.

No synonyms, concepts, spelling correction, coordination or proximity: it shows what kb's own
matching and ranking add over plain OR BM25, the baseline the judged sets are compared with.
Facet filters are applied to its hits the way kb applies them (OR within a facet, AND across).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import scoring
from whoosh.qparser import MultifieldParser, OrGroup

from kb.library import Library
from kb.query import Query

FIELDS = ("title", "summary", "body", "organisations")


@dataclass
class Hit:
    slug: str


@dataclass
class Results:
    hits: list[Hit]
    total: int
    suggestion: str | None = None


class PlainBM25:
    """Searches a kb library's current index with plain OR BM25F (see the module's help)."""

    def __init__(self, library: Library):
        self.snap = library.snapshot()
        self.parser = MultifieldParser(list(FIELDS), self.snap.ix.schema, group=OrGroup)

    def search(self, query: Query, snippets: bool = False, limit: int = 100) -> Results:
        parsed = self.parser.parse(query.text)
        with self.snap.ix.searcher(weighting=scoring.BM25F()) as searcher:
            docnums = [hit.docnum for hit in searcher.search(parsed, limit=None)]
        kept = [d for d in docnums if (self.snap.live >> d) & 1 and self._passes(d, query)]
        return Results([Hit(self.snap.slug_of[d]) for d in kept[:limit]], len(kept))

    def _passes(self, docnum: int, query: Query) -> bool:
        masks = self.snap.masks
        return all(any((masks[facet].get(value, 0) >> docnum) & 1 for value in values)
                   for facet, values in query.filters.items())
