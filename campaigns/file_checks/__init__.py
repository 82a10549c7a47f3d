"""Server-side checks of the files of a nomination (文件1 … 文件4), before anyone reviews them.

Pure functions on the uploaded file: no database, no decoding of media. Each slot of a campaign
describes its rules (`SlotRules`); `check_file` measures the file and returns every failure as a
Chinese message that names the file, the rule and what was found. The size is checked here, the
rest by the file's kind:

* Word forms (`word`): the zip-safety checks of `cms.upload_docx`, the text read by
  `cms.docx_reader`, Word's 字数, the form's required sections (`sections`) with content under
  each heading, and no placeholder of the blank form left in.
* Videos (`video`): the duration from the MP4 / QuickTime box headers (`cms.upload_mp4`).
* PDFs (`pdf`): the page count, and no active content (`cms.upload_pdf`).

Files are read from a seekable binary file (an upload, a stored file, an open file; `bytes` are
wrapped), each check reading only what it needs, in bounded memory and time. Callers import from
this package, which exposes `__all__`.
"""

import io
import math
import os

from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.file_checks.pdf import check_pdf_file
from campaigns.file_checks.rules import CheckResult, RequiredSection, SlotRules
from campaigns.file_checks.sections import find_sections, section_bodies
from campaigns.file_checks.video import check_video
from campaigns.file_checks.word import (
    check_word,
    docx_character_count,
    docx_numbered_text,
    docx_text,
)
from cms.cjk_text import count_form_characters
from cms.docx_reader import DocxUnreadable
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


_CHECKERS = {"word": check_word, "video": check_video, "pdf": check_pdf_file}
