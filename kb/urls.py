"""The site's addresses, built one way everywhere: a search's canonical address, an entry's,
a vocabulary term's page and its filtered search."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote_plus

from kb.query import PARAMETERS, Query
from kb.taxonomy import FIELD


@lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    return quote_plus(value)


def search_url(query: Query, path: str = "/search") -> str:
    """The canonical address of a search (as urlencode writes it). A results page holds fifty
    of these, most repeating the same words, so each value is quoted once."""
    params = query.params()
    return path + "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params) if params \
        else path


def keeping_others(url: str, params: list[tuple[str, str]]) -> str:
    """A search's address with the request's parameters that are not the search's, as they
    came ('utm_source', a mistyped 'sectors'): a redirect to it loses nothing of the link."""
    others = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params if k not in PARAMETERS)
    return url + ("&" if "?" in url else "?") + others if others else url


def json_twin(url: str) -> str:
    """A page's address as its .json twin's: '/search?q=x&page=2' -> '/search.json?q=x&page=2'."""
    path, mark, query = url.partition("?")
    return f"{path.rstrip('/') or '/index'}.json{mark}{query}"


def entry_url(slug: str) -> str:
    return f"/entries/{slug}"


def term_page_url(facet: str, slug: str) -> str:
    """A vocabulary term's own page: its description and its entries."""
    return f"/{FIELD[facet]}/{slug}"


def term_url(facet: str, slug: str) -> str:
    """The search for every entry tagged with a term."""
    return search_url(Query(filters={facet: (slug,)}))


def revision_url(slug: str, commit: str) -> str:
    """An entry as it was at a commit: the permanent link to the version a reader cited
    (twelve characters of the commit id stay unique for years of commits)."""
    return f"/entries/{slug}/at/{commit[:12]}"


_SITE_PATH = re.compile(r"(?<![\w/.:])/[a-z0-9][\w/.?=&+%-]*[\w/]")


def linked_paths(text: str) -> str:
    """HTML of a plain message, escaped, with each of the site's addresses in it ('See all
    of them at /principles.') made a link. (Only for messages that quote nothing typed.)"""
    out, at = [], 0
    for m in _SITE_PATH.finditer(text):
        address = html.escape(m.group(0))
        out += [html.escape(text[at:m.start()]), f'<a href="{address}">{address}</a>']
        at = m.end()
    return "".join(out) + html.escape(text[at:])
