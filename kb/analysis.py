"""The analyzer: how text becomes index terms, the same for entries and for queries.

Words are lowercased; hyphenated compounds are split into their parts and also kept whole
(`co-production` -> co, production, coproduction), so that `coproduction`, `co-production` and
`co production` find each other; number words become digits (`six months` = `6 months`);
American spellings fold into British ones (`organization` -> organisation); stop words and
single letters are dropped; what is left is Porter-stemmed (`commissioners` -> commission).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

from kb.numbers import NUMBER_WORDS, number_parts
from kb.word_forms import (
    CLIPPED_WORDS,
    IRREGULAR_PLURALS,
    IRREGULAR_VERBS,
    OWN_STEMS,
    british,
    word_count,
)

# A number with thousands separators (5,000), or a word, or words joined by hyphens (ASCII
# hyphen-minus, Unicode hyphen, non-breaking hyphen). The ending after an apostrophe
# ("council's", "arm's-length", "don't") is no word of its own: it would join the next word
# ('s ending' read as 'sending', 's-length' as 'slength').
_CLITIC = r"(?:s|t|d|ll|re|ve|m)(?!\w)"
# Initials with dots or an ampersand are one word (N.H.S. is NHS, e.g. is eg, A&E, T&Cs); so
# are a decimal amount (1.2m, 2.5), a year range (2019/20, 2019–2020) and a negative
# contraction (won't, don'ts: 'not', never 'won').
WHOLE_PATTERN = (r"(?:[A-Za-z]\.){2,}|[A-Za-z]s?&[A-Za-z]s?\b|\d+\.\d+[A-Za-z]*|"
          r"(?:19|20)\d\d[/\u2013]\d{1,4}\b|\w++(?<=n)['\u2019]ts?\b")
WORD_PATTERN = (rf"{WHOLE_PATTERN}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|"
                rf"(?!(?<=['\u2019]){_CLITIC})\w+(?:[-\u2010\u2011]\w+)*")
WORD = re.compile(WORD_PATTERN, re.UNICODE)
HYPHENS = re.compile(r"[-\u2010\u2011]")
_PART_BREAKS = re.compile(r"[-\u2010\u2011/\u2013]")  # a year range's '/' or dash too

# Whoosh's stop words plus the function words of English and of a plain-English question
# ("how should we ...?", "examples of ..."), which say nothing about what an entry is about.
STOP_WORDS = WHOOSH_STOP_WORDS | frozenset(
    "about above after again against all also am any because been before being below between "
    "both but cannot cant could did do does doing done down during each either else ever every "
    "example examples few further get gets getting got had has having he her here hers herself "
    "him himself his how i into its itself just me more most much must my myself neither no "
    "nor now off once only other others ought our ours ourselves out over own please same she "
    "should so some such than their theirs them themselves then there these they those through "
    "thus too under until up upon very was were what whatever where whether which while who "
    "whom whose why would vs versus "
    # fillers and their short forms, dotted or not: 'e.g.' and 'eg' alike
    "eg ie etc approx ok okay whats hows pls esp wrt thru "
    # a negative contraction typed without its apostrophe, or split by a space ("don t")
    "aren couldn didn doesn don hadn hasn haven isn mustn needn shouldn wasn weren wouldn "
    "arent couldnt didnt doesnt dont hadnt hasnt havent isnt mustnt neednt shouldnt wasnt "
    "werent wouldnt wont".split()
)

# Prefixes that are no word on their own: typed apart from their word ('co production', 'non
# profit') they mean the compound, not every co- or non- word. ('post', 'pro', 'sub', 'mid' and
# 'mini' are words too: 'a new post', 'Mid Sussex'.)
PREFIXES = frozenset("anti bi co de ex inter macro micro multi non pre quasi re semi tri "
                     "un".split())

def stem(word: str) -> str:
    """Porter's stem, with five of its gaps closed: irregular plurals stem as their singular
    (children and childrens -> child, criteria -> criterion), irregular past forms as their
    verb (withdrawn -> withdraw, paid -> pay), shortened words as the full word (govt ->
    government), and a person named from an -ion noun stems as the noun does (commissioner
    -> commission -> commiss, as commissioning; practitioner), and words it would merge with
    another word of other meaning keep their own (OWN_STEMS)."""
    word = _possessed(word)
    word = CLIPPED_WORDS.get(word, word)
    word = IRREGULAR_PLURALS.get(word) or IRREGULAR_VERBS.get(word, word)
    if word in OWN_STEMS:
        return OWN_STEMS[word]
    if word.endswith(("ioner", "ioners")):
        word = word[:word.rindex("ioner") + 3]
    return _undoubled(word, porter_stem(word))


def _undoubled(word: str, stemmed: str) -> str:
    """Porter's rule that whoosh's stemmer misses: a consonant doubled before -ed or -ing is
    single in the stem ('mapping' and 'planned' stem as 'map' and 'plan'), unless the doubled
    form is the more usual word ('staffing' stays with 'staff', 'adding' with 'add'; 'lotting'
    goes to 'lot', not the rare 'lott')."""
    if len(stemmed) < 3 or stemmed[-1] != stemmed[-2] or stemmed[-1] in "aeiouylsz" or \
            word.removesuffix("s") not in (stemmed + "ed", stemmed + "ing"):
        return stemmed
    return stemmed if word_count(stemmed) >= word_count(stemmed[:-1]) else stemmed[:-1]


def word_parts(word: str) -> tuple[list[str], str | None]:
    """A lowercase word's parts, numbers as kb.numbers reads them, and the parts joined when
    the word was hyphenated: 'twelve-week' -> (['12', 'week'], '12week'); 'grant' ->
    (['grant'], None). Initials lose their dots ('n.h.s.' -> nhs), accents go ('café' ->
    cafe), and a negative contraction is 'not' (won't is not 'won')."""
    word = _plain(word)
    parts = number_parts([p for p in _PART_BREAKS.split(word.replace(",", "")) if p])
    if len(parts) < 2:
        return parts, None
    return parts, "".join(parts)


def _plain(word: str) -> str:
    if not word.isascii():
        word = unicodedata.normalize("NFC", "".join(
            c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)))
    if re.search(r"n['\u2019]ts?$", word):
        return "not"
    if word[:1].isalpha() and ("." in word or "&" in word):
        return word.replace(".", "").replace("&", "")
    return word


@lru_cache(maxsize=200_000)
def word_terms(token: str) -> tuple[tuple[str, bool, bool], ...]:
    """What one token of text becomes, as (term, joined, stop word): lowercased; split at
    hyphens with the parts joined as one more term (`joined`); number words as digits; single
    letters dropped (a lone digit stays); British spelling; stop words marked (and left
    unstemmed); the rest Porter-stemmed. A token that does not start with a letter or digit
    (the punctuation that ends a run of words) passes through lowercased. Cached: a corpus
    repeats its words, so each distinct spelling is analysed once."""
    lower = (token if token.isascii() else unicodedata.normalize("NFKC", token)).lower()
    if not lower[0].isalnum():
        forms = [(lower, False)]
    else:
        parts, joined = word_parts(lower)
        forms = [(text, n == len(parts)) for n, text in enumerate(parts + ([joined] if joined
                 else [])) if len(text) > 1 or text.isdigit()]
    out = []
    for text, is_joined in forms:
        text = british(text)
        stop = text in STOP_WORDS
        out.append((text if stop else stem(text), is_joined, stop))
    if acronym_term(token):
        out.append((token, True, False))  # beside the word's own term, as a joined form is
    return tuple(out)


EVERYDAY = 10_000  # uses in pyspellchecker's counts that make a word an everyday one


def acronym_term(word: str) -> str | None:
    """The term an acronym in capitals that is also an everyday word ('SEND', 'CAT') is
    indexed by besides the word's own: itself, in capitals. A search for SEND (special
    educational needs) then need not find every entry that says 'send'."""
    if 3 <= len(word) <= 6 and word.isascii() and word.isalpha() and word.isupper() and \
            word_count(word.lower()) >= EVERYDAY:
        return word
    return None


class TermsAnalyzer(Tokenizer):
    """Text -> index terms in one pass over its words (see word_terms). With `pairs`, each two
    neighbouring terms become one term, 'a b' (stop words already gone, so 'cost of recovery'
    gives 'cost recoveri'): phrase matching and proximity without storing positions. A
    sentence's end (or a field's: fields are joined with ' . '), or a joined compound, breaks
    the run of pairs."""

    def __init__(self, pairs: bool = False):
        self.pairs = pairs
        self.pattern = re.compile(PAIRS_PATTERN if pairs else WORD_PATTERN, re.UNICODE)

    def __eq__(self, other):
        return type(other) is type(self) and other.pairs == self.pairs

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = self.pattern.finditer(value) if tokenize else [_Whole(value)]
        pos = start_pos
        for text, stop, m in self._terms(matches, removestops):
            t.text, t.stopped = text, stop
            if keeporiginal:
                t.original = m.group()
            if positions:
                t.pos = pos
                pos += not stop
            if chars:
                t.startchar, t.endchar = start_char + m.start(), start_char + m.end()
            yield t

    def terms(self, value: str) -> list[str]:
        """The index terms of `value`, in order: what calling the analyzer yields as
        token texts, without making tokens (a build analyses every entry's text)."""
        return [text for text, _, _ in self._terms(self.pattern.finditer(value), True)]

    def _terms(self, matches, removestops: bool):
        """(term, stop word, match) for each term of the matched words, in order."""
        previous = None
        for m in matches:
            for text, joined, stop in word_terms(m.group()):
                if stop and removestops:
                    continue
                if self.pairs:
                    if not text[0].isalnum():
                        previous = None
                        continue
                    if joined:
                        continue
                    text, previous = (f"{previous} {text}" if previous else None), text
                    if text is None:
                        continue
                yield text, stop, m


class _Whole:
    """A whole value as one match, for tokenize=False."""

    def __init__(self, value: str):
        self.value = value

    def group(self) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


# Words, and the punctuation that ends a sentence or a field (fields are joined with " . ").
PAIRS_PATTERN = WORD_PATTERN + r"|[.!?;:]"


def make_pairs_analyzer():
    """Text -> the pairs of neighbouring terms (as make_analyzer makes them)."""
    return TermsAnalyzer(pairs=True)


def make_analyzer():
    """Words -> lowercase -> parts and numbers -> British spelling -> no stop words -> stems."""
    return TermsAnalyzer()


@lru_cache(maxsize=200_000)
def index_term(word: str) -> str:
    """The indexed form of one word without hyphens (as make_analyzer makes it)."""
    word = word.lower()
    return stem(british(NUMBER_WORDS.get(word, word)))


_ANALYZER = make_analyzer()
_PAIRS = make_pairs_analyzer()


def analyse(text: str) -> list[str]:
    """The index terms of a piece of text, in order (compounds' joined forms included)."""
    return [t.text for t in _ANALYZER(text)]


def pairs(text: str) -> list[str]:
    """The pair terms of a piece of text, as the index's pairs field holds them."""
    return [t.text for t in _PAIRS(text)]


def pair_term(first: str, second: str) -> str:
    return f"{first} {second}"


def is_stop_word(word: str) -> bool:
    return word.lower() in STOP_WORDS


def compound_terms(word: str) -> tuple[tuple[str, ...], str | None]:
    """A lowercase word's index terms as a search reads it: (its parts' terms, the joined term
    of a hyphenated word). A compound left with one part once the stop words and single
    letters are gone ('in-house', 'well-being', 'e-mail', 'by-and-for') is read whole only:
    that part alone ('house', 'well') means something else. With two or more left
    ('value-for-money'), they match side by side, as in 'value for money'."""
    parts, joined = word_parts(word)
    kept = part_terms(parts)
    if not joined:
        return kept, None
    if len(kept) < 2 and len(parts) > 1:
        return (index_term(joined),), None
    return kept, index_term(joined)


def light_key(text: str) -> str:
    """Words as written, told apart more finely than by their stems: lowercase, British
    spelling, plurals folded, short forms written out, hyphens and spaces gone ('Parks' ->
    park, 'co-production' -> coproduction, '12 wks' -> 12week). 'housing' and 'house', or
    'parking' and 'parks', share a stem but not this key."""
    return "".join(_singular(british(CLIPPED_WORDS.get(p, p)))
                   for word in WORD.findall(text.lower())
                   for p in _kept(word_parts(word)[0]))


def _possessed(word: str) -> str:
    """An irregular plural's possessive typed without its apostrophe, as the plural:
    'childrens' (children's) -> children, 'mens sheds' -> men, 'womens aid' -> women."""
    return word[:-1] if word.endswith("s") and word[:-1] in IRREGULAR_PLURALS else word


def _singular(word: str) -> str:
    """A plural's singular, near enough to tell them apart from other words: parties -> party,
    boxes -> box, classes -> class, clauses -> clause, children -> child."""
    word = _possessed(word)
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and word[:-2].endswith(("ss", "x", "z", "ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def part_terms(parts: list[str]) -> tuple[str, ...]:
    """The index terms of a word's parts (from word_parts), as the analyzer keeps them: single
    letters and stop words dropped, a lone digit kept."""
    return tuple(index_term(p) for p in _kept(parts))


def _kept(parts: list[str]) -> list[str]:
    """The parts a search keeps: single letters and stop words dropped, a lone digit kept."""
    return [p for p in parts if (len(p) > 1 or p.isdigit()) and not is_stop_word(p)]
