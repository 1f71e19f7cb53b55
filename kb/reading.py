"""A search's text as tokens, read as its writer meant them: words (initials, acronyms and
compounds as typed), "quoted phrases", word*, +words and -words, AND, OR, NOT and brackets.
An unpaired quote mark, a list's '(ii)', a field named before a word ('title:') and words
that say what every example is ('case studies') are nothing; '£2 million' is one amount;
brackets group only in a search that uses operators; a hyphenated word no entry writes comes
apart. kb.text turns the tokens into clauses."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from kb.analysis import HYPHENS, WORD, compound_terms, is_stop_word
from kb.numbers import NUMBER, SIZES

# up to six capitals, and a plural's 's' ('ESFA', 'NAVCA', 'CICs'): a name, kept as typed
ACRONYM = re.compile(r"[A-Z]{2,6}s?")
# 'volunt*', '-volunt*', 'co-prod*'
_PREFIX = re.compile(r"([-+]?)(\w{2,}(?:[-\u2010\u2011]\w+)*)\*+")
# a field named before a word, as other search boxes allow: every field is searched anyway
_FIELD_NAME = re.compile(r"(?<![\w:])(?:title|summary|body|text|organi[sz]ations?|sector|"
                         r"principle|stage|region):[ \t]*(?=[\w\"(-])", re.IGNORECASE)
_TOKEN = re.compile(r'(?P<sign>[-+]?)"(?P<phrase>[^"]*)"?|(?P<group>[-+]?)(?P<paren>[()])|'
                    r'(?P<word>[^\s()"]+)')
_OPERATORS = {"AND", "OR", "NOT"}
# '(ii)', '(iv)', '(a)': the numbering of a pasted list, no words to search
_LIST_MARKER = re.compile(r"\((?:[ivx]{1,4}|[a-z])\)", re.IGNORECASE)
# Words that say what every example is: a case study of practice ('codes of good practice'
# is a name, the Compact's Codes, not such words)
_FRAMING = re.compile(r"\b(?:case[ -]stud(?:y|ies)|(?<!code of )(?<!codes of )"
                      r"(?:best|good)[ -]practices?)\b", re.IGNORECASE)
# Quotation marks a word processor or mail program puts in a pasted phrase: a phrase's quotes.
_CURLY_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'))
# A dash a word processor puts for one or two typed minuses (an en or em dash: '–grants'
# pasted from Word), or the minus sign, before a word: the '-' that leaves it out ('2007–08'
# is a range).
MINUS_DASHES = "\u2013\u2014\u2212"
_PASTED_MINUS = re.compile(rf"(?<!\S)[{MINUS_DASHES}](?=[\w\"(])")


@dataclass
class Word:
    text: str  # lowercase, as typed
    index_terms: tuple[str, ...]  # the parts' index terms, stop words dropped
    joined: str | None  # a hyphenated word's parts as one term
    acronym: bool = False
    typed: str = ""  # as typed, capitals kept


def read_word(text: str) -> Word:
    """A word as the search reads it: lowercase, its index terms, whether an acronym."""
    low = text.lower()
    acronym = bool(ACRONYM.fullmatch(text.replace(".", "").replace("&", "")))
    if acronym and text.endswith("s") and text[:-1].isupper():
        low = low[:-1]  # 'CVSs' is several CVS, 'CCGs' several CCG
    return Word(low, *compound_terms(low), acronym=acronym, typed=text)


def _tokens(text: str) -> list[tuple[str, object]]:
    """("word", Word) | ("phrase", (sign, text)) | ("signed", (sign, Word)) | ("op", "AND")
    | ("prefix", (sign, start)) | ("(", sign) | (")", sign). Punctuation around words is
    dropped."""
    out: list[tuple[str, object]] = []
    for m in _TOKEN.finditer(text):
        if m.group("paren"):
            out.append((m.group("paren"), m.group("group") or None))
        elif m.group("word") is None:
            out.append(("phrase", (m.group("sign"), m.group("phrase"))))
        elif m.group("word") in _OPERATORS:
            out.append(("op", m.group("word")))
        elif _PREFIX.fullmatch(m.group("word")):  # 'volunt*': every word starting so
            sign, start = _PREFIX.fullmatch(m.group("word")).groups()
            out.append(("prefix", (sign, start.lower())))
        else:
            raw = m.group("word")
            sign = raw[0] if raw[0] in "-+" and len(raw) > 1 else ""
            words = WORD.findall(raw[len(sign):])
            if sign and words:
                out.append(("signed", (sign, read_word(words[0]))))
                words = words[1:]
            out += [("word", read_word(w)) for w in words]
    return out


def read_tokens(text: str, lexicon) -> list[tuple[str, object]]:
    """The tokens of a search's text, read as its writer meant them: 'title:youth' is youth,
    an unpaired quote mark and a list's '(ii)' are nothing, brackets group only in a search
    that uses operators ('(ASC)' glosses a phrase), words that say what every example is
    ('case studies', 'best practice') are left out, and hyphenated words no entry writes come
    apart."""
    text = _FIELD_NAME.sub("", unicodedata.normalize("NFKC", text)).translate(_CURLY_QUOTES)
    text = _PASTED_MINUS.sub("-", text)
    tokens = _amounts(_tokens(_paired_quotes(_LIST_MARKER.sub(" ", _without_framing(text)))))
    if not any(kind == "op" or (kind in "()" and sign) for kind, sign in tokens):
        tokens = [t for t in tokens if t[0] not in "()"]
    if lexicon is not None:
        tokens = [t for token in tokens for t in _apart_if_unused(token, lexicon)]
    return _unshouted(tokens)


def _unshouted(tokens: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """A search typed all in capitals, with a word too long to be an acronym ('WHEN TO SEND
    MONITORING RETURNS'), is shouted: its capitals make no word an acronym. ('SEND CAMHS CCG'
    keeps its acronyms.)"""
    words = [w for kind, w in tokens if kind == "word"]
    if not words or not all(w.typed.isupper() for w in words) or \
            not any(len(w.typed) > 6 for w in words):
        return tokens
    return [(kind, replace(w, acronym=False) if kind == "word" else w) for kind, w in tokens]


def _amounts(tokens: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """A number and the word for its size as one amount, as '£2m' is: '£2 million'."""
    out: list[tuple[str, object]] = []
    for kind, value in tokens:
        if kind == "word" and value.text in SIZES and out and out[-1][0] == "word" and \
                NUMBER.fullmatch(out[-1][1].text):
            number = out.pop()[1]
            value = replace(read_word(number.text + value.text),
                            text=f"{number.text} {value.text}",
                            typed=f"{number.typed} {value.typed}")
        out.append((kind, value))
    return out


def _without_framing(text: str) -> str:
    """The text without the words that say what every example is ('case studies of', 'good
    practice on'), unless they are all it says or are in quotes."""
    if '"' in text:
        return text
    rest = _FRAMING.sub(" ", text)
    return rest if any(not is_stop_word(w) for w in WORD.findall(rest)) else text


def _apart_if_unused(token: tuple[str, object], lexicon) -> list[tuple[str, object]]:
    """A hyphenated word that no entry writes, joined or with its parts side by side
    ('VCS-led', 'grants-contracts'), as its parts typed apart: each part then matches, with
    its synonyms and the topics it names, instead of the search finding nothing. A range of
    numbers ('2007-08') stays whole: its parts alone are other numbers."""
    kind, word = token
    if kind != "word" or not word.joined or len(word.index_terms) < 2 or \
            all(t.isdigit() for t in word.index_terms) or \
            lexicon.indexes(word.joined) or lexicon.side_by_side(word.index_terms):
        return [token]
    return [("word", read_word(part)) for part in HYPHENS.split(word.typed) if part]


def _paired_quotes(text: str) -> str:
    """The text without its last quote mark when one is left unpaired: '"full cost recovery'
    searches the words, not the rest of the text as one phrase."""
    if text.count('"') % 2:
        at = text.rindex('"')
        text = text[:at] + " " + text[at + 1:]
    return text
