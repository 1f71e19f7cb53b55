"""Hostile input against every route, HTML and JSON: never a 500, never slow, never unescaped.

The strings are in tests/data/attack-strings.txt. Each is sent as every search parameter and as
the variable part of every path. The slowest answer is written to test-artifacts/ so the
bound can be read off a run.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from pathlib import Path
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.render import render_markdown
from tests.conftest import ROOT

CORPUS = Path(__file__).parent / "data" / "attack-strings.txt"
PARAMS = ["q", "principle", "sector", "stage", "region", "from", "to", "sort", "page"]
QUERY_ROUTES = ["/search", "/search.json", "/search.atom", "/search.csv", "/", "/coverage.json"]
PATH_ROUTES = ["/entries/{}", "/entries/{}.json", "/entries/{}.md", "/principles/{}",
               "/sectors/{}.json", "/static/{}", "/{}", "/{}.json"]
ALLOWED = {200, 301, 400, 404}
TIMEOUT = 2.0


def load_corpus() -> list[str]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("# "):
            continue
        line = re.sub(r"\{(\d+)\*(.+?)\}", lambda m: m.group(2) * int(m.group(1)), line)
        line = (line.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")
                .replace("\\0", "\0"))
        line = re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), line)
        out.append(line)
    return out


ATTACKS = load_corpus()
DANGEROUS = re.compile(r"[<>\"]")
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.I)


def raw_get(port: int, target: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        started = time.perf_counter()
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        return resp.status, dict(resp.getheaders()), body, time.perf_counter() - started
    finally:
        conn.close()


def test_corpus_is_big_enough():
    assert len(ATTACKS) >= 60


def test_every_attack_on_every_route(live_server):
    port = int(live_server.rsplit(":", 1)[1])
    failures, slowest, requests = [], (0.0, ""), 0
    for attack in ATTACKS:
        encoded = quote(attack, safe="")
        targets = [f"{route}?{param}={encoded}" for route in QUERY_ROUTES for param in PARAMS]
        targets += [f"{route}?{encoded}={encoded}" for route in QUERY_ROUTES[:2]]
        targets += [route.format(quote(attack, safe="/%")) for route in PATH_ROUTES]
        for target in targets:
            if any(c in target for c in "\r\n\0 "):  # http.client refuses these; encode them
                target = target.replace("\r", "%0D").replace("\n", "%0A").replace(
                    "\0", "%00").replace(" ", "%20")
            status, headers, body, seconds = raw_get(port, target)
            requests += 1
            slowest = max(slowest, (seconds, target[:80]))
            if status not in ALLOWED:
                failures.append(f"{status} {target[:120]}")
            ctype = headers.get("Content-Type", "")
            if ctype.startswith("text/html") and len(attack) >= 4 and DANGEROUS.search(attack) \
                    and attack in body:
                failures.append(f"unescaped in {target[:120]}")
            if ctype.startswith("text/html") and SCRIPT_URL.search(body):
                failures.append(f"script URL in a link via {target[:120]}")
            if "Set-Cookie" in headers or "evil" in headers.get("Location", ""):
                failures.append(f"header injection via {target[:120]}")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "attacks.json").write_text(json.dumps(
        {"requests": requests, "failures": len(failures), "slowest_seconds": slowest[0],
         "slowest_target": slowest[1]}, indent=2))
    print(f"\n{requests} hostile requests, {len(failures)} failures, slowest "
          f"{slowest[0] * 1000:.0f} ms ({slowest[1]})")
    assert failures == [], failures[:20]


def test_limits_give_a_clear_400(client):
    for path, words in [
        ("/search?q=" + "a" * 501, "limit is 500"),
        ("/search?page=501", "from 1 to 500"),
        ("/search?" + "&".join(f"sector=s{i}" for i in range(21)), "limit is 20"),
        ("/search?" + "&".join(f"x{i}=1" for i in range(101)), "more than 100 parameters"),
    ]:
        resp = client.get(path)
        assert resp.status == 400 and words in resp.body, (path[:40], resp.status)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.lists(
    st.sampled_from(["<script>", "</script>", "[x](javascript:alert(1))", "<a href=x>",
                     "![i](javascript:x)", "<img src=x onerror=alert(1)>", "`", "*", "\n",
                     "[x]: javascript:alert(1)\n[y][x]", "<!-- -->", "&#106;avascript:",
                     "<svg onload=x>", "[a](JAVASCRIPT:x)", "[a](data:text/html,x)"]),
    max_size=20).map("".join))
def test_rendered_markdown_never_has_script_handlers_or_js_urls(text):
    html = render_markdown(text).html
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\son\w+\s*=", html, re.I)
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):""", html, re.I)
