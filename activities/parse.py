"""Feed bytes → entries, with the encodings Chinese sites really serve.

feedparser gets the bytes and the real Content-Type, but the character encoding is settled here
first: sites declare GB2312 and write GBK, declare UTF-8 and write GB18030, or declare nothing
at all, and feedparser then falls back to windows-1252 and produces mojibake without failing.
The text is decoded with the first encoding that really fits (UTF-8 when the bytes are valid
UTF-8, else the declared one, else GB18030), re-encoded as UTF-8 with a matching declaration,
and a mismatch is reported as a warning on the feed.

A document that is not well-formed XML is refused whole, even if feedparser's lenient parser
recovered some entries from it: a truncated download would otherwise import its first half, and
the missing entries would then look like edits when the complete feed arrives. Nothing is stored
until a complete document comes."""

import codecs
import re
import xml.sax
from dataclasses import dataclass, field

import feedparser
from django.utils.translation import gettext as _


class ParseError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedFeed:
    title: str
    entries: list
    warnings: list = field(default_factory=list)


_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.S)
# What Chinese sites call their encoding is, in practice, GB18030's subset or GB18030 itself:
# a page labelled GB2312 routinely contains GBK characters (browsers read all of these as GBK).
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "ms936", "x-gbk", "euc-cn", "hz-gb-2312"}


def _codec(name):
    if not name:
        return None
    lowered = name.strip().lower()
    if lowered in _GB_FAMILY or lowered.replace("_", "") in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(lowered).name
    except LookupError:
        return None


def _decodes(data, encoding):
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def media_type(content_type):
    return (content_type or "").split(";", 1)[0].strip().lower()


def _declared(content, content_type):
    """(HTTP charset, XML declaration encoding), each as given (or "")."""
    match = _CHARSET.search(content_type or "")
    http = match.group(1) if match else ""
    declaration = _XML_DECLARATION.match(content)
    xml = ""
    if declaration:
        found = _DECLARED_ENCODING.search(declaration.group(0))
        xml = found.group(1).decode("ascii") if found else ""
    return http, xml


def to_utf8(content, content_type):
    """(UTF-8 bytes with a matching declaration, warnings). Documents with a byte-order mark
    are left to feedparser, which reads the mark."""
    if content.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        return content, []
    http, xml = _declared(content, content_type)
    declared = http or xml
    warnings = []
    text = _decodes(content, "utf-8")
    chosen = "utf-8"
    if text is None:
        for name in (http, xml):
            codec = _codec(name)
            if codec and (text := _decodes(content, codec)) is not None:
                chosen = codec
                break
    if text is None:
        text = _decodes(content, "gb18030")
        chosen = "gb18030"
        if text is not None:
            if declared:
                warnings.append(
                    _("订阅源声明的编码（%(declared)s）与实际内容不符，已按 GB18030 解码")
                    % {"declared": declared}
                )
            else:
                warnings.append(_("订阅源未声明编码，已按 GB18030（GBK）解码"))
    if text is None:
        chosen = _codec(declared) or "utf-8"
        text = content.decode(chosen, errors="replace")
        warnings.append(
            _("订阅源含有无法按 %(encoding)s 解码的字符，已替换为“�”")
            % {"encoding": declared or "UTF-8"}
        )
    # Valid UTF-8 with Chinese in it is practically never GBK text by accident.
    mislabelled = declared and _codec(declared) not in ("utf-8", "ascii")
    if chosen == "utf-8" and mislabelled and any(ord(c) > 127 for c in text):
        warnings.append(
            _("订阅源声明的编码（%(declared)s）与实际内容不符，已按 UTF-8 解码")
            % {"declared": declared}
        )
    data = text.encode("utf-8")
    declaration = _XML_DECLARATION.match(data)
    if declaration:
        rewritten = _DECLARED_ENCODING.sub(b'encoding="utf-8"', declaration.group(0))
        data = rewritten + data[declaration.end() :]
    return data, warnings


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
    parsed = feedparser.parse(
        data,
        response_headers={"content-type": _with_charset(content_type)},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    exception = parsed.get("bozo_exception")
    if not parsed.get("version") and not parsed.entries:
        if looks_like_html(content, content_type):
            raise ParseError(_("不是 RSS 或 Atom 订阅源（收到的是 HTML 网页）"))
        if isinstance(exception, xml.sax.SAXException):
            raise ParseError(_xml_error(exception))
        raise ParseError(_("不是 RSS 或 Atom 订阅源"))
    if isinstance(exception, xml.sax.SAXException):
        # Not well-formed: possibly cut off. Take nothing rather than half (module docstring).
        raise ParseError(_xml_error(exception))
    title = parsed.feed.get("title", "") if parsed.get("feed") else ""
    return ParsedFeed(title=title, entries=list(parsed.entries), warnings=warnings)
