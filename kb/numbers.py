"""Numbers as people write them, read as one form: number words as figures (six -> 6), a unit
written onto a number as a word of its own ('3yr' -> 3, yr; '£2m' -> 2, million), thousands
written out ('£10k' -> 10000), decimals without trailing noughts (10,000.00 -> 10000), and a
year range's second year as the number of its last two figures ('2019-2020' and '2019/20' ->
2019, 20; '2008/09' and '2008/9' -> 2008, 9)."""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100",
    # ordinals written in figures, as their words: '3rd sector' is the third sector
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
}

# Units a number is written onto without a space ('3yr', '12weeks'): read as two words.
_GLUED_UNIT = re.compile(r"(\d+)(yrs?|years?|mths?|months?|wks?|weeks?|days?|hrs?|hours?)$")


_YEAR = re.compile(r"(?:19|20)\d\d")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SIZES = frozenset({"thousand", "million", "billion"})  # '£2 million' is one amount (kb.reading)
_AMOUNT_UNIT = re.compile(rf"({NUMBER.pattern})(k|m|bn|{'|'.join(sorted(SIZES))})$")
_NUMBER_NAMES = {"m": "million", "bn": "billion"}


def number_parts(parts: list[str]) -> list[str]:
    """A word's parts (split at hyphens), each number in its one form."""
    parts = [q for p in parts for q in _unglued(NUMBER_WORDS.get(p, p))]
    if len(parts) == 2 and _YEAR.fullmatch(parts[0]) and parts[1].isdigit() and \
            int(parts[1]) in (int(parts[0]) + 1, (int(parts[0]) + 1) % 100):
        parts[1] = str((int(parts[0]) + 1) % 100)  # 2008/09, 2008-9, 2008/2009: 2008, 9
    return parts


def _unglued(part: str) -> list[str]:
    if re.fullmatch(r"\d+\.\d+", part):  # 2.50 is 2.5; 10000.00 is 10000
        part = part.rstrip("0").rstrip(".")
    amount = _AMOUNT_UNIT.match(part)
    if amount and amount[2] in ("k", "thousand"):
        thousands = float(amount[1]) * 1000
        return [str(int(thousands)) if thousands.is_integer() else str(thousands)]
    if amount:
        return [amount[1], _NUMBER_NAMES.get(amount[2], amount[2])]
    glued = _GLUED_UNIT.match(part)
    return [glued[1], glued[2]] if glued else [part]
