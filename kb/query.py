"""A search as the site's addresses express it: words, filters, dates, sort and page, read from
URL parameters (with clear errors) and written back as the canonical address."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kb.analysis import analyse
from kb.dates import date_parts, financial_year, period_end
from kb.entry import (
    BIDI_CONTROLS,
    CONTROL_CHARACTERS,
    ZERO_WIDTH,
    closest,
    near_miss,
    slugify,
    why_no_such_date,
)
from kb.taxonomy import FACETS, Taxonomy

PAGE_SIZE = 10
SORTS = {"relevance": "Relevance", "newest": "Newest", "oldest": "Oldest",
         "added": "Recently added here", "title": "Title A to Z"}
MAX_QUERY_CHARS = 500
MAX_PAGE = 500
MAX_VALUES_PER_FACET = 20
# A line break Word pastes (vertical tab), a PDF's page break (form feed), and the Unicode line
# and paragraph separators: spaces between words, not control characters to refuse.
SPACE_LIKE = re.compile("[\x0b\x0c\x85\u2028\u2029]")


class QueryError(ValueError):
    """A request the search cannot answer as asked (shown to the user as a 400 page).
    `field`: the parameter at fault ('from', 'sector', 'q'), when one is; `instead`: (the
    value typed, the value it most likely meant, or None when none is near), when known."""

    def __init__(self, message: str, field: str | None = None,
                 instead: tuple[str, str | None] | None = None, swap: bool = False):
        super().__init__(message)
        self.field, self.instead, self.swap = field, instead, swap  # swap: From after To

    def sentence(self) -> str:
        """The message as a sentence, for a page."""
        text = str(self)
        return text[:1].upper() + text[1:] + "."


@dataclass(frozen=True)
class Query:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> term slugs
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    def selected(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())

    def params(self) -> list[tuple[str, str]]:
        """The canonical URL parameters of this query, in a stable order."""
        out = [("q", self.text)] if self.text else []
        for facet in FACETS:
            out += [(facet, v) for v in self.selected(facet)]
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def replace(self, **changes) -> Query:
        values = {**self.__dict__, **changes}
        return Query(**values)

    def toggle(self, facet: str, value: str) -> Query:
        """This query with one facet value added or removed, back on page 1."""
        current = self.selected(facet)
        new = tuple(v for v in current if v != value) if value in current else current + (value,)
        return self.replace(filters={**self.filters, facet: new}, page=1)

    def as_dict(self) -> dict:
        return {
            "q": self.text,
            **{f: list(self.selected(f)) for f in FACETS},
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sort": self.sort,
            "page": self.page,
        }


def _parse_date(name: str, value: str, end: bool) -> dt.date | None:
    """A From or To date: a year, a month or a financial year (its first or last day: 2019/20
    runs from 1 April 2019 to 31 March 2020), or a day written 2010-04-01 or, as in Britain,
    day first: 1/4/2010, 1 April 2010 (or April 2010, Apr 2010). The messages name the field
    as the page labels it."""
    value = value.strip()
    if not value:
        return None
    field_ = f"the {name.capitalize()} date"
    if first_year := financial_year(value):  # 1 April to 31 March
        return dt.date(first_year + 1, 3, 31) if end else dt.date(first_year, 4, 1)
    parts = date_parts(value)
    if parts is None:
        raise QueryError(f"{field_} must be a year, like 2010, a month, like 2010-04 or April "
                         f"2010, a date, like 2010-04-01 or 1/4/2010, or a financial year, "
                         f"like 2010/11; got '{value[:40]}'", name)
    year, month, day = parts
    try:
        if day is None:
            first = dt.date(year, 1 if month is None else month, 1)
            return period_end(first, "year" if month is None else "month") if end else first
        return dt.date(year, month, day)
    except ValueError:
        why = why_no_such_date(year, 1 if month is None else month, 1 if day is None else day)
        if day is None and month == (year + 1) % 100:  # '2019-20'
            why += f"; for the financial year write {year}/{month:02d}"
        raise QueryError(f"{field_} {value} is not a real date: {why}", name) from None


def condensed(text: str) -> str:
    """A text over the limit as the words to search, in order: each word once, the small words
    left out, cut between words at the limit. A pasted report's substance often comes after
    its opening lines."""
    seen, kept, size = set(), [], 0
    for raw in text.split():
        word = raw.strip(".,;:!?()[]'\"‘’“”")  # no quote to make a phrase
        if not analyse(word) or word.lower() in seen:  # small words: we'd, can't, e.g.
            continue
        if size + len(word) > MAX_QUERY_CHARS:
            kept = kept or [word[:MAX_QUERY_CHARS]]  # one word over the limit: its start
            break
        seen.add(word.lower())
        kept.append(word)
        size += len(word) + 1
    return " ".join(kept)


def _unknown_value(facet: str, value: str, taxonomy: Taxonomy) -> QueryError:
    """The error for a filter value no term has, with the term it most likely meant: a near
    miss ('helth': health), or the term it is one of the words for ('kent': south-east)."""
    terms = taxonomy[facet].terms
    meant = next((slug for slug, term in terms.items()
                  if value.lower() in {w.lower() for w in term.words}), None)
    hint = f" ('{value[:60]}' is one of the words for '{meant}')" if meant else ""
    if meant is None:  # a spelling near a term's own name ('helth')
        meant, hint = closest(value, terms), near_miss(value, terms)
    return QueryError(f"unknown {facet} '{value[:60]}'{hint}; known values: "
                      f"{', '.join(terms)}", facet, (value, meant))


def query_from_params(get_all, taxonomy: Taxonomy) -> tuple[Query, bool]:
    """Read a Query from request parameters (`get_all(name) -> list[str]`).

    Returns (query, canonical): canonical is False when an old (aliased) facet value was used
    or the address carries a submitted form's leftovers (empty fields, defaults written out),
    so the caller can redirect to the canonical address. Raises QueryError for bad input.
    """
    texts = get_all("q")
    typed = " ".join(t for t in texts if t)
    # a zero-width space or a direction override pasted with the words; a line or page
    # break from Word or a PDF
    cleaned = SPACE_LIKE.sub(" ", ZERO_WIDTH.sub("", BIDI_CONTROLS.sub("", typed)))
    text = cleaned.strip()
    if len(text) > MAX_QUERY_CHARS:  # a pasted paragraph: its words can be searched
        raise QueryError(f"the search text is {len(text)} characters; the limit is "
                         f"{MAX_QUERY_CHARS}", "q", (text, condensed(text)))
    control = CONTROL_CHARACTERS.search(text)
    if control:
        raise QueryError(f"the search text contains the control character "
                         f"U+{ord(control.group()):04X}; remove it", "q")
    canonical = len(texts) <= 1 and cleaned == typed
    filters = {}
    for facet in FACETS:
        given = [v.strip() for v in get_all(facet) if v.strip()]
        values = list(dict.fromkeys(given))  # a value repeated counts once, and redirects
        canonical &= len(values) == len(given)
        if len(values) > MAX_VALUES_PER_FACET:
            raise QueryError(f"too many '{facet}' values ({len(values)}); the limit is "
                             f"{MAX_VALUES_PER_FACET}", facet)
        slugs = []
        for value in values:
            # an old slug, or one written as its label ('Health', 'Social care'): redirected
            slug = taxonomy[facet].resolve(value) or taxonomy[facet].resolve(slugify(value))
            if slug is None:
                raise _unknown_value(facet, value, taxonomy)
            canonical &= slug == value
            if slug not in slugs:
                slugs.append(slug)
            else:
                canonical = False
        if slugs:
            filters[facet] = tuple(slugs)
    dates = {name: [v for v in get_all(name) if v.strip()] for name in ("from", "to")}
    canonical &= all(len(values) <= 1 for values in dates.values())  # the last one counts
    date_from = _parse_date("from", (dates["from"] or [""])[-1], end=False)
    date_to = _parse_date("to", (dates["to"] or [""])[-1], end=True)
    if date_from and date_to and date_from > date_to:
        raise QueryError("the From date is after the To date; swap them", "to", swap=True)
    sort = (get_all("sort") or ["relevance"])[-1] or "relevance"
    if sort not in SORTS:
        raise QueryError(f"unknown sort '{sort[:40]}'; use one of: {', '.join(SORTS)}", "sort")
    page_text = (get_all("page") or ["1"])[-1] or "1"
    if not re.fullmatch(r"[0-9]{1,6}", page_text) or not 1 <= int(page_text) <= MAX_PAGE:
        raise QueryError(f"'page' must be a whole number from 1 to {MAX_PAGE}", "page")
    query = Query(text, filters, date_from, date_to, sort, int(page_text))
    canonical &= len(get_all("sort")) <= 1 and len(get_all("page")) <= 1  # the last counts
    return query, canonical and not _form_leftovers(get_all)


def _form_leftovers(get_all) -> bool:
    """Whether the address carries what the search form submits but a shared link does not
    need: empty fields (from=&to=) or the default order written out (sort=relevance)."""
    for name in ("q", *FACETS, "from", "to", "sort", "page"):
        if any(not value.strip() for value in get_all(name)):
            return True
    return get_all("sort") == ["relevance"]


PARAMETERS = ("q", *FACETS, "from", "to", "sort", "page")
ALSO_CALLED = {"query": "q", "search": "q", "keywords": "q", "sort_by": "sort", "order": "sort",
               "date_from": "from", "date_to": "to", "start": "from", "end": "to"}


def meant_parameter(name: str) -> str | None:
    """The search parameter a name not the search's most likely meant: the same but for its
    case or a plural ('Sector', 'sectors'), two letters swapped ('form'), or another site's
    name for it ('query', 'sort_by'); None for the rest ('utm_source', 'tag', 'age')."""
    low = name.lower()
    for known in PARAMETERS:
        swapped = len(low) == len(known) > 2 and sorted(low) == sorted(known) and [
            n for n, (a, b) in enumerate(zip(low, known, strict=True)) if a != b] in (
            [n, n + 1] for n in range(len(low) - 1))
        if low in (known, known + "s") or swapped:
            return known
    return ALSO_CALLED.get(low)


def misnamed(params: list[tuple[str, str]], strict: bool = False) -> list[dict]:
    """The parameters a search does not use that most likely meant one it does
    (meant_parameter), [{name, meant}]: it ran without them, which a reader or a script
    would not otherwise know. With `strict` (a feed or a download, which has no notes), a
    QueryError instead."""
    wrong = [{"name": name[:40], "meant": meant} for name in dict.fromkeys(k for k, _ in params)
             if name not in PARAMETERS and (meant := meant_parameter(name))]
    if wrong and strict:
        raise QueryError(f"‘{wrong[0]['name']}’ is not a search parameter: write "
                         f"‘{wrong[0]['meant']}’")
    return wrong


def unused_note(unused: dict) -> str:
    """The note for a parameter misnamed() found."""
    return (f"‘{unused['name']}’ is not a search parameter, so this search did not use it: "
            f"did you mean ‘{unused['meant']}’?")
