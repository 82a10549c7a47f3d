"""One set of checks for every upload in the product (apply form, objections, Wagtail images and
documents, report imports), run before any parser opens the file: containers judged by their
bytes, macro and active content refused, bounded memory and time.

`check_upload(file, kind, label)` is the front door: `kind` is what the file claims to be (the
slot's kind, or what its name says, `kind_of_name`), and the file must be that container from
its first byte on. Each container has its own module: `cms.upload_docx` for Office packages
(with `cms.upload_zip`, the bounded zip reader). Everything raises `DocumentRejected`, whose
message names the file (`label`), what is wrong and the limit.
"""

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
HEAD_BYTES = 64

# What a file claims to be: Office packages, PDF, video, images, plain text.
DOCX, XLSX, PPTX = "docx", "xlsx", "pptx"
PDF, VIDEO, TEXT = "pdf", "video", "text"
PNG, JPEG, GIF, WEBP, AVIF = "png", "jpeg", "gif", "webp", "avif"
IMAGES = (PNG, JPEG, GIF, WEBP, AVIF)
OFFICE = (DOCX, XLSX, PPTX)

_KIND_OF_EXTENSION = {
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".pdf": PDF,
    ".mp4": VIDEO,
    ".mov": VIDEO,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".gif": GIF,
    ".webp": WEBP,
    ".avif": AVIF,
    ".txt": TEXT,
    ".csv": TEXT,
}
# The extension a file is stored and downloaded under, from its checked kind.
EXTENSIONS = {
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    PDF: ".pdf",
    PNG: ".png",
    JPEG: ".jpg",
    GIF: ".gif",
    WEBP: ".webp",
    AVIF: ".avif",
}

# Containers, told apart by their leading bytes.
ZIP, OLE2, EXECUTABLE, ISO_BMFF = "zip", "ole2", "executable", "iso-bmff"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = (
    (b"PK\x03\x04", ZIP),
    (OLE2_MAGIC, OLE2),
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"MZ", EXECUTABLE),  # Windows programs and DLLs
    (b"\x7fELF", EXECUTABLE),
    (b"\xcf\xfa\xed\xfe", EXECUTABLE),  # Mach-O
    (b"\xca\xfe\xba\xbe", EXECUTABLE),
    (b"#!", EXECUTABLE),  # scripts
)
_AVIF_BRANDS = {b"avif", b"avis"}
# QuickTime files made before `ftyp` existed start with one of these boxes.
MOV_LEADING_BOXES = frozenset({b"moov", b"wide", b"mdat", b"free", b"skip"})
# How the messages name what a file really is ("文件内容是 PDF 文件", "文件内容是可执行程序").
_CONTAINER_NAMES = {
    ZIP: " zip 压缩包",
    OLE2: "旧版 Office 97-2003 文件",
    PDF: " PDF 文件",
    PNG: " PNG 图片",
    JPEG: " JPEG 图片",
    GIF: " GIF 图片",
    WEBP: " WebP 图片",
    AVIF: " AVIF 图片",
    ISO_BMFF: " MP4/MOV 视频",
    EXECUTABLE: "可执行程序",
}
# "不是有效的 PDF 文件", "不是有效的文本文件": the spaces that set Latin apart come with the name.
_KIND_NAMES = {
    PDF: " PDF 文件",
    VIDEO: " MP4/MOV 视频文件",
    PNG: " PNG 图片",
    JPEG: " JPEG 图片",
    GIF: " GIF 图片",
    WEBP: " WebP 图片",
    AVIF: " AVIF 图片",
    TEXT: "文本文件",
}


class DocumentRejected(ValidationError):
    """An uploaded file that is refused; the message tells the user why and the limit."""


def megabytes(size):
    """A byte count as the MB figure shown to users: `100`, `0.5`."""
    return f"{size / MEGABYTE:.1f}".removesuffix(".0")


# --- files ------------------------------------------------------------------------------------


def as_file(data):
    """A seekable binary file for `data`: bytes (or a buffer) are wrapped, files pass as they
    are. Checks read files in chunks and leave them at position 0."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(data)
    return data


def file_size(file):
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def read_head(file, size=HEAD_BYTES):
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def container_of(head):
    """The container `head` (a file's first bytes) starts, or None when none is known."""
    for magic, container in _MAGIC:
        if head.startswith(magic):
            return container
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return AVIF if head[8:12] in _AVIF_BRANDS else ISO_BMFF
    if head[4:8] in MOV_LEADING_BOXES:
        return ISO_BMFF
    return None


def container_name(container):
    """What the messages call the container, after "是": `可执行程序`, ` PDF 文件` (the space
    that sets Latin apart included); None when unknown."""
    return _CONTAINER_NAMES.get(container)


def kind_of_name(name):
    """The kind a file name claims (`推荐表.docx` → "docx"), or None for any other name."""
    return _KIND_OF_EXTENSION.get(os.path.splitext(name or "")[1].lower())


def kind_of_content(file):
    """The kind of an upload judged by its leading bytes alone (an Office package counts as a
    Word document), or None: for uploads that may be of several kinds (objection attachments)."""
    container = container_of(read_head(as_file(file)))
    return {ZIP: DOCX, ISO_BMFF: VIDEO}.get(container, container if container in _KINDS else None)


# --- the front door ---------------------------------------------------------------------------


def check_upload(file, kind, label="文件"):
    """Refuse `file` (bytes or a seekable binary file) unless it is a safe file of `kind`;
    returns the extension it is stored under. Raises `DocumentRejected`."""
    file = as_file(file)
    checker = _KINDS.get(kind)
    if checker is None:
        raise ValueError(f"unknown upload kind {kind!r}")
    if file_size(file) == 0:
        raise DocumentRejected(_("%(label)s是空文件。") % {"label": label}, code="empty")
    checker(file, kind, label)
    file.seek(0)
    return EXTENSIONS.get(kind, "")


def wrong_container(label, kind, container):
    """The refusal of a file whose leading bytes are not the container its kind is stored in."""
    found = container_name(container)
    detail = _("文件内容是%(found)s") % {"found": found} if found else _("无法识别文件内容")
    return DocumentRejected(
        _("%(label)s不是有效的%(kind)s：%(detail)s。")
        % {"label": label, "kind": _KIND_NAMES[kind], "detail": detail},
        code="wrong_type",
    )


def _check_office(file, kind, label):
    from cms.upload_docx import check_office

    check_office(file, kind, label)


def _expect_container(file, kind, label, *expected):
    container = container_of(read_head(file))
    if container not in expected:
        raise wrong_container(label, kind, container)


def _check_pdf(file, kind, label):
    _expect_container(file, kind, label, PDF)
    from cms.upload_pdf import check_pdf

    file.seek(0)
    try:
        check_pdf(file)
    except DocumentRejected as error:
        raise _labelled(error, label) from error


def _check_video(file, kind, label):
    _expect_container(file, kind, label, ISO_BMFF)
    from cms.upload_mp4 import mp4_duration_seconds

    file.seek(0)
    try:
        mp4_duration_seconds(file)
    except DocumentRejected as error:
        raise _labelled(error, label) from error


def _labelled(error, label):
    # The PDF and video readers' messages name no file (the slot checks put their own code
    # first): here the label leads, as in every other refusal of this module.
    return DocumentRejected(f"{label}{error.message.rstrip('。')}。", code=error.code)


def _check_image(file, kind, label):
    """The image must be the format it claims from its first byte, and within the pixel limit
    (WAGTAILIMAGES_MAX_IMAGE_PIXELS, the one Wagtail applies to its images); Pillow reads its
    header and verifies its structure, decoding no pixels."""
    _expect_container(file, kind, label, kind)
    if kind == AVIF:
        return  # Wagtail's Willow opens AVIF; the Pillow here may have no plugin for it
    from PIL import Image

    try:
        with Image.open(file) as image:
            pixels = image.width * image.height * getattr(image, "n_frames", 1)
            if pixels > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
                raise _too_many_pixels(label)
            image.verify()
    except Image.DecompressionBombError as error:  # far over Pillow's own limit
        raise _too_many_pixels(label) from error
    except DocumentRejected:
        raise
    except Exception as error:  # Pillow raises many kinds for a broken or hostile image
        raise DocumentRejected(
            _("%(label)s：图片文件已损坏，无法打开。") % {"label": label}, code="image"
        ) from error


def _too_many_pixels(label):
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    return DocumentRejected(
        _("%(label)s的像素过多：不能超过 %(limit)s 万像素，请缩小后再上传。")
        % {"label": label, "limit": f"{limit // 10000:,}"},
        code="too_many_pixels",
    )


def _check_text(file, kind, label):
    """Plain text (.txt, .csv): no known binary container, and no NUL byte at its start unless
    it is UTF-16 (with its byte order mark)."""
    head = read_head(file, 64 * 1024)
    container = container_of(head)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if container is not None or (b"\0" in head and not utf16):
        raise wrong_container(label, kind, container)


_KINDS = {
    DOCX: _check_office,
    XLSX: _check_office,
    PPTX: _check_office,
    PDF: _check_pdf,
    VIDEO: _check_video,
    **dict.fromkeys(IMAGES, _check_image),
    TEXT: _check_text,
}
