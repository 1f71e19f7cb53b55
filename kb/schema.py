"""The index's fields, and an entry as the index stores it: its record (everything a page
needs, so pages never read the files), the light record kept in memory for results, facets and
feeds, and the Whoosh document that is searched."""

from __future__ import annotations

import datetime as dt
import json
import re

from whoosh.analysis import StandardAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from kb.analysis import make_analyzer, make_pairs_analyzer
from kb.entry import Entry
from kb.render import render_markdown, render_note
from kb.taxonomy import FACETS, FIELD

SCHEMA_VERSION = 26  # raise it when the fields or what they hold change: forces a full build
# The metadata kept in memory for every entry (results, facets, feeds); the rest stays on disk.
LIGHT_KEYS = ("slug", "path", "title", "summary", *FIELD.values(), "organisations", "published",
              "published_precision", "updated", "review_by", "aliases", "withdrawn")


def make_schema() -> Schema:
    """The one place the index's fields are defined."""
    words = make_analyzer()
    # No positions: phrases and nearness are matched through `pairs`, which is smaller and
    # quicker to read than positions.
    return Schema(
        slug=ID(stored=True, unique=True, sortable=True),
        aliases=KEYWORD(stored=True),
        title=TEXT(analyzer=words, stored=True, field_boost=3.0, phrase=False),
        title_sort=ID(sortable=True),
        summary=TEXT(analyzer=words, stored=True, field_boost=2.0, phrase=False),
        body=TEXT(analyzer=words, stored=True, phrase=False),
        organisations=TEXT(analyzer=words, field_boost=2.0, phrase=False),
        pairs=TEXT(analyzer=make_pairs_analyzer(), phrase=False),  # neighbouring terms
        spell=TEXT(analyzer=StandardAnalyzer(stoplist=None), spelling=True, phrase=False),
        principles=KEYWORD(stored=True),
        sectors=KEYWORD(stored=True),
        stages=KEYWORD(stored=True),
        regions=KEYWORD(stored=True),
        published=DATETIME(stored=True, sortable=True),
        data=STORED,  # JSON: everything a page needs, so pages never re-read the files
    )


def entry_record(entry: Entry) -> dict:
    """An entry as pages use it: its metadata, rendered HTML, plain text and source."""
    rendered = render_markdown(entry.body)
    return {
        "slug": entry.slug,
        "path": entry.path,
        "title": entry.title,
        "summary": entry.summary,
        **{FIELD[f]: list(getattr(entry, FIELD[f])) for f in FACETS},
        "organisations": list(entry.organisations),
        "published": entry.published.isoformat(),
        "published_precision": entry.published_precision,
        "updated": entry.updated.isoformat() if entry.updated else None,
        "review_by": entry.review_by.isoformat() if entry.review_by else None,
        "aliases": list(entry.aliases),
        "withdrawn": entry.withdrawn.isoformat() if entry.withdrawn else None,
        "withdrawn_reason": entry.withdrawn_reason or None,
        "withdrawn_reason_html": render_note(entry.withdrawn_reason) if entry.withdrawn else None,
        "sources": [{"title": s.title, "url": s.url, "publisher": s.publisher, "date": s.date}
                    for s in entry.sources],
        "headings": [{"level": h.level, "id": h.id, "text": h.text, "kept": list(h.kept)}
                     for h in rendered.headings],
        "html": rendered.html,
        "text": rendered.text,
        "source": entry.text,
    }


def light_record(record: dict) -> dict:
    return {k: record[k] for k in LIGHT_KEYS}


def document(record: dict) -> dict:
    """The Whoosh document of an entry's record. (The vocabulary terms an entry is tagged with
    are matched at query time, from the facets' bitsets: see kb.vocabulary.)"""
    data = json.dumps({k: v for k, v in record.items() if k != "text"}, ensure_ascii=False)
    if record.get("withdrawn"):  # its page stays, but no search, spelling or topic reads it
        record = {**record, "title": "", "summary": "", "organisations": [], "text": ""}
    orgs = " ".join(record["organisations"])
    return {
        "slug": record["slug"],
        "aliases": " ".join(record["aliases"]),
        "title": record["title"],
        "title_sort": record["title"].lower(),
        "summary": record["summary"],
        "body": record["text"],
        "organisations": orgs,
        # Fields, paragraphs and list items end a run of neighbouring words.
        "pairs": " . ".join([record["title"], record["summary"], *record["organisations"],
                             record["text"].replace("\n", " . ")]),
        # Each distinct word once: enough for spelling suggestions, and far fewer postings.
        "spell": " ".join(dict.fromkeys(re.findall(r"\w+", " ".join(
            [record["title"], record["summary"], orgs, record["text"]]).lower()))),
        **{FIELD[f]: " ".join(record[FIELD[f]]) for f in FACETS},
        "published": dt.datetime.fromisoformat(record["published"]),
        "data": data,
    }
