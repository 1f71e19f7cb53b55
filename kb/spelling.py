"""Is a word real English? Spelling correction must never rewrite one that is.

The dictionary (kb.word_forms.english_words) is the English word list that pyspellchecker
ships with the package, plus `kb/data/sector-words.txt`, the correct words of the sector that
it lacks (funders, reablement, coproduction). It is American; a British spelling counts as
English when one of its American forms is in it (organisation -> organization, centre ->
center, programme -> program, travelling -> traveling).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.analysis import PREFIXES, light_key
from kb.word_forms import AMERICAN_WORDS, CLIPPED_WORDS, IRREGULAR_PLURALS, english_words

_BRITISH_WORDS = {british: american for american, british in AMERICAN_WORDS.items()} | {
    "tyre": "tire", "kerb": "curb", "cheque": "check", "plough": "plow", "storey": "story",
    "aluminium": "aluminum", "draught": "draft", "pyjamas": "pajamas", "gaol": "jail",
    "aeroplane": "airplane", "speciality": "specialty", "dreamt": "dreamed",
    "spelt": "spelled", "spilt": "spilled", "leant": "leaned",
}

# British -> American spelling patterns; each is tried alone and all together.
_RULES = tuple((re.compile(p), r) for p, r in (
    (r"is(e|es|ed|ing|er|ers|ation|ations|able|ational)$", r"iz\1"),
    (r"ys(e|es|ed|ing|er|ers)$", r"yz\1"),
    (r"our(?=[a-z])|our$", "or"),
    (r"([bgtv])re(s)?$", r"\1er\2"),
    (r"([bgtv])red$", r"\1ered"),
    (r"ogue(s)?$", r"og\1"),
    (r"ence(s)?$", r"ense\1"),
    (r"ll(ed|ing|er|ers|ation|ations|ous|y)$", r"l\1"),
    (r"mme(s)?$", r"m\1"),
    (r"(?<=[a-z])ae", "e"),
    (r"(?<=[a-z])oe", "e"),
    (r"^oe", "e"),
    (r"dgement(s)?$", r"dgment\1"),
    (r"(?<=[^l])l(ment|ments|ful)$", r"ll\1"),
    (r"ould(er|ers|ered|ering|ing|ed|s|y)?$", r"old\1"),
    (r"^sc(ep)", r"sk\1"),
    (r"ll(en)$", r"l\1"),
    (r"ellery$", "elry"),
    (r"ence(?=[a-z])", "ense"),
))


SPELT_FROM = 5  # letters a word needs before British spelling rules apply to it


def american_forms(word: str) -> set[str]:
    """The American spellings a British word may have (empty when none differs). The spelling
    rules need a word of SPELT_FROM letters or more: 'yaer' is a typo of 'year', not a British
    spelling of 'yer'."""
    forms = set()
    if word in _BRITISH_WORDS:
        forms.add(_BRITISH_WORDS[word])
    if word.endswith("s") and word[:-1] in _BRITISH_WORDS:
        forms.add(_BRITISH_WORDS[word[:-1]] + "s")
    if len(word) < SPELT_FROM:
        return forms
    together = word
    for pattern, repl in _RULES:
        changed = pattern.sub(repl, word)
        if changed != word:
            forms.add(changed)
            together = pattern.sub(repl, together)
    forms.add(together)
    forms.discard(word)
    return forms


@lru_cache(maxsize=10_000)
def written_forms(word: str) -> frozenset[str]:
    """The ways entries may write a lowercase word and mean it as typed: singular or plural,
    British or American ('organization' -> organisation, organisations, organizations...),
    but not another word sharing its stem ('communications' is not 'community')."""
    key = light_key(word)
    plurals = {p for p, singular in IRREGULAR_PLURALS.items() if singular == key}
    near = {word, key, key + "s", key + "es", key[:-1] + "ies", *plurals}
    for form in list(near):
        near |= american_forms(form)
    return frozenset(f for f in near if light_key(f) == key)


@lru_cache(maxsize=50_000)
def is_english(word: str) -> bool:
    """Whether a lowercase word is in the English dictionary, in British or American spelling,
    or is a prefix written onto one ('cofunded', 'defunded', 'deprioritise'), or an irregular
    plural's possessive typed without its apostrophe ('childrens', 'womens'), or a shortened
    word ('govt', 'dept')."""
    return word in CLIPPED_WORDS or _listed(word) or _prefixed(word) or (
        word.endswith("s") and word[:-1] in IRREGULAR_PLURALS)


def _listed(word: str) -> bool:
    words = english_words()
    return word in words or any(form in words for form in american_forms(word))


def _prefixed(word: str) -> bool:
    """A prefix and a word of four letters or more, unless a letter added or left out makes
    a listed word: 'comission' is 'commission' and 'untill' is 'until', not co- and un-."""
    if not any(word.startswith(p) and len(word) - len(p) >= 4 and _listed(word[len(p):])
               for p in PREFIXES):
        return False
    dropped = (word[:i] + word[i + 1:] for i in range(len(word)))
    added = (word[:i] + c + word[i:] for i in range(len(word) + 1)
             for c in "abcdefghijklmnopqrstuvwxyz")
    return not any(_listed(w) for w in (*dropped, *added))


def english_neighbours(word: str) -> list[str]:
    """The dictionary's words one edit from a lowercase word: a letter added, dropped or
    changed, or two neighbours swapped ('safegaurding' -> safeguarding)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in cuts if b} | {a + c + b for a, b in cuts for c in letters}
    edits |= {a + c + b[1:] for a, b in cuts if b for c in letters}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    edits.discard(word)
    return sorted(w for w in edits if _listed(w))


def nearest(word: str, candidates, frequency) -> str | None:
    """The candidate closest to a misspelt word: same first letter, fewest edits (a letter
    added, dropped or changed, or two neighbours swapped: 'grnat' is one edit from 'grant'),
    then the same letters (two swapped), then one with a letter the word left out, then the
    most used. Up to one edit for words of up to seven letters, two for longer ones, so a
    short word unknown to the dictionary ('brexit') is not turned into another ('brent')."""
    allowed = 1 if len(word) <= 7 else 2
    best: tuple[int, bool, bool, int, str] | None = None
    for candidate in candidates:
        if candidate[:1] != word[:1] or abs(len(candidate) - len(word)) > allowed:
            continue  # a typo rarely changes the first letter; a length apart is that many edits
        distance = edit_distance(word, candidate)
        if candidate != word and distance <= allowed:
            # the same letters in another order (a slip of the fingers: 'contarct' is
            # 'contract', not 'contact'), then a letter left out ('wich' is 'which', not
            # 'with'), before the most used
            key = (distance, sorted(candidate) != sorted(word), not _within(word, candidate),
                   -frequency(candidate), candidate)
            best = key if best is None or key < best else best
    return best[-1] if best else None


def _within(word: str, candidate: str) -> bool:
    """Whether `candidate` is `word` with letters added: 'wich' is within 'which'."""
    letters = iter(candidate)
    return all(c in letters for c in word)


def edit_distance(a: str, b: str) -> int:
    """Edits from a to b, a swap of two neighbouring letters counting as one (optimal string
    alignment distance)."""
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]
