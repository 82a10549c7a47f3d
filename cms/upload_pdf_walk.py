"""One pass over the objects of an opened PDF (`cms.upload_pdf`): the active content they hold
(`cms.upload_pdf_active` names it) and the page tree, whose pages are then counted without
reading anything again. Every value looked at is counted (`MAX_NODES`), and so is every indirect
value looked up (`MAX_LOOKUPS`); past either, or past the deadline, the file is too complex."""

import time

from django.utils.translation import gettext as _
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

# Values (dictionary entries, array items) looked at in all objects together.
MAX_NODES = 2_000_000

# Indirect values looked up while looking at an object (an action type, a file name): a sound
# file has hardly any.
MAX_LOOKUPS = 10_000
# Levels of the page tree (pypdf's own limit).
MAX_PAGE_TREE_DEPTH = 100
_LEAF = "page"


def not_a_pdf():
    return DocumentRejected(_("不是有效的 PDF 文件"), code="invalid")


def too_complex():
    return DocumentRejected(
        _("PDF 文件结构过于复杂或已损坏，无法检查，请用“打印为 PDF”另存后重新上传"),
        code="too_complex",
    )


class _PageTreeNode:
    def __init__(self, kids):
        self.kids = kids  # (object number, generation), `_LEAF` or a `_PageTreeNode` each


class Walk:
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
            raise too_complex()
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
            raise not_a_pdf()
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
                    raise too_complex()
                stack.extend((kid, depth + 1) for kid in item.kids)
        return count

    # --- active content

    def _spend(self, count):
        self.nodes -= count
        if self.nodes < 0:
            raise too_complex()

    def _resolve(self, value):
        if not isinstance(value, IndirectObject):
            return value
        self.lookups -= 1
        if self.lookups < 0:
            raise too_complex()
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
