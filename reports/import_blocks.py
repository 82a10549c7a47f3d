"""Readers that turn a legacy report (plain text, Markdown or .docx) into one list of blocks.

A block is a heading, a paragraph or a photo caption, in reading order; `read_blocks` chooses the
reader by the file's content and name. The readers know nothing about the report's structure;
`reports.import_structure` finds it in the blocks.
"""

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from django.conf import settings
from django.utils.translation import gettext as _

from cms.cjk_text import display_width, join_broken_lines
from cms.cn_numerals import CHINESE_DIGITS
from cms.docx_reader import DocxUnreadable, read_paragraphs
from cms.upload_checks import (
    HEAD_BYTES,
    OLE2,
    TEXT,
    ZIP,
    DocumentRejected,
    check_upload,
    container_of,
    megabytes,
)
from cms.upload_docx import check_docx

PARAGRAPH = "paragraph"
HEADING = "heading"
CAPTION = "caption"
LIST_ITEM = "list_item"  # an item of a Markdown list; `marker` is "1." or "-"

# A section heading `一、当月总体进展情况` or a numbered item `1.战略咨询` / `2. 产学融合`; the
# look-ahead keeps decimals such as `4.0 学习工厂` out.
SECTION_HEADING = re.compile(rf"^([{CHINESE_DIGITS[1:]}十]+)\s*[、.．]\s*(\S.*)$")
NUMBERED_ITEM = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(\S.*)$")

# Where a sentence, and so possibly a paragraph, ends.
TERMINAL_PUNCTUATION = "。！？；：”’）」』!?;:…"
# A heading never ends in these; a closing bracket is fine (`国际智能制造联盟（筹）`).
SENTENCE_PUNCTUATION = "。！？；，、：,;:!?"
# No printed page holds a wider line (in Chinese characters); wider lines were typed unwrapped.
MAX_PRINTED_LINE_WIDTH = 60


class ReportImportError(Exception):
    """The report cannot be imported; the message says why, in Chinese."""


class UnreadableText(ValueError):
    """The bytes decode neither as UTF-8 nor as GB18030."""


@dataclass(frozen=True)
class Block:
    kind: str  # PARAGRAPH, HEADING, CAPTION or LIST_ITEM
    text: str
    style: str = ""  # the Word style name, for .docx
    level: int = 0  # heading level where the source has one (Markdown #, Word Heading N);
    # for a list item, how deeply it is nested (0 at the top)
    marker: str = ""  # a list item's "1." or "-"

    @property
    def markdown(self):
        """The block as a line of an entry's Markdown body."""
        if self.kind == LIST_ITEM:
            return "    " * self.level + f"{self.marker} {self.text}"
        return self.text


def looks_like_heading(text):
    return bool(text) and text[-1] not in SENTENCE_PUNCTUATION


def is_heading_line(text):
    return looks_like_heading(text) and bool(
        SECTION_HEADING.match(text) or NUMBERED_ITEM.match(text)
    )


# Choosing the reader --------------------------------------------------------------------------

DOCX_SUFFIXES = {".docx", ".docm", ".doc", ".dotx"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}


def read_blocks(data, filename):
    """The blocks of the file, read according to its content and, failing that, its name."""
    if not data.strip():
        raise ReportImportError(_("%(name)s 是空文件。") % {"name": filename})
    limit = settings.LIANHE_DOCX_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ReportImportError(
            _("%(name)s 过大：不能超过 %(limit)s MB。")
            % {"name": filename, "limit": megabytes(limit)}
        )
    suffix = Path(filename).suffix.lower()
    label = _("文件“%(name)s”") % {"name": filename}
    if suffix in DOCX_SUFFIXES or container_of(data[:HEAD_BYTES]) in (ZIP, OLE2):
        return read_docx(data, label=label)
    check_upload(data, TEXT, label)  # a program or another binary file, named .txt or .md
    try:
        text = decode_text(data)
    except UnreadableText as exc:
        raise ReportImportError(
            _("%(name)s 的文字编码无法识别：请保存为 UTF-8 或 GB18030 编码的文本。")
            % {"name": filename}
        ) from exc
    if suffix in MARKDOWN_SUFFIXES:
        return read_markdown(text)
    return read_text(text)


# Plain text -----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableText


def read_text(text: str) -> list[Block]:
    """Blocks of a report extracted from a PDF (or typed): broken lines are joined back up."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    double_spaced = _is_double_spaced(lines)
    content = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    widths = [display_width(line) for _i, line in content]
    breaks = _break_positions(lines, double_spaced)

    blocks = []
    pieces = []

    def flush():
        if pieces:
            merged = ""
            for piece in pieces:
                merged = join_broken_lines(merged, piece)
            blocks.append(Block(PARAGRAPH, merged))
            pieces.clear()

    for n, (index, line) in enumerate(content):
        if index in breaks:
            flush()
        full = _full_width(widths, n)
        next_line = content[n + 1][1] if n + 1 < len(content) else ""
        if is_heading_line(line):
            flush()
            blocks.append(Block(HEADING, line))
        elif not pieces and _is_standalone(line, full):
            blocks.append(Block(CAPTION, line))
        else:
            pieces.append(line)
            if _ends_paragraph(line, full) or is_heading_line(next_line):
                flush()
    flush()
    return blocks


def _is_double_spaced(lines):
    """PDF extractors often write a blank line after every line; then one blank line means
    nothing and cannot separate paragraphs."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    gaps = [after - before - 1 for before, after in itertools.pairwise(filled)]
    return bool(gaps) and sum(1 for gap in gaps if gap == 1) >= 0.6 * len(gaps)


def _break_positions(lines, double_spaced):
    """Indexes of lines that start a new block because blank lines precede them.

    In double-spaced text a lone empty line is the extractor's spacing; a whitespace-only line
    (where a picture was) or a run of blank lines is a real break."""
    breaks = set()
    run = []
    for i, line in enumerate(lines):
        if not line.strip():
            run.append(line)
            continue
        if run and (not double_spaced or len(run) > 1 or any(run)):
            breaks.add(i)
        run = []
    return breaks


def _full_width(widths, n, window=20):
    """The width of a full line around line `n`: page layouts differ between sections."""
    nearby = sorted(widths[max(0, n - window) : n + window + 1])
    return nearby[int(0.9 * (len(nearby) - 1))]


def _ends_paragraph(line, full):
    if line[-1] not in TERMINAL_PUNCTUATION:
        return False
    if full > MAX_PRINTED_LINE_WIDTH:  # typed text, one paragraph per line
        return True
    return display_width(line) < full - 1.5


def _is_standalone(line, full):
    """A short line without end punctuation between paragraphs: a photo caption, or a line of
    the title block."""
    return line[-1] not in TERMINAL_PUNCTUATION and display_width(line) <= 0.6 * full


# Markdown -------------------------------------------------------------------------------------

MARKDOWN_IMAGE = re.compile(r"^!\[([^\]]*)\]\([^)]*\)$")
MARKDOWN_EMPHASIS = re.compile(r"^(?:\*([^*]+)\*|_([^_]+)_)$")
MARKDOWN_HEADINGS = {f"h{level}": level for level in range(1, 7)}


def read_markdown(text: str) -> list[Block]:
    """Blocks of a Markdown report, its block structure read by Python-Markdown's own parser
    (headings, paragraphs, ordered and bullet lists, nested lists, quotes). Inline Markdown
    (`**粗体**`, links) is left in the text: the entries' bodies are Markdown themselves. Raw
    HTML is not interpreted; it stays text, and the body's checks then refuse what is unsafe."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    root = markdown.Markdown(lazy_ol=False).parser.parseDocument(lines).getroot()
    blocks = []
    _markdown_blocks(root, blocks)
    return blocks


def _markdown_blocks(parent, blocks, depth=0):
    for element in parent:
        tag = element.tag
        if tag in MARKDOWN_HEADINGS:
            text = _element_text(element)
            if text:
                blocks.append(Block(HEADING, text, level=MARKDOWN_HEADINGS[tag]))
        elif tag in ("ol", "ul"):
            _markdown_list(element, blocks, depth)
        elif tag == "p":
            pieces = [line.strip() for line in _element_text(element).split("\n")]
            if any(pieces):
                blocks.append(_markdown_paragraph([piece for piece in pieces if piece]))
        elif tag == "hr":
            continue
        elif len(element):  # a quote and the like: its paragraphs are the report's
            _markdown_blocks(element, blocks, depth)
        elif text := _element_text(element).strip():  # a code block
            blocks.append(Block(PARAGRAPH, text))


def _markdown_list(element, blocks, depth):
    ordered = element.tag == "ol"
    start = _int_attribute(element, "start", 1)
    for index, item in enumerate(element.iterfind("li")):
        pieces = [item.text or ""]
        nested = []
        for child in item:
            if child.tag in ("ol", "ul"):
                nested.append(child)
            else:
                pieces.append(_element_text(child))
            pieces.append(child.tail or "")
        text = ""
        for piece in " ".join(pieces).split("\n"):
            text = join_broken_lines(text, piece.strip())
        marker = f"{start + index}." if ordered else "-"
        if text.strip():
            blocks.append(Block(LIST_ITEM, text.strip(), level=depth, marker=marker))
        for child in nested:
            _markdown_list(child, blocks, depth + 1)


def _element_text(element):
    return "".join(element.itertext())


def _int_attribute(element, name, default):
    try:
        return int(element.get(name, default))
    except (TypeError, ValueError):
        return default


def _markdown_paragraph(lines):
    if len(lines) == 1:
        image = MARKDOWN_IMAGE.match(lines[0])
        if image:
            return Block(CAPTION, image.group(1).strip())
    text = ""
    for line in lines:
        text = join_broken_lines(text, line)
    emphasis = MARKDOWN_EMPHASIS.match(text)
    if emphasis:
        return Block(CAPTION, (emphasis.group(1) or emphasis.group(2)).strip())
    return Block(PARAGRAPH, text)


# Word -----------------------------------------------------------------------------------------

WORD_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
WORD_TITLE_STYLES = {"title", "标题"}
WORD_CAPTION_WORDS = ("图注", "题注")


def read_docx(data: bytes, label: str = "文件") -> list[Block]:
    """Blocks of a Word document, after the upload safety checks, read by the project's Word
    reader (automatic numbering put back in front of the text). Raises DocumentRejected for a
    file the checks refuse or the reader cannot read, never anything else."""
    check_docx(data, label)
    try:
        paragraphs = read_paragraphs(data)
    except DocxUnreadable as exc:
        raise DocumentRejected(
            _("%(label)s%(problem)s。") % {"label": label, "problem": exc.message},
            code=exc.code,
        ) from exc
    blocks = []
    for paragraph in paragraphs:
        text = _numbered(paragraph.number, paragraph.text.strip())
        if not text:  # empty, or holding only a picture
            continue
        kind, level = _kind_of_style(paragraph.style)
        blocks.append(Block(kind, text, style=paragraph.style, level=level))
    return blocks


def _numbered(number, text):
    """The paragraph as typed by hand: "一、当月总体进展情况", "1. 战略咨询" (a space after an
    ASCII stop, as Markdown writes a list)."""
    number = number.strip()
    if not number or not text:
        return text
    return f"{number} {text}" if number[-1] in ".)" else number + text


def _kind_of_style(style):
    name = style.strip()
    heading = WORD_HEADING_STYLE.match(name)
    if heading:
        return HEADING, int(heading.group(1))
    if name.lower() in WORD_TITLE_STYLES:
        return HEADING, 0
    if name.lower() == "caption" or any(word in name for word in WORD_CAPTION_WORDS):
        return CAPTION, 0
    return PARAGRAPH, 0
