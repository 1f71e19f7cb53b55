"""Matching and ranking a parsed query over one open index generation.

Which entries match is decided with bitsets: each clause's set is the entries any of its
alternatives match, plus, for a word that names a vocabulary term, the entries tagged with it;
the query's boolean tree combines them. How they rank:

    score = (sum over the query's clauses of the clause's score)
            x (the matched clauses' idf / all the clauses' idf)
            + PROXIMITY x (BM25 of each two neighbouring query words found side by side)

A clause's score is its best alternative's BM25F: the word's frequency in each field normalised
by the field's length, weighted (title x3, summary x2, organisations x2, body x1), saturated
once and multiplied by the word's idf (STEM_ONLY of that where an entry has the word only
through its stem: 'organisations' finds entries about organising after those about
organisations); a phrase scores as one rare term through the pairs of neighbouring words; a
corrected spelling as the word typed right; a word and its synonyms as one word, with the idf
of the most used, a synonym SYNONYM of the word ('PCT' finds the PCTs, then the CCGs). An
entry matching a clause only through a concept (tagged with the term the words name) scores
CONCEPT x the clause's idf (for a word no entry uses, its tag's idf); one that matches
directly and carries the tag gets TAGGED instead, or APART for the words of a phrase naming
the term that it has apart ('social care ... value for money' is less surely 'social value':
_phrased); an entry that says the phrase without the tag gains TAGGED as well, for it is
about the term in its own words ('nature-based social prescribing' in an environment example
passes Health's examples that say only 'social'). A tagged entry gains up to AFFINITY x the
clause's idf more, by how much its text uses the term's own words (concept_affinity); one
found only through the tag stays below every entry with the clause's words (TAG_CEILING). A
phrase of several words a term lists (not its label) names the term once: where some entry
has all its k words, an entry found only through the tag matches each at 1/k, in score and
coordination ('community asset transfer' finds the transfers before Community development's
other entries: _phrase_shares).
The coordination factor puts entries matching more of the query first; the proximity term
rewards the words together as typed. When the words are typical of a term (kb.topics), the
tagged entries with some of the words gain SUGGESTED x the suggestion's weight x the query's
idf, times the coordination factor ('pooled budget'). Last, feedback from the best results:
an entry with some of the words gains up to FEEDBACK x the best score for sharing the
principles, sectors and stages of the FEEDBACK_TOP best (rare tags count more), so examples
of the same kind as the best matches rise among the rest.

Scores are numpy vectors over every document number: a query matching nine entries in ten is
ranked in a few array operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kb import topics
from kb.analysis import index_term, light_key
from kb.clauses import ParsedQuery
from kb.facets import as_vector, bitset, union
from kb.postings import bm25_idf
from kb.vocabulary import Concept, label_phrases, phrase_forms

CONCEPT = 0.5  # an entry found through its tag scores this share of the clause's idf
APART = 0.75  # what TAGGED is for the words of a term's phrase an entry has apart
TAGGED = 1.0  # bonus share of the clause's idf for a direct match tagged with the concept
COORDINATION = 1.0  # exponent of the share of clauses matched
PROXIMITY = 0.25  # weight of neighbouring query words found side by side
SUGGESTED = 0.5  # share of the query's idf an entry tagged with a suggested term gains
AFFINITY = 1.0  # share of the clause's idf a tagged entry gains at most, for using its words
TAG_CEILING = 0.99  # a tag-only entry's share, at most, of the weakest with the words
FEEDBACK = 0.6  # share of the best score an entry tagged like the best results gains at most
FEEDBACK_TOP = 10  # the best results whose tags count
FEEDBACK_FACETS = ("principle", "sector", "stage")  # what an example is about, not where
SYNONYM = 0.8  # share of a word's score in an entry that has only a synonym of it
STEM_ONLY = 0.5  # share of a word's score in an entry that has it only through its stem


@dataclass
class Match:
    """The entries a query matches, and what each clause contributes to their scores. Scores
    are dense vectors indexed by document number (0.0 where an entry does not match)."""
    query: ParsedQuery
    mask: int  # every live entry the query matches (before facet and date filters)
    direct: list[np.ndarray]  # per clause: each entry's score of its best direct match
    own: list[int]  # per clause: the entries it matches directly, through their own words
    written: list[int]  # per clause: those that use the word itself, not only a synonym
    tagged: list[int]  # per clause: entries tagged with a concept the clause names
    units: list[float]  # per clause: its idf, the weight of a match through a concept
    clause_masks: list[int]  # per clause: every entry it matches, directly or by a tag
    proximity: list[np.ndarray]  # per neighbouring pair of clauses: each entry's BM25
    suggested: list[tuple[Concept, float]]  # terms the words suggest, with their weights
    lifts: list[tuple[int, float]]  # per suggested term: (its tagged entries, their gain)
    affinity: list[np.ndarray | None]  # per clause naming terms: see concept_affinity
    shares: list[float]  # per clause: the share of it a tag alone matches (_phrase_shares)
    phrased: list[int | None]  # per clause of a term's phrase: the entries that have it

    def words_matched(self, d: int) -> list[int]:
        """The clauses an entry matches directly, through its own words."""
        return [i for i in self.query.positive if self.own[i] >> d & 1]

    def through_words(self) -> int:
        """The entries some scoring clause matches through their own words, not a tag alone."""
        return union(self.own[i] for i in self.query.positive)


def _clause(snap, clause) -> tuple[np.ndarray, int, int]:
    """(each entry's best score over the clause's alternatives, bitset of the entries, bitset
    of those matching the word itself rather than a synonym)."""
    best = np.zeros(snap.size)
    mask = written = 0
    meant = clause.meant  # as typed, or as corrected ('comissioning': commissioning)
    typed = _as_written(snap, meant, clause.exact)
    scored = [snap.postings.scored(alt.terms) for alt in clause.alternatives]
    rarities = _as_one_word(snap, clause, scored)
    for alt, (docs, scores, alt_mask), rarity in zip(clause.alternatives, scored, rarities,
                                                     strict=True):
        own_word = typed is not None and len(alt.terms) == 1 and (alt.why == "word" or (
            alt.why == "spelling" and alt.terms[0] == index_term(meant)))
        if own_word and clause.name:  # a place's name: as written only
            docs, scores = docs[typed[docs]], scores[typed[docs]]
            alt_mask = bitset(docs, snap.size)
        mask |= alt_mask
        if alt.why != "synonym":
            written |= alt_mask
        scores = scores * (alt.weight * rarity * (SYNONYM if alt.why == "synonym" else 1.0))
        if own_word:
            scores = np.where(typed[docs], scores, scores * STEM_ONLY)
        best[docs] = np.maximum(best[docs], scores)
    return best, mask, written


def _as_one_word(snap, clause, scored: list) -> list[float]:
    """Per alternative, what its score is multiplied by so that a word and its synonyms weigh
    as one word would (as Lucene's SynonymQuery does): each with the idf of the most used of
    them. 'disagree', 'dispute' and 'conflict' are one thing to find, so an entry is not
    ranked by which of them it happens to say, the rarest first; and 'third' in 'third
    sector' weighs as the sector does, not as the rarer word 'third'."""
    kinds = [alt.why for alt in clause.alternatives]
    if "synonym" not in kinds:
        return [1.0] * len(kinds)
    dfs = [(alt_mask & snap.live).bit_count() for _, _, alt_mask in scored]
    together = [why in ("word", "synonym") for why in kinds]
    most = max(df for df, one in zip(dfs, together, strict=True) if one)
    idf = bm25_idf(snap.live_count, most)
    return [idf / (bm25_idf(snap.live_count, df) or 1.0) if one and df else 1.0
            for df, one in zip(dfs, together, strict=True)]


def _meant_terms(clause) -> tuple[str, ...]:
    """The index terms of the word a clause stands for (its correction's, when corrected)."""
    fix = clause.correction
    return (index_term(fix),) if fix and fix.isalpha() else clause.alternatives[0].terms


def _as_written(snap, word: str | None, exact: bool) -> np.ndarray | None:
    """Which entries use a plain word as written (give or take plural and spelling), as a
    vector; None for a phrase, a number or no word."""
    if exact or not word or not word.isalpha():
        return None
    return as_vector(snap.postings.as_written(word), snap.size)


def _evaluate(tree: tuple, masks: list[int], live: int) -> int:
    kind = tree[0]
    if kind == "clause":
        return masks[tree[1]]
    if kind == "not":
        return live & ~_evaluate(tree[1], masks, live)
    if kind == "and":
        out = live
        for node in tree[1]:
            out &= _evaluate(node, masks, live)
        return out
    if kind == "or":
        out = 0
        for node in tree[1]:
            out |= _evaluate(node, masks, live)
        return out
    return live  # ("all",)


def match(snap, query: ParsedQuery) -> Match:
    """The entries of `snap` that `query` matches, with what ranking them needs."""
    n = len(query.clauses)
    direct: list[np.ndarray] = [np.zeros(0)] * n
    own, written, tagged, masks, units = [0] * n, [0] * n, [0] * n, [0] * n, [0.0] * n
    affinity: list[np.ndarray | None] = [None] * n
    excluded = {i for concept in query.excluded for i in concept.clauses}
    for concept in query.concepts + query.excluded:  # '-health' excludes Health's entries
        for i in concept.clauses:
            tagged[i] |= snap.masks[concept.facet].get(concept.slug, 0)
    for concept in query.concepts:
        near = concept_affinity(snap, concept)
        for i in concept.clauses:
            affinity[i] = near if affinity[i] is None else np.maximum(affinity[i], near)
    for i, clause in enumerate(query.clauses):
        direct[i], own[i], written[i] = _clause(snap, clause)
        if clause.exact and i not in excluded:  # a phrase matches as written, but
            tagged[i] = 0  # '-"South East"' excludes South East's entries, as '-south-east'
        masks[i] = own[i] | tagged[i]
        # a word no entry uses is rare only for that: through a concept it weighs as its tag
        units[i] = bm25_idf(snap.live_count, own[i].bit_count() or masks[i].bit_count())
    proximity = []
    positive = [i for i in query.positive if not query.clauses[i].exact]
    for a, b in zip(positive, positive[1:], strict=False):
        if b == a + 1:
            first, second = _meant_terms(query.clauses[a]), _meant_terms(query.clauses[b])
            proximity.append(snap.postings.nearby(first[-1], second[0]))
    mask = _evaluate(query.tree, masks, snap.live) & snap.live
    suggested = topics.suggest(snap, query)
    whole = sum(units[i] for i in query.positive)
    lifts = [(snap.masks[c.facet].get(c.slug, 0), SUGGESTED * weight * whole)
             for c, weight in suggested]
    return Match(query, mask, direct, own, written, tagged, units, masks, proximity, suggested,
                 lifts, affinity, _phrase_shares(snap, query, own), _phrased(snap, query))


def _phrased(snap, query: ParsedQuery) -> list[int | None]:
    """Per word of a phrase naming a term ('social value'), the entries with the phrase (its
    words side by side), which the term's tag confirms; None for other clauses, and where no
    entry has the phrase (then the tag is its best evidence, as in _phrase_shares)."""
    out: list[int | None] = [None] * len(query.clauses)
    for concept in (c for c in query.concepts if len(c.clauses) > 1 and c.facet != "region"):
        held = union(snap.postings.scored(terms)[2] for phrase in concept.phrase.split(", ")
                     for terms in phrase_forms(phrase) if len(terms) > 1) & snap.live
        for i in concept.clauses if held else ():
            out[i] = held | (out[i] or 0)
    return out


def _phrase_shares(snap, query: ParsedQuery, own: list[int]) -> list[float]:
    """Per clause, the share of it an entry found only through a tag matches: 1, but 1/k for
    each of the k words of a phrase a term lists (not its label, nor a place, whose region's
    entries are near it) when some entry has all k itself: the tag names the phrase once, so
    'community' and the tag are not all of 'community asset transfer', which the transfers
    say. Where no entry has the whole phrase ('jobcentre plus'), the tag is the best evidence
    of it and counts in full."""
    shares = [1.0] * len(query.clauses)
    for concept in query.concepts:
        if len(concept.clauses) < 2 or concept.facet == "region" or (
                concept.facet, concept.slug, light_key(concept.phrase)) in snap.vocabulary.labels:
            continue
        together = snap.live
        for i in concept.clauses:
            together &= own[i]
        for i in concept.clauses if together else ():
            shares[i] = min(shares[i], 1.0 / len(concept.clauses))
    return shares


def concept_affinity(snap, concept: Concept) -> np.ndarray:
    """How much each entry tagged with a term uses the term's own words (its label and the
    things it lists, and its commissioners' words): the BM25F of each phrase, summed, as a
    share of the most any tagged entry has (0 to 1; 0 for untagged entries)."""
    def compute():
        term = snap.taxonomy[concept.facet].terms[concept.slug]
        total = np.zeros(snap.size)
        for phrase in (*label_phrases(term.label), *term.words):
            best = np.zeros(snap.size)
            for terms in phrase_forms(phrase):
                docs, scores, _ = snap.postings.scored(terms)
                best[docs] = np.maximum(best[docs], scores)
            total += best
        total *= as_vector(snap.masks[concept.facet].get(concept.slug, 0), snap.size)
        docs = np.flatnonzero(total)
        return docs, total[docs] / (total.max() or 1.0)
    docs, shares, _ = snap.postings.derived(("affinity", concept.facet, concept.slug), compute)
    out = np.zeros(snap.size)
    out[docs] = shares
    return out


def rank(snap, m: Match, final: int, limit: int) -> tuple[list[tuple[int, float]], bool]:
    """The `limit` best entries of the bitset `final` as [(entry, score)], best first (newer
    first among equal scores, then the first indexed); and whether every entry that has some
    of the words ranks above every entry found only through a tag (a page can then set those
    apart). Every matching entry is scored at once, as vectors over all entries; only those
    tied at the cut are sorted one by one."""
    size = snap.size
    final_ = as_vector(final, size)
    clauses, near, matched = np.zeros(size), np.zeros(size), np.zeros(size)
    scored = np.zeros(size, bool)  # entries some scoring clause matches, directly or by a tag
    said = np.zeros(size, bool)  # entries some scoring clause matches directly
    for i in m.query.positive:
        own = as_vector(m.own[i], size)
        said |= own
        clauses += m.direct[i]
        unit = m.units[i]
        tags_kept = m.tagged[i] & final
        tagged = as_vector(tags_kept, size)
        if tags_kept:
            confirmed = own if m.phrased[i] is None else own & as_vector(m.phrased[i], size)
            clauses += _tag_scores(m, i, own, tagged, final_, confirmed)
        if m.phrased[i] is not None:  # an untagged entry saying the term's phrase itself
            said_so = own & as_vector(m.phrased[i] & ~m.tagged[i] & final, size)
            clauses += np.where(said_so, TAGGED * unit, 0.0)
        either = own | tagged
        matched += np.where(own, unit, np.where(tagged, unit * m.shares[i], 0.0))
        scored |= either
    for pair in m.proximity:
        near += PROXIMITY * pair
    whole = sum(m.units[i] for i in m.query.positive) or 1.0
    share = (matched / whole) ** COORDINATION
    # a suggested topic lifts the entries with the words only, as much as they have of them
    for lifted, gain in m.lifts:
        near += np.where(as_vector(lifted & final, size) & said, gain * share, 0.0)
    score = clauses * share + near
    score += _like_the_best(snap, score, scored & final_, said)
    words, tags = score[said & final_], score[scored & final_ & ~said]
    apart = bool(len(words) and len(tags) and words.min() > tags.max())
    docs = np.flatnonzero(scored & final_)
    scores = score[docs]
    if len(docs) > limit:  # keep the best `limit`, and every entry tied with the last of them
        kept = scores >= np.partition(scores, len(docs) - limit)[len(docs) - limit]
        docs, scores = docs[kept], scores[kept]
    published = np.array([snap.published[d] for d in docs.tolist()])
    order = np.lexsort((docs, -published, -scores))[:limit]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True)), apart


def _like_the_best(snap, score: np.ndarray, candidates: np.ndarray,
                   said: np.ndarray) -> np.ndarray:
    """What each entry with some of the words gains for sharing the principles, sectors and
    stages of the best FEEDBACK_TOP results: up to FEEDBACK x the best score, each tag
    weighted by how much the best carry it (their scores) and how rare it is (its idf)."""
    docs = np.flatnonzero(candidates)
    if len(docs) <= FEEDBACK_TOP:
        return np.zeros(len(score))
    best = docs[np.argpartition(-score[docs], FEEDBACK_TOP)[:FEEDBACK_TOP]]
    top = score[best].max() or 1.0
    weights = []
    for facet in FEEDBACK_FACETS:
        for slug, mask in snap.masks[facet].items():
            carried = sum(score[d] for d in best.tolist() if mask >> d & 1) / top
            if carried:
                weights.append(((facet, slug), carried * bm25_idf(snap.live_count,
                                                                  mask.bit_count())))
    total = sum(w for _, w in weights) or 1.0
    bonus = np.zeros(len(score))
    for (facet, slug), w in weights:
        bonus[_tagged_entries(snap, facet, slug)] += w / total
    return FEEDBACK * top * bonus * said


def _tagged_entries(snap, facet: str, slug: str) -> np.ndarray:
    """The live entries tagged with a term, as entry numbers (cached per generation)."""
    def compute():
        docs = np.flatnonzero(as_vector(snap.masks[facet][slug] & snap.live, snap.size))
        return docs, np.zeros(len(docs))
    return snap.postings.derived(("tagged", facet, slug), compute)[0]


def _tag_scores(m: Match, i: int, own: np.ndarray, tagged: np.ndarray,
                final: np.ndarray, confirmed: np.ndarray) -> np.ndarray:
    """What clause `i` adds to each entry tagged with a term it names (TAGGED or CONCEPT of
    its idf, up to AFFINITY more for using the term's words). An entry found only through the
    tag stays below every entry that has the words ('dementia' first finds those saying it)."""
    unit = m.units[i]
    extra = np.where(tagged, np.where(confirmed, TAGGED * unit, np.where(
        own, APART * unit, CONCEPT * unit)), 0.0)
    if m.affinity[i] is not None:
        extra += np.where(tagged, AFFINITY * unit * m.affinity[i], 0.0)
    only, direct = tagged & ~own, own & final
    extra = np.where(only, extra * m.shares[i], extra)
    if only.any() and direct.any():
        ceiling = TAG_CEILING * (m.direct[i] + extra)[direct].min()
        top = extra[only].max()
        if top > ceiling:
            extra = np.where(only, extra * (ceiling / top), extra)
    return extra
