"""Small, real files for the demo nomination: a recommendation form with the campaign's
sections (python-docx), a short MP4 container (boxes written by hand, no media inside) and a
one-page PDF (pypdf). Each passes the slot checks of `campaigns.file_checks`."""

import io
import struct

from docx import Document
from pypdf import PdfWriter


def recommendation_form(project_name, sections, paragraph="（演示）本部分为演示文字。"):
    """A .docx whose headings are the slot's required sections (`FormSection`s)."""
    document = Document()
    document.add_heading(f"【演示】{project_name}", level=1)
    for section in sections:
        separator = "." if section.number.isascii() else "、"
        document.add_heading(f"{section.number}{separator}{section.title}", level=2)
        document.add_paragraph(paragraph)
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


def pdf(pages=1):
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
