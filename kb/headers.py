"""The headers every response carries: security (what a page may load and who may frame it),
sharing (scripts on other sites may read the data views) and conditional requests (whether a
client's copy is still current)."""

from __future__ import annotations

import email.utils
import re

import bottle

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
DATA_VIEWS = (".json", ".atom", ".csv", ".md")  # read-only data other sites may reuse
SHARING = {  # what scripts on other sites may read of a data view, and send to revalidate it
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, ETag, Last-Modified",
}
PREFLIGHT = {**SHARING, "Access-Control-Allow-Methods": "GET, HEAD",
             "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
             "Access-Control-Max-Age": "86400"}


def not_modified(headers, etag: str, modified: str) -> bool:
    """Whether a conditional request may get a 304 (RFC 9110): If-None-Match, when sent,
    decides (a list of tags, weak ones as a proxy that compresses makes them, or *); else
    If-Modified-Since, against the page's Last-Modified."""
    match = headers.get("If-None-Match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    try:
        return bool(since) and email.utils.parsedate_to_datetime(since) >= \
            email.utils.parsedate_to_datetime(modified)
    except (TypeError, ValueError):  # an unreadable date: send the page
        return False


def response_headers(embed_origins: str):
    """The after-request hook that sets the security headers: every page refuses to be framed
    except the embeds (/embed/...), which the origins in `embed_origins` may frame. The data
    views (JSON, Atom, CSV, Markdown) may be read by scripts on any site."""
    embed_policy = SECURITY_HEADERS["Content-Security-Policy"].replace(
        "frame-ancestors 'none'", f"frame-ancestors {frame_sources(embed_origins)}")

    def hook() -> None:
        embed = bottle.request.path.startswith("/embed/")
        for name, value in SECURITY_HEADERS.items():
            if name == "Content-Security-Policy" and embed:
                value = embed_policy
            elif name == "X-Frame-Options" and embed:
                continue
            bottle.response.set_header(name, value)
        if bottle.request.path.endswith(DATA_VIEWS):
            for name, value in SHARING.items():
                bottle.response.set_header(name, value)

    return hook


def preflight():
    """The answer to a browser asking whether another site's script may send a conditional
    request (If-None-Match) for a data view: yes, for GET."""
    return bottle.HTTPResponse(status=204, headers=PREFLIGHT)


def frame_sources(origins: str) -> str:
    """KB_EMBED_ORIGINS as the header's list: origins apart by spaces or commas (as people
    write lists), each a site's address ('https://www.gov.uk') or '*'. Anything else would
    break the header or open it: ValueError naming it, so the server does not start wrong."""
    sources = [o for o in re.split(r"[\s,]+", origins.strip()) if o] or ["*"]
    for source in sources:
        if source != "*" and not re.fullmatch(r"https?://[\w.-]+(?::\d+)?/?", source):
            raise ValueError(f"KB_EMBED_ORIGINS: '{source}' is no site's address; write each "
                             "as https://host (apart by spaces or commas), or * for any site")
    return " ".join(sources)
