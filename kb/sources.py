"""Where an entry's facts come from: read and check its `sources` list.

A reader must be able to find every source again. A source is a title plus, where it is
online, its web address; the publisher and the date it was published let a reader find it
when the address has moved or the document was never online.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from kb.dates import financial_year_hint, meant_date
from kb.entry import (
    SOURCE_KEYS,
    Problems,
    Source,
    closest,
    invisible_character,
    read_as,
    why_no_such_date,
    yaml_line,
)

SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
EXAMPLE = ("each as '- title: ...' with 'url: ...', 'publisher: ...' and 'date: YYYY-MM-DD' "
           "lines below it")


def plain(value) -> str:
    """A YAML value as a writer would write it (2008-12-02, [a, b]), not as Python shows it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{plain(k)}: {plain(v)}" for k, v in value.items()) + "}"
    return "" if value is None else str(value)


def _not_one_value(r: Problems, line: int, key: str, value) -> bool:
    """True, with an error in `r`, when a source's `key` holds a list or a mapping instead of
    one value ('date: [2008-12-02]'); the fix names the value to write."""
    if isinstance(value, list):
        first = plain(value[0]) if value else "..."
        more = (f"; a second {key} belongs to a second source (another '- title:' item)"
                if len(value) > 1 else "")
        r.error(line, f"source {key} is a list, {plain(value)}: write one value, not a list, "
                      f"without the square brackets: {key}: {first}{more}")
        return True
    if isinstance(value, dict):
        r.error(line, f"source {key} '{plain(value)}' is not one value: write the value "
                      "alone; if it has braces or ': ' in it, put it in quotes")
        return True
    return False


def _date(r: Problems, line: int, value) -> str | None:
    """A source's date as written: YYYY-MM-DD, or YYYY-MM or YYYY when only those are known."""
    if value is None or _not_one_value(r, line, "date", value):
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    if not SOURCE_DATE.match(text):
        meant = meant_date(value)
        r.error(line, f"source date '{plain(value)}' must be YYYY-MM-DD (or YYYY-MM, or YYYY "
                      "when the source gives only that)" + (f": write date: {meant}" if meant
                                                            else financial_year_hint(text) or
                                                            ": write the date the source shows, "
                                                            "or its year or month"))
        return None
    try:
        day = dt.date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
    except ValueError:
        parts = [int(n) for n in (text + "-01-01").split("-")[:3]]
        r.error(line, f"source date '{text}' is not a real date ({why_no_such_date(*parts)})"
                      + (financial_year_hint(text) or ": check it against the source"))
        return None
    if day.year < 1000:
        r.error(line, f"source date '{text}' is no year a source was published in: write the "
                      "year it gives, four digits")
        return None
    if day > dt.date.today():
        r.error(line, f"source date '{text}' is after today: it is the date the source was "
                      "published; check it against the source")
        return None
    return text


def _url(r: Problems, line: int, value) -> str | None:
    """A source's web address, or None with an error in `r` saying how to write it."""
    if value is None or _not_one_value(r, line, "url", value):
        return None
    text = plain(value)
    parts = _split(text)
    hidden = invisible_character(text)
    if parts is None:  # e.g. 'http://[example.org': a bracket no address has there
        problem = "is not a web address a browser can open: copy it again from the browser"
    elif hidden:
        at, what = hidden
        where = f"after '{text[max(0, at - 30):at]}'" if at else "at its start"
        problem = (f"has {what} in it, {where}: it cannot be seen, but it breaks the link: "
                   "delete it, or copy the address again from the browser")
    elif parts.scheme not in ("http", "https"):
        problem = "must start with http:// or https://" + (
            f": write https://{text}" if not parts.scheme and "." in text.split("/")[0] else "")
    elif not parts.hostname:
        problem = f"has no site name after {parts.scheme}://"
    elif any(c.isspace() for c in text):
        problem = "has a space in it: copy the address again from the browser"
    elif not _port_ok(parts):
        problem = "has an impossible port number"
    elif "." not in parts.hostname or parts.hostname.startswith("127.") or \
            parts.hostname == "0.0.0.0":  # localhost, http://intranet/, ::1
        problem = ("only works on your computer or your organisation's network: link to "
                   "the published copy of the document")
    elif parts.hostname.removeprefix("www.") in SAMPLE_SITES and parts.path in ("", "/"):
        problem = ("is the template's sample address: write the address of the source "
                   "itself, or delete the line")
    else:
        return text
    r.error(line, f"source url '{text}' {problem}")
    return None


def _split(text: str):
    """The parts of an address (urlsplit's), or None when it cannot be split."""
    try:
        return urlsplit(text)
    except ValueError:
        return None


def _port_ok(parts) -> bool:
    try:
        return parts.port is None or parts.port > 0  # reading it checks it
    except ValueError:
        return False


# Words editors use for a source's keys
SAMPLE_SITES = ("example.org", "example.com", "example.net")  # reserved (RFC 2606)
SAMPLE_PUBLISHER = "Example Council"  # the new-entry template's, never a source's
MEANT_KEYS = {"link": "url", "href": "url", "address": "url", "web": "url", "website": "url",
              "author": "publisher", "organisation": "publisher", "organization": "publisher",
              "source": "publisher", "published": "date", "name": "title"}


def _source(r: Problems, item_node, item) -> Source | None:
    line = yaml_line(item_node)
    if not isinstance(item, dict):
        r.error(line, f"each source must be 'title: ...' with 'url', 'publisher' and 'date'; "
                      f"{EXAMPLE}")
        return None
    # each problem is reported on the line of its key
    at = {key.value: yaml_line(key) for key, _ in item_node.value if isinstance(key.value, str)}
    misspelt = set()
    for key in item:
        if key not in SOURCE_KEYS:
            meant = MEANT_KEYS.get(str(key).lower()) or closest(str(key), SOURCE_KEYS)
            misspelt.add(meant)
            hint = f" (did you mean '{meant}'?)" if meant else ""
            r.error(at.get(key, line), f"source has unknown key '{key}'{hint}; a source's keys "
                                       f"are {', '.join(SOURCE_KEYS)}")
    title = item.get("title")
    if "title" in misspelt and "title" not in item:  # 'titel:' is one mistake, said above
        title = None
    elif _not_one_value(r, at.get("title", line), "title", title):
        title = None
    elif not isinstance(title, str) or not title.strip():
        r.error(line, "each source needs a 'title'" + read_as(title) + ": the document's name "
                      "as it gives it, e.g. - title: Annual report 2008-09")
        title = None
    publisher = item.get("publisher")  # checked with or without a title: every mistake
    if _not_one_value(r, at.get("publisher", line), "publisher", publisher):
        publisher = None
    elif ("publisher" in item and publisher is None) or (
            publisher is not None and (not isinstance(publisher, str) or not publisher.strip())):
        r.error(at.get("publisher", line),
                "source 'publisher' must be the name of the body that published it")
        publisher = None
    elif publisher == SAMPLE_PUBLISHER:
        r.error(at.get("publisher", line), f"'{publisher}' is the template's sample publisher: "
                                           "write who published the source")
    url = _url(r, at.get("url", line), item.get("url"))
    date = _date(r, at.get("date", line), item.get("date"))
    if title is None:
        return None
    return Source(" ".join(title.split()), url, " ".join(publisher.split()) if publisher else None,
                  date)


def read_sources(r: Problems, fields) -> tuple[Source, ...]:
    """The entry's sources; errors for malformed ones, warnings when a reader could not find
    them again (no source at all, no web address and no publisher, no date)."""
    if "sources" not in fields:
        if "sources" in r.present:  # there, but unreadable: its error says why
            return ()
        r.warning(1, f"no 'sources': add a 'sources:' list saying where the facts come from, "
                    f"{EXAMPLE}")
        return ()
    line, node, value = fields["sources"]
    if not isinstance(value, list) or not value:
        r.error(line, f"'sources' must be a list of '- title: ...' items; {EXAMPLE}")
        return ()
    out = []
    for item_node, item in zip(node.value, value, strict=True):
        source = _source(r, item_node, item)
        if source is None:
            continue
        out.append(source)
        where = yaml_line(item_node)
        if not source.url and not source.publisher and "url" not in item:  # a bad url: said
            r.warning(where, f"source '{source.title}' has neither a 'url' nor a 'publisher'; "
                             "add the web address, or for a printed document the publisher")
        if not source.date and item.get("date") is None:  # a malformed one is an error
            r.warning(where, f"source '{source.title}' has no 'date': add the date it was "
                             "published, YYYY-MM-DD (or YYYY-MM or YYYY if it gives no more)")
    return tuple(out)
