"""The forms of a word folded into one before stemming: American spellings into British ones,
British variants into one, irregular plurals and past forms Porter's stemmer does not fold,
words it would wrongly merge with others, and shortened words typed for the full one; and the
English dictionary, which says whether a word is real English."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# American spellings folded into British ones at index and query time, so "organization" finds
# "organisation". Suffix rules cover -ize/-yze; the word list covers the rest.
_SUFFIX_RULES = (
    (re.compile(r"^(\w{3,})iz(e|es|ed|ing|ation|ations|er|ers)$"), r"\1is\2"),
    (re.compile(r"^(\w{2,})yz(e|es|ed|ing)$"), r"\1ys\2"),
)
AMERICAN_WORDS = {
    "program": "programme", "center": "centre", "behavior": "behaviour", "labor": "labour",
    "color": "colour", "favor": "favour", "honor": "honour", "neighbor": "neighbour",
    "neighborhood": "neighbourhood", "catalog": "catalogue", "defense": "defence",
    "offense": "offence", "enroll": "enrol", "fulfill": "fulfil", "counselor": "counsellor",
    "counseling": "counselling", "traveling": "travelling", "modeling": "modelling",
    "fiber": "fibre", "theater": "theatre", "gray": "grey", "aging": "ageing",
    "councilor": "councillor", "canceled": "cancelled", "canceling": "cancelling",
    "enrollment": "enrolment", "fulfillment": "fulfilment", "installment": "instalment",
}


# Spellings British English itself varies between, folded into one: judgement = judgment,
# practise (the verb) = practice, license (the verb) = licence.
_VARIANT_RULES = (
    (re.compile(r"^judgement(s)?$"), r"judgment\1"),
    (re.compile(r"^practis(e|es|ed|ing)$"), r"practic\1"),
    (re.compile(r"^licens(e|es|ed|ing)$"), r"licenc\1"),
    # a final consonant doubled or not before -ed and -ing: focussed = focused, benefitted
    (re.compile(r"^(focu|bia)ss(es|ed|ing)$"), r"\1s\2"),
    (re.compile(r"^benefitt(ed|ing)$"), r"benefit\1"),
)


@lru_cache(maxsize=100_000)
def british(word: str) -> str:
    """A lowercase word in British spelling: organization -> organisation, center -> centre;
    and of British variants, one: judgement -> judgment, practise -> practice. (Cached: every
    token of every entry passes through here when indexing.)"""
    if word in AMERICAN_WORDS:
        return AMERICAN_WORDS[word]
    if word.endswith("s") and word[:-1] in AMERICAN_WORDS:
        return AMERICAN_WORDS[word[:-1]] + "s"
    for pattern, repl in _SUFFIX_RULES + _VARIANT_RULES:
        if pattern.match(word):
            return pattern.sub(repl, word)
    return word


# Plurals Porter's stemmer does not fold (child/children), as their singular, and 'person' as
# 'people' (not the reverse: Porter stems 'personal' to 'person').
IRREGULAR_PLURALS = {"children": "child", "women": "woman", "men": "man", "criteria": "criterion",
                     "person": "people", "persons": "people", "crises": "crisis",
                     "analyses": "analysis", "hypotheses": "hypothesis", "diagnoses": "diagnosis",
                     "syntheses": "synthesis", "emphases": "emphasis", "theses": "thesis"}


# Past forms of irregular verbs Porter's stemmer does not fold (withdrawn/withdraw), as the
# verb. Left out where the form is also another word: left, led, found, fell, felt, thought,
# saw, rose, bound, lay.
IRREGULAR_VERBS = {
    "withdrawn": "withdraw", "withdrew": "withdraw", "taken": "take", "took": "take",
    "undertaken": "undertake", "undertook": "undertake", "given": "give", "gave": "give",
    "brought": "bring", "bought": "buy", "began": "begin", "begun": "begin", "chosen": "choose",
    "chose": "choose", "written": "write", "wrote": "write", "spoken": "speak", "spoke": "speak",
    "driven": "drive", "drove": "drive", "grown": "grow", "grew": "grow", "known": "know",
    "knew": "know", "paid": "pay", "sought": "seek", "sold": "sell", "spent": "spend",
    "taught": "teach", "won": "win", "lost": "lose", "made": "make", "sent": "send",
    "kept": "keep", "held": "hold", "withheld": "withhold", "upheld": "uphold", "met": "meet",
    "built": "build", "rebuilt": "rebuild", "understood": "understand", "frozen": "freeze",
    "froze": "freeze", "shown": "show", "overseen": "oversee", "oversaw": "oversee",
    "arisen": "arise", "arose": "arise", "forgotten": "forget", "hidden": "hide",
    "stolen": "steal", "undergone": "undergo", "overtaken": "overtake",
}


# Words Porter's stemmer cuts down to another word's stem, though they mean something else: each
# keeps a stem of its own ('housing' is not 'house' or 'in-house', 'community' not
# 'communication', 'authority' not 'author', 'localism' not 'local'); 'generate', 'generation',
# which Porter cuts to 'gener' ('generic', 'generous') but 'generated' to 'generat', keep theirs
# together; and 'specification' joins 'specify' ('specifi'), not 'specific'.
OWN_STEMS = {word: own for own, words in (
    ("housing", "housing"), ("communiti", "community communities"),
    ("authoriti", "authority authorities"), ("experiment", "experiment experiments experimental"),
    ("universiti", "university universities"), ("internation", "international"),
    ("business", "business businesses"), ("positiv", "positive positively"),
    ("careful", "careful carefully"), ("general", "general generally"),
    ("generat", "generate generates generation generations"), ("generic", "generic"),
    ("generous", "generous generously"), ("news", "news"), ("publiciti", "publicity"),
    ("localiti", "locality localities"), ("informal", "informal informally"),
    ("officer", "officer officers"), ("localism", "localism"),
    ("specifi", "specification specifications")) for word in words.split()}


# Shortened words people type for the full one (govt, dept, orgs, spec, 3 yrs), as the full
# word. Left out where the short form is also another word (sec, vol) or is in web addresses
# (org, gov).
CLIPPED_WORDS = {
    "govt": "government", "dept": "department", "depts": "departments",
    "orgs": "organisations", "info": "information", "spec": "specification",
    "specs": "specifications", "admin": "administration", "mgmt": "management",
    "mgr": "manager", "mgrs": "managers", "exec": "executive", "execs": "executives",
    "rep": "representative", "reps": "representatives", "cttee": "committee",
    "mtg": "meeting", "mtgs": "meetings", "assoc": "association", "natl": "national",
    "intl": "international", "eval": "evaluation", "evals": "evaluations",
    "docs": "documents", "svc": "service", "svcs": "services", "prog": "programme",
    "progs": "programmes", "devt": "development", "stats": "statistics",
    "comms": "communications", "vols": "volunteers", "mins": "minutes",
    "excl": "excluding", "incl": "including", "cllr": "councillor", "cllrs": "councillors",
    "ppl": "people", "yr": "year", "yrs": "years", "mth": "month", "mths": "months", "wk": "week",
    "wks": "weeks", "hr": "hour", "hrs": "hours",
}


SECTOR_WORDS = Path(__file__).resolve().parent / "data" / "sector-words.txt"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The English dictionary: the word list pyspellchecker ships with the package (read
    offline, once per process, on first use), plus kb/data/sector-words.txt, the correct
    words of the sector that it lacks (funders, reablement, coproduction)."""
    sector = [line.strip() for line in SECTOR_WORDS.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    return frozenset(_frequencies().keys()) | set(sector)


def word_count(word: str) -> int:
    """How often a lowercase word occurs in the texts pyspellchecker's list was counted from
    (0 for a word it does not have): which of two forms is the usual word."""
    return _frequencies()[word]


@lru_cache(maxsize=1)
def _frequencies():
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency
