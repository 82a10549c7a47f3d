"""Every refused file is built for real: a zip, a python-docx document, an OLE2 header, and the
hostile packages of tests/hostile_docx.py."""

import io
import os
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from PIL import Image as PILImage

from cms import upload_docx, upload_xml
from cms.upload_checks import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    TEXT,
    VIDEO,
    XLSX,
    DocumentRejected,
    check_upload,
    container_of,
    kind_of_content,
    kind_of_name,
)
from cms.upload_docx import OLE2_MAGIC, check_docx
from tests import hostile_docx, hostile_media

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


# --- hostile packages (tests/hostile_docx.py) --------------------------------------------------


@pytest.mark.parametrize("name", list(hostile_docx.HOSTILE))
def test_every_hostile_package_is_refused_with_its_reason(name):
    message = rejected(hostile_docx.hostile(name), label="文件1")
    assert message.startswith("文件1")
    assert hostile_docx.REFUSALS[name] in message


@pytest.mark.parametrize("name", list(hostile_docx.HOSTILE))
def test_the_front_door_refuses_them_from_a_file_too(name):
    upload = io.BytesIO(hostile_docx.hostile(name))
    upload.seek(100)
    with pytest.raises(DocumentRejected) as excinfo:
        check_upload(upload, DOCX, "文件1")
    assert hostile_docx.REFUSALS[name] in excinfo.value.message


def test_the_front_door_passes_a_plain_docx_and_leaves_the_file_at_its_start():
    upload = io.BytesIO(valid_docx())
    assert check_upload(upload, DOCX, "文件1") == ".docx"
    assert upload.tell() == 0
    assert check_upload(valid_docx(), DOCX) == ".docx"


def test_the_macro_checks_read_the_parsed_package_not_its_bytes():
    # Each of these spells the macro type so that no byte search for it matches.
    for name in ("docm_other_case", "docm_character_reference", "docm_utf16"):
        data = hostile_docx.hostile(name)
        assert b"macroEnabled" not in zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
        assert hostile_docx.MACRO_REFUSAL in rejected(data)


def test_a_dtd_anywhere_is_refused_before_any_entity_is_expanded():
    message = rejected(hostile_docx.hostile("docm_entity"))
    assert "[Content_Types].xml 含有 DTD" in message
    assert "实体展开攻击" in message


def test_an_embedded_ole_object_is_refused_as_active_content():
    data = valid_docx()
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdOle" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/oleObject" Target="embeddings/oleObject1.bin"/></Relationships>',
    )
    data = rezip(
        data,
        replace={"word/_rels/document.xml.rels": rels},
        extra=[("word/embeddings/oleObject1.bin", OLE2_MAGIC + os.urandom(1024))],
    )
    message = rejected(data)
    assert "含有嵌入的 OLE 对象（word/embeddings/oleobject1.bin）" in message


def test_a_package_with_data_before_or_after_it_is_refused():
    data = valid_docx()
    assert "zip 结构之后另有数据" in rejected(data + b"MZ" + bytes(100))
    assert "zip 结构之前另有数据" in rejected(b"PK\x03\x04" + bytes(26) + data)


def test_duplicate_part_names_are_refused():
    data = rezip(valid_docx(), extra=[("WORD/document.xml", "<w:document/>")])
    assert "部件 WORD/document.xml 出现了不止一次" in rejected(data)


def test_the_main_document_must_be_where_the_readers_look_for_it():
    data = valid_docx()
    rels = zipfile.ZipFile(io.BytesIO(data)).read("_rels/.rels").decode()
    moved = rels.replace('Target="word/document.xml"', 'Target="word/other.xml"')
    assert moved != rels
    data = rezip(data, replace={"_rels/.rels": moved}, extra=[("word/other.xml", "<a/>")])
    assert "_rels/.rels 指向的主文档不是 word/document.xml" in rejected(data)


def test_too_many_xml_elements_are_refused(monkeypatch):
    monkeypatch.setattr(upload_xml, "MAX_XML_ELEMENTS", 1000)
    message = rejected(valid_docx())
    assert "XML 元素过多：整个文件不能超过 1,000 个元素" in message


def test_an_xml_part_over_its_limit_is_refused_from_its_declared_size(monkeypatch):
    monkeypatch.setattr(upload_docx, "MAX_XML_PART_BYTES", MIB)
    part = f"<item>{os.urandom(MIB).hex()}</item>"  # 2 MB, compressed about 2:1
    message = rejected(rezip(valid_docx(), extra=[("customXml/item9.xml", part)]))
    assert "中的 customXml/item9.xml 解压后过大（2 MB）：XML 部件不能超过 1 MB。" in message


# --- other Office packages --------------------------------------------------------------------


def office_package(main_part, main_type, extra=()):
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/{main_part}" '
        f'ContentType="{main_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        f'Target="{main_part}"/></Relationships>'
    )
    return zip_of(
        [("[Content_Types].xml", types), ("_rels/.rels", rels), (main_part, "<workbook/>")]
        + list(extra)
    )


XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def test_a_plain_workbook_passes_and_a_macro_workbook_does_not():
    check_upload(office_package("xl/workbook.xml", XLSX_MAIN), XLSX)
    macro = office_package(
        "xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    with pytest.raises(DocumentRejected, match=r"是含宏的 Excel 文件（\.xlsm）"):
        check_upload(macro, XLSX)
    with pytest.raises(DocumentRejected, match=r"不是 Excel（\.xlsx）文档的内容类型"):
        check_upload(office_package("xl/workbook.xml", "application/xml"), XLSX)


# --- containers by their leading bytes --------------------------------------------------------


def png(width=4, height=4):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "container"),
    [
        (b"PK\x03\x04rest", "zip"),
        (OLE2_MAGIC, "ole2"),
        (b"%PDF-1.7", "pdf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"GIF89a", "gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "webp"),
        (b"\0\0\0\x1cftypavif", "avif"),
        (b"\0\0\0\x18ftypisom", "iso-bmff"),
        (b"\0\0\0\x08moov", "iso-bmff"),
        (b"MZ\x90\0", "executable"),
        (b"\x7fELF", "executable"),
        ("中国科协".encode(), None),
    ],
)
def test_containers_are_told_by_their_leading_bytes(head, container):
    assert container_of(head) == container


def test_kinds_come_from_names_and_from_content():
    assert kind_of_name("推荐表.DOCX") == DOCX
    assert kind_of_name("照片.jpg") == JPEG
    assert kind_of_name("程序.exe") is None
    assert kind_of_content(io.BytesIO(png())) == PNG
    assert kind_of_content(valid_docx()) == DOCX
    assert kind_of_content(hostile_docx.exe()) is None


def test_an_image_must_be_the_format_it_claims():
    assert check_upload(png(), PNG, "照片") == ".png"
    with pytest.raises(DocumentRejected, match="照片不是有效的 JPEG 图片：文件内容是 PNG 图片。"):
        check_upload(png(), JPEG, "照片")
    with pytest.raises(DocumentRejected, match="照片不是有效的 PNG 图片：文件内容是可执行程序。"):
        check_upload(hostile_docx.exe(), PNG, "照片")
    with pytest.raises(DocumentRejected, match="照片：图片文件已损坏"):
        check_upload(png()[:40], PNG, "照片")


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100 * 100
    check_upload(png(100, 100), PNG, "照片")
    with pytest.raises(DocumentRejected, match="像素过多：不能超过 1 万像素"):
        check_upload(png(101, 100), PNG, "照片")


def test_pdf_video_and_text_are_held_to_their_leading_bytes():
    check_upload(hostile_media.clean_pdf(1), PDF)
    with pytest.raises(DocumentRejected, match="不是有效的 PDF 文件：文件内容是可执行程序。"):
        check_upload(hostile_docx.exe(), PDF)
    with pytest.raises(DocumentRejected, match="不是有效的 MP4/MOV 视频文件：无法识别文件内容。"):
        check_upload(b"not a video at all", VIDEO)
    check_upload("进展情况月报\n".encode(), TEXT)
    with pytest.raises(DocumentRejected, match="不是有效的文本文件：文件内容是 zip 压缩包。"):
        check_upload(valid_docx(), TEXT)
    with pytest.raises(DocumentRejected, match="是空文件"):
        check_upload(b"", PDF)
