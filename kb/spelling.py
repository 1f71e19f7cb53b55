"""Is a word real English? Spelling correction must never rewrite one that is.

The dictionary is the English word list that pyspellchecker ships with the package (read
offline, once per process, on first use), plus `kb/data/sector-words.txt`, the correct words
of the sector that it lacks (funders, reablement, coproduction). It is American; a British
spelling counts as English when one of its American forms is in it (organisation ->
organization, centre -> center, programme -> program, travelling -> traveling).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kb.analysis import AMERICAN_WORDS

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


SECTOR_WORDS = Path(__file__).resolve().parent / "data" / "sector-words.txt"


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from spellchecker import SpellChecker

    sector = [line.strip() for line in SECTOR_WORDS.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    return frozenset(SpellChecker(language="en", distance=1).word_frequency.keys()) | set(sector)


def american_forms(word: str) -> set[str]:
    """The American spellings a British word may have (empty when none differs)."""
    forms = set()
    if word in _BRITISH_WORDS:
        forms.add(_BRITISH_WORDS[word])
    if word.endswith("s") and word[:-1] in _BRITISH_WORDS:
        forms.add(_BRITISH_WORDS[word[:-1]] + "s")
    together = word
    for pattern, repl in _RULES:
        changed = pattern.sub(repl, word)
        if changed != word:
            forms.add(changed)
            together = pattern.sub(repl, together)
    forms.add(together)
    forms.discard(word)
    return forms


@lru_cache(maxsize=50_000)
def is_english(word: str) -> bool:
    """Whether a lowercase word is in the English dictionary, in British or American spelling."""
    words = _dictionary()
    return word in words or any(form in words for form in american_forms(word))
