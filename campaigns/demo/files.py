"""Small, real files for the demo nominations: a recommendation form with the campaign's
sections (python-docx), a short MP4 container (boxes written by hand, no media inside) and a
one-page PDF (pypdf), with a few lines of text where a viewer shows it. Each passes the slot
checks of `campaigns.file_checks`."""

import io
import struct

from docx import Document
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

DEMO_PARAGRAPH = (
    "（演示）本部分为演示文字，不是真实申报内容。项目面向离散制造企业的生产现场，"
    "通过数据采集、建模仿真与在线优化，提升设备综合效率与产品一致性，"
    "并已在多家企业开展应用验证。"
)
DEMO_TABLE = (
    ("指标（演示）", "应用前", "应用后"),
    ("生产效率", "100", "135"),
    ("不良率", "2.1%", "0.8%"),
)


def recommendation_form(project_name, sections, paragraph="（演示）本部分为演示文字。",
                        table=None):  # fmt: skip
    """A .docx whose headings are the slot's required sections (`FormSection`s), each with a
    paragraph; `table` (rows of cells) follows the first section."""
    document = Document()
    document.add_heading(f"【演示】{project_name}", level=1)
    for number, section in enumerate(sections):
        separator = "." if section.number.isascii() else "、"
        document.add_heading(f"{section.number}{separator}{section.title}", level=2)
        document.add_paragraph(paragraph)
        if table and number == 0:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            grid.style = "Table Grid"
            for row, values in zip(grid.rows, table, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _box(kind, payload):
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def video(seconds=90, timescale=1000):
    """An MP4 container of `seconds`: ftyp, moov/mvhd with the duration, an empty mdat."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    mvhd = _box(
        b"mvhd",
        bytes([0, 0, 0, 0])  # version 0, flags
        + struct.pack(">IIII", 0, 0, timescale, int(seconds * timescale))
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate 1.0, volume 1.0
        + bytes(10)  # reserved
        + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)  # matrix
        + bytes(24)  # pre-defined
        + struct.pack(">I", 2),  # next track id
    )
    return ftyp + _box(b"moov", mvhd) + _box(b"mdat", b"")


def pdf(pages=1, lines=()):
    """A PDF of `pages` A4 pages; `lines` (ASCII: the standard Helvetica has no Chinese) are
    written on the first one, so that a viewer shows something."""
    writer = PdfWriter()
    for number in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        if number == 0 and lines:
            font = DictionaryObject({
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            })  # fmt: skip
            fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
            text = " T* ".join(f"({_pdf_text(line)}) Tj" for line in lines)
            content = DecodedStreamObject()
            content.set_data(f"BT /F1 16 Tf 24 TL 72 760 Td {text} ET".encode("ascii"))
            page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_text(line):
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
