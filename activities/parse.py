"""Feed bytes → entries.

feedparser gets UTF-8 bytes and the real Content-Type: the character encoding is settled first
by `activities.encodings` (what Chinese sites declare is often wrong, or missing), and what had
to be guessed there is a warning on the feed.

A document that is not well-formed XML is refused whole, even if feedparser's lenient parser
recovered some entries from it: a truncated download would otherwise import its first half, and
the missing entries would then look like edits when the complete feed arrives. Nothing is stored
until a complete document comes."""

import re
import xml.sax
from dataclasses import dataclass, field

import feedparser
from django.utils.translation import gettext as _

from activities.encodings import to_utf8
from activities.entries import plain_text, truncate


class ParseError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedFeed:
    # Plain text: feeds give their title as HTML too (Atom type="html" or "xhtml").
    title: str
    entries: list
    warnings: list = field(default_factory=list)


FEED_TITLE_LENGTH = 200
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.S)


def media_type(content_type):
    return (content_type or "").split(";", 1)[0].strip().lower()


def _with_charset(content_type):
    kind = media_type(content_type) or "application/xml"
    return f"{kind}; charset=utf-8"


def looks_like_html(content, content_type):
    return media_type(content_type) in ("text/html", "application/xhtml+xml") or bool(
        _HTML_START.match(content[:4096])
    )


def _xml_error(exception):
    if isinstance(exception, xml.sax.SAXParseException):
        return _("XML 解析失败（第 %(line)s 行第 %(column)s 列）：%(message)s") % {
            "line": exception.getLineNumber(),
            "column": exception.getColumnNumber(),
            "message": exception.getMessage(),
        }
    return _("XML 解析失败：%(message)s") % {"message": exception}


def parse(content, content_type=""):
    """`ParsedFeed` of the document, or `ParseError` with the reason in Chinese."""
    if not content or not content.strip():
        raise ParseError(_("订阅源内容为空"))
    data, warnings = to_utf8(content, content_type)
    if not data.strip():
        raise ParseError(_("订阅源内容为空"))
    parsed = feedparser.parse(
        data,
        response_headers={"content-type": _with_charset(content_type)},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    exception = parsed.get("bozo_exception")
    if not parsed.get("version") and not parsed.entries:
        if looks_like_html(data, content_type):
            raise ParseError(_("不是 RSS 或 Atom 订阅源（收到的是 HTML 网页）"))
        if isinstance(exception, xml.sax.SAXException):
            raise ParseError(_xml_error(exception))
        raise ParseError(_("不是 RSS 或 Atom 订阅源"))
    if isinstance(exception, xml.sax.SAXException):
        # Not well-formed: possibly cut off. Take nothing rather than half (module docstring).
        raise ParseError(_xml_error(exception))
    title = plain_text(parsed.feed.get("title", "")) if parsed.get("feed") else ""
    return ParsedFeed(
        title=truncate(title, FEED_TITLE_LENGTH), entries=list(parsed.entries), warnings=warnings
    )
