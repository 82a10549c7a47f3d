"""Download a feed with bounded cost and without reaching the intranet.

feedparser's own fetcher has no size cap, no wall-clock deadline and follows redirects anywhere,
so feeds are fetched here with httpx and only the bytes are handed to the parser:

* http and https only; every address the host resolves to must be public (unless
  FEEDS_ALLOW_PRIVATE_ADDRESSES), and the connection goes to the address that was checked, so a
  DNS answer cannot change between the check and the connect (DNS rebinding);
* redirects are followed here, each hop checked again, at most FEEDS_MAX_REDIRECTS;
* a connect timeout, and one wall-clock deadline (FEEDS_TOTAL_TIMEOUT) for the whole exchange:
  the name's resolution, the connection, the TLS handshake, the response headers and the body,
  every hop of the redirects included; a server that dribbles its headers or its body one byte
  at a time is cut off at the deadline (`_DeadlineStream`);
* a cap on the decoded size;
* conditional GET (If-None-Match / If-Modified-Since); 304 is not an error.

Errors are `FetchError`s whose message (Chinese) is shown on the feed as it is."""

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext as _

REDIRECT_CODES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A download that failed; `message` is meant for the people who look after the feed."""

    def __init__(self, message, status_code=None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class FeedGone(FetchError):
    """HTTP 410: the publisher says the feed is gone for good."""


class BlockedAddress(FetchError):
    """The URL leads to an address feeds may not reach."""


class FetchTimeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


@dataclass
class FetchResult:
    status_code: int
    content: bytes
    content_type: str
    etag: str
    last_modified: str
    final_url: str
    not_modified: bool = False


def _seconds(value):
    return f"{value:g}"


def _mib(size):
    return f"{size / (1024 * 1024):g} MiB"


def is_public_address(address):
    ip = ipaddress.ip_address(address)
    # "::ffff:10.0.0.1" reaches 10.0.0.1: judge the IPv4 address it carries.
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host, port, deadline=None):
    """The addresses `host` resolves to (IP literals resolve to themselves). The system's
    resolver has no timeout of its own (a slow DNS server holds it for up to 30 s): it is
    asked in a thread of its own, abandoned at the deadline to finish by itself."""
    answer = {}

    def lookup():
        try:
            answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            answer["error"] = error

    resolver = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    resolver.start()
    resolver.join(None if deadline is None else max(deadline - time.monotonic(), 0))
    if resolver.is_alive():
        raise _overtime()
    if "error" in answer:
        raise FetchError(_("无法解析域名 %(host)s") % {"host": host}) from answer["error"]
    # An IPv6 answer may carry a zone ("fe80::1%eth0"); the address is what is judged.
    addresses = list(dict.fromkeys(info[4][0].split("%", 1)[0] for info in answer["infos"]))
    if not addresses:
        raise FetchError(_("无法解析域名 %(host)s") % {"host": host})
    return addresses


def check_address(host, port, deadline=None):
    """The address to connect to for `host`, refusing the host if ANY of its addresses is
    private, loopback, link-local or otherwise not public: an attacker controlling DNS could
    otherwise hand out one public and one private address and hope for the second."""
    addresses = resolve(host, port, deadline)
    if not settings.FEEDS_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if not is_public_address(address):
                raise BlockedAddress(
                    _("地址 %(address)s 属于内网或本机地址，不允许抓取") % {"address": address}
                )
    return addresses[0]


def _target(url):
    """(scheme, host, port) of `url`, refusing anything but http and https."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(_("订阅地址无效：%(url)s") % {"url": url}) from error
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise FetchError(
            _("只支持 http 和 https 地址（收到 %(scheme)s）") % {"scheme": scheme or _("无协议")}
        )
    if not parts.hostname:
        raise FetchError(_("订阅地址无效：%(url)s") % {"url": url})
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def _timeouts(remaining):
    return httpx.Timeout(
        connect=min(settings.FEEDS_CONNECT_TIMEOUT, remaining),
        read=remaining,
        write=remaining,
        pool=remaining,
    )


def _too_large():
    return TooLarge(
        _("响应超过 %(limit)s 上限，已停止下载") % {"limit": _mib(settings.FEEDS_MAX_BYTES)}
    )


def _overtime():
    return FetchTimeout(
        _("下载超时（超过 %(seconds)s 秒仍未完成）")
        % {"seconds": _seconds(settings.FEEDS_TOTAL_TIMEOUT)}
    )


def _read_body(response):
    limit = settings.FEEDS_MAX_BYTES
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large()
    chunks = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _left(deadline, timeout, expired):
    """What a socket operation may wait: its own timeout, never past the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise expired("the fetch's deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection on which no read, write or TLS handshake waits past the fetch's deadline.
    httpcore takes its read timeout once for the response headers and once for the body, and
    gives it whole to every socket read: a server sending its headers one byte at a time would
    otherwise keep the fetch alive as long as it likes."""

    def __init__(self, stream, deadline):
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes, timeout=None):
        return self._stream.read(max_bytes, _left(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer, timeout=None):
        self._stream.write(buffer, _left(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self):
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        timeout = _left(self._deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, timeout), self._deadline
        )

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline):
        self._backend = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _left(self._deadline, timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def sleep(self, seconds):
        self._backend.sleep(seconds)


def _transport(deadline):
    """httpx's transport on connections that end at `deadline`. httpx takes no network backend
    of its own, so its connection pool is swapped for the same pool on ours (no proxy: the
    client does not read the environment)."""
    transport = httpx.HTTPTransport(verify=True, trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=True, trust_env=False),
        network_backend=_DeadlineBackend(deadline),
    )
    return transport


def _request(client, url, headers, deadline):
    """One hop: check, pin and send; returns (response, body or None for a redirect)."""
    scheme, host, port = _target(url)
    address = check_address(host, port, deadline)
    pinned = httpx.URL(url).copy_with(host=address)
    default_port = 443 if scheme == "https" else 80
    hop_headers = dict(headers)
    hop_headers["Host"] = host if port == default_port else f"{host}:{port}"
    extensions = {"sni_hostname": host} if scheme == "https" else {}
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _overtime()
    request = client.build_request(
        "GET", pinned, headers=hop_headers, extensions=extensions, timeout=_timeouts(remaining)
    )
    response = client.send(request, stream=True)
    try:
        if response.status_code in REDIRECT_CODES or response.status_code == 304:
            return response, b""
        if response.status_code == 410:
            raise FeedGone(_("订阅源已失效（HTTP 410），已停止抓取"), status_code=410)
        if response.status_code >= 400:
            raise FetchError(
                _("HTTP %(code)s") % {"code": response.status_code},
                status_code=response.status_code,
            )
        return response, _read_body(response)
    finally:
        response.close()


def _headers(etag, last_modified):
    headers = {
        "User-Agent": settings.FEEDS_USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/xml;q=0.9, */*;q=0.5",
        # No br/zstd: their decoders are optional packages; gzip is what feeds use.
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _request_or_refuse(client, url, headers, deadline):
    """`_request`, with httpx's errors told as `FetchError`s in Chinese."""
    try:
        return _request(client, url, headers, deadline)
    except httpx.ConnectTimeout as error:
        raise FetchTimeout(
            _("连接超时（%(seconds)s 秒）") % {"seconds": _seconds(settings.FEEDS_CONNECT_TIMEOUT)}
        ) from error
    except httpx.TimeoutException as error:
        raise _overtime() from error
    except httpx.ConnectError as error:
        raise FetchError(
            _("无法连接到 %(host)s：%(error)s") % {"host": urlsplit(url).hostname, "error": error}
        ) from error
    except httpx.DecodingError as error:
        raise FetchError(_("响应内容无法解压：%(error)s") % {"error": error}) from error
    except httpx.HTTPError as error:
        raise FetchError(_("下载失败：%(error)s") % {"error": error}) from error


def fetch(url, etag="", last_modified=""):
    """GET `url` within the limits of the settings; `FetchResult` or `FetchError`."""
    headers = _headers(etag, last_modified)
    deadline = time.monotonic() + settings.FEEDS_TOTAL_TIMEOUT
    # trust_env=False: a proxy from the environment would connect on our behalf to whatever
    # the URL names, bypassing the address check.
    client = httpx.Client(transport=_transport(deadline), follow_redirects=False, trust_env=False)
    with client:
        for _hop in range(settings.FEEDS_MAX_REDIRECTS + 1):
            response, body = _request_or_refuse(client, url, headers, deadline)
            status = response.status_code
            if status in REDIRECT_CODES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        _("HTTP %(code)s 重定向缺少目标地址") % {"code": status}, status_code=status
                    )
                # Relative to the URL as named, not to the pinned address.
                url = str(httpx.URL(url).join(location))
                continue
            return FetchResult(
                status_code=status,
                content=body,
                content_type=response.headers.get("content-type", ""),
                # A 304 may or may not repeat the validators; keep ours when it does not.
                etag=response.headers.get("etag", "") or (etag if status == 304 else ""),
                last_modified=response.headers.get("last-modified", "")
                or (last_modified if status == 304 else ""),
                final_url=url,
                not_modified=status == 304,
            )
    raise FetchError(
        _("重定向次数过多（超过 %(count)s 次）") % {"count": settings.FEEDS_MAX_REDIRECTS}
    )
