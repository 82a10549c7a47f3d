"""Every refused file is built for real: a zip, a python-docx document, an OLE2 header."""

import io
import os
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from cms.upload_checks import DocumentRejected
from cms.upload_docx import OLE2_MAGIC, check_docx

MIB = 1024 * 1024


def valid_docx(text="中国科协智能制造学会联合体"):
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data, *, extra=(), replace=None, drop=()):
    """A copy of the .docx `data` with members added, replaced or left out."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = replace.get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
        for name, content in extra:
            target.writestr(name, content)
    return buffer.getvalue()


def zip_of(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def rejected(data, label="文件"):
    with pytest.raises(DocumentRejected) as excinfo:
        check_docx(data, label)
    return excinfo.value.message


def test_a_valid_word_document_passes():
    check_docx(valid_docx())


def test_rejection_is_a_validation_error():
    assert issubclass(DocumentRejected, ValidationError)


def test_old_word_97_2003_file_is_refused():
    data = OLE2_MAGIC + os.urandom(4096)
    message = rejected(data)
    assert "旧版 Word 97-2003（.doc）文件" in message
    assert "另存为 .docx" in message


def test_plain_text_is_not_a_docx():
    message = rejected("中国科协智能制造学会联合体进展情况月报".encode())
    assert "不是有效的 Word（.docx）文件：文件内容不是 docx 格式。" in message


def test_empty_file_is_refused():
    assert "空文件" in rejected(b"")


def test_label_names_the_file():
    message = rejected(b"not a zip", label="文件1（推荐书）")
    assert message.startswith("文件1（推荐书）不是有效的 Word（.docx）文件")


def test_zip_without_word_document_is_refused():
    data = zip_of([("[Content_Types].xml", "<Types/>"), ("readme.txt", "hello")])
    message = rejected(data)
    assert "不是有效的 Word（.docx）文件" in message
    assert "word/document.xml" in message


def test_docx_without_content_types_is_refused():
    data = rezip(valid_docx(), drop={"[Content_Types].xml"})
    assert "[Content_Types].xml" in rejected(data)


def test_macro_enabled_content_type_is_refused():
    data = valid_docx()
    content_types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    macro = content_types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert macro != content_types
    message = rejected(rezip(data, replace={"[Content_Types].xml": macro}))
    assert "含宏" in message
    assert ".docm" in message


def test_vba_project_is_refused():
    data = rezip(valid_docx(), extra=[("word/vbaProject.bin", os.urandom(512))])
    assert "含宏" in rejected(data)


def test_upload_over_the_limit_is_refused(settings):
    settings.LIANHE_DOCX_MAX_UPLOAD_BYTES = 1 * MIB
    data = valid_docx() + b"\0" * MIB
    message = rejected(data)
    assert "过大" in message
    assert "不能超过 1 MB" in message


def test_highly_compressed_member_is_refused_as_a_zip_bomb():
    # 20 MB of zeros deflate to about 20 KB: a ratio near 1000.
    data = rezip(valid_docx(), extra=[("word/media/image1.png", b"\0" * (20 * MIB))])
    assert len(data) < MIB
    message = rejected(data)
    assert "压缩炸弹" in message
    assert "100 倍" in message
    assert "1 MB" in message


def test_declared_total_size_over_the_limit_is_refused(settings):
    settings.LIANHE_DOCX_MAX_UNCOMPRESSED_BYTES = 1 * MIB
    incompressible = os.urandom(2 * MIB)
    settings.LIANHE_DOCX_MAX_UPLOAD_BYTES = 10 * MIB
    message = rejected(rezip(valid_docx(), extra=[("word/media/image1.png", incompressible)]))
    assert "解压后总大小不能超过 1 MB" in message


def forge_declared_size(data, name, size):
    """`data` with the central directory claiming `size` uncompressed bytes for `name`."""
    archive = bytearray(data)
    encoded = name.encode()
    position = 0
    while True:
        position = archive.index(b"PK\x01\x02", position)
        name_length = struct.unpack_from("<H", archive, position + 28)[0]
        if archive[position + 46 : position + 46 + name_length] == encoded:
            struct.pack_into("<I", archive, position + 24, size)
            return bytes(archive)
        position += 4


def test_declared_sizes_are_checked_before_anything_is_extracted():
    # A 150 MB member that was never written: only its declaration says so. Extracting it
    # would fail; the check must refuse it from the central directory alone.
    forged = forge_declared_size(valid_docx(), "word/document.xml", 150 * MIB)
    message = rejected(forged)
    assert "压缩炸弹" in message
    assert "100 MB" in message


def test_too_many_members_are_refused():
    data = rezip(valid_docx(), extra=[(f"extra/part{i}.xml", "<a/>") for i in range(1001)])
    message = rejected(data)
    assert "1000" in message
