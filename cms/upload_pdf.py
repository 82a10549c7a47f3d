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
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
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
# Names of embedded files that are programs, and what they are.
EXECUTABLE_EXTENSIONS = {
    **dict.fromkeys(("exe", "dll", "scr", "com", "pif", "cpl", "sys"), "Windows 程序"),
    **dict.fromkeys(("msi", "msp"), "Windows 安装包"),
    **dict.fromkeys(("bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf", "hta"), "Windows 脚本"),
    "lnk": "Windows 快捷方式",
    "jar": "Java 程序",
    "apk": "安卓安装包",
    **dict.fromkeys(("app", "dmg", "pkg"), "macOS 程序"),
    **dict.fromkeys(("sh", "bash", "py", "pl"), "脚本"),
    **dict.fromkeys(("elf", "so", "bin", "run"), "Linux 程序"),
}
EXECUTABLE_MAGIC = (
    (b"MZ", "Windows 程序"),
    (b"\x7fELF", "Linux 程序"),
    (b"\xcf\xfa\xed\xfe", "macOS 程序"),
    (b"\xce\xfa\xed\xfe", "macOS 程序"),
    (b"\xfe\xed\xfa\xcf", "macOS 程序"),
    (b"\xfe\xed\xfa\xce", "macOS 程序"),
    (b"\xca\xfe\xba\xbe", "macOS 或 Java 程序"),
    (b"#!", "脚本"),
)
MAX_NAMES_SHOWN = 5


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
    """(page count, `_Findings`), from one pass over the objects of the file."""
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


class _Findings:
    def __init__(self):
        self.kinds = {}  # what was found, in the order found
        self.launched = []  # programs a /Launch action starts
        self.embedded = {}  # embedded file name (or None) → what program it is (or None)

    def __bool__(self):
        return bool(self.kinds or self.embedded)

    def add(self, kind):
        self.kinds.setdefault(kind, None)

    def labels(self):
        labels = []
        for kind in self.kinds:
            if kind == "launch":
                programs = [f"“{name}”" for name in dict.fromkeys(self.launched)]
                labels.append(
                    _("启动外部程序%(programs)s的动作（Launch）") % {"programs": _listed(programs)}
                )
            elif kind in _KIND_LABELS:
                labels.append(_(_KIND_LABELS[kind]))
        named = {name: program for name, program in self.embedded.items() if name}
        programs = [f"“{name}”（{program}）" for name, program in named.items() if program]
        others = [f"“{name}”" for name, program in named.items() if not program]
        unnamed_program = self.embedded.get(None)
        if programs:
            labels.append(_("嵌入的可执行文件%(files)s") % {"files": _listed(programs)})
        elif unnamed_program:
            labels.append(_("嵌入的可执行文件（%(program)s）") % {"program": unnamed_program})
        if others:
            labels.append(_("嵌入文件%(files)s") % {"files": _listed(others)})
        elif not (programs or unnamed_program) and (self.embedded or "embedded" in self.kinds):
            labels.append(_("嵌入文件"))
        return labels


_KIND_LABELS = {
    "javascript": gettext_noop("JavaScript 脚本"),
    "richmedia": gettext_noop("富媒体内容（RichMedia）"),
    "submit": gettext_noop("提交表单数据的动作（SubmitForm）"),
    "import": gettext_noop("导入数据的动作（ImportData）"),
}


def _listed(items):
    """`“a”、“b”`, or the first few and how many there are."""
    shown = "、".join(items[:MAX_NAMES_SHOWN])
    if len(items) > MAX_NAMES_SHOWN:
        shown += _("等 %(count)d 个") % {"count": len(items)}
    return shown


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
        self.found = _Findings()
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
        if action in _ACTIONS:
            found.add(_ACTIONS[action])
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
            program = _program_in(dictionary)
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
                    return _printable(name)
            return ""
        if isinstance(value, (TextStringObject, ByteStringObject, str)):
            return _printable(value)
        return ""

    def _embedded_file(self, specification):
        name = self._file_name(specification) or None
        files = self._get(specification, "/EF")
        program = None
        if isinstance(files, DictionaryObject):
            for key in ("/F", "/UF"):
                data = self._get(files, key)
                if isinstance(data, StreamObject):
                    program = _program_in(data)
                    break
        if name and not program and "." in name:
            program = EXECUTABLE_EXTENSIONS.get(name.rpartition(".")[2].lower())
        self.found.embedded[name] = program or self.found.embedded.get(name)


_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit",
    "/ImportData": "import",
    "/RichMediaExecute": "richmedia",
}


def _printable(name):
    if isinstance(name, ByteStringObject):
        name = bytes(name).decode("latin-1")
    text = "".join(c for c in str(name) if c.isprintable()).strip()
    # A path: the file's own name says what it is.
    text = text.replace("\\", "/").rstrip("/").rpartition("/")[2] or text
    return text[:80]


def _program_in(stream):
    """What program an embedded file's data is, from its first bytes; None if it is none. Only
    a few bytes are inflated, never the whole file."""
    head = _head(stream)
    for magic, program in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return program
    return None


def _head(stream, count=16):
    raw = getattr(stream, "_data", b"") or b""  # as read from the file (decrypted), not decoded
    filters = dict.get(stream, "/Filter")
    if not isinstance(filters, ArrayObject):
        filters = [] if filters is None else [filters]
    if not filters:
        return bytes(raw[:count])
    if len(filters) == 1 and str(filters[0]) in ("/FlateDecode", "/Fl"):
        try:
            return zlib.decompressobj().decompress(bytes(raw[: 64 * 1024]), count)
        except zlib.error:
            return b""
    return b""
