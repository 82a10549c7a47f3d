"""Server-side checks of the files of a nomination (文件1 … 文件4), before anyone reviews them.

Pure functions on the uploaded file: no database, no decoding of media. Each slot of a campaign
describes its rules (`SlotRules`); `check_file` measures the file and returns every failure as a
Chinese message that names the file, the rule and what was found.

* Word forms: the zip-safety checks of `cms.upload_docx` first, then the text of
  the paragraphs read by `cms.docx_reader` (numbering, text boxes, revisions), counted with
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
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.form_templates import EXPLANATION_LEAD, PLACEHOLDERS
from cms.cjk_text import count_characters_no_spaces, count_form_characters
from cms.cn_numerals import NUMERAL_CHARACTERS, number_value
from cms.docx_reader import DocxUnreadable, read_paragraphs
from cms.upload_checks import DocumentRejected
from cms.upload_docx import check_docx
from cms.upload_mp4 import mp4_duration_seconds
from cms.upload_pdf import check_pdf, pdf_page_count

__all__ = [
    "CheckResult",
    "DocxUnreadable",
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
        paragraphs = read_paragraphs(data)
    except DocumentRejected as exc:
        return [" ".join(exc.messages)]
    except DocxUnreadable as exc:
        return [_problem(rules, exc)]
    failures = []
    # The limit is on Word's 字数; 字符数(不计空格) is shown beside it, as Word shows both.
    characters = sum(count_form_characters(p.text) for p in paragraphs)
    facts["characters"] = characters
    facts["characters_no_spaces"] = sum(count_characters_no_spaces(p.text) for p in paragraphs)
    if rules.char_limit is not None and characters > rules.char_limit:
        failures.append(
            _(
                "%(file)s 字数 %(count)s（字符数（不计空格）%(no_spaces)s），"
                "超过 %(limit)s 字上限（按 Word“字数统计”中的“字数”计）"
            )
            % {
                "file": rules.code,
                "count": f"{characters:,}",
                "no_spaces": f"{facts['characters_no_spaces']:,}",
                "limit": f"{rules.char_limit:,}",
            }
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
    first. Raises `DocxUnreadable` when the document cannot be read."""
    return [p.text for p in read_paragraphs(data)]


def docx_numbered_text(data: bytes) -> list[str]:
    """`docx_text` with the numbers Word shows before automatically numbered paragraphs
    ("一、", "1.") put back in front, as a reader sees the headings."""
    return [p.numbered_text for p in read_paragraphs(data)]


def docx_character_count(data: bytes) -> int:
    """The 字数 of the document as Word's 字数统计 shows it, which the forms' limits use
    (`count_form_characters`).

    Paragraphs are counted one by one, so a word never runs on from one paragraph into the
    next; automatic list numbers are not text and do not count."""
    return sum(count_form_characters(text) for text in docx_text(data))


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


# --- required sections ------------------------------------------------------------------------

_NUMBER = rf"\d{{1,3}}|[{NUMERAL_CHARACTERS}]{{1,3}}"
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
