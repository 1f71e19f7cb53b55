"""The vocabulary term a search's words are typical of, whether or not they name it.

'how much warning before ending a grant' names no term, but its words are typical of one: the
entries tagged Three months' notice use 'warning', 'ending' and 'grant' in their titles and
summaries far more often than entries in general do. Each principle, sector and stage term is
read as a set of documents: the titles and summaries of the entries tagged with it, plus the
term's own label, description and words counted as TERM_TEXT entries more. For each of the
query's words (its best alternative: a synonym or a corrected spelling counts) the lift is

    P(an entry of the term uses the word) / P(any entry uses it)

with the term's share smoothed towards the collection's by SMOOTHING entries (so a term with
few entries needs more evidence). The term's score is the mean log lift over the query's words;
the best term is suggested when it reaches THRESHOLD and leads every other term by MARGIN
(generic words such as 'services' or 'retender' lift several terms about equally: no topic),
with a weight of min(1, score), if MIN_WORDS of the query's words lift it (numbers, in figures
or words, and places aside: 'six' says how many and 'Tower Hamlets' where, not what):
'behavior change' is not Criminal justice on the strength of 'behaviour' alone.
Ranking then lifts the entries tagged with it that have some of the words (kb.scoring); what
matches never changes.
Computed at query time from the generation's postings and facet bitsets: nothing is built.
"""

from __future__ import annotations

import math
import re

from kb.clauses import ParsedQuery, in_case_of
from kb.vocabulary import Concept

_NUMBER = re.compile(r"[\d.]+")  # '7', '2010', 'six', '2.4': how many, not what

SUGGESTING_FACETS = ("principle", "sector", "stage")  # regions are named by place, not topic
TERM_TEXT = 3.0  # a term's own text counts as this many of its entries
SMOOTHING = 10.0  # entries' worth of the collection's rate mixed into a term's
THRESHOLD = 0.5  # mean log lift a term needs to be suggested
MIN_WORDS = 2  # one word alone ('London', 'tender') is too little evidence of a topic
MARGIN = 0.1  # how far the best term must lead the next: a near tie is no evidence of either


def suggest(snap, query: ParsedQuery) -> list[tuple[Concept, float]]:
    """[(the term the query's words suggest, its weight)], or [] when none stands out. (A term
    the query also names gains both ways: its words are typical of it as well.)"""
    words = _query_words(snap, query)
    # a word no entry uses ('parking fines': 'fines') is no evidence either
    known = [w for w in words if any(snap.postings.scored((term,))[2] for term, _, _ in w[1])]
    if len(known) < MIN_WORDS or not snap.live_count:
        return []
    scored = []
    for facet in SUGGESTING_FACETS:
        for slug, mask in snap.masks[facet].items():
            own_text = snap.vocabulary.term_text.get((facet, slug), frozenset())
            scored.append((*_score(mask & snap.live, own_text, words), facet, slug))
    scored.sort(key=lambda s: -s[0])
    if not scored:
        return []
    score, supporting, facet, slug = scored[0]
    if score < THRESHOLD or len(supporting) < MIN_WORDS or (
            len(scored) > 1 and score - scored[1][0] < MARGIN):
        return []
    label = snap.taxonomy[facet].label_of(slug)
    return [(Concept(facet, slug, label, ", ".join(supporting)), min(1.0, score))]


# A query word as the scoring reads it: (the word as typed, [(an index term it can match, the
# entries whose title or summary use that term, the share of all entries that do)]).
Word = tuple[str, list[tuple[str, int, float]]]


def _query_words(snap, query: ParsedQuery) -> list[Word]:
    """Each scoring word with its single-term alternatives, read from the postings once."""
    out = []
    named = {i for c in query.concepts if c.facet == "region" for i in c.clauses}
    for i in query.positive:
        clause = query.clauses[i]
        if i in named:  # 'Tendring' says where; 'social value act' has named its term
            continue
        alternatives = []
        for term in dict.fromkeys(a.terms[0] for a in clause.alternatives
                                  if len(a.terms) == 1 and not _NUMBER.fullmatch(a.terms[0])):
            described = snap.postings.described(term)
            alternatives.append(
                (term, described, (described.bit_count() + 0.5) / (snap.live_count + 1)))
        if alternatives:
            out.append((in_case_of(clause.text, clause.meant), alternatives))  # as corrected
    return out


def _score(mask: int, own_text: frozenset[str], words: list[Word]) -> tuple[float, list[str]]:
    """(mean log lift of the words for one term, the words it lifts)."""
    documents = mask.bit_count() + TERM_TEXT
    total, supporting = 0.0, []
    for text, alternatives in words:
        lift = max(_log_lift((described & mask).bit_count() + TERM_TEXT * (term in own_text),
                             documents, rate) for term, described, rate in alternatives)
        total += lift
        if lift > 0:
            supporting.append(text)
    return total / len(words), supporting


def _log_lift(uses: float, documents: float, rate: float) -> float:
    """log of (the term's smoothed share of documents using a word / all entries' share)."""
    return math.log((uses + SMOOTHING * rate) / (documents + SMOOTHING) / rate)
