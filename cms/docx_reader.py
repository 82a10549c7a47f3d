"""The one Word reader of the project: the paragraphs of a .docx as a reader sees them.

Both the report importer and the nomination file checks read Word files through here. lxml
reads the package's XML parts directly (python-docx drops automatic numbering and text boxes,
scans every style for each paragraph, and stops at packages it cannot follow), and what Word
shows is rebuilt:

* paragraphs in reading order: body, tables (nested too, each merged cell once), text boxes
  (once: Word writes each twice, as DrawingML and as a VML fallback), content controls;
* tracked changes as accepted: insertions kept, deletions and moved-away text left out;
* the number Word draws before an automatically numbered paragraph (`cms.docx_numbering`);
* each paragraph's style name, for headings and captions.

The main part is found as Word finds it, through the package relationships (transitional or
Strict Open XML, a .docx or a .dotx template), and so are the styles and the numbering. Run
`cms.upload_docx.check_docx` on untrusted data first: it bounds sizes, depth and the zip's
honesty, which this module relies on. Every failure to read is a `DocxUnreadable`.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from cms.docx_numbering import Numbering
from cms.docx_xml import (
    MC,
    REL_NS,
    RELATIONSHIP_ROOTS,
    DocxUnreadable,
    flag_is_on,
    parse_part,
    rels_part,
    resolve_target,
    unreadable,
    w_attribute,
    w_child,
    w_child_value,
    w_children,
    w_tags,
)

__all__ = ["DocxUnreadable", "WordParagraph", "read_paragraphs"]

DEFAULT_MAIN = "word/document.xml"

W_P = w_tags("p")
W_T = w_tags("t")
W_TC = w_tags("tc")
W_SDT_CONTENT = w_tags("sdtContent")
# Deleted and moved-away revisions are still in the file, but no longer in the document.
W_REMOVED = w_tags("del") | w_tags("moveFrom")
W_CHARACTERS = {
    **dict.fromkeys(w_tags("tab") | w_tags("ptab"), "\t"),
    **dict.fromkeys(w_tags("br") | w_tags("cr"), "\n"),
    **dict.fromkeys(w_tags("noBreakHyphen"), "-"),
}
W_SYM = w_tags("sym")


@dataclass
class WordParagraph:
    element: object = field(repr=False)
    parts: list = field(default_factory=list, repr=False)
    number: str = ""  # the label Word draws before it: "一、\t", "1.\t", "" when none
    style: str = ""  # the style's name as stored ("heading 1", "标题 2", "Caption")
    in_table: bool = False

    @property
    def text(self):
        return "".join(self.parts)

    @property
    def numbered_text(self):
        return self.number + self.text


def read_paragraphs(data: bytes) -> list[WordParagraph]:
    """Every paragraph of the document, in reading order (see the module's docstring)."""
    parts = _Package(data)
    document = parse_part(parts.read(parts.main))
    styles_root = _optional_part(parts, "styles")
    numbering = Numbering(_optional_part(parts, "numbering"), styles_root)
    style_names = _style_names(styles_root)
    default_style = numbering.default_style
    paragraphs = _collect_paragraphs(document)
    for paragraph in paragraphs:
        style_id = w_child_value(w_child(paragraph.element, "pPr"), "pStyle") or default_style
        paragraph.style = style_names.get(style_id, "")
        paragraph.number = numbering.label(paragraph.element)
    return paragraphs


def _optional_part(parts, kind):
    name = parts.related(parts.main, kind)
    return parse_part(parts.read(name)) if name else None


def _style_names(styles_root):
    if styles_root is None:
        return {}
    return {
        w_attribute(style, "styleId"): w_child_value(style, "name") or ""
        for style in w_children(styles_root, "style")
    }


# --- the package ------------------------------------------------------------------------------


class _Package:
    """The zip's parts by name, and the relationships that lead from one part to another."""

    def __init__(self, data):
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            # Part names are case-insensitive (OPC); the upload checks refused duplicates.
            self.names = {name.lower(): name for name in self.archive.namelist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise unreadable() from exc
        self.main = self.related("", "officeDocument") or DEFAULT_MAIN
        if self.main.lower() not in self.names:
            raise unreadable()

    def read(self, name):
        try:
            return self.archive.read(self.names[name.lower()])
        except KeyError as exc:
            raise unreadable() from exc
        except (
            zipfile.BadZipFile,  # a bad CRC, a broken header
            zipfile.LargeZipFile,
            zlib.error,
            OSError,
            EOFError,
            RuntimeError,  # an encrypted member
            NotImplementedError,  # an unsupported compression method
            ValueError,
        ) as exc:
            raise unreadable() from exc

    def related(self, source, kind):
        """The part that `source` ("" for the package) names by a relationship of `kind`
        ("officeDocument", "styles", "numbering"), or None."""
        rels_name = rels_part(source)
        if rels_name.lower() not in self.names:
            return None
        root = parse_part(self.read(rels_name))
        wanted = {prefix + kind for prefix in RELATIONSHIP_ROOTS}
        for relationship in root.iterfind(f"{REL_NS}Relationship"):
            if relationship.get("Type") not in wanted:
                continue
            if relationship.get("TargetMode") == "External":
                continue
            name = resolve_target(source, relationship.get("Target", ""))
            if name and name.lower() in self.names:
                return name
        return None


# --- paragraphs -------------------------------------------------------------------------------


def _collect_paragraphs(root):
    """Paragraphs in the order they start; a text box's paragraphs come after the paragraph that
    anchors it and their text is theirs alone."""
    paragraphs, open_paragraphs = [], []
    cells = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "end":
            if tag in W_P:
                open_paragraphs.pop()
            elif tag in W_TC:
                cells -= 1
            continue
        if _is_hidden(element):
            walker.skip_subtree()
        elif tag in W_P:
            open_paragraphs.append(WordParagraph(element, in_table=cells > 0))
            paragraphs.append(open_paragraphs[-1])
        elif tag in W_TC:
            cells += 1
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
        return chr(int(w_attribute(element, "char") or "", 16))
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
        return flag_is_on(w_child(w_child(element.getparent(), "sdtPr"), "showingPlcHdr"))
    return False
