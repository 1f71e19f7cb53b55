"""An entry's dates (published, updated, review_by): read as year-month-day, with the date
meant when they are written another common way ('2 Dec 2008', '02/12/2008', '1st February
2019'), and checked against each other and today."""

from __future__ import annotations

import datetime as dt
import re

from kb.entry import Problems, why_no_such_date


def read_dates(r: Problems, fields) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(published, updated, review_by), each checked, and checked against each other."""
    published = _date(r, fields, "published")
    updated = _date(r, fields, "updated")
    review_by = _date(r, fields, "review_by")
    for key, value in (("updated", updated), ("review_by", review_by)):
        if value and published and value < published:
            r.error(fields[key][0], f"'{key}' ({value}) is before 'published' ({published})")
    for key, value in (("published", published), ("updated", updated)):
        if value and value > dt.date.today():
            r.error(fields[key][0], f"'{key}' ({value}) is after today: it is the date the "
                                   "source was published or changed; check the year")
    return published, updated, review_by


def _date(r: Problems, fields, key: str) -> dt.date | None:
    if key not in fields:
        return None
    line, _, value = fields[key]
    if isinstance(value, dt.datetime):
        r.error(line, f"'{key}' must be a date without a time: write {key}: {value.date()}")
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            why = why_no_such_date(*map(int, value.strip().split("-")))
            r.error(line, f"'{key}': '{value}' is not a real date ({why}): write the date the "
                          "source gives")
            return None
    if value is None:
        r.error(line, f"'{key}' is empty: write the date the source gives, year-month-day, as "
                      f"{key}: YYYY-MM-DD")
        return None
    meant = _as_date(value)
    hint = f": write {key}: {meant.isoformat()}" if meant else ""
    r.error(line, f"'{key}' must be a date written year-month-day (YYYY-MM-DD); got "
                  f"'{value}'{hint}")
    return None


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d",
                 "%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


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
