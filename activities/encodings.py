"""Feed bytes → UTF-8, with the encodings member societies really serve.

Sites declare GB2312 and write GBK, declare UTF-8 and write GB18030, or declare nothing at all
(feedparser then falls back to windows-1252 and produces mojibake without failing); some write
UTF-16 or UTF-32, with or without a byte-order mark; societies of Hong Kong, Macao and Taiwan
write Big5. The text is decoded here with the first encoding that really fits and re-encoded as
UTF-8 with a matching declaration, and whatever had to be guessed is a warning on the feed:

1. a byte-order mark (UTF-8, UTF-16 or UTF-32, either byte order) wins over any declaration
   (XML 1.0, Appendix F);
2. without one, UTF-16 and UTF-32 show in the zero bytes around the first ASCII characters
   (`<?xml` or any `<`: a document starts with one);
3. valid UTF-8 is UTF-8 (Chinese text practically never is valid UTF-8 by accident);
4. else the declared encoding (HTTP charset, then the XML declaration) if the bytes decode —
   unless it is one that decodes any bytes (ISO-8859-1…) and the detector reads East Asian
   text in them;
5. else the encoding charset-normalizer detects, unless GB18030 fits about as well: most of
   our sites are mainland Chinese, and a short GBK text can look like Korean or Japanese;
6. else GB18030, else UTF-8 with the undecodable bytes replaced."""

import codecs
import re

import charset_normalizer
from django.utils.translation import gettext as _

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# What Chinese sites call their encoding is, in practice, GB18030's subset or GB18030 itself:
# a page labelled GB2312 routinely contains GBK characters (browsers read all of these as GBK).
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "ms936", "x-gbk", "euc-cn", "hz-gb-2312", "hz"}

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# The names people know, for the warnings (Python's codec name → label).
_LABELS = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-32-le": "UTF-32LE",
    "utf-32-be": "UTF-32BE",
    "gb18030": "GB18030",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "cp950": "Big5",
    "shift_jis": "Shift_JIS",
    "cp932": "Shift_JIS",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp949": "EUC-KR",
    "koi8_r": "KOI8-R",
    "koi8_u": "KOI8-U",
    "cp1251": "Windows-1251",
    "cp1252": "Windows-1252",
    "latin_1": "ISO-8859-1",
}
# Multi-byte encodings of East Asian text: not read by accident, unlike single-byte ones.
_CJK = {
    "gb18030",
    "big5",
    "big5hkscs",
    "cp950",
    "shift_jis",
    "cp932",
    "shift_jis_2004",
    "shift_jisx0213",
    "euc_jp",
    "euc_jis_2004",
    "euc_jisx0213",
    "euc_kr",
    "cp949",
    "johab",
}
# How much messier than the detector's best a GB18030 reading may be and still be preferred.
GB_MARGIN = 0.02
# Past this the detector is only asked about the beginning (it samples anyway).
DETECT_BYTES = 64 * 1024


def label(codec):
    return _LABELS.get(codec) or codec.upper().replace("_", "-")


def codec(name):
    """Python's codec for an encoding name (GB names → gb18030), or None."""
    if not name:
        return None
    lowered = name.strip().lower()
    if lowered in _GB_FAMILY or lowered.replace("_", "-") in _GB_FAMILY:
        return "gb18030"
    try:
        found = codecs.lookup(lowered).name
    except LookupError:
        return None
    return "gb18030" if found in _GB_FAMILY else found


def _decodes(data, encoding):
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def declared(content, content_type):
    """(HTTP charset, XML declaration encoding), each as given (or "")."""
    match = _CHARSET.search(content_type or "")
    http = match.group(1) if match else ""
    declaration = _XML_DECLARATION.match(content)
    xml = ""
    if declaration:
        found = _DECLARED_ENCODING.search(declaration.group(0))
        xml = found.group(1).decode("ascii") if found else ""
    return http, xml


def _byte_order_mark(content):
    for mark, name in _BOMS:
        if content.startswith(mark):
            return mark, name
    return b"", None


def _wide_encoding(content):
    """UTF-16 or UTF-32 without a byte-order mark, told by where the zero bytes are around the
    first characters (ASCII in any XML document: `<?xml`, whitespace, `<rss`)."""
    head = content[:4]
    if len(head) < 4:
        return None
    zeros = tuple(byte == 0 for byte in head)
    if zeros == (True, True, True, False):
        return "utf-32-be"
    if zeros == (False, True, True, True):
        return "utf-32-le"
    if zeros == (True, False, True, False):
        return "utf-16-be"
    if zeros == (False, True, False, True):
        return "utf-16-le"
    return None


def _looks_like_xml(text):
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def detect(content):
    """The codec charset-normalizer finds for undeclared, non-UTF-8 bytes; "gb18030" when a GB
    reading is about as good as its best; None when it finds nothing that reads as XML."""
    matches = [
        match
        for match in charset_normalizer.from_bytes(content[:DETECT_BYTES])
        if codec(match.encoding)
    ]
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if codec(match.encoding) == "gb18030" and match.chaos <= best.chaos + GB_MARGIN:
            return "gb18030"
    found = codec(best.encoding)
    text = _decodes(content, found)
    if text is None or not _looks_like_xml(text):
        return None
    return found


def _mismatch(declared_name, found):
    return _("订阅源声明的编码（%(declared)s）与实际内容不符，已按 %(encoding)s 解码") % {
        "declared": declared_name,
        "encoding": label(found),
    }


def _replaced(name):
    return _("订阅源含有无法按 %(encoding)s 解码的字符，已替换为“�”") % {"encoding": name}


def _decode(content, content_type):
    """(text, warnings)."""
    http, xml = declared(content, content_type)
    mark, marked = _byte_order_mark(content)
    wide = marked or _wide_encoding(content)
    if wide:
        return _decode_wide(content[len(mark) :], wide, http, marked)
    text = _decodes(content, "utf-8")
    if text is not None:
        declared_name = http or xml
        # Valid UTF-8 with Chinese in it is practically never GBK text by accident.
        if codec(declared_name) not in (None, "utf-8", "ascii") and any(ord(c) > 127 for c in text):
            return text, [_mismatch(declared_name, "utf-8")]
        return text, []
    return _decode_legacy(content, http, xml)


def _decode_wide(body, wide, http, marked):
    """UTF-16 or UTF-32, told by a byte-order mark or by the zero bytes."""
    text = _decodes(body, wide)
    if text is None:
        return body.decode(wide, errors="replace"), [_replaced(label(wide))]
    # The XML declaration is only readable once decoded.
    declared_name = http or declared(text.lstrip("\ufeff").encode("utf-8"), "")[1]
    declared_codec = codec(declared_name)
    if not marked and declared_codec and declared_codec[:6] != wide[:6]:
        # No mark, and a declaration of another encoding: the zero bytes tell the truth.
        return text, [_mismatch(declared_name, wide)]
    return text, []


def _declared_reading(content, http, xml):
    """(text, None, None) when a declared encoding reads the content and is believed; else
    (None, the declared name that gives way, the detected encoding)."""
    for name in (http, xml):
        found = codec(name)
        if found and (text := _decodes(content, found)) is not None:
            if found in _CJK:
                return text, None, None
            # ISO-8859-1 and its like decode any bytes: a server's default label on GBK or
            # Big5 text would give mojibake without a word. A CJK reading wins.
            detected = detect(content)
            if detected not in _CJK:
                return text, None, None
            return None, name, detected
    return None, http or xml, detect(content)


def _decode_legacy(content, http, xml):
    """Neither wide nor UTF-8: the declared encoding, a detected one, or GB18030."""
    text, declared_name, found = _declared_reading(content, http, xml)
    if text is not None:
        return text, []
    if found and found != "gb18030":
        if declared_name:
            warning = _(
                "订阅源声明的编码（%(declared)s）与实际内容不符，"
                "已自动识别为 %(encoding)s 并按此解码"
            ) % {"declared": declared_name, "encoding": label(found)}
        else:
            warning = _("订阅源未声明编码，已自动识别为 %(encoding)s 并按此解码") % {
                "encoding": label(found)
            }
        return _decodes(content, found), [warning]
    text = _decodes(content, "gb18030")
    if text is not None:
        if declared_name:
            return text, [_mismatch(declared_name, "gb18030")]
        return text, [_("订阅源未声明编码，已按 GB18030（GBK）解码")]
    text = content.decode(codec(http or xml) or "utf-8", errors="replace")
    return text, [_replaced(declared_name or "UTF-8")]


def to_utf8(content, content_type):
    """(UTF-8 bytes with a matching declaration and no byte-order mark, warnings)."""
    text, warnings = _decode(content, content_type)
    data = text.lstrip("\ufeff").encode("utf-8")
    declaration = _XML_DECLARATION.match(data)
    if declaration:
        rewritten = _DECLARED_ENCODING.sub(b'encoding="utf-8"', declaration.group(0))
        data = rewritten + data[declaration.end() :]
    return data, warnings
