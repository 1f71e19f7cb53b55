"""What a search's words mean: query text -> clauses, a boolean tree, and the concepts named.

Matching is recall-first. Each typed word is a clause that any entry using the word (or its
stem, its compound forms, a synonym, or, for a misspelt word, the index's nearest word) matches;
an entry needs only one clause to be a result, and ranking rewards entries that match more of
them. Explicit syntax keeps its meaning: a "quoted phrase" and a +word must match, -word and
NOT exclude, AND requires both sides, OR either, (parentheses) group in a search that uses
AND, OR, NOT or a signed group (otherwise they are punctuation), and a word* matches
every word entries write starting so; a field named before a word ('title:') is set aside.
A word or phrase that names a vocabulary term (its label, its slug or one of its commissioners'
words) is a concept: entries tagged with the term match that clause too, ranked below the
entries that have the words.
"""

from __future__ import annotations

from kb.analysis import (
    HYPHENS,
    PREFIXES,
    acronym_term,
    index_term,
    is_stop_word,
    light_key,
)
from kb.clauses import Alternative, Clause, ParsedQuery, dedupe
from kb.compounds import exact, join_spaced_compounds, searchable
from kb.naming import (
    alternative_concepts,
    as_corrected,
    corrected_run,
    excluded_phrase_concepts,
    knower,
    longest,
    run_concepts,
    terms_of,
)
from kb.reading import Word, read_tokens, read_word
from kb.spelling import edit_distance
from kb.syntax import Parser, negated_clauses
from kb.vocabulary import Concept, Vocabulary, merge_concepts, phrase_forms, phrase_terms

MIN_CORRECTED_LENGTH = 4  # shorter unknown words are acronyms or noise: never corrected
MAX_CORRECTED = 4  # unknown words per query looked up for a split or a correction
MAX_STARTING = 50  # the most used index terms a word ending in '*' matches
SIGNED = {"-": "must_not", "+": "must"}


def _run_clauses(run: list[Word], vocab: Vocabulary):
    """A clause for each distinct word of a run of plain words that is not a stop word, as
    ([(word index, clause)], {word index: index of the word whose clause it shares}). Where
    words form a synonym phrase (the longest match, covering whole words), each of their
    clauses may also match every phrase of the synonym group, with an equal share of its
    score: an entry that says 'FCR' matches all three words of 'full cost recovery'."""
    clauses, first = {}, {}  # a repeated word ("year to year") is one clause
    for i, w in enumerate(run):
        if w.index_terms and w.index_terms not in first:
            first[w.index_terms] = i
            alts = [Alternative(_own_terms(w, vocab))] + (
                [Alternative((w.joined,))] if w.joined else [])
            clauses[i] = Clause(w.text, alts, acronym=w.acronym)
    seq, owner = terms_of(run)
    at = 0
    while at < len(seq):
        terms, group = longest(vocab.synonym_starts, seq, at)
        end = at + len(terms) if terms else at
        if terms in vocab.capitals_only and not all(run[w].acronym for w in owner[at:end]):
            terms = None  # 'sent' is not SEND
        if terms and (at == 0 or owner[at - 1] != owner[at]) and \
                (end == len(seq) or owner[end] != owner[end - 1]):
            words = sorted({first[run[w].index_terms] for w in owner[at:end]})
            share = 1.0 / len(words)
            for i in words:
                clauses[i].alternatives = dedupe(clauses[i].alternatives + [
                    Alternative(terms, share, "synonym")
                    for p in vocab.groups[group] for terms in phrase_forms(p)
                    if terms not in vocab.capitals_only])
            at = end
        else:
            at += 1
    return sorted(clauses.items()), {i: first[w.index_terms] for i, w in enumerate(run)
                                     if w.index_terms}


def _own_terms(w: Word, vocab: Vocabulary) -> tuple[str, ...]:
    """A word's own index terms; for an acronym typed in capitals that spells an everyday word
    ('SEND'), the capitals the index keeps it by, so that entries which only say 'send' are
    not found by it."""
    if w.acronym and w.index_terms in vocab.capitals_only and (term := acronym_term(w.typed)):
        return (term,)
    return w.index_terms


def parse_query(text: str, vocab: Vocabulary, lexicon=None) -> ParsedQuery:
    """Read a search's text. `lexicon` (the open index) says which words it knows and the
    closest word it has to a misspelt one; without it no word is corrected."""
    clauses: list[Clause] = []
    concepts: list[Concept] = []
    items: list[tuple[str, object]] = []
    runs: list[tuple[list[Word], dict[int, int]]] = []  # runs of words, word -> clause
    tokens = read_tokens(text, lexicon)
    known = knower(vocab, lexicon)
    at = 0
    while at < len(tokens):
        kind, value = tokens[at]
        if kind == "word":
            run = []
            while at < len(tokens) and tokens[at][0] == "word":
                run.append(tokens[at][1])
                at += 1
            numbered, same_as = _run_clauses(run, vocab)
            clause_of = {}
            for i, clause in numbered:
                clauses.append(clause)
                items.append(("atom", (len(clauses) - 1, "should")))
                clause_of[i] = len(clauses) - 1
            runs.append((run, {i: clause_of[j] for i, j in same_as.items()}))
            concepts += run_concepts(*runs[-1], vocab, known)
            continue
        if kind in ("phrase", "prefix"):
            made = _exact_clause(kind, *value, lexicon)
            if made:
                clauses.append(made[0])
                items.append(("atom", (len(clauses) - 1, made[1])))
        elif kind == "signed":
            sign, word = value
            for _, clause in _run_clauses([word], vocab)[0]:
                clauses.append(clause)
                items.append(("atom", (len(clauses) - 1, SIGNED[sign])))
                concepts += run_concepts([word], {0: len(clauses) - 1}, vocab, known)
        else:
            items.append((kind, value))
        at += 1
    parser = Parser(items)
    tree = parser.sequence() if clauses else ("or", [])  # only 'OR', '(a': nothing to search
    negated = negated_clauses(tree)
    concepts += excluded_phrase_concepts(clauses, negated, vocab, known)
    _exclude_the_name_only(clauses, negated)
    positive = [i for i in range(len(clauses)) if i not in negated]
    if lexicon is not None:
        _correct(clauses, positive, vocab, lexicon, _after_prefix(runs))
        join_spaced_compounds(runs, clauses, lexicon)
        concepts = as_corrected(concepts, runs, clauses, vocab, known)
        _drop_fruitless_corrections(clauses, concepts, vocab, lexicon)
        _late_synonyms(runs, clauses, vocab)
    tree, positive = searchable(runs, clauses, tree, positive)
    concepts += alternative_concepts(clauses, positive, vocab, known, concepts)
    concepts = _not_required(concepts, items, negated)
    _places_whole(clauses, concepts, lexicon)
    # '-health' excludes the entries tagged Health; '-ccg' only those that say CCG
    excluded = [c for c in concepts if (c.facet, c.slug, light_key(c.phrase)) in vocab.labels]
    return ParsedQuery(clauses, tree, positive, merge_concepts(concepts, negated),
                       merge_concepts(excluded, set(positive)), parser.either)


def _places_whole(clauses: list[Clause], concepts: list[Concept], lexicon) -> None:
    """The words of a place's name that no entry writes match nothing alone ('St Helens' is
    not every 'St', 'King's Lynn' not 'The King's Fund'): only the name, which they share. A
    place's one-word name matches as written, not by its stem ('Worthing' is not 'worth')."""
    for c in concepts:
        if c.facet == "region" and len(c.clauses) == 1 and c.phrase.lower() != c.label.lower():
            clauses[c.clauses[0]].name = True  # a place, not the label (National)
        name = phrase_terms(c.phrase)
        if c.facet == "region" and len(c.clauses) > 1 and lexicon is not None and \
                len(name) > 1 and not lexicon.side_by_side(name):
            for i in c.clauses:
                clauses[i].alternatives = dedupe(
                    [a for a in clauses[i].alternatives if a.why not in ("word", "spelling")]
                    + [Alternative(name, 1.0 / len(c.clauses))])


def _exclude_the_name_only(clauses: list[Clause], negated: set[int]) -> None:
    """An excluded word leaves out the entries that use it, or its own long or short form
    ('-CCG': clinical commissioning group; '-covid': covid-19), not every other name of its
    synonym group: 'ICB -CCG' keeps the examples that say ICB."""
    for i in negated:
        word = clauses[i].text
        clauses[i].alternatives = [a for a in clauses[i].alternatives if a.why != "synonym" or
                                   "".join(t[0] for t in a.terms) == word or
                                   "".join(a.terms).startswith(word)]


def _not_required(concepts: list[Concept], items, negated: set[int]) -> list[Concept]:
    """The concepts but those of a +word: '+grants' must be in the text, not only a tag."""
    required = {v[0] for kind, v in items if kind == "atom" and v[1] == "must"} - negated
    return [c for c in concepts if not set(c.clauses) & required]


def _exact_clause(kind: str, sign: str, text: str, lexicon) -> tuple[Clause, str] | None:
    """A quoted phrase's clause, or a 'word*' one (matched as typed, never through a
    concept), and how it counts: must, must_not or should. None for a phrase of small words."""
    if kind == "phrase":
        alternatives = exact(text, lexicon)
        return (Clause(f'"{text}"', alternatives, exact=True),
                SIGNED.get(sign, "must")) if alternatives else None
    terms = [] if lexicon is None else lexicon.starting_compound(text, MAX_STARTING) \
        if HYPHENS.search(text) else [(t,) for t in lexicon.starting(text, MAX_STARTING)]
    return (Clause(f"{text}*", [Alternative(t) for t in terms or [(text,)]], exact=True),
            SIGNED.get(sign, "should"))


def _drop_fruitless_corrections(clauses: list[Clause], concepts: list[Concept],
                                vocab: Vocabulary, lexicon) -> None:
    """Take back a correction to a vocabulary word that no entry uses and that names no term
    where it stands ('Tameside' is not 'tyneside', which only 'north tyneside' names): it
    would find nothing. ('rough sleepng' keeps 'sleeping': it names Housing.)"""
    named = {i for c in concepts for i in c.clauses}
    for i, clause in enumerate(clauses):
        fix = clause.correction
        if fix and not (i in named or fix in vocab.names or is_stop_word(fix) or
                        fix.endswith("*") or _finds(clause, fix, lexicon)):
            clause.correction = None
            clause.alternatives = [a for a in clause.alternatives if a.why == "word"]


def _late_synonyms(runs, clauses: list[Clause], vocab: Vocabulary) -> None:
    """The synonyms of what words turn out to be once read in full: a compound their words
    typed apart make ('not for profit': not-for-profit, so non-profit and nonprofit), and a
    phrase a run makes once its misspelt words are corrected ('vluntary sector' matches VCS
    and third sector as 'voluntary sector' does)."""
    for clause in clauses:
        for alt in [a for a in clause.alternatives if a.why == "compound"]:
            terms, group = longest(vocab.synonym_starts, list(alt.terms), 0)
            if terms == alt.terms:
                clause.alternatives = dedupe(clause.alternatives + [
                    Alternative(forms, alt.weight, "synonym")
                    for p in vocab.groups[group] for forms in phrase_forms(p)])
    for run, clause_of in runs:
        fixed = corrected_run(run, clause_of, clauses)
        for i, meant in _run_clauses(fixed, vocab)[0] if fixed else ():
            if i in clause_of:
                clause = clauses[clause_of[i]]
                clause.alternatives = dedupe(clause.alternatives + [
                    a for a in meant.alternatives if a.why == "synonym"])


def _finds(clause: Clause, fix: str, lexicon) -> bool:
    """Whether a correction finds anything: entries use it, or another of its spellings
    ('non-proffit' -> profit, where entries write only 'nonprofit')."""
    return lexicon.indexes(index_term(fix)) or any(
        lexicon.indexes(a.terms[0]) for a in clause.alternatives
        if a.why == "spelling" and len(a.terms) == 1)


def _after_prefix(runs) -> dict[int, str]:
    """{clause: the prefix typed just before its word} ('co-producton', 'non proft')."""
    return {clause_of[i]: run[i - 1].text for run, clause_of in runs
            for i in range(1, len(run)) if i in clause_of and run[i - 1].text in PREFIXES}


def _correct(clauses: list[Clause], positive: list[int], vocab: Vocabulary, lexicon,
             prefixed: dict[int, str]) -> None:
    """Give a word more ways to match (an acronym only for two letters swapped: see
    _fix_acronym). A closed compound that splits into two words entries use side by side
    matches them so too ('childcare' -> child care), whether or not entries also write it
    closed. A misspelt word (one that neither an entry, the vocabularies nor the English
    dictionary spells so: 'charites' is misspelt) also matches the words entries write
    starting so, when it is the start of some ('commiss': commission, commissioning), or else
    the index's closest word; after a prefix, the closest word to the two as one ('co-producton'
    is co-production, not co-products); nonsense with nothing close stays as it is. Only the
    first MAX_CORRECTED such words are looked at: a pasted paragraph stays quick."""
    _offer_for_exclusions([c for i, c in enumerate(clauses) if i not in positive],
                          {a.terms[0] for i in positive for a in clauses[i].alternatives},
                          vocab, lexicon)
    tried = 0
    for i in positive:
        clause = clauses[i]
        word = clause.text
        if clause.acronym and not clause.exact and len(clause.alternatives) == 1:
            _fix_acronym(clause, vocab, lexicon)
        if clause.exact or clause.acronym or \
                sum(a.why != "synonym" for a in clause.alternatives) != 1:
            continue
        if not word.isalpha():
            tried += _correct_compound(clause, vocab, lexicon)
            continue
        if len(word) < MIN_CORRECTED_LENGTH:
            continue
        known = word in vocab.words or lexicon.uses(word)
        tried += not known
        if tried > MAX_CORRECTED:
            break
        parts = lexicon.split(word)
        if parts:
            clause.alternatives.append(Alternative(tuple(map(index_term, parts)), 1.0, "compound"))
        if parts or known or lexicon.spells(word):  # a real word is never corrected
            continue
        fix = lexicon.closest(word, vocab.words)
        if fix and _inflected(word, fix) and index_term(word) == index_term(fix):
            continue  # 'mutuals', 'parished': another form of a word entries use, no typo
        joined = _closest_after(prefixed.get(i), word, fix, vocab, lexicon)
        fix = joined[len(prefixed[i]):].lstrip("-") if joined else fix
        started = [] if fix and fix.startswith(word) else lexicon.starting(word, MAX_STARTING)
        if started:  # a word cut short ('commiss' is not 'commits'): words entries start so
            clause.correction = f"{word}*"
            clause.alternatives += [Alternative((t,), 1.0, "spelling")
                                    for t in started]
        elif fix and is_stop_word(fix):  # 'wich' is 'which': a small word, not searched for
            clause.correction, clause.alternatives = fix, []
        elif fix and fix != word:
            if joined:  # 'co-producton' matches as 'co-production' would, the compound too
                _search_too(clause, joined, vocab)
            if not joined or not lexicon.indexes(index_term(joined)):
                _search_too(clause, fix, vocab)  # ('de-commisioning' is decommissioning only)
            clause.correction = fix


INFLECTIONS = ("", "s", "es", "d", "ed", "ing", "r", "er", "rs", "ers")


def _inflected(word: str, other: str) -> bool:
    """Whether two words differ only in an ending of number, tense or agent ('mutuals' and
    'mutual', 'parished' and 'parishes', 'fundraise' and 'fundraiser'; not 'experiance' and
    'experience')."""
    n = 0
    while n < min(len(word), len(other)) and word[n] == other[n]:
        n += 1
    return n >= MIN_CORRECTED_LENGTH and word[n:] in INFLECTIONS and other[n:] in INFLECTIONS


def _offer_for_exclusions(excluded: list[Clause], searched: set[str], vocab: Vocabulary,
                          lexicon) -> None:
    """A misspelt excluded word ('grants -helth') is offered corrected ('Did you mean grants
    -health?') when the correction would leave something out and is no word of the search
    (`searched`: its index terms); it is never searched so."""
    for clause in excluded[:MAX_CORRECTED]:
        word = clause.text
        if clause.exact or clause.acronym or not word.isalpha() or \
                len(word) < MIN_CORRECTED_LENGTH or word in vocab.words or lexicon.spells(word):
            continue
        fix = lexicon.closest(word, vocab.words)
        if fix and index_term(fix) not in searched | {index_term(word)} and \
                not is_stop_word(fix) and lexicon.indexes(index_term(fix)):
            clause.offer = fix  # not one the search has ('volunteers -volnteers')


def _correct_compound(clause: Clause, vocab: Vocabulary, lexicon) -> bool:
    """A compound read whole for its small words ('under-fundng', 'folow-up') that no entry
    writes, its one other word misspelt, also matches the compound with that word corrected
    when entries write that ('under-funding': underfunded). Whether it was misspelt."""
    parts = HYPHENS.split(clause.text)
    big = [p for p in parts if not is_stop_word(p)]
    if len(big) != 1 or not big[0].isalpha() or len(big[0]) < MIN_CORRECTED_LENGTH or \
            lexicon.indexes(clause.alternatives[0].terms[0]) or big[0] in vocab.words or \
            lexicon.spells(big[0]):
        return False
    fix = lexicon.closest(big[0], vocab.words)
    terms = read_word("-".join(fix if p == big[0] else p for p in parts)).index_terms \
        if fix and not is_stop_word(fix) else ()
    if len(terms) == 1 and lexicon.indexes(terms[0]):
        clause.correction = "-".join(fix if p == big[0] else p for p in parts)
        clause.alternatives.append(Alternative(terms, 1.0, "spelling"))
    return True


def _closest_after(prefix: str | None, word: str, alone: str | None, vocab: Vocabulary,
                   lexicon) -> str | None:
    """The closest word to a prefix and a misspelt word as one ('co' and 'producton' ->
    'coproduction'), when the prefix stands before a word of its own ('production'; not
    'unting' from 'counting') and that is nearer than the word's own closest ('products') or
    the same ('de-commisioning': decommissioning); else None. ('re-aply' stays re-apply:
    'really' is no nearer, and 'ally' is not 'apply'.)"""
    joined = lexicon.closest(prefix + word, vocab.words) if prefix else None
    rest = joined[len(prefix):].lstrip("-") if joined and joined.startswith(prefix) else ""
    if len(rest) < 3 or not (rest in vocab.words or lexicon.spells(rest)):
        return None
    if alone is None:
        return joined
    near, own = edit_distance(prefix + word, joined), edit_distance(word, alone)
    return joined if near < own or (near == own and rest == alone) else None


def _fix_acronym(clause: Clause, vocab: Vocabulary, lexicon) -> None:
    """An acronym no entry or vocabulary uses that two neighbouring letters swapped make one
    they do use ('VSCE': VCSE, 'NSH': NHS) is offered as 'Did you mean', not searched: it may
    be a name of its own ('MBE' is not 'BME'). A letter more or less is another name ('ESFA'
    is not 'ESF'), and an acronym that is also a word means that word ('CAT' is not 'ACT')."""
    word = clause.text
    if word in vocab.words or lexicon.spells(word):
        return
    for n in range(len(word) - 1):
        swapped = word[:n] + word[n + 1] + word[n] + word[n + 2:]
        if swapped != word and (swapped in vocab.words or lexicon.uses(swapped)):
            clause.offer = swapped
            return


def _search_too(clause: Clause, fix: str, vocab: Vocabulary) -> None:
    """A misspelt word's clause also matches its correction and the correction's synonyms."""
    clause.correction = fix
    clause.alternatives.append(Alternative((index_term(fix),), 1.0, "spelling"))
    for _, fixed in _run_clauses([read_word(fix)], vocab)[0]:
        clause.alternatives = dedupe(clause.alternatives + [
            a for a in fixed.alternatives if a.why == "synonym"])
