"""An entry's dates (published, updated, review_by, withdrawn): read as year-month-day, with
the date meant when they are written another common way ('2 Dec 2008', '02/12/2008', '1st
February 2019'), and checked against each other and today. `published` may be a year or a year and
month (2017, 2017-03) when the source gives no more: it then stands for the first day of that
period, and pages show no more than the source gives. date_parts reads a date as people type
it ('April 2010', '1-Apr-2010', '04/2010'), for the fixes kb check names and the search's
From and To."""

from __future__ import annotations

import datetime as dt
import re

from kb.entry import Problems, why_no_such_date

PRECISION = {4: "year", 7: "month", 10: "day"}  # by the length of the date as written
PARTIAL = re.compile(r"\d{4}(?:-\d{1,2})?")


def read_dates(r: Problems, fields) -> tuple[dt.date | None, str, dict[str, dt.date | None]]:
    """(published, its precision, {updated, review_by, withdrawn}), each checked, and checked
    against each other."""
    published, precision = _partial(r, fields) or (_date(r, fields, "published"), "day")
    others = {key: _date(r, fields, key) for key in ("updated", "review_by", "withdrawn")}
    # a date written another way is compared as meant: every mistake is told at once
    seen = {key: value or _meant(fields, key) for key, value in (
        ("published", published), *others.items())}
    for key in others:
        if seen[key] and seen["published"] and seen[key] < seen["published"]:
            r.error(fields[key][0], f"'{key}' ({seen[key]}) is before 'published' "
                                    f"({seen['published']})")
    for key in ("published", "updated", "withdrawn"):
        if (value := seen[key]) and value > dt.date.today():
            what = "the day the example was withdrawn" if key == "withdrawn" else \
                "the date the source was published or changed"
            r.error(fields[key][0], f"'{key}' ({value}) is after today: it is {what}; check "
                                   "the year")
    _withdrawn_with_reason(r, fields)
    return published, precision, others


def _withdrawn_with_reason(r: Problems, fields) -> None:
    """'withdrawn' and 'withdrawn_reason' go together: the page says when and why."""
    if "withdrawn" in fields and "withdrawn_reason" not in fields:
        r.error(fields["withdrawn"][0], "'withdrawn' needs 'withdrawn_reason' beside it: why "
                                        "the example no longer stands, and what to read instead")
    elif "withdrawn_reason" in fields and "withdrawn" not in fields:
        r.error(fields["withdrawn_reason"][0], "'withdrawn_reason' goes with 'withdrawn', the "
                                               "day it was withdrawn: add withdrawn: YYYY-MM-DD")


def _meant(fields, key: str) -> dt.date | None:
    """The date a field written another way means ('31/12/2010'), for comparing it."""
    if key not in fields or not isinstance(fields[key][2], str):
        return None
    meant = _as_date(fields[key][2])
    return meant if isinstance(meant, dt.date) else None


def _partial(r: Problems, fields) -> tuple[dt.date | None, str] | None:
    """`published` written as a year or a year and month: its first day and its precision."""
    line, _, value = fields.get("published", (0, None, None))
    text = f"{value:04d}" if isinstance(value, int) and not isinstance(value, bool) and \
        0 <= value < 1000 else str(value).strip() if isinstance(value, (int, str)) else ""
    if not PARTIAL.fullmatch(text):
        return None
    year, month = int(text[:4]), int(text[5:] or 1)
    if year < 1000:
        r.error(line, f"'published': {year} is no year a source was published in: write the "
                      "year the source gives, four digits")
        return None, "day"
    if not 1 <= month <= 12:
        r.error(line, f"'published': '{text}' is not a real month (months run 01 to 12)"
                      + (financial_year_hint(text) or ": write the date the source gives"))
        return None, "day"
    if len(text) == 6:  # '2017-3'
        r.error(line, f"'published': write the month with two digits: published: "
                      f"{year:04d}-{month:02d}")
        return None, "day"
    return dt.date(year, month, 1), PRECISION[len(text)]


def _date(r: Problems, fields, key: str) -> dt.date | None:
    if key not in fields:
        return None
    line, _, value = fields[key]
    if isinstance(value, dt.datetime):
        r.error(line, f"'{key}' must be a date without a time: write {key}: {value.date()}")
        return None
    if isinstance(value, dt.date):
        return _a_year_of_sources(r, line, key, value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return _a_year_of_sources(r, line, key, dt.date.fromisoformat(value.strip()))
        except ValueError:
            why = why_no_such_date(*map(int, value.strip().split("-")))
            r.error(line, f"'{key}': '{value}' is not a real date ({why}): write the date the "
                          "source gives")
            return None
    if value is None:
        what = "the day it was withdrawn" if key == "withdrawn" else "the date the source gives"
        r.error(line, f"'{key}' is empty: write {what}, year-month-day, as {key}: YYYY-MM-DD")
        return None
    meant = meant_date(value) if key == "published" else _as_date(value)
    meant = meant.isoformat() if isinstance(meant, dt.date) else meant
    hint = f": write {key}: {meant}" if meant else _hint(key, str(value))
    partial = ", or YYYY-MM or YYYY when the source gives no more" if key == "published" else ""
    r.error(line, f"'{key}' must be a date written year-month-day (YYYY-MM-DD"
                  f"{'' if meant and len(meant) == 10 else partial}); got '{value}'{hint}")
    return None


def _hint(key: str, value: str) -> str:
    """What to write instead of a financial year or words ('next year'): review_by is the
    editors' own choice of day; the others are a source's date, for the source to say."""
    if key == "review_by":
        a_year = dt.date.today() + dt.timedelta(days=365)
        return f": write the day to look at it again, like review_by: {a_year} (a year from today)"
    return financial_year_hint(value) or (
        ": write the date the source shows, or its year or month" if key == "published" else "")


def financial_year_hint(value: str) -> str:
    """': 2019/20 is a financial year (...), not a date; ...', or '' for anything else
    ('2019-20' too: no month 20; '2011-12' is December 2011)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}", value) and int(value[5:]) > 12:
        value = value.replace("-", "/")
    if (first := financial_year(value)) is None:
        return ""
    return (f": {value.strip()} is a financial year (1 April {first} to 31 March {first + 1}), "
            "not a date; write the date the source shows, or its year or month")


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d",
                 "%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def _a_year_of_sources(r: Problems, line: int, key: str, day: dt.date) -> dt.date | None:
    if day.year >= 1000:
        return day
    r.error(line, f"'{key}': {day.year} is no year a source was published in: write the year "
                  "the source gives, four digits")
    return None


def meant_date(value) -> str | None:
    """What a date written another common way means, as precise as written: '2 Dec 2008' ->
    '2008-12-02'; 'March 2017', 'Mar 2017' and '2017-3' -> '2017-03'; or None."""
    day = _as_date(value)
    if day:
        return day.isoformat()
    parts = date_parts(" ".join(str(value).split()))
    if parts is None or parts[1] is None or parts[2] is not None or not 1 <= parts[1] <= 12:
        return None
    return f"{parts[0]:04d}-{parts[1]:02d}"


MONTHS = {name: n for n in range(1, 13)
          for name in (f"{dt.date(2000, n, 1):%B}".lower(), f"{dt.date(2000, n, 1):%b}".lower())}
MONTHS["sept"] = 9


_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(rf"(?:{_ORDINAL}[\s-]+)?([a-z]+)\.?,?[\s-]+(\d{{4}})", re.I)
_MONTH_DAY_YEAR = re.compile(rf"([a-z]+)\.?\s+{_ORDINAL},?\s+(\d{{4}})", re.I)  # 'Apr 1, 2010'


def period_end(first: dt.date, precision: str) -> dt.date:
    """The last day of the year or month (PRECISION's words) a date stands for; a day's is
    itself."""
    if precision == "year":
        return first.replace(month=12, day=31)
    if precision == "month":
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    return first


def date_parts(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a date as typed, the month and day None when not given: 2010,
    2010-04, 2010-04-01, 1/4/2010, 04/2010, 1 April 2010, 1st Apr 2010, 1-Apr-2010, Apr 1,
    2010."""
    value = value.rstrip(".")
    if found := re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value):
        return tuple(int(p) if p else None for p in found.groups())
    if found := re.fullmatch(r"(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})", value):
        return tuple(int(p) if p else None for p in found.groups()[::-1])
    if (found := _DAY_MONTH_YEAR.fullmatch(value)) and found[2].lower() in MONTHS:
        return int(found[3]), MONTHS[found[2].lower()], int(found[1]) if found[1] else None
    if (found := _MONTH_DAY_YEAR.fullmatch(value)) and found[1].lower() in MONTHS:
        return int(found[3]), MONTHS[found[1].lower()], int(found[2])
    return None


# a financial year: 2019/20, 2019/2020, 2019–20, 2019-2020 (but 2011-12 is December 2011)
FINANCIAL_YEAR = re.compile(r"(?:FY\s*)?(\d{4})\s*(?:[/\u2013]\s*|-(?=\d{4}))(\d{2}|\d{4})",
                            re.IGNORECASE)


def financial_year(value: str) -> int | None:
    """The year a financial year written so starts in (1 April): '2019/20' -> 2019."""
    found = FINANCIAL_YEAR.fullmatch(value.strip())
    first = int(found[1]) if found else None
    return first if found and int(found[2]) % 100 == (first + 1) % 100 else None


def _as_date(value) -> dt.date | None:
    """The date a value in another common format means (UK day-first), or None."""
    text = " ".join(str(value).split()).replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text)  # '1st February 2019'
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def check_precision(r: Problems, fields, published: dt.date | None, precision: str,
                    sources) -> None:
    """A warning when `published` gives a day that its sources do not: it is the first day of
    a year or month that a source gives alone, and no source gives the day itself."""
    if not published or precision != "day" or published.day != 1:
        return
    day = published.isoformat()
    dates = [s.date for s in sources if s.date]
    periods = [d for d in dates if d in (day[:4] if published.month == 1 else "", day[:7])]
    if periods and day not in dates:
        period = max(periods, key=len)
        r.warning(fields["published"][0], f"'published' is {day}, but its source gives only "
                                          f"'{period}': write published: {period}, so pages do "
                                          "not show a day the source does not give")
