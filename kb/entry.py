"""An entry and what is said about one: the front matter's fields, the Entry record, the
problems validation reports (path:line: severity: message), slugs and near-miss suggestions."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Characters no text should hold: YAML refuses them or reads a line break, XML forbids them
# and the direction overrides and isolates, which show the text after them reversed or moved
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]|"
                                + BIDI_CONTROLS.pattern)
# Characters that show as nothing (soft hyphen, zero-width spaces and joiners, direction
# marks, byte order mark): pasted with text, they make a word differ from itself.
ZERO_WIDTH = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")

INVISIBLE = re.compile(f"\u00a0|{ZERO_WIDTH.pattern}")  # and a no-break space
INVISIBLE_NAMES = {"\u00a0": "a no-break space", "\u00ad": "a soft hyphen",
                   "\u200b": "a zero-width space", "\u200c": "a zero-width non-joiner",
                   "\u200d": "a zero-width joiner", "\u200e": "a left-to-right mark",
                   "\u200f": "a right-to-left mark", "\u2060": "a word joiner",
                   "\ufeff": "a zero-width no-break space"}


def invisible_character(text: str) -> tuple[int, str] | None:
    """(where, what) of the first character in `text` that shows as nothing or as a plain
    space but is not one (pasted with the text), e.g. (8, 'a no-break space (U+00A0)');
    None when there is none."""
    found = INVISIBLE.search(text)
    if found is None:
        return None
    c = found.group()
    name = INVISIBLE_NAMES.get(c) or "an invisible character " + unicodedata.name(c, "").lower()
    return found.start(), f"{name} (U+{ord(c):04X})"
MAX_SUMMARY = 300
MAX_TITLE = 200
FM_OFFSET = 2
REQUIRED_SECTIONS = ("What they did", "Learning points")
NOT_ENTRIES = {"readme.md", "contributing.md"}

FIELDS = {
    "title": "required text",
    "summary": f"required text, at most {MAX_SUMMARY} characters",
    "principles": "required list of Compact principle slugs",
    "sectors": "required list of sector slugs",
    "stages": "optional list of commissioning stage slugs",
    "regions": "optional list of region slugs",
    "organisations": "optional list of organisation names",
    "published": "required date, YYYY-MM-DD (or YYYY-MM or YYYY if the source gives no more)",
    "updated": "optional date, YYYY-MM-DD",
    "review_by": "optional date, YYYY-MM-DD",
    "aliases": "optional list of old slugs that redirect here",
    "withdrawn": "optional date, YYYY-MM-DD: the example no longer stands; its page stays, "
                 "out of searches",
    "withdrawn_reason": f"text, at most {MAX_SUMMARY} characters, with 'withdrawn': why, and "
                        "what to read instead",
    "sources": "list of {title, url, publisher, date}: where the facts come from",
}
REQUIRED = ("title", "summary", "principles", "sectors", "published")
SOURCE_KEYS = ("title", "url", "publisher", "date")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def github_annotation(path: str, p: Problem) -> str:
    """A GitHub Actions workflow command: shown on the pull request's changed line. Values are
    escaped as GitHub documents (%, CR and LF; and in properties, ':' and ',')."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    level = "error" if p.severity == "error" else "warning"
    return f"::{level} file={prop(path)},line={p.line}::{data(p.message)}"


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    publisher: str | None = None
    date: str | None = None  # YYYY-MM-DD, or YYYY-MM / YYYY when that is all the source gives


@dataclass(frozen=True)
class Entry:
    slug: str
    path: str  # relative to the entries folder, with forward slashes
    title: str
    summary: str
    principles: tuple[str, ...]
    sectors: tuple[str, ...]
    stages: tuple[str, ...]
    regions: tuple[str, ...]
    organisations: tuple[str, ...]
    published: dt.date
    updated: dt.date | None
    review_by: dt.date | None
    aliases: tuple[str, ...]
    sources: tuple[Source, ...]
    body: str
    text: str  # the whole file as written, for the .md view
    body_line: int = 1  # file line on which the body starts
    published_precision: str = "day"  # "month" or "year" when the source gives no more
    key_lines: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    withdrawn: dt.date | None = None  # the example no longer stands: its page stays, unlisted
    withdrawn_reason: str = ""

    @property
    def last_changed(self) -> dt.date:
        return self.updated or self.published

@dataclass(frozen=True)
class Address:
    """What the cross-file checks need of an entry: where it is and the addresses it claims."""
    path: str
    slug: str
    aliases: tuple[str, ...]
    aliases_line: int = 1


def address_of(entry: Entry) -> Address:
    return Address(entry.path, entry.slug, entry.aliases, entry.key_lines.get("aliases", 1))


def slugify(text: str) -> str:
    """A URL slug from any text: lowercase ASCII letters, digits and single hyphens, accents
    dropped (café -> cafe), at most 80 characters, cut between words."""
    text = unicodedata.normalize("NFKD", text.lower().replace("'", "").replace("\u2019", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) <= 80:
        return slug
    cut = slug[:81].rsplit("-", 1)[0].strip("-")  # and not after a small word: '...-for'
    return re.sub(r"(?:-(?:a|an|and|at|by|for|from|in|of|on|or|the|to|with))+$", "", cut)


def closest(word: str, choices, cutoff: float = 0.6) -> str | None:
    """The choice a word most likely meant, or None when none is near."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=cutoff)
    return match[0] if match else None


def near_miss(word: str, choices, cutoff: float = 0.6) -> str:
    """" (did you mean 'x'?)" for a near miss, else ""."""
    match = closest(word, choices, cutoff)
    return f" (did you mean '{match}'?)" if match else ""


class Problems:
    """Collects the problems of one file while it is checked."""

    def __init__(self, rel: str):
        self.rel = rel
        self.problems: list[Problem] = []
        self.present: set[str] = set()  # keys written, even those whose value failed to load

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, "error", message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, "warning", message))


def decode(raw: bytes, r: Problems) -> str:
    """The file's text; bytes that are not UTF-8 are an error in `r`, read as U+FFFD."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        r.error(
            line,
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} cannot be "
            "decoded; save the file with UTF-8 encoding",
        )
        text = raw.decode("utf-8", errors="replace")  # read on, so every other mistake shows
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_as(value, written: str | None = None) -> str:
    """Why YAML made a value what it is, when it was meant as text: ' (YAML reads 1984 as a
    number: put it in quotes, "1984")'; '' when the value is text or empty. `written` is the
    value as the file has it (NO, not False)."""
    kinds = ((bool, "yes or no"), (int, "a number"), (float, "a number"), (dt.date, "a date"))
    kind = next((name for t, name in kinds if isinstance(value, t)), None)
    if kind is None:
        return ""
    shown = written if written is not None else value
    return f" (YAML reads {shown} as {kind}: put it in quotes, \"{shown}\")"


def yaml_line(node, offset: int = FM_OFFSET) -> int:
    """The file line of a YAML node (marks count from 0, and the front matter starts on line 2)."""
    return node.start_mark.line + offset


def why_no_such_date(year: int, month: int, day: int) -> str:
    """Why a year, month and day written as numbers are no date: 'there is no month 13',
    'February 2010 has 28 days'."""
    if not year:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if day < 1:
        return f"there is no day {day}"
    return f"{calendar.month_name[month]} {year} has {calendar.monthrange(year, month)[1]} days"
