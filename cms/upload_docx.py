"""Safety checks for uploaded Word (.docx) files, run before any parser opens them.

A .docx is a zip archive. Everything here looks only at the archive's central directory (names
and declared sizes) and at the small `[Content_Types].xml`, so a hostile file is refused before
anything large is inflated. Declared sizes can be trusted as an upper bound: Python's `zipfile`
(which python-docx uses) never returns more bytes for a member than its declared size.
"""

import io
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _

from cms.upload_checks import DocumentRejected, megabytes

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
MAX_MEMBERS = 1000
MAX_COMPRESSION_RATIO = 100
# Small XML parts legitimately compress far better than 100:1; only large members can hurt.
RATIO_CHECK_MIN_BYTES = 1024 * 1024


def check_docx(data: bytes, label: str = "文件") -> None:
    """Refuse `data` unless it is a plain Word .docx within the size limits."""
    _check_upload_size(data, label)
    if data.startswith(OLE2_MAGIC):
        raise DocumentRejected(
            _("%(label)s是旧版 Word 97-2003（.doc）文件，请在 Word 中另存为 .docx 后再上传。")
            % {"label": label},
            code="legacy_doc",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _not_docx(label) from exc
    with archive:
        members = archive.infolist()
        _check_declared_sizes(members, label)
        names = {member.filename for member in members}
        _check_required_parts(names, label)
        _check_macros(archive, names, label)


def _not_docx(label, detail=None):
    detail = detail or _("文件内容不是 docx 格式")
    return DocumentRejected(
        _("%(label)s不是有效的 Word（.docx）文件：%(detail)s。")
        % {"label": label, "detail": detail},
        code="not_docx",
    )


def _check_upload_size(data, label):
    if not data:
        raise DocumentRejected(_("%(label)s是空文件。") % {"label": label}, code="empty")
    limit = settings.LIANHE_DOCX_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise DocumentRejected(
            _("%(label)s过大（%(size)s MB）：不能超过 %(limit)s MB。")
            % {"label": label, "size": megabytes(len(data)), "limit": megabytes(limit)},
            code="too_large",
        )


def _check_declared_sizes(members, label):
    if len(members) > MAX_MEMBERS:
        raise DocumentRejected(
            _("%(label)s包含的部件过多（%(count)d 个），不能超过 %(limit)d 个，疑似压缩炸弹。")
            % {"label": label, "count": len(members), "limit": MAX_MEMBERS},
            code="zip_bomb",
        )
    limit = settings.LIANHE_DOCX_MAX_UNCOMPRESSED_BYTES
    total = sum(member.file_size for member in members)
    if total > limit:
        raise DocumentRejected(
            _(
                "%(label)s解压后过大（%(size)s MB）：解压后总大小不能超过 %(limit)s MB，"
                "疑似压缩炸弹。"
            )
            % {"label": label, "size": megabytes(total), "limit": megabytes(limit)},
            code="zip_bomb",
        )
    for member in members:
        if member.file_size <= RATIO_CHECK_MIN_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise DocumentRejected(
                _(
                    "%(label)s中的 %(name)s 压缩比异常（%(ratio)d 倍）：超过 %(min)s MB 的部件"
                    "压缩比不能超过 %(limit)d 倍，疑似压缩炸弹。"
                )
                % {
                    "label": label,
                    "name": member.filename,
                    "ratio": ratio,
                    "min": megabytes(RATIO_CHECK_MIN_BYTES),
                    "limit": MAX_COMPRESSION_RATIO,
                },
                code="zip_bomb",
            )


def _check_required_parts(names, label):
    missing = [part for part in REQUIRED_PARTS if part not in names]
    if missing:
        raise _not_docx(label, _("缺少 %(parts)s") % {"parts": "、".join(missing)})


def _check_macros(archive, names, label):
    has_vba = any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names)
    try:
        content_types = archive.read("[Content_Types].xml")
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        raise _not_docx(label, _("[Content_Types].xml 无法读取")) from exc
    if has_vba or MACRO_CONTENT_TYPE.encode() in content_types:
        raise DocumentRejected(
            _(
                "%(label)s是含宏的 Word 文件（.docm），出于安全原因不予接受，"
                "请在 Word 中另存为不含宏的 .docx 后再上传。"
            )
            % {"label": label},
            code="macro",
        )
