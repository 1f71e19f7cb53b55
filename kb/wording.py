"""What a search's page says about its results, in plain sentences: how many there are and
for what ('12 results for ‘funding’ in Health'), and how the words matched (which words no
example uses, the spellings searched too, the terms that brought results in); and dates as
people write them, no more precise than they are known."""

from __future__ import annotations

import datetime as dt
import re

from kb.analysis import PREFIXES, is_stop_word
from kb.clauses import in_case_of
from kb.library import EXCLUSION, Results
from kb.query import Query
from kb.taxonomy import FACETS


def _quoted(words, joiner: str = "and") -> str:
    """‘a’, ‘b’ and ‘c’ (or another joiner)."""
    words = [f"‘{w}’" for w in words]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _as_typed(words: str, text: str) -> str:
    """Words of the query as the search box had them ('pbr' -> 'PbR', 'king lynn' ->
    "King's Lynn", 'kpi' -> 'KPIs', 'office third sector' -> 'Office of the Third Sector',
    with the small words between, without the brackets and quotes around them: '(Social
    Value) Act' -> 'Social Value Act'); as they are when they cannot be found there."""
    parts = re.findall(r"\w+", words)
    between = r"(?:'s)?\W+(?:\w+\W+){0,2}?"  # up to two small words: 'of the'
    found = re.search(r"(?<!\w)" + between.join(map(re.escape, parts)) + r"s?(?!\w)",
                      text, re.IGNORECASE) if parts else None
    return " ".join(re.sub(r"[()\[\]{}\"]", " ", found.group(0)).split()) if found else words


def _typed_phrases(phrases: str, text: str) -> str:
    """A concept's phrases (', '-separated) quoted as typed: ‘PCT’ and ‘hospices’."""
    return _quoted(dict.fromkeys(_as_typed(p, text) for p in phrases.split(", ")))


def result_notes(results: Results) -> list[str]:
    """Plain sentences on how the words matched: what the results contain, which words no
    example uses, the spellings searched too, the vocabulary terms that brought results in."""
    notes = []
    if results.query.text.strip() and not results.words and not results.total and \
            not results.corrections:  # 'wiht' is said to be read as 'with', below
        notes.append(f"‘{results.query.text.strip()}’ has no words to search for, only very "
                     "common words or search operators: use words that say what the example "
                     "is about.")
    typed = results.query.text
    corrected = {w for w, _ in results.corrections}
    missing = [_as_typed(w, typed) for w in results.unmatched if w not in corrected]
    named_only = {w for c in results.unsaid for w in re.findall(r"\w+", c.phrase.lower())}
    if results.total and len(results.words) > 1 and results.complete_words < results.total \
            and not all(w in named_only for w in results.words):  # said once, below
        notes.append(_partial_note(results))
    notes += _through_synonyms(results, typed)
    if results.ranking_only and results.total:  # a misspelt one as it is searched
        meant = {w: m for w, m in results.corrections if not m.endswith("*")}
        words = list(dict.fromkeys(in_case_of(_as_typed(w, typed), meant[w]) if w in meant
                                   else _as_typed(w, typed) for w in results.ranking_only))
        notes.append(f"{_quoted(words)} {'is' if len(words) == 1 else 'are'} not needed, only "
                     f"preferred: results with {'it' if len(words) == 1 else 'them'} rank "
                     f"higher. Put + before a word to need it (+{words[0]}).")
    for word, searched in results.corrections:
        word = _as_typed(word, typed)
        notes.append(f"‘{word}’ is read as ‘{searched}’, a word too common to search for."
                     if is_stop_word(searched) else
                     f"No example uses ‘{word}’, so the search includes the words that start "
                     f"with it." if searched.endswith("*") else
                     f"No example uses ‘{word}’, so the search includes "
                     f"‘{in_case_of(word, searched)}’.")
    if missing:
        notes.append(f"No example mentions {_quoted(missing, 'or')}.")
    notes += _prefix_left_out(results)
    for phrase in dict.fromkeys(_typed_phrases(p, typed) for p in results.apart):
        notes.append(f"No example uses the phrase {phrase}" + (
            ", only its words apart." if results.complete_words else "."))
    said = [c for c in results.concepts if c not in results.unsaid]
    if said:
        tags = "; ".join(f"{c.label} (for {_typed_phrases(c.phrase, typed)})" for c in said)
        notes.append(f"Includes examples tagged {tags}." + _tag_only(results, len(said)))
    unsaid: dict[str, list[str]] = {}  # 'Kent' names South East, and no example says Kent
    for c in results.unsaid:
        unsaid.setdefault(_typed_phrases(c.phrase, typed), []).append(c.label)
    for phrase, labels in unsaid.items():
        notes.append(f"No example mentions {phrase}; examples tagged "
                     f"{' and '.join(labels)} are included instead." +
                     ("" if said or results.tag_only == results.total
                      else _tag_only(results, len(labels))))
    if results.total and results.left_out:
        excluded = [re.sub(r"^(?:-|NOT\s+)", "", e).strip("()").replace('"', "")
                    for e in EXCLUSION.findall(typed)]
        n = results.left_out
        notes.append(f"{n} example{'s' if n != 1 else ''} matching {_quoted(excluded, 'or')} "
                     f"{'are' if n != 1 else 'is'} left out.")
    for c in results.suggested if results.sort == "relevance" else ():
        notes.append(f"Your words {_typed_phrases(c.phrase, typed)} are typical of examples "
                     f"tagged {c.label}, so those rank higher.")
    return notes


def _prefix_left_out(results: Results) -> list[str]:
    """'multi-agency' that no example writes, joined or apart, is searched as 'agency': the
    prefix alone is no word to search for, and the page says so."""
    searched = {w.lower() for w in results.words}
    out = []
    for token in re.findall(r"(?<![\w-])\w+(?:-\w+)+", results.query.text):
        first, _, rest = token.partition("-")
        if first.lower() in PREFIXES and {first.lower(), token.lower()}.isdisjoint(searched) \
                and set(rest.lower().split("-")) <= searched:  # 'co' kept: bound to its word
            out.append(f"No example writes ‘{token}’, so the search is for ‘{rest}’.")
    return out


def _tag_only(results: Results, tags: int) -> str:
    """' 55 of the 56 results are here for that tag alone, without ‘TUPE’.', or, when a
    filter leaves only those, ' All 5 are here for that tag alone, …' ('' when none are).
    When some of the others have only a synonym of the word, the note says so: 'without
    ‘PCT’ or a synonym of it', for most of the rest say CCG or ICB, not PCT."""
    n, total = results.tag_only, results.total
    if not n:
        return ""
    typed = results.query.text.strip()
    fixes = dict(results.corrections)
    one = len(results.words) == 1 and len(typed.split()) == 1 and not fixes.get(
        results.words[0], "").endswith("*")
    if one and results.words[0] in fixes:  # 'procurment': say the word searched for
        typed = in_case_of(typed, results.suggestion or fixes[results.words[0]])
    elif one:  # as in the box, without a bracket or quote mark around it: '(grants'
        typed = _as_typed(results.words[0], typed)
    words = "using none of your words" if not one else f"without ‘{typed}’" + (
        " or a synonym of it" if results.complete_words < total - n else "")  # 'PCT': CCGs
    tag = "that tag" if tags == 1 else "those tags"
    if n == total:
        return (f" The one result is here for {tag} alone, {words}." if n == 1 else
                f" {'Both' if n == 2 else f'All {n}'} are here for {tag} alone, {words}.")
    return f" {n} of the {total} results {'is' if n == 1 else 'are'} here for {tag} alone, {words}."


def _through_synonyms(results: Results, typed: str) -> list[str]:
    """For one word that no result uses itself, though some use a synonym ('clawback': they
    say 'repayment'), a note saying so: the results are not the reader's word."""
    if len(results.words) == 1 and not results.complete_words and not results.corrections \
            and results.total > results.tag_only:
        return [f"No example uses ‘{_as_typed(results.words[0], typed)}’ itself: these use a "
                "word of the same meaning."]
    return []


def _partial_note(results: Results) -> str:
    """How many results match all the words, and how many of those use every word themselves
    rather than through a topic a word names or a synonym (a broad topic can tag most
    examples). 'Best matches first' only when they are so sorted, and not as a claim that
    those with all the words lead."""
    whole, total, words = results.complete, results.total, results.complete_words
    ranked = results.sort == "relevance"
    others = "the others match some of them" if ranked else \
        "they come first, then those that match some of them"
    if results.one_word_each:  # 'football transfer window': a word each, far from the topic
        return (f"Each result has only one of your {len(results.words)} words (or a topic one "
                "names): the examples here may not cover what you are looking for.")
    if not whole:
        return ("No example matches all your words (or the topics they name): these match "
                "some of them" + (", best matches first." if ranked else "."))
    # the best matches lead, and need not be those with all the words ('mental health
    # crisis': examples about mental health can pass one that mentions a crisis in passing)
    after = " Best matches first, which need not be those with all your words." if ranked \
        else ""
    if words == whole:
        return (f"{whole} of {total} match all your words (or the topics they name); "
                f"{others}.{after}")
    itself = f"{words} of them" if words else "none of them"
    if whole == total and results.either:  # one word is all 'a OR b' asks for
        return ("The one result matches" if total == 1 else f"All {total} match") + \
            " your search or the topics its words name; with OR, either side is enough."
    if whole == total:
        yours = "your words"
        if total == 1:
            return (f"The one result matches {yours} or the topics they name, though not "
                    "every word itself (not a synonym).")
        return (f"All {total} match {yours} or the topics they name, {itself} with every "
                "word itself (not a synonym).")
    return (f"{whole} of {total} match all your words or the topics they name, "
            f"{itself} with every word itself (not a synonym); {others}.{after}")


def result_sentence(results: Results, labels: dict) -> str:
    """'12 results for ‘funding’ in Health and Social care'."""
    q = results.query
    n = results.total
    out = f"{n} result{'s' if n != 1 else ''}"
    if q.text:
        out += f" for ‘{q.text}’"
    groups = [" or ".join(labels[(f, v)] for v in q.selected(f)) for f in FACETS
              if q.selected(f)]
    if groups:
        out += " in " + " and ".join(groups)
    if q.date_from or q.date_to:
        out += " " + date_phrase(q)
    return out


def date_phrase(q: Query) -> str:
    """'published since 1 April 2010', 'published 1 January 2010 to 31 December 2012'."""
    if q.date_from and q.date_from == q.date_to:
        return f"published on {q.date_from:%-d %B %Y}"
    if q.date_from and q.date_to:
        return f"published {q.date_from:%-d %B %Y} to {q.date_to:%-d %B %Y}"
    if q.date_from:
        return f"published since {q.date_from:%-d %B %Y}"
    return f"published up to {q.date_to:%-d %B %Y}"


DATE_FORMATS = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}


def human_date(iso: str, precision: str = "day") -> str:
    """'2008-12-02' -> '2 December 2008', as GOV.UK writes dates; with a precision of "month"
    or "year" (a source that gives no more), 'December 2008' or '2008'; so is a date written
    no more precisely than that ('2008-12', '2008': a source's)."""
    if len(iso) in (4, 7):
        precision, iso = "year" if len(iso) == 4 else "month", (iso + "-01-01")[:10]
    return f"{dt.date.fromisoformat(iso):{DATE_FORMATS[precision]}}"


def machine_date(iso: str, precision: str = "day") -> str:
    """A date as precise as it is known, for <time datetime>: '2008-12-02', '2008-12', '2008'."""
    return iso[:{"day": 10, "month": 7, "year": 4}[precision]]
