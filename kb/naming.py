"""Which vocabulary terms a search's words name: a term's label, slug or one of its
commissioners' words, typed as the term writes it (give or take plurals, spelling and -ed for
-ing), found in runs of plain words, quoted exclusions, synonyms and corrected spellings.
kb.text reads the clauses; this names the concepts they carry."""

from __future__ import annotations

from kb.analysis import WORD, index_term, light_key
from kb.clauses import Clause, in_case_of
from kb.reading import Word, read_word
from kb.vocabulary import Concept, Vocabulary


def knower(vocab: Vocabulary, lexicon):
    """Whether a word can be told from a term's by its spelling (the index spells it so)."""
    return lambda word: lexicon is None or word in vocab.words or lexicon.spells(word)


def excluded_phrase_concepts(clauses: list[Clause], negated: set[int], vocab: Vocabulary,
                             known) -> list[Concept]:
    """The terms excluded quoted phrases name ('-"South East"', 'NOT "South East"'): a
    label excludes the entries tagged with it, as '-health' does."""
    out = []
    for at in sorted(i for i in negated if clauses[i].exact):
        run = [read_word(w) for w in WORD.findall(clauses[at].text.strip('"'))]
        out += run_concepts(run, dict.fromkeys(range(len(run)), at), vocab, known)
    return out


def as_corrected(concepts: list[Concept], runs, clauses: list[Clause], vocab: Vocabulary,
                 known) -> list[Concept]:
    """The concepts once misspelt words are corrected: those a misspelt word named as typed
    go ('tendr' is tender, not the Tendring its letters share a stem with), and those the
    corrected words name come in."""
    kept = [c for c in concepts if all(clauses[i].meant == clauses[i].text for i in c.clauses)]
    return kept + _corrected_run_concepts(runs, clauses, vocab, known)


def _corrected_run_concepts(runs, clauses: list[Clause], vocab: Vocabulary,
                            known) -> list[Concept]:
    """Concepts a run of words names once its misspelt words are corrected ('rough sleepng'
    names Housing as 'rough sleeping' does)."""
    out = []
    for run, clause_of in runs:
        fixed = corrected_run(run, clause_of, clauses)
        for c in run_concepts(fixed, clause_of, vocab, known) if fixed else ():
            span = [i for i in sorted(clause_of) if clause_of[i] in c.clauses]
            meant = " ".join(in_case_of(run[i].typed, fixed[i].text)  # small words too
                             for i in range(span[0], span[-1] + 1))
            out.append(Concept(c.facet, c.slug, c.label, meant, c.clauses))
    return out


def corrected_run(run: list[Word], clause_of: dict[int, int],
                  clauses: list[Clause]) -> list[Word] | None:
    """A run of words with its misspelt ones corrected ('rough sleepng': rough sleeping), or
    None when none was."""
    if not any(clauses[c].meant != clauses[c].text for c in clause_of.values()):
        return None
    return [read_word(clauses[clause_of[i]].meant) if i in clause_of and
            clauses[clause_of[i]].meant != clauses[clause_of[i]].text else w
            for i, w in enumerate(run)]


def run_concepts(run: list[Word], clause_of: dict[int, int], vocab: Vocabulary,
                 known) -> list[Concept]:
    """Concepts named by a run of plain words (`clause_of`: word index -> clause number):
    the longest phrase at each place wins, when the words are the term's phrase (see
    _names)."""
    seq, owner = terms_of(run)
    out, at = [], 0
    while at < len(seq):
        terms, _ = longest(vocab.concept_starts, seq, at)
        if not terms:
            at += 1
            continue
        words = sorted(set(owner[at:at + len(terms)]))
        covered = tuple(sorted({clause_of[w] for w in words}))
        phrase = " ".join(run[w].text for w in range(words[0], words[-1] + 1))
        for c in vocab.concepts_by_terms[terms]:
            if _names(phrase, c.phrase, known):
                out.append(Concept(c.facet, c.slug, c.label, phrase, covered))
        at += len(terms)
    return out + _small_word_phrase_concepts(run, clause_of, vocab)


def _small_word_phrase_concepts(run: list[Word], clause_of: dict[int, int],
                                vocab: Vocabulary) -> list[Concept]:
    """Concepts named by a phrase of small words and one other, typed whole ('below the
    radar', 'through the gate'), on the clause of its one other word."""
    out = []
    for start in range(len(run)):
        for end in range(start + 2, min(start + 6, len(run)) + 1):
            phrase = " ".join(w.text for w in run[start:end])
            covered = tuple(sorted({clause_of[w] for w in range(start, end) if w in clause_of}))
            out += [Concept(c.facet, c.slug, c.label, phrase, covered)
                    for c in vocab.small_word_phrases.get(phrase, ()) if covered]
    return out


def alternative_concepts(clauses: list[Clause], positive: list[int], vocab: Vocabulary,
                         known, named: list[Concept]) -> list[Concept]:
    """Concepts named by another way a clause matches: a synonym (BAME names the term whose
    words list BME), a closed compound split, or a corrected spelling. A word inside a longer
    phrase that names a term (`named`) names nothing alone: 'judicial review' is Dispute
    resolution, not also the Review stage. A misspelt word names what its correction does, not
    what its letters share a stem with ('tendr' is tender, not Tendring)."""
    within = {i for c in named if len(c.clauses) > 1 for i in c.clauses}
    found: dict[tuple, list[int]] = {}  # (term, way of matching) -> the clauses it came from
    for i in positive:
        clause = clauses[i]
        if clause.exact:
            continue
        for alt in clause.alternatives:
            if alt.why == "word" and clause.meant != clause.text or \
                    i in within and alt.why in ("word", "spelling"):
                continue
            said = {"word": clause.text, "spelling": clause.correction}.get(alt.why)
            if alt.why == "spelling" and alt.terms != (index_term(clause.meant),):
                said = None  # the correction joined to a prefix: 'multi yaer' is multiyear
            # a word matching the whole of it names it alone ('CCG OR ICB': two names); the
            # words of a phrase or a compound name it together
            alone = alt.weight == 1 and alt.why != "compound" and (said or alt.why == "synonym")
            for c in vocab.concepts_by_terms.get(alt.terms, ()):
                if said is None or _names(said, c.phrase, known):
                    at = found.setdefault((c.facet, c.slug, c.label, alt.terms,
                                           i if alone else None), [])
                    at += [i] if i not in at else []  # a term listing two forms: once
    # a synonym of a phrase is one name, for the phrase's words together ('Office of the
    # Third Sector': Office for Civil Society), not one for each word
    return [Concept(facet, slug, label, " ".join(
        in_case_of(clauses[i].text, clauses[i].meant) for i in at), tuple(at))  # as corrected
            for (facet, slug, label, _, _), at in found.items()]


def _names(typed: str, phrase: str, known) -> bool:
    """Whether words that share their stems with a term's phrase are that phrase, give or take
    plurals, spelling and -ed for -ing: 'parks' names a term listing 'park', 'parking' does
    not; 'house' does not name Housing; 'decommissioned' names one listing 'decommissioning'.
    A word the index does not know (a misspelling) is not held to it."""
    if not all(known(w) for w in WORD.findall(typed.lower())):
        return True
    return _participle(light_key(typed)) == _participle(light_key(phrase))


def _participle(key: str) -> str:
    """A verb's -ed or -ing form as one key ('decommissioned', 'decommissioning' ->
    'decommission@'); any other word as it is."""
    for end in ("ing", "ed"):
        if key.endswith(end) and len(key) > len(end) + 3:
            return key[:-len(end)] + "@"
    return key


def terms_of(run: list[Word]) -> tuple[list[str], list[int]]:
    """A run's index terms in order, and for each the number of the word it came from."""
    seq, owner = [], []
    for i, w in enumerate(run):
        seq += w.index_terms
        owner += [i] * len(w.index_terms)
    return seq, owner


def longest(starts: dict, seq: list[str], at: int):
    for terms, value in starts.get(seq[at], ()):
        if tuple(seq[at:at + len(terms)]) == terms:
            return terms, value
    return None, None
