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

Active content is found in the parsed objects, wherever it is (the document's name tree, the
open action, annotations' `/A` and `/AA`, form fields, outlines): pypdf decodes names written
with `#xx` escapes (`/J#61vaScript`) and objects inside object streams, so neither hides
anything. Refused: JavaScript (`/JS`, `/S /JavaScript`, the `/JavaScript` name tree), `/Launch`
actions, embedded files (the `/EmbeddedFiles` name tree, file specifications with `/EF`,
`/FileAttachment` annotations; an executable one is named as such, by its content or its name),
rich media (`/RichMedia`), `/SubmitForm` and `/ImportData` actions.

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
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from cms.upload_checks import DocumentRejected
from cms.upload_pdf_active import (
    ACTIONS,
    EXECUTABLE_EXTENSIONS,
    Findings,
    printable_name,
    program_in,
)

__all__ = ["MAX_NODES", "MAX_OBJECTS", "PdfFacts", "check_pdf", "pdf_page_count"]

PDF_MAGIC = b"%PDF-"
# A scanned letter has a few dozen objects, a long report some thousands. pypdf reads one in
# 0.1 to 0.5 ms.
MAX_OBJECTS = 50_000
# The last resort, should pypdf be slow in a way none of the bounds foresee.
MAX_SECONDS = 30
# Values (dictionary entries, array items) looked at in all objects together.
MAX_NODES = 2_000_000
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
        walk = _Walk(reader, deadline)
        walk.scan()
        return walk.page_count(), walk.found


# --- opening ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _opened(file, deadline):
    if isinstance(file, (bytes, bytearray, memoryview)):
        file = io.BytesIO(file)
    file.seek(0)
    if bytes(file.read(len(PDF_MAGIC))) != PDF_MAGIC:
        raise _not_a_pdf()
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
        raise _too_complex() from exc
    except (FileNotDecryptedError, DependencyError) as exc:
        raise DocumentRejected(
            _("是加密的 PDF 文件，无法读取，请去除密码后重新上传"), code="encrypted"
        ) from exc
    except Exception as exc:  # a hostile or broken file can fail anywhere inside the parser
        raise _not_a_pdf() from exc


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


def _not_a_pdf():
    return DocumentRejected(_("不是有效的 PDF 文件"), code="invalid")


def _too_many_objects():
    return DocumentRejected(
        _("PDF 文件包含的对象过多（超过 %(limit)s 个），无法检查，请精简或拆分后重新上传")
        % {"limit": f"{MAX_OBJECTS:,}"},
        code="too_many_objects",
    )


def _too_complex():
    return DocumentRejected(
        _("PDF 文件结构过于复杂或已损坏，无法检查，请用“打印为 PDF”另存后重新上传"),
        code="too_complex",
    )


# --- active content ---------------------------------------------------------------------------


# Indirect values looked up while looking at an object (an action type, a file name): a sound
# file has hardly any.
MAX_LOOKUPS = 10_000
# Levels of the page tree (pypdf's own limit).
MAX_PAGE_TREE_DEPTH = 100
_LEAF = "page"


class _PageTreeNode:
    def __init__(self, kids):
        self.kids = kids  # (object number, generation), `_LEAF` or a `_PageTreeNode` each


class _Walk:
    """One pass over the objects of a file: what active content they hold, and the page tree
    (the pages are counted from it afterwards, without reading anything again)."""

    def __init__(self, reader, deadline):
        self.reader = reader
        self.found = Findings()
        self.nodes = MAX_NODES
        self.lookups = MAX_LOOKUPS
        self.pages = set()  # objects that are pages, when the tree reaches them
        self.page_tree = {}  # object → `_PageTreeNode`
        self.deadline = deadline

    def scan(self):
        """Look at every object of the file once, forgetting each after it (the objects of an
        object stream once all of them have been looked at: the stream is decoded once)."""
        reader = self.reader
        cache = reader.resolved_objects
        in_streams = reader.xref_objStm
        for generation, numbers in sorted(reader.xref.items()):
            free = reader.xref_free_entry.get(generation, {})
            for number in sorted(numbers):
                if free.get(number) or (generation == 0 and number in in_streams):
                    continue
                self.visit((number, generation))
                cache.pop((generation, number), None)
        streams = {}
        for number, (stream_number, _index) in in_streams.items():
            streams.setdefault(stream_number, []).append(number)
        for stream_number, numbers in sorted(streams.items()):
            for number in numbers:
                self.visit((number, 0))
            for number in numbers:
                cache.pop((0, number), None)
            cache.pop((0, stream_number), None)

    def visit(self, key):
        """Look at object `key` and every value inside it, down to (not through) references to
        other objects, which are looked at on their own."""
        if time.monotonic() > self.deadline:
            raise _too_complex()
        obj = self.reader.get_object(IndirectObject(*key, self.reader))
        if isinstance(obj, DictionaryObject):
            role = self._page_tree_role(obj)
            if role is _LEAF:
                self.pages.add(key)
            elif role is not None:
                self.page_tree[key] = role
        stack = [obj]
        while stack:
            value = stack.pop()
            if isinstance(value, DictionaryObject):  # streams too, without their data
                children = dict.values(value)
                self._spend(len(value))
                self._look_at(value)
            elif isinstance(value, ArrayObject):
                children = list.__iter__(value)
                self._spend(len(value))
            else:
                continue
            stack.extend(
                child for child in children if isinstance(child, (DictionaryObject, ArrayObject))
            )

    # --- pages

    def _page_tree_role(self, node, depth=0):
        """`_LEAF` for a page, a `_PageTreeNode` for a node of the page tree, else None; as pypdf
        reads them (without /Type: a page unless it has /Kids)."""
        kind = self._name(node, "/Type") if "/Type" in node else None
        if kind == "/Page" or (kind is None and "/Kids" not in node):
            return _LEAF
        if kind not in ("/Pages", None):
            return None
        kids = self._get(node, "/Kids")
        if not isinstance(kids, ArrayObject) or depth > MAX_PAGE_TREE_DEPTH:
            return _PageTreeNode(())
        self._spend(len(kids))
        return _PageTreeNode(tuple(self._kid(kid, depth) for kid in kids))

    def _kid(self, kid, depth):
        if isinstance(kid, IndirectObject):
            return (kid.idnum, kid.generation)
        if isinstance(kid, DictionaryObject):  # written inline, which pypdf accepts
            return self._page_tree_role(kid, depth + 1)
        return None

    def page_count(self):
        """The pages the catalog's page tree reaches, each node of it opened once."""
        top = dict.get(self.reader.root_object, "/Pages")
        if isinstance(top, IndirectObject):
            top = (top.idnum, top.generation)
        elif isinstance(top, DictionaryObject):
            top = self._page_tree_role(top)
        else:
            raise _not_a_pdf()
        count, opened = 0, set()
        stack = [(top, 0)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, tuple):
                if item in self.pages:
                    count += 1
                    continue
                if item in opened or item not in self.page_tree:
                    continue
                opened.add(item)
                item = self.page_tree[item]
            if item is _LEAF:
                count += 1
            elif isinstance(item, _PageTreeNode):
                if depth >= MAX_PAGE_TREE_DEPTH:
                    raise _too_complex()
                stack.extend((kid, depth + 1) for kid in item.kids)
        return count

    # --- active content

    def _spend(self, count):
        self.nodes -= count
        if self.nodes < 0:
            raise _too_complex()

    def _resolve(self, value):
        if not isinstance(value, IndirectObject):
            return value
        self.lookups -= 1
        if self.lookups < 0:
            raise _too_complex()
        resolved = value.get_object()
        if isinstance(resolved, StreamObject):  # an embedded file's data: not kept
            self.reader.resolved_objects.pop((value.generation, value.idnum), None)
        return resolved

    def _get(self, dictionary, key):
        return self._resolve(dict.get(dictionary, key))

    def _name(self, dictionary, key):
        value = self._get(dictionary, key) if key in dictionary else None
        return str(value) if isinstance(value, NameObject) else None

    def _look_at(self, dictionary):
        found = self.found
        if "/JS" in dictionary or "/JavaScript" in dictionary:
            found.add("javascript")
        action = self._name(dictionary, "/S")
        if action in ACTIONS:
            found.add(ACTIONS[action])
            if action == "/Launch":
                found.launched += self._launched(dictionary)
        subtype = self._name(dictionary, "/Subtype")
        if subtype == "/RichMedia" or "/RichMediaContent" in dictionary:
            found.add("richmedia")
        if "/EmbeddedFiles" in dictionary or subtype == "/FileAttachment":
            found.add("embedded")
        if isinstance(dictionary, StreamObject) and self._name(dictionary, "/Type") == (
            "/EmbeddedFile"
        ):
            program = program_in(dictionary)
            found.embedded[None] = program or found.embedded.get(None)
        if "/EF" in dictionary:
            self._embedded_file(dictionary)

    def _launched(self, action):
        """The programs (file names) a /Launch action starts."""
        targets = [dict.get(action, "/F")]
        for platform in ("/Win", "/Mac", "/Unix"):
            parameters = self._get(action, platform)
            if isinstance(parameters, DictionaryObject):
                targets.append(dict.get(parameters, "/F"))
        names = (self._file_name(target) for target in targets if target is not None)
        return [name for name in names if name]

    def _file_name(self, value):
        """The file name of a file specification: a string, or a dictionary's /UF or /F."""
        value = self._resolve(value)
        if isinstance(value, DictionaryObject):
            for key in ("/UF", "/F", "/Unix", "/DOS", "/Mac"):
                name = self._resolve(dict.get(value, key))
                if isinstance(name, (TextStringObject, ByteStringObject, str)):
                    return printable_name(name)
            return ""
        if isinstance(value, (TextStringObject, ByteStringObject, str)):
            return printable_name(value)
        return ""

    def _embedded_file(self, specification):
        name = self._file_name(specification) or None
        files = self._get(specification, "/EF")
        program = None
        if isinstance(files, DictionaryObject):
            for key in ("/F", "/UF"):
                data = self._get(files, key)
                if isinstance(data, StreamObject):
                    program = program_in(data)
                    break
        if name and not program and "." in name:
            program = EXECUTABLE_EXTENSIONS.get(name.rpartition(".")[2].lower())
        self.found.embedded[name] = program or self.found.embedded.get(name)
