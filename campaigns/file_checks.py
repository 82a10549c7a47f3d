"""Server-side checks of the files of a nomination (文件1 … 文件4), before anyone reviews them.

Pure functions on the uploaded file: no database, no decoding of media. Each slot of a campaign
describes its rules (`SlotRules`); `check_file` measures the file and returns every failure as a
Chinese message that names the file, the rule and what was found.

* Word forms: the zip-safety checks of `cms.upload_docx` first, then the text of
  `word/document.xml` read with lxml (python-docx does not see text boxes), counted with
  `cms.cjk_text.count_form_characters`, and searched for the form's required sections: each
  must have content under its heading, and no placeholder of the blank form
  (`campaigns.form_templates.PLACEHOLDERS`) may be left in.
* Videos: the ISO-BMFF box structure of MP4 / QuickTime files, down to `moov/mvhd` for the
  duration (`cms.upload_mp4`: box headers only, never the media data).
* PDFs: opened with pypdf for the page count, and refused when they hold active content
  (`cms.upload_pdf`: scripts, launch actions, embedded files).

Files are read from a seekable binary file (an upload, a stored file, an open file; `bytes` are
wrapped), each check reading only what it needs, in bounded memory and time.
"""

import io
import math
import os
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from campaigns.form_templates import EXPLANATION_LEAD, PLACEHOLDERS
from cms.cjk_text import count_form_characters
from cms.upload_checks import DocumentRejected
from cms.upload_docx import check_docx
from cms.upload_mp4 import mp4_duration_seconds
from cms.upload_pdf import check_pdf, pdf_page_count

__all__ = [
    "CheckResult",
    "FileCheckError",
    "RequiredSection",
    "SlotRules",
    "check_file",
    "check_pdf",
    "count_form_characters",
    "docx_character_count",
    "docx_numbered_text",
    "docx_text",
    "find_sections",
    "mp4_duration_seconds",
    "pdf_page_count",
    "section_bodies",
]


@dataclass(frozen=True)
class RequiredSection:
    number: str  # "一", "二", … or "1", "2", …
    keywords: tuple[str, ...]  # all must appear in the section's heading paragraph
    explanation: str = ""  # the guidance the blank form prints under the heading (not content)


@dataclass(frozen=True)
class SlotRules:
    code: str  # "文件1"
    label: str  # "推荐表"
    kind: str  # "word" | "video" | "pdf"
    required: bool = True
    char_limit: int | None = None
    required_sections: tuple[RequiredSection, ...] = ()
    max_video_minutes: float | None = None
    max_size_bytes: int | None = None


@dataclass
class CheckResult:
    ok: bool
    failures: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


class FileCheckError(ValueError):
    """A Word form that cannot be read; `message` is Chinese and does not name the file. (Videos
    and PDFs raise `cms.upload_checks.DocumentRejected`, which has `message` and `code` too.)"""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


def check_file(rules: SlotRules, filename: str, data) -> CheckResult:
    """Measure `data`, uploaded as `filename` into the slot `rules`, against the slot's rules.

    `data` is a seekable binary file (an upload, a stored file, an open file) or `bytes`. Only
    what a check needs is read: a video's box headers, a PDF's objects one by one; a Word form
    whole, once it is known to be within the site's limit for Word files. The file's position is
    left anywhere.

    An empty file fails even in an optional slot: whether a file is needed at all is the caller's
    question (`rules.required`). A file over the size limit is not opened any further.
    """
    checker = _CHECKERS.get(rules.kind)
    if checker is None:
        raise ValueError(f"unknown slot kind {rules.kind!r}")
    file = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
    file.seek(0, os.SEEK_END)
    size = file.tell()
    facts = {"filename": filename, "size": size}
    failures = _size_failures(rules, size)
    if not failures:
        file.seek(0)
        failures = checker(rules, file, facts)
    return CheckResult(ok=not failures, failures=failures, facts=facts)


# --- sizes ------------------------------------------------------------------------------------

_SIZE_UNITS = (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024))


def _size_text(size, round_up=False):
    """`210.5 MB`; rounded up for measured sizes so a file just over a limit never shows as equal
    to it."""
    for unit, factor in _SIZE_UNITS:
        if size >= factor:
            tenths = size * 10 / factor
            tenths = math.ceil(tenths) if round_up else round(tenths)
            return f"{tenths / 10:.1f}".removesuffix(".0") + f" {unit}"
    return _("%(size)d 字节") % {"size": size}


def _size_limit(rules):
    """The slot's limit; for Word forms also the site's limit for any .docx, which is read whole."""
    limit = rules.max_size_bytes
    if rules.kind == "word":
        docx_limit = settings.LIANHE_DOCX_MAX_UPLOAD_BYTES
        limit = min(limit, docx_limit) if limit else docx_limit
    return limit


def _size_failures(rules, size):
    if not size:
        return [_("%(file)s 是空文件") % {"file": rules.code}]
    limit = _size_limit(rules)
    if limit is not None and size > limit:
        return [
            _("%(file)s 大小 %(size)s，超过 %(limit)s 上限")
            % {
                "file": rules.code,
                "size": _size_text(size, round_up=True),
                "limit": _size_text(limit),
            }
        ]
    return []


# --- Word forms -------------------------------------------------------------------------------


def _check_word(rules, file, facts):
    data = file.read()  # within LIANHE_DOCX_MAX_UPLOAD_BYTES (`_size_limit`)
    try:
        check_docx(data, label=rules.code)
        paragraphs = _read_docx(data)
    except DocumentRejected as exc:
        return [" ".join(exc.messages)]
    except FileCheckError as exc:
        return [_problem(rules, exc)]
    failures = []
    characters = sum(count_form_characters(p.text) for p in paragraphs)
    facts["characters"] = characters
    if rules.char_limit is not None and characters > rules.char_limit:
        failures.append(
            _("%(file)s 共 %(count)s 字，超过 %(limit)s 字上限")
            % {"file": rules.code, "count": f"{characters:,}", "limit": f"{rules.char_limit:,}"}
        )
    texts = [p.numbered_text for p in paragraphs]
    bodies = section_bodies(texts, rules.required_sections)
    if rules.required_sections:
        found, missing = find_sections(texts, rules.required_sections)
        empty = [section for section, body in bodies.items() if not _has_content(section, body)]
        facts["sections"] = _section_facts(rules.required_sections, dict(found), empty)
        if missing:
            failures.append(
                _("%(file)s 缺少必备部分：%(sections)s")
                % {"file": rules.code, "sections": "；".join(map(_section_name, missing))}
            )
        if empty:
            failures.append(
                _("%(file)s 以下必备部分的标题下没有内容：%(sections)s")
                % {"file": rules.code, "sections": "；".join(map(_section_name, empty))}
            )
    failures += _placeholder_failures(rules, texts)
    return failures


def docx_text(data: bytes) -> list[str]:
    """The text of every paragraph of `word/document.xml`, in document order: body, tables
    (nested too), text boxes (once), content controls; without deleted or moved-away revisions,
    field codes or placeholder prompts. Run `cms.upload_docx.check_docx` on untrusted data
    first. Raises `FileCheckError` when the document cannot be read."""
    return [p.text for p in _read_docx(data)]


def docx_numbered_text(data: bytes) -> list[str]:
    """`docx_text` with the numbers Word shows before automatically numbered paragraphs
    ("一、", "1.") put back in front, as a reader sees the headings."""
    return [p.numbered_text for p in _read_docx(data)]


def docx_character_count(data: bytes) -> int:
    """The characters of the document as the forms count them (`count_form_characters`).

    Paragraphs are counted one by one, so a word never runs on from one paragraph into the
    next; automatic list numbers are not text and do not count."""
    return sum(count_form_characters(text) for text in docx_text(data))


W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict Open XML" documents
)
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def _w_tags(name):
    return frozenset(f"{{{namespace}}}{name}" for namespace in W_NAMESPACES)


def _w_attribute(element, name):
    for namespace in W_NAMESPACES:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


def _w_child(element, name):
    if element is None:
        return None
    for namespace in W_NAMESPACES:
        child = element.find(f"{{{namespace}}}{name}")
        if child is not None:
            return child
    return None


def _w_child_value(element, name):
    child = _w_child(element, name)
    return None if child is None else _w_attribute(child, "val")


W_P = _w_tags("p")
W_T = _w_tags("t")
W_SDT_CONTENT = _w_tags("sdtContent")
# Deleted and moved-away revisions are still in the file, but no longer in the document.
W_REMOVED = _w_tags("del") | _w_tags("moveFrom")
W_CHARACTERS = {
    **dict.fromkeys(_w_tags("tab") | _w_tags("ptab"), "\t"),
    **dict.fromkeys(_w_tags("br") | _w_tags("cr"), "\n"),
    **dict.fromkeys(_w_tags("noBreakHyphen"), "-"),
}
W_SYM = _w_tags("sym")


@dataclass
class _Paragraph:
    element: object
    parts: list = field(default_factory=list)
    number: str = ""

    @property
    def text(self):
        return "".join(self.parts)

    @property
    def numbered_text(self):
        return self.number + self.text


def _read_docx(data):
    parts = _docx_parts(data, ("word/document.xml", "word/numbering.xml", "word/styles.xml"))
    if parts["word/document.xml"] is None:
        raise _unreadable_docx()
    paragraphs = _collect_paragraphs(parts["word/document.xml"])
    numbering = _Numbering(parts["word/numbering.xml"], parts["word/styles.xml"])
    for paragraph in paragraphs:
        paragraph.number = numbering.label(paragraph.element)
    return paragraphs


def _unreadable_docx():
    return FileCheckError(_("无法读取 Word 文档的内容（文件已损坏）"), code="docx_unreadable")


def _docx_parts(data, names):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            present = set(archive.namelist())
            return {
                name: _parse_xml(archive.read(name)) if name in present else None for name in names
            }
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,  # an unsupported compression method
    ) as exc:
        raise _unreadable_docx() from exc


def _parse_xml(content):
    try:
        # A parser per call: lxml parsers must not be shared between threads.
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
        )
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise _unreadable_docx() from exc


def _collect_paragraphs(root):
    """Paragraphs in the order they start; a text box's paragraphs come after the paragraph that
    anchors it and their text is theirs alone."""
    paragraphs, open_paragraphs = [], []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "end":
            if tag in W_P:
                open_paragraphs.pop()
            continue
        if _is_hidden(element):
            walker.skip_subtree()
        elif tag in W_P:
            open_paragraphs.append(_Paragraph(element))
            paragraphs.append(open_paragraphs[-1])
        elif open_paragraphs:
            _add_text(open_paragraphs[-1], element)
    return paragraphs


def _add_text(paragraph, element):
    tag = element.tag
    if tag in W_T:
        paragraph.parts.append(element.text or "")
    elif tag in W_CHARACTERS:
        paragraph.parts.append(W_CHARACTERS[tag])
    elif tag in W_SYM:
        paragraph.parts.append(_symbol(element))


def _symbol(element):
    try:
        return chr(int(_w_attribute(element, "char") or "", 16))
    except (ValueError, OverflowError):
        return ""


def _is_hidden(element):
    tag = element.tag
    if tag in W_REMOVED:
        return True
    if tag == f"{MC}Choice":
        # Word reads the first choice it understands; every choice holds the same content.
        return element.getparent().find(f"{MC}Choice") is not element
    if tag == f"{MC}Fallback":
        # Word writes each text box twice: as a DrawingML choice and as a VML fallback.
        return element.getparent().find(f"{MC}Choice") is not None
    if tag in W_SDT_CONTENT:
        # A content control still showing its prompt ("单击此处输入文字") holds no answer yet.
        return _is_on(_w_child(_w_child(element.getparent(), "sdtPr"), "showingPlcHdr"))
    return False


def _is_on(flag):
    return flag is not None and _w_attribute(flag, "val") not in ("0", "false", "off")


def _section_name(section):
    *first, last = section.keywords or ("",)
    joined = "、".join(first) + "和" + last if first else last
    separator = "." if section.number.isascii() else "、"
    return f"{section.number}{separator}{joined}"


def _section_facts(sections, found, empty):
    return [
        {
            "number": section.number,
            "keywords": list(section.keywords),
            "found": section in found,
            "heading": found.get(section),
            "empty": section in empty,
        }
        for section in sections
    ]


# --- what is under the headings ---------------------------------------------------------------


def _has_content(section, body):
    """Whether any paragraph under `section`'s heading is the applicant's own text: not blank, not
    a placeholder of the blank form with its list marker, not the form's printed explanation."""
    explanation = _compact(EXPLANATION_LEAD + section.explanation) if section.explanation else None
    for text in body:
        compact = _compact(text)
        if not compact or compact == explanation:
            continue
        for placeholder in _COMPACT_PLACEHOLDERS.values():
            compact = compact.replace(placeholder, "")
        if _ONLY_MARKER.fullmatch(compact):  # "1." or "（1）" left of "1.（二级标题）"
            continue
        if any(character.isalnum() for character in compact):
            return True
    return False


def _compact(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_COMPACT_PLACEHOLDERS = {placeholder: _compact(placeholder) for placeholder in PLACEHOLDERS}


def _placeholder_failures(rules, texts):
    """One failure for each placeholder of the blank form still in the document, naming the
    sections that hold it."""
    where = {}
    owner = {}
    for section, (start, end) in _section_spans(texts, rules.required_sections).items():
        for index in range(start, end):
            owner[index] = section
    for index, text in enumerate(texts):
        compact = _compact(text)
        for placeholder, needle in _COMPACT_PLACEHOLDERS.items():
            if needle in compact:
                sections = where.setdefault(placeholder, [])
                section = owner.get(index)
                if section is not None and section not in sections:
                    sections.append(section)
    failures = []
    for placeholder, sections in where.items():
        if sections:
            failures.append(
                _(
                    "%(file)s 仍有模板中的占位文字“%(placeholder)s”（%(sections)s），"
                    "请替换为实际内容"
                )
                % {
                    "file": rules.code,
                    "placeholder": placeholder,
                    "sections": "；".join(map(_section_name, sections)),
                }
            )
        else:
            failures.append(
                _("%(file)s 仍有模板中的占位文字“%(placeholder)s”，请替换为实际内容")
                % {"file": rules.code, "placeholder": placeholder}
            )
    return failures


# --- automatic numbering ----------------------------------------------------------------------


class _Numbering:
    """The numbers Word draws before list paragraphs, worked out from numbering.xml and
    styles.xml: Chinese forms are often written with auto-numbered headings, whose "一、" is not
    in the text at all."""

    def __init__(self, numbering_root, styles_root):
        self.abstracts = {}  # abstractNumId -> {ilvl: level element}
        self.style_links = {}  # numbering style name -> abstractNumId defining it
        self.nums = {}  # numId -> (abstractNumId, {ilvl: start override})
        self.styles = {}  # paragraph styleId -> (numId, ilvl, basedOn)
        self.default_style = None
        self.counters = {}
        self.started = set()
        if numbering_root is not None:
            self._read_numbering(numbering_root)
        if styles_root is not None:
            self._read_styles(styles_root)

    def _read_numbering(self, root):
        for abstract in _w_children(root, "abstractNum"):
            abstract_id = _w_attribute(abstract, "abstractNumId")
            self.abstracts[abstract_id] = {
                _int(_w_attribute(level, "ilvl"), 0): level
                for level in _w_children(abstract, "lvl")
            }
            link = _w_child_value(abstract, "styleLink")
            if link:
                self.style_links[link] = abstract_id
            link = _w_child_value(abstract, "numStyleLink")
            if link:
                self.abstracts[abstract_id] = link  # resolved through the style when used
        for num in _w_children(root, "num"):
            overrides = {
                _int(_w_attribute(o, "ilvl"), 0): _int(_w_child_value(o, "startOverride"), None)
                for o in _w_children(num, "lvlOverride")
            }
            self.nums[_w_attribute(num, "numId")] = (
                _w_child_value(num, "abstractNumId"),
                {ilvl: start for ilvl, start in overrides.items() if start is not None},
            )

    def _read_styles(self, root):
        for style in _w_children(root, "style"):
            if _w_attribute(style, "type") != "paragraph":
                continue
            style_id = _w_attribute(style, "styleId")
            num_pr = _w_child(_w_child(style, "pPr"), "numPr")
            self.styles[style_id] = (
                _w_child_value(num_pr, "numId"),
                _int(_w_child_value(num_pr, "ilvl"), None),
                _w_child_value(style, "basedOn"),
            )
            if _is_on_attribute(_w_attribute(style, "default")):
                self.default_style = style_id

    def label(self, paragraph):
        p_pr = _w_child(paragraph, "pPr")
        style_id = _w_child_value(p_pr, "pStyle") or self.default_style
        num_pr = _w_child(p_pr, "numPr")
        style_num, style_ilvl = self._style_numbering(style_id)
        num_id = _w_child_value(num_pr, "numId") or style_num
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, levels = self._levels(num_id)
        if not levels:
            return ""
        ilvl = _int(_w_child_value(num_pr, "ilvl"), None)
        if ilvl is None:
            ilvl = style_ilvl if style_ilvl is not None else _level_of_style(levels, style_id)
        if ilvl not in levels:
            return ""
        return self._next_label(num_id, abstract_id, levels, ilvl)

    def _style_numbering(self, style_id):
        num_id = ilvl = None
        seen = set()
        while style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style_num, style_ilvl, style_id = self.styles[style_id]
            num_id = num_id or style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        return num_id, ilvl

    def _levels(self, num_id):
        abstract_id = self.nums[num_id][0]
        levels = self.abstracts.get(abstract_id)
        if isinstance(levels, str):  # numStyleLink: the list is defined by a numbering style
            linked_num = self._style_numbering(levels)[0]
            abstract_id = self.style_links.get(levels) or self.nums.get(linked_num, (None,))[0]
            levels = self.abstracts.get(abstract_id)
        return abstract_id, levels if isinstance(levels, dict) else {}

    def _next_label(self, num_id, abstract_id, levels, ilvl):
        # Word continues a list across every num that shares its abstract definition, unless a
        # num restarts it with a start override.
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in self.nums[num_id][1].items():
                counters[level] = start - 1
        counters[ilvl] = counters.get(ilvl, _start(levels, ilvl) - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        return _render_label(levels, ilvl, counters)


def _w_children(element, name):
    return [child for ns in W_NAMESPACES for child in element.iterfind(f"{{{ns}}}{name}")]


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _is_on_attribute(value):
    return value is not None and value not in ("0", "false", "off")


def _start(levels, ilvl):
    return _int(_w_child_value(levels.get(ilvl), "start"), 1)


def _level_of_style(levels, style_id):
    for ilvl, level in levels.items():
        if style_id and _w_child_value(level, "pStyle") == style_id:
            return ilvl
    return 0


_SUFFIXES = {"tab": "\t", "space": " ", "nothing": ""}


def _render_label(levels, ilvl, counters):
    level = levels[ilvl]
    number_format = _w_child_value(level, "numFmt") or "decimal"
    if number_format in ("bullet", "none"):
        return ""

    def placeholder(match):
        shown = int(match.group(1)) - 1
        value = counters.get(shown, _start(levels, shown))
        return _format_number(value, _w_child_value(levels.get(shown), "numFmt") or "decimal")

    text = re.sub(r"%([1-9])", placeholder, _w_child_value(level, "lvlText") or "")
    return text + _SUFFIXES.get(_w_child_value(level, "suff") or "tab", "\t")


CHINESE_DIGITS = "〇一二三四五六七八九"
LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "ideographDigital",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}


def _format_number(value, number_format):
    if number_format in CHINESE_FORMATS:
        return chinese_numeral(value)
    if number_format == "chineseLegalSimplified":
        return chinese_numeral(value).translate(
            str.maketrans(CHINESE_DIGITS + "十", LEGAL_DIGITS + "拾")
        )
    if number_format in ("upperLetter", "lowerLetter") and value > 0:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("upperRoman", "lowerRoman") and 0 < value < 4000:
        roman = _roman(value)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format == "decimalEnclosedCircle" and 0 < value <= 20:
        return chr(0x245F + value)
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value):
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"))
    numerals += ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    result = ""
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        result += numeral * count
    return result


def chinese_numeral(value):
    """1 → 一, 10 → 十, 12 → 十二, 40 → 四十; numbers outside 0–99 stay in digits."""
    if not 0 <= value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    if not tens:
        return CHINESE_DIGITS[ones]
    prefix = "" if tens == 1 else CHINESE_DIGITS[tens]
    return prefix + "十" + (CHINESE_DIGITS[ones] if ones else "")


# --- required sections ------------------------------------------------------------------------

_NUMBER = r"\d{1,3}|[〇零一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾两]{1,3}"
# After NFKC: full-width brackets, digits and stops are ASCII, "、" stays.
_SECTION_MARKER = re.compile(
    rf"""\s*(?:
        第(?P<ordinal>{_NUMBER})(?:部分|章|节|项|条)?
      | [(\[【〔](?P<bracketed>{_NUMBER})[)\]】〕]
      | (?P<bare>{_NUMBER})(?:[、,:)]|\.(?!\d)|\s)
    )""",
    re.VERBOSE,
)
# A list marker and nothing else (after NFKC, "①" is "1").
_ONLY_MARKER = re.compile(rf"第?[(\[【〔]?(?:{_NUMBER})[)\]】〕]?(?:部分|章|节|项|条)?[、,.:\s]*")
_CHINESE_VALUES = {
    **{digit: value for value, digit in enumerate(CHINESE_DIGITS)},
    **{digit: value for value, digit in enumerate(LEGAL_DIGITS)},
    "两": 2,
}


def number_value(number):
    """The value of a section number: "3", "三", "叁", "十二" → 3, 3, 3, 12; None if it is none."""
    number = unicodedata.normalize("NFKC", number).strip()
    if number.isdigit():
        return int(number)
    tens, ten, ones = number.replace("拾", "十").partition("十")
    if not ten:
        return _CHINESE_VALUES.get(number) if len(number) == 1 else None
    high = _CHINESE_VALUES.get(tens) if tens else 1
    low = _CHINESE_VALUES.get(ones) if ones else 0
    return None if high is None or low is None else high * 10 + low


def find_sections(paragraphs, sections):
    """Which of `sections` the paragraphs contain, and which they miss.

    A section is found in the first paragraph that starts with its number as a list marker in any
    common form (一、 一. （一） 第一部分 1. 1、 1． (1) 1) …, full- or half-width, after optional
    whitespace) and contains all its keywords, whatever the paragraph's style. Numbers are
    compared by value, so "1." satisfies section "一". "1.1" is a subsection, not section 1.

    Returns `(found, missing)`: a list of `(section, paragraph text)` and a list of sections, both
    in the order of `sections`.
    """
    headings = _heading_indexes(paragraphs, sections)
    found = [(s, paragraphs[headings[s]].strip()) for s in sections if s in headings]
    missing = [s for s in sections if s not in headings]
    return found, missing


def section_bodies(paragraphs, sections):
    """The paragraphs under each section found: from after its heading to the next heading found
    (or the end of the document), as `{section: [text, …]}` in the order of `sections`."""
    return {
        section: paragraphs[start:end]
        for section, (start, end) in _section_spans(paragraphs, sections).items()
    }


def _section_spans(paragraphs, sections):
    """`{section: (first, end)}`: the indexes of the paragraphs under each section found."""
    headings = _heading_indexes(paragraphs, sections)
    starts = sorted(set(headings.values()))
    spans = {}
    for section in sections:
        if section not in headings:
            continue
        index = headings[section]
        following = [start for start in starts if start > index]
        spans[section] = (index + 1, following[0] if following else len(paragraphs))
    return spans


def _heading_indexes(paragraphs, sections):
    markers = [(_marker_value(text), _compact(text)) for text in paragraphs]
    indexes = {}
    for section in sections:
        index = _heading_of(section, markers)
        if index is not None:
            indexes[section] = index
    return indexes


def _marker_value(text):
    match = _SECTION_MARKER.match(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    return number_value(match.group("ordinal") or match.group("bracketed") or match.group("bare"))


def _heading_of(section, markers):
    value = number_value(section.number)
    keywords = [_compact(keyword) for keyword in section.keywords]
    for index, (marker, compact) in enumerate(markers):
        if marker is not None and marker == value and all(k in compact for k in keywords):
            return index
    return None


# --- videos -----------------------------------------------------------------------------------


def _check_video(rules, file, facts):
    try:
        seconds = mp4_duration_seconds(file)
    except DocumentRejected as exc:
        return [_problem(rules, exc)]
    facts["duration_seconds"] = round(seconds, 3)
    limit = rules.max_video_minutes
    if limit is not None and seconds > limit * 60:
        return [
            _("%(file)s 时长 %(duration)s，超过 %(limit)s 分钟上限")
            % {"file": rules.code, "duration": _duration_text(seconds), "limit": f"{limit:g}"}
        ]
    return []


def _duration_text(seconds):
    # Rounded up, so that a video a fraction of a second too long never reads "12分0秒".
    minutes, seconds = divmod(math.ceil(seconds), 60)
    return _("%(minutes)d分%(seconds)d秒") % {"minutes": minutes, "seconds": seconds}


# --- PDFs -------------------------------------------------------------------------------------


def _check_pdf(rules, file, facts):
    try:
        pages = check_pdf(file).pages
    except DocumentRejected as exc:
        return [_problem(rules, exc)]
    facts["pages"] = pages
    if not pages:
        return [_("%(file)s 是没有任何页面的 PDF 文件") % {"file": rules.code}]
    return []


# --- shared -----------------------------------------------------------------------------------


def _problem(rules, exc):
    return _("%(file)s %(problem)s") % {"file": rules.code, "problem": exc.message}


_CHECKERS = {"word": _check_word, "video": _check_video, "pdf": _check_pdf}
