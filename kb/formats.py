"""The data formats other sites reuse: JSON (every page's context), CSV (a search's results)
and Atom (a search's results, the newest entries)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import bottle

from kb.taxonomy import Taxonomy
from kb.wording import human_date

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSV_COLUMNS = ("slug", "title", "summary", "url", "principles", "sectors", "stages", "regions",
               "published", "published_precision", "added")


def to_json(ctx: dict) -> str:
    """Compact: Python's JSON encoder runs in C only without indentation (0.15 ms rather than
    0.5 ms for a results page); browsers and `jq` lay it out for reading."""
    return json.dumps(ctx, ensure_ascii=False, separators=(",", ":"))


def results_csv(results: list[dict], columns: tuple[str, ...] = ()) -> str:
    """One row per result; tags joined with ';'. It starts with the byte order mark
    spreadsheets need to read UTF-8 (£, curly quotes), and a text a spreadsheet would run as a
    formula ('=HYPERLINK(...') is written with a ' before it, as spreadsheets show text.
    `columns`: any after the usual ones."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow((*CSV_COLUMNS, *columns))
    for r in results:
        values = [r.get(c) for c in (*CSV_COLUMNS, *columns)]  # 'added' is None outside Git
        writer.writerow([_as_text(";".join(v) if isinstance(v, list) else "" if v is None
                                  else v) for v in values])
    return "\ufeff" + out.getvalue()


def _as_text(value):
    """A cell a spreadsheet reads as text, never as a formula to run."""
    return "'" + value if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def atom_feed(title: str, items: list[dict], base_url: str, self_url: str,
              taxonomy: Taxonomy, page_url: str, built_on: str) -> str:
    """An Atom feed of entries (as summary cards), updated when its latest entry was (or,
    with none, when the index was built); `page_url` is the web page it follows. An item
    with `here` (Git's dates: added, last changed) is published when it was added here, so a
    reader hears of an example of an old source when it arrives; without, on its source's
    date."""
    items = [{**item, "atom_published": _stamp(item["here"][0] if item.get("here") else
                                               item["published"]),
              "atom_updated": _stamp(item["here"][1] if item.get("here") else
                                     item.get("updated") or item["published"])}
             for item in items]
    stamps = [i["atom_updated"] for i in items] or [_stamp(built_on)]
    return bottle.template("feed.atom.tpl", template_lookup=[str(TEMPLATES)], title=title,
                           items=items, base_url=base_url, self_url=self_url,
                           page_url=page_url, updated=max(stamps, key=_instant),
                           taxonomy=taxonomy, human_date=human_date)


def _stamp(when: str) -> str:
    """A day or a Git timestamp as Atom writes dates (RFC 3339)."""
    return when if "T" in when else f"{when}T00:00:00Z"


def _instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
