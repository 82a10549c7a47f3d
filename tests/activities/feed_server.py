"""A real HTTP server on 127.0.0.1 for the feed tests, serving `tests/fixtures/feeds/` and the
misbehaviours feeds meet in the wild. Import `feed_server_fixture` / `local_feeds_fixture`
into a test module to use the fixtures `feed_server` and `local_feeds`.

Routes:
  /feeds/<file>[?type=<content type>]  a fixture, with an ETag; 304 when If-None-Match matches
  /doc/<name>                          what the test put in `server.documents[name]`:
                                       (body bytes, content type) or an int status code
  /status/<code>                       an empty response with that status (410, 500, …)
  /redirect?to=<path or URL>[&code=N]  a redirect (302 unless code)
  /chain/<n>                           n redirects in a row, then atom.xml
  /slow                                a feed sent one byte every 0.2 s
  /slow-headers                        response headers sent one byte every 0.05 s, no end
  /stall/<name>                        `server.documents[name]` with its first half sent at
                                       once and the rest only when `server.unstall` is set
  /hang                                accepts the request and never answers
  /huge[?length=0]                     50 MB generated on the fly (with or without length)
Every request is recorded in `server.requests` as (path, headers). `rss(items)` writes a
feed of (guid, title, pubDate or None) items for `server.documents`."""

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
HUGE_BYTES = 50 * 1024 * 1024
CONTENT_TYPES = {".xml": "application/rss+xml", ".html": "text/html; charset=utf-8"}
LAST_MODIFIED = "Wed, 21 Jul 2021 08:00:00 GMT"


def rss(items, title="学会动态"):
    """An RSS 2.0 document (bytes) of (guid, title, pubDate or None) items, in that order."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}']
    parts.append("</title><link>https://www.example.org/</link>")
    for guid, item_title, published in items:
        parts.append(f"<item><title>{escape(item_title)}</title><guid>{escape(guid)}</guid>")
        if published is not None:
            parts.append(f"<pubDate>{escape(published)}</pubDate>")
        parts.append(f"<description>{escape(item_title)}。</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def etag_of(body):
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.server.requests.append((parts.path, dict(self.headers.items())))
        route = parts.path.strip("/").split("/", 1)
        name, rest = route[0].replace("-", "_"), route[1] if len(route) > 1 else ""
        try:
            handler = getattr(self, f"route_{name}", None)
            if handler is None:
                self.send_body(404, b"not found", "text/plain")
            else:
                handler(rest, query)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_body(self, status, body, content_type, headers=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_document(self, body, content_type):
        etag = etag_of(body)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        self.send_body(200, body, content_type, headers)

    def route_feeds(self, rest, query):
        path = FIXTURES / rest
        if not rest or "/" in rest or not path.is_file():
            self.send_body(404, b"no such fixture", "text/plain")
            return
        content_type = query.get("type", CONTENT_TYPES.get(path.suffix, "text/plain"))
        self.send_document(path.read_bytes(), content_type)

    def route_doc(self, rest, query):
        document = self.server.documents.get(rest)
        if document is None:
            self.send_body(404, b"no such document", "text/plain")
        elif isinstance(document, int):
            self.send_body(document, b"", "text/plain")
        else:
            self.send_document(*document)

    def route_status(self, rest, query):
        self.send_body(int(rest), b"", "text/plain")

    def route_redirect(self, rest, query):
        self.send_response(int(query.get("code", "302")))
        self.send_header("Location", query["to"])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_chain(self, rest, query):
        hops = int(rest)
        location = f"/chain/{hops - 1}" if hops > 1 else "/feeds/atom.xml"
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_slow(self, rest, query):
        body = (FIXTURES / "rss2.xml").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for index in range(len(body)):
            self.wfile.write(body[index : index + 1])
            self.wfile.flush()
            time.sleep(0.2)
            if self.server.closing.is_set():
                return

    def route_slow_headers(self, rest, query):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: "
        index = 0
        while not self.server.closing.is_set():
            self.wfile.write(head[index : index + 1] if index < len(head) else b"x")
            self.wfile.flush()
            index += 1
            time.sleep(0.05)

    def route_stall(self, rest, query):
        body, content_type = self.server.documents[rest]
        half = len(body) // 2
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:half])
        self.wfile.flush()
        self.server.unstall.wait(60)
        self.wfile.write(body[half:])

    def route_hang(self, rest, query):
        self.server.closing.wait(60)

    def route_huge(self, rest, query):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if query.get("length") != "0":
            self.send_header("Content-Length", str(HUGE_BYTES))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<!-- " + b"x" * (64 * 1024 - 9) + b" -->"
        self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        sent = 0
        while sent < HUGE_BYTES and not self.server.closing.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = []
        self.documents = {}
        self.closing = threading.Event()
        self.unstall = threading.Event()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path):
        return self.base + path

    def hits(self, path):
        return sum(1 for requested, _headers in self.requests if requested == path)


@pytest.fixture(scope="session", name="feed_server")
def feed_server_fixture():
    server = FeedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.closing.set()
    server.unstall.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(name="local_feeds")
def local_feeds_fixture(feed_server, settings):
    """The server, with feeds allowed on 127.0.0.1 and limits small enough for fast tests."""
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True
    settings.FEEDS_CONNECT_TIMEOUT = 1
    settings.FEEDS_TOTAL_TIMEOUT = 2
    feed_server.requests.clear()
    feed_server.documents.clear()
    feed_server.unstall.clear()
    return feed_server
