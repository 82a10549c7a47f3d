"""WordprocessingML element helpers shared by the Word reader and its numbering: every name in
both the transitional namespace Word writes by default and the one of "Strict Open XML"; and the
package's relationships (Open Packaging Conventions), which the reader follows and the upload
checks (`cms.upload_docx`) inspect."""

import posixpath
from urllib.parse import unquote

from django.utils.translation import gettext as _
from lxml import etree

W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict Open XML" documents
)
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A relationship's type is one of these followed by its kind ("officeDocument", "styles", …).
RELATIONSHIP_ROOTS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/",  # Strict
)


class DocxUnreadable(ValueError):
    """A Word document whose content cannot be read; `message` is Chinese and does not name the
    file, `code` says why for the callers that sort refusals."""

    def __init__(self, message, code="docx_unreadable"):
        super().__init__(message)
        self.message = message
        self.code = code


def w_tags(name):
    return frozenset(f"{{{namespace}}}{name}" for namespace in W_NAMESPACES)


def w_attribute(element, name):
    for namespace in W_NAMESPACES:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


def w_child(element, name):
    if element is None:
        return None
    for namespace in W_NAMESPACES:
        child = element.find(f"{{{namespace}}}{name}")
        if child is not None:
            return child
    return None


def w_child_value(element, name):
    child = w_child(element, name)
    return None if child is None else w_attribute(child, "val")


def w_children(element, name):
    return [child for ns in W_NAMESPACES for child in element.iterfind(f"{{{ns}}}{name}")]


def is_on(value):
    """An OOXML on/off value: absent is off, a bare flag is on."""
    return value is not None and value not in ("0", "false", "off")


def flag_is_on(flag):
    """A toggle element (`<w:b/>`, `<w:showingPlcHdr w:val="0"/>`): on unless it says off."""
    return flag is not None and w_attribute(flag, "val") not in ("0", "false", "off")


def to_int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def parse_part(content):
    """A part's XML, without comments or processing instructions (neither is content, and an
    lxml comment's tag is a function, not a name). Entities are never resolved: the upload
    checks have refused DTDs already, and this stays safe on its own."""
    try:
        # A parser per call: lxml parsers must not be shared between threads.
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
            huge_tree=False,
        )
        return etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise unreadable() from exc


def unreadable():
    return DocxUnreadable(_("无法读取 Word 文档的内容（文件已损坏）"))


# --- relationships ----------------------------------------------------------------------------


def rels_part(source):
    """The relationship part of `source` ("" for the package): `word/document.xml` →
    `word/_rels/document.xml.rels`, "" → `_rels/.rels`."""
    folder, base = posixpath.split(source)
    return posixpath.join(folder, "_rels", base + ".rels")


def rels_source(name):
    """The part a relationship part belongs to: `word/_rels/document.xml.rels` →
    `word/document.xml`; `_rels/.rels` → "" (the package)."""
    folder, base = posixpath.split(name)
    return posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels"))


def resolve_target(source, target):
    """The part name that a relationship of `source` ("" for the package) targets: relative to
    the source's folder or absolute from the package's root, without a fragment, percent-escapes
    decoded; None when it leads nowhere inside the package."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        path = target
    else:
        path = posixpath.join("/", posixpath.dirname(source), target)
    path = posixpath.normpath(path).lstrip("/")
    return path if path and not path.startswith("..") else None
