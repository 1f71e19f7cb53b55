"""How a search's results matched its words, as the page's notes tell it: how many have every
word (directly or through a topic it names, or themselves), whether any has two of them, and
the phrases naming a term that entries have only apart. kb.scoring matches and ranks; this
reads its Match for the words on the page."""

from __future__ import annotations

from kb.facets import union
from kb.scoring import Match
from kb.vocabulary import Concept, phrase_forms


def complete(m: Match, final: int, itself: bool = False) -> int:
    """How many entries of the bitset `final` match every scoring clause of the query (with
    `itself`, each by the word itself: not a synonym, not a tag). With an OR typed as such,
    one of them is all the query asks, but an entry uses every word itself only by having
    them all: 'grants OR contracts' finds 79, 5 of which say both."""
    return complete_mask(m, final, itself).bit_count()


def any_two(m: Match, final: int) -> bool:
    """Whether some entry of `final` matches two or more of the query's scoring clauses."""
    masks = [m.clause_masks[i] & final for i in m.query.positive]
    return any(a & b for n, a in enumerate(masks) for b in masks[n + 1:])


def complete_mask(m: Match, final: int, itself: bool = False) -> int:
    """The entries of `final` that `complete` counts."""
    if not m.query.positive:
        return 0
    masks = [m.written[i] if itself else m.clause_masks[i] for i in m.query.positive]
    if m.query.either and not itself:
        return final & union(masks)
    every = final
    for mask in masks:
        every &= mask
    return every


def said_apart(snap, m: Match, concept: Concept) -> list[str]:
    """The phrases of several words that named a term ('payment by results') that no entry
    uses, nor any synonym of them, although entries have each of their words. Words that
    each name the term ('youth OR children') are no phrase."""
    if len(concept.clauses) < 2:
        return []
    synonyms = [alt.terms for i in concept.clauses for alt in m.query.clauses[i].alternatives
                if alt.why in ("synonym", "compound")]
    return [phrase for phrase in concept.phrase.split(", ")
            if _apart(snap, phrase_forms(phrase), synonyms)]


def _apart(snap, forms: list[tuple[str, ...]], synonyms: list[tuple[str, ...]]) -> bool:
    """Whether a term's phrase of several words is in no entry (nor any synonym of it), though
    each of its words is in some."""
    if not forms or len(forms[0]) < 2 or forms[0] not in snap.vocabulary.concepts_by_terms:
        return False
    if not all(snap.postings.scored((t,))[2] & snap.live for t in forms[0]):
        return False
    return not any(snap.postings.scored(terms)[2] & snap.live for terms in forms + synonyms)

