"""How words that belong together are read in a query: a quoted phrase (its words side by
side, or the one word entries write for them), words typed apart that entries write as one
('well being', 'grass roots'), and a prefix typed apart from its word ('co production')."""

from __future__ import annotations

from kb.analysis import PREFIXES, WORD, analyse, index_term
from kb.clauses import Alternative, Clause, dedupe
from kb.syntax import without_clauses
from kb.vocabulary import phrase_terms


def exact(phrase: str, lexicon) -> list[Alternative]:
    """How a quoted phrase matches: its words side by side. One word once its small words go
    is read as the compound if entries use it ('"in house"'), else as the word ('"the
    Compact"'); words entries write closed ('"grass roots"': grassroots) also match so."""
    terms = phrase_terms(phrase)
    content = tuple(analyse(phrase))
    if lexicon is None or not terms:
        return [Alternative(terms)] if terms else []
    if len(terms) == 1 and not lexicon.indexes(terms[0]):
        return [Alternative(content)] if content else []
    closed = index_term("".join(WORD.findall(phrase.lower())))
    if len(terms) > 1 and len(WORD.findall(phrase)) == len(terms) and lexicon.indexes(closed):
        return [Alternative(terms), Alternative((closed,))]
    return [Alternative(terms)]


def join_spaced_compounds(runs, clauses: list[Clause], lexicon) -> None:
    """Words typed apart that entries write as one word. With a small word among them and
    one word left ('well being', 'in house'), the compound is what that word means: its clause
    matches the compound instead ('well being' is not every 'as well as'). With more
    ('face to face'), or two words side by side that entries also write closed ('grass
    roots', 'child care'), the compound is one more way to match, shared between them. A
    misspelt word counts as corrected ('multi yaer' is multiyear)."""
    for run, clause_of in runs:
        said = [clauses[clause_of[j]].meant if j in clause_of else w.text
                for j, w in enumerate(run)]
        for i in range(len(run) - 1):
            for end in range(i + 2, min(i + 4, len(run) + 1)):
                span = run[i:end]
                owners = sorted({clause_of[j] for j in range(i, end) if j in clause_of})
                if not owners or (all(w.index_terms for w in span) and end - i > 2):
                    continue
                term = index_term("".join(said[i:end]))
                if not lexicon.indexes(term):
                    continue
                whole = len(owners) == 1 and not all(w.index_terms for w in span)
                for owner in owners:
                    clause = clauses[owner]
                    kept = [a for a in clause.alternatives if not (whole and a.why == "word")]
                    clause.alternatives = dedupe(kept + [
                        Alternative((term,), 1.0 / len(owners), "compound")])


def searchable(runs, clauses: list[Clause], tree: tuple,
                positive: list[int]) -> tuple[tuple, list[int]]:
    """The tree and the scoring clauses without those left no way to match: a misspelt small
    word ('wich' is 'which'), a prefix typed apart that makes nothing with its word."""
    _bind_prefixes(runs, clauses)
    dropped = {i for i in positive if not clauses[i].alternatives}
    return without_clauses(tree, dropped), [i for i in positive if i not in dropped]


def _bind_prefixes(runs, clauses: list[Clause]) -> None:
    """A prefix typed apart from its word ('co production', 'non profit', 'multi agency') is
    no word on its own: it matches only with its word, as the compound or a synonym phrase
    does, never as every 'co-' or 'non-' word; with neither, it is left out of the search."""
    for run, clause_of in runs:
        for i, word in enumerate(run[:-1]):
            if word.text in PREFIXES and i in clause_of and run[i + 1].index_terms:
                clause = clauses[clause_of[i]]
                clause.alternatives = [a for a in clause.alternatives if a.why != "word"]
