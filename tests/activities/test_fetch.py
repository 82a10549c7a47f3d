"""Downloading feeds: limits, conditional GET, redirects and the rules that keep feed URLs off
the intranet (SSRF), against a real local HTTP server."""

import socket
import time

import pytest

from activities import fetch as fetch_module
from activities.fetch import BlockedAddress, FeedGone, FetchError, FetchTimeout, TooLarge, fetch
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    FIXTURES,
    feed_server_fixture,
    local_feeds_fixture,
)


def test_fetches_a_feed_with_its_validators(local_feeds):
    result = fetch(local_feeds.url("/feeds/rss2.xml"))
    assert result.status_code == 200
    assert result.content == (FIXTURES / "rss2.xml").read_bytes()
    assert result.content_type == "application/rss+xml"
    assert result.etag.startswith('"')
    assert result.last_modified == "Wed, 21 Jul 2021 08:00:00 GMT"
    assert not result.not_modified
    _path, headers = local_feeds.requests[-1]
    assert headers["User-Agent"].startswith("Lianhe feed reader")


def test_conditional_get_gives_not_modified(local_feeds):
    first = fetch(local_feeds.url("/feeds/atom.xml"))
    again = fetch(local_feeds.url("/feeds/atom.xml"), etag=first.etag, last_modified="x")
    assert again.not_modified
    assert again.status_code == 304
    assert again.content == b""
    assert again.etag == first.etag
    _path, headers = local_feeds.requests[-1]
    assert headers["If-None-Match"] == first.etag
    assert headers["If-Modified-Since"] == "x"


def test_410_is_a_distinct_error(local_feeds):
    with pytest.raises(FeedGone) as error:
        fetch(local_feeds.url("/status/410"))
    assert error.value.message == "订阅源已失效（HTTP 410），已停止抓取"
    assert error.value.status_code == 410


@pytest.mark.parametrize("code", [404, 500, 503])
def test_http_errors_name_the_code(local_feeds, code):
    with pytest.raises(FetchError) as error:
        fetch(local_feeds.url(f"/status/{code}"))
    assert error.value.message == f"HTTP {code}"
    assert error.value.status_code == code
    assert not isinstance(error.value, FeedGone)


def test_follows_redirects_and_reports_the_final_url(local_feeds):
    result = fetch(local_feeds.url("/redirect?to=/feeds/atom.xml&code=301"))
    assert result.status_code == 200
    assert result.final_url == local_feeds.url("/feeds/atom.xml")
    assert b"<feed" in result.content


def test_too_many_redirects(local_feeds, settings):
    settings.FEEDS_MAX_REDIRECTS = 2
    assert fetch(local_feeds.url("/chain/2")).status_code == 200
    with pytest.raises(FetchError, match=r"重定向次数过多（超过 2 次）"):
        fetch(local_feeds.url("/chain/3"))


def test_size_cap_refuses_a_declared_50_mb_response_early(local_feeds):
    started = time.monotonic()
    with pytest.raises(TooLarge) as error:
        fetch(local_feeds.url("/huge"))
    assert error.value.message == "响应超过 5 MiB 上限，已停止下载"
    assert time.monotonic() - started < 2


def test_size_cap_stops_an_undeclared_50_mb_stream(local_feeds):
    with pytest.raises(TooLarge, match="响应超过 5 MiB 上限，已停止下载"):
        fetch(local_feeds.url("/huge?length=0"))


@pytest.mark.parametrize("path", ["/slow", "/slow-headers"])
def test_a_byte_at_a_time_is_cut_off_at_the_deadline(local_feeds, path):
    """The body or the headers, each byte well within any read timeout: only the deadline of
    the whole exchange stops them (headers so were still being read at 150 s before)."""
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as error:
        fetch(local_feeds.url(path))
    elapsed = time.monotonic() - started
    assert error.value.message == "下载超时（超过 2 秒仍未完成）"
    assert 1.8 < elapsed < 3.5


def test_a_slow_name_server_is_cut_off_at_the_deadline(local_feeds, monkeypatch):
    def slow_getaddrinfo(*args, **kwargs):
        time.sleep(8)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", slow_getaddrinfo)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="下载超时（超过 2 秒仍未完成）"):
        fetch("http://slow-dns.example.org/feed.xml")
    assert time.monotonic() - started < 3.5


def test_the_deadline_covers_every_redirect(local_feeds, settings):
    """Each hop is quick, the whole chain is not: the deadline is the fetch's, not the hop's."""
    settings.FEEDS_MAX_REDIRECTS = 5
    settings.FEEDS_TOTAL_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"下载超时（超过 0\.5 秒仍未完成）"):
        fetch(local_feeds.url("/redirect?to=/slow"))
    assert time.monotonic() - started < 1.5


def test_a_host_that_never_answers_times_out(local_feeds):
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="下载超时（超过 2 秒仍未完成）"):
        fetch(local_feeds.url("/hang"))
    assert time.monotonic() - started < 3.5


def test_connect_timeout_names_its_limit(local_feeds, monkeypatch):
    import httpx

    def no_connection(*args, **kwargs):
        raise httpx.ConnectTimeout("timed out")

    monkeypatch.setattr(httpx.Client, "send", no_connection)
    with pytest.raises(FetchTimeout) as error:
        fetch(local_feeds.url("/feeds/rss2.xml"))
    assert error.value.message == "连接超时（1 秒）"


def test_a_closed_port_is_a_clear_error(local_feeds):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"^无法连接到 127\.0\.0\.1："):
        fetch(f"http://127.0.0.1:{port}/feed.xml")


@pytest.mark.parametrize(
    ("url", "scheme"),
    [("ftp://example.org/feed.xml", "ftp"), ("file:///etc/passwd", "file")],
)
def test_only_http_and_https(local_feeds, url, scheme):
    with pytest.raises(FetchError) as error:
        fetch(url)
    assert error.value.message == f"只支持 http 和 https 地址（收到 {scheme}）"


# SSRF -------------------------------------------------------------------------------------------


@pytest.fixture
def ssrf_rules(feed_server, settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    settings.FEEDS_TOTAL_TIMEOUT = 2
    feed_server.requests.clear()
    return feed_server


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("10.0.0.1", "10.0.0.1"),
        ("192.168.1.10", "192.168.1.10"),
        ("169.254.169.254", "169.254.169.254"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("localhost", None),
    ],
)
def test_private_addresses_are_refused(ssrf_rules, host, address):
    port = ssrf_rules.server_address[1]
    with pytest.raises(BlockedAddress) as error:
        fetch(f"http://{host}:{port}/feeds/rss2.xml")
    if address:
        assert error.value.message == f"地址 {address} 属于内网或本机地址，不允许抓取"
    else:
        assert "属于内网或本机地址，不允许抓取" in error.value.message
    assert ssrf_rules.requests == []


def test_a_host_with_any_private_address_is_refused(ssrf_rules, monkeypatch):
    """DNS may answer with several addresses; one private among them is enough to refuse."""

    def getaddrinfo(host, port, *args, **kwargs):
        assert host == "mixed.example.org"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(BlockedAddress, match=r"地址 10\.1\.2\.3 属于内网或本机地址，不允许抓取"):
        fetch("https://mixed.example.org/feed.xml")


def test_a_redirect_to_a_private_address_is_refused(ssrf_rules, monkeypatch):
    """The first hop is a public host (here: DNS says so, and the test server plays it); the
    redirect it answers with points into the intranet and must not be followed."""
    port = ssrf_rules.server_address[1]
    real_getaddrinfo = socket.getaddrinfo
    real_is_public = fetch_module.is_public_address

    def getaddrinfo(host, *args, **kwargs):
        if host == "public.example.org":
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    checked = []

    def is_public(address):
        checked.append(address)
        # The first hop stands for a public server; every later hop is judged for real.
        return len(checked) == 1 or real_is_public(address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(fetch_module, "is_public_address", is_public)
    target = f"http://10.0.0.7:{port}/feeds/rss2.xml"
    with pytest.raises(BlockedAddress, match=r"地址 10\.0\.0\.7 属于内网或本机地址，不允许抓取"):
        fetch(f"http://public.example.org:{port}/redirect?to={target}")
    # The public hop was asked, and nothing else.
    assert [path for path, _headers in ssrf_rules.requests] == ["/redirect"]


def test_the_connection_goes_to_the_checked_address(local_feeds, monkeypatch):
    """The name is resolved once, checked, and the request is sent to that address with the
    name in the Host header: a second DNS answer cannot redirect the connection."""
    port = local_feeds.server_address[1]
    real_getaddrinfo = socket.getaddrinfo
    answers = []

    def getaddrinfo(host, *args, **kwargs):
        if host == "feeds.cis.example.org":
            answers.append(host)
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    result = fetch(f"http://feeds.cis.example.org:{port}/feeds/atom.xml")
    assert result.status_code == 200
    assert answers == ["feeds.cis.example.org"]
    _path, headers = local_feeds.requests[-1]
    assert headers["Host"] == f"feeds.cis.example.org:{port}"
    assert result.final_url == f"http://feeds.cis.example.org:{port}/feeds/atom.xml"


def test_unresolvable_host(ssrf_rules):
    with pytest.raises(FetchError, match=r"无法解析域名 no-such-host\.invalid"):
        fetch("http://no-such-host.invalid/feed.xml")
