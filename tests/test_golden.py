"""Golden copies: the JSON (and CSV and Atom) of a fixed set of pages and searches over the
test entries. A change to what any page says shows up here as a diff; when the change is meant,
refresh the copies with:

    python -m tests.test_golden --update
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = {
    "home": "/index.json",
    "search-empty": "/search.json",
    "search-words": "/search.json?q=hospices+grants",
    "search-concept": "/search.json?q=reporting+burden",
    "search-synonym": "/search.json?q=BAME+groups",
    "search-compound": "/search.json?q=coproduction",
    "search-typo": "/search.json?q=hospcies",
    "search-nonsense": "/search.json?q=qxzvjk+wplmnt",
    "search-syntax": "/search.json?q=%22three-year+grants%22+-hospices",
    "search-boolean": "/search.json?q=(hospices+OR+mediator)+AND+notice",
    "search-filters": "/search.json?q=grants&principle=multi-year-funding&sector=health"
                      "&sector=housing",
    "search-dates-sort": "/search.json?from=2010&to=2014-12-31&sort=oldest",
    "search-title-page-2": "/search.json?sort=title&page=2",
    "search-zero-filtered": "/search.json?q=potholes&sector=housing",
    "entry": "/entries/pct-hospice-grants.json",
    "entry-2": "/entries/co-production-panel.json",
    "principle": "/principles/proportionate-monitoring.json",
    "sector-list": "/sectors.json",
    "coverage": "/coverage.json",
    "about": "/about.json",
    "search-csv": "/search.csv?q=grants",
    "search-atom": "/search.atom?q=grants",
    "feed": "/feed.atom",
}


def normalise(name: str, body: str) -> str:
    """The page as stored: JSON laid out for reading; the citation's access date and the
    feed's build-dependent parts made constant."""
    body = re.sub(r"\(accessed \d{1,2} \w+ \d{4}\)", "(accessed DATE)", body)
    if PAGES[name].split("?")[0].endswith(".json"):
        return json.dumps(json.loads(body), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return body


def fetch_all(client) -> dict[str, str]:
    out = {}
    for name, path in PAGES.items():
        resp = client.get(path)
        assert resp.status == 200, (name, resp.status, resp.body[:200])
        out[name] = normalise(name, resp.body)
    return out


def suffix(name: str) -> str:
    base = PAGES[name].split("?")[0]
    return ".csv" if base.endswith(".csv") else ".atom" if base.endswith(".atom") else ".json"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_equals_its_golden_copy(client, name):
    expected = (GOLDEN / f"{name}{suffix(name)}").read_bytes().decode("utf-8")
    assert normalise(name, client.get(PAGES[name]).body) == expected


def update() -> None:
    """Rewrite the golden copies from the current code (run from the repository root)."""
    from kb.build import build
    from kb.web import create_app
    from tests.conftest import FIXTURES, WsgiClient

    with tempfile.TemporaryDirectory() as tmp:
        entries = Path(tmp) / "entries"
        shutil.copytree(FIXTURES, entries)
        build(entries, Path(tmp) / "ix")
        client = WsgiClient(create_app(Path(tmp) / "ix", base_url="https://example.test"))
        GOLDEN.mkdir(exist_ok=True)
        for name, text in fetch_all(client).items():
            (GOLDEN / f"{name}{suffix(name)}").write_bytes(text.encode("utf-8"))
    print(f"wrote {len(PAGES)} golden copies to {GOLDEN}")


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    update()
