"""Reading an uploaded PDF in bounded memory and time: its page count, and whether it holds
active content (scripts, actions that start programs or send data, embedded files).

The file is opened with pypdf, which reads objects from the (seekable) file as they are asked
for and keeps its own limits on what it decodes; here they are lowered (`PYPDF_LIMITS`: nothing
this module asks for is ever large). On top of them:

* at most `MAX_OBJECTS` indirect objects: a file with more is refused before any is read (its
  objects and cross-reference rows are first counted in its bytes);
* every object is read once, through the cross-reference table (objects inside object streams
  too) and forgotten again, so the memory in use is that of one object (or one object stream),
  not of the file; at most `MAX_NODES` values inside them are looked at in all;
* the bytes read from the file are budgeted (`READ_BUDGET_FACTOR` times its size): pypdf repairs
  a damaged file by reading all of it again, and a crafted file could make it do so once per
  object; and the pass over the objects gives up after `MAX_SECONDS`.

Active content is found in the parsed objects (`cms.upload_pdf_walk`), wherever it is (the
document's name tree, the open action, annotations' `/A` and `/AA`, form fields, outlines): pypdf
decodes names written with `#xx` escapes (`/J#61vaScript`) and objects inside object streams, so
neither hides anything. Refused: JavaScript (`/JS`, `/S /JavaScript`, the `/JavaScript` name tree),
`/Launch` actions, embedded files (the `/EmbeddedFiles` name tree, file specifications with `/EF`,
`/FileAttachment` annotations; an executable one is named as such, by its content or its name), rich
media (`/RichMedia`), `/SubmitForm` and `/ImportData` actions.

Errors are `DocumentRejected` with a message that does not name the file (callers put their own
label in front) and a `code`: "invalid", "encrypted", "too_many_objects", "too_complex",
"active_content".
"""

import contextlib
import io
import os
import re
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pypdf import PdfReader, apply_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

from cms.upload_checks import DocumentRejected
from cms.upload_pdf_walk import MAX_NODES, Walk, not_a_pdf, too_complex

__all__ = ["MAX_NODES", "MAX_OBJECTS", "PdfFacts", "check_pdf", "pdf_page_count"]

PDF_MAGIC = b"%PDF-"
# A scanned letter has a few dozen objects, a long report some thousands. pypdf reads one in
# 0.1 to 0.5 ms.
MAX_OBJECTS = 50_000
# The last resort, should pypdf be slow in a way none of the bounds foresee.
MAX_SECONDS = 30
# Bytes read from the file, as a multiple of its size (a sound file is read about once) plus a
# constant for small files.
READ_BUDGET_FACTOR = 8
READ_BUDGET_EXTRA = 16 * 1024 * 1024
# What pypdf may decode for us: object streams, cross-reference streams (page content, images
# and fonts are never decoded here). Its defaults are 75 MB per stream.
_DECODED = 16 * 1024 * 1024
PYPDF_LIMITS = {
    "zlib_maximum_output_length": _DECODED,
    "lzw_maximum_output_length": _DECODED,
    "run_length_maximum_output_length": _DECODED,
    "brotli_maximum_output_length": _DECODED,
    "jbig2_maximum_output_length": _DECODED,
    "array_based_stream_maximum_output_length": _DECODED,
    "stream_decoding_work_maximum_length": 4 * _DECODED,
}


@dataclass(frozen=True)
class PdfFacts:
    """What `check_pdf` measured."""

    pages: int


def pdf_page_count(file) -> int:
    """The number of pages of the PDF in `file` (a seekable binary file or bytes), active
    content or not. Encrypted files count when pypdf can open them without a password."""
    return _read(file)[0]


def check_pdf(file) -> PdfFacts:
    """Open the PDF in `file` (a seekable binary file or bytes) and refuse it when it holds active
    content (code "active_content", the message naming what was found) or cannot be read
    within the bounds; else its facts (the page count)."""
    pages, found = _read(file)
    if found:
        raise DocumentRejected(
            _(
                "含有活动内容（%(found)s），为安全起见不予接受；请去除后（例如用“打印为 PDF”"
                "另存为普通 PDF）重新上传"
            )
            % {"found": "；".join(found.labels())},
            code="active_content",
        )
    return PdfFacts(pages=pages)


def _read(file):
    """(page count, `Findings`), from one pass over the objects of the file."""
    deadline = time.monotonic() + MAX_SECONDS
    with _opened(file, deadline) as reader:
        walk = Walk(reader, deadline)
        walk.scan()
        return walk.page_count(), walk.found


# --- opening ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _opened(file, deadline):
    if isinstance(file, (bytes, bytearray, memoryview)):
        file = io.BytesIO(file)
    file.seek(0)
    if bytes(file.read(len(PDF_MAGIC))) != PDF_MAGIC:
        raise not_a_pdf()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    if max(_count_objects(file)) > MAX_OBJECTS:
        raise _too_many_objects()
    file.seek(0)
    stream = _BudgetedStream(file, READ_BUDGET_FACTOR * size + READ_BUDGET_EXTRA, deadline)
    try:
        with apply_configuration(**PYPDF_LIMITS):
            reader = PdfReader(stream, xref_stream_maximum_entries=MAX_OBJECTS)
            if _object_count(reader) > MAX_OBJECTS:
                raise _too_many_objects()
            yield reader
    except DocumentRejected:
        raise
    except (_OverBudget, LimitReachedError, RecursionError) as exc:
        raise too_complex() from exc
    except (FileNotDecryptedError, DependencyError) as exc:
        raise DocumentRejected(
            _("是加密的 PDF 文件，无法读取，请去除密码后重新上传"), code="encrypted"
        ) from exc
    except Exception as exc:  # a hostile or broken file can fail anywhere inside the parser
        raise not_a_pdf() from exc


class _OverBudget(BaseException):
    """Raised from inside pypdf, which catches `Exception` in places to repair a file."""


class _BudgetedStream:
    """`file`, counting the bytes read; `_OverBudget` once more than `budget` are, or once the
    `deadline` (of `time.monotonic`) has passed."""

    def __init__(self, file, budget, deadline):
        self._file = file
        self._left = budget
        self._deadline = deadline

    def read(self, size=-1):
        data = self._file.read(size)
        self._left -= len(data)
        if self._left < 0 or time.monotonic() > self._deadline:
            raise _OverBudget
        return data

    def seek(self, offset, whence=os.SEEK_SET):
        return self._file.seek(offset, whence)

    def tell(self):
        return self._file.tell()


# "12 0 obj" and "0000012345 00000 n", each found from a literal the search skips ahead to.
_OBJECT_HEADER = re.compile(rb"obj(?<=\d\sobj)")
_XREF_ROW = re.compile(rb" [nf](?<=\d{10} \d{5} [nf])")


def _count_objects(file):
    """(objects, rows of cross-reference tables) the file's bytes hold, counted 1 MB at a time
    before pypdf reads it (it checks every row of a table as it opens a file). Objects inside
    object streams are counted by pypdf's own limit (`xref_stream_maximum_entries`)."""
    objects = rows = 0
    file.seek(0)
    while chunk := file.read(1024 * 1024):
        objects += len(_OBJECT_HEADER.findall(chunk))
        rows += len(_XREF_ROW.findall(chunk))
    return objects, rows


def _object_count(reader):
    return sum(map(len, reader.xref.values())) + len(reader.xref_objStm)


def _too_many_objects():
    return DocumentRejected(
        _("PDF 文件包含的对象过多（超过 %(limit)s 个），无法检查，请精简或拆分后重新上传")
        % {"limit": f"{MAX_OBJECTS:,}"},
        code="too_many_objects",
    )
