"""Layered fixtures: entries folder -> built index -> app -> live HTTP server.

Everything is real: entries are files on disk, the index is a Whoosh index on disk, and the
server is waitress on a free loopback port. Tests use the test entries and vocabularies in
tests/data/entries, never the bundled content in entries/: staff adding, editing or removing an
entry never changes whether the tests pass.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes
from wsgiref.util import setup_testing_defaults

import pytest
import waitress

from kb.build import build
from kb.web import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "data" / "entries"  # test entries and vocabularies


def write_entry(folder: Path, slug: str, front: str, body: str | None = None) -> Path:
    """Write entries/<slug>.md from a front-matter block (without the --- lines)."""
    if body is None:
        body = "## What they did\n\nSomething useful.\n\n## Learning points\n\n- A lesson.\n"
    path = folder / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{textwrap.dedent(front).strip()}\n---\n{body}", encoding="utf-8")
    return path


VALID = """
title: A valid entry
summary: A short summary of the entry.
principles: [partnership-working]
sectors: [health]
published: 2009-01-05
sources:
  - title: A report on the test entry
    url: https://example.org/report
    publisher: Northfield District Council
    date: 2009-01-05
"""


@pytest.fixture
def entries_dir(tmp_path) -> Path:
    """An empty entries folder with the test vocabularies."""
    folder = tmp_path / "entries"
    folder.mkdir()
    shutil.copy(FIXTURES / "taxonomy.yaml", folder / "taxonomy.yaml")
    return folder


@pytest.fixture(scope="session")
def fixtures_copy(tmp_path_factory) -> Path:
    """A copy of the test entries, so no test can change the originals."""
    folder = tmp_path_factory.mktemp("fixtures") / "entries"
    shutil.copytree(FIXTURES, folder)
    return folder


@pytest.fixture(scope="session")
def index_dir(fixtures_copy, tmp_path_factory) -> Path:
    """An index of the test entries."""
    index = tmp_path_factory.mktemp("index") / "ix"
    build(fixtures_copy, index)
    return index


@pytest.fixture(scope="session")
def app(index_dir):
    return create_app(index_dir, base_url="https://example.test")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    def json(self):
        return json.loads(self.body)


class Client:
    """A tiny HTTP client for a server on loopback (no redirects followed)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port

    def get(self, path: str, timeout: float = 10) -> Response:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read().decode("utf-8", "replace")
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
        finally:
            conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_in_thread(app):
    """Start waitress on a free loopback port; returns (server, base_url)."""
    server = waitress.create_server(app, host="127.0.0.1", port=free_port(), threads=4)

    def run():
        try:
            server.run()
        except (OSError, ValueError):  # the loop notices its sockets closed at teardown
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture(scope="session")
def live_server(app):
    server, url = serve_in_thread(app)
    yield url
    server.close()


@pytest.fixture(scope="session")
def http_client(live_server) -> Client:
    """A client of the app over real HTTP (waitress on loopback)."""
    host, port = live_server.removeprefix("http://").split(":")
    return Client(host, int(port))


class WsgiClient:
    """Calls the WSGI app in process: the same requests and responses as over HTTP, without
    a socket (most view tests; the HTTP stack has its own tests)."""

    def __init__(self, app):
        self.app = app

    def get(self, path: str, timeout: float = 10) -> Response:
        base, _, query = path.partition("?")
        # As a server passes it (PEP 3333): the path percent-decoded, its bytes as latin-1.
        environ = {"REQUEST_METHOD": "GET", "QUERY_STRING": query,
                   "PATH_INFO": unquote_to_bytes(base).decode("latin-1")}
        setup_testing_defaults(environ)
        environ["HTTP_HOST"] = "127.0.0.1"
        started: list = []
        chunks = self.app(environ, lambda status, headers, exc_info=None: started.append(
            (status, headers)))
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        status, headers = started[0]
        return Response(int(status.split()[0]), {k.lower(): v for k, v in headers},
                        body.decode("utf-8", "replace"))


@pytest.fixture(scope="session")
def client(app) -> WsgiClient:
    return WsgiClient(app)
