"""Hostile Word files, built for real: each function takes a valid .docx (`base`, by default a
small python-docx document) and returns it with one hostility. Zip headers that `zipfile` will
not write (Deflate64, the encryption flag, a size that lies) are written by hand (`raw_zip`).

`HOSTILE` names every one and `REFUSALS` says how the checks refuse it, wherever it is
uploaded; `MACRO`, `APPLY_HOSTILE` and `IMPORT_HOSTILE` are those an entry point was found to
accept or crash on."""

import functools
import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace

from docx import Document

MIB = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def valid_docx(text="中国科协智能制造学会联合体"):
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def exe():
    """A Windows program."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode." * 4
    )


# --- a zip written field by field -------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    name: str
    payload: bytes  # as stored: deflated, or the content itself
    crc: int
    file_size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def member(name, content, method=zipfile.ZIP_DEFLATED):
    if method == zipfile.ZIP_DEFLATED:
        deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        payload = deflater.compress(content) + deflater.flush()
    else:
        payload = content
    return Member(name, payload, zlib.crc32(content), len(content), method)


def raw_zip(members):
    """The archive of `members`, every header field as the member says, true or not."""
    local, central = io.BytesIO(), io.BytesIO()
    for item in members:
        name = item.name.encode()
        offset = local.tell()
        fields = (20, item.flags, item.method, 0, 0x21, item.crc, len(item.payload))
        local.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, item.file_size, len(name), 0))
        local.write(name + item.payload)
        central.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                *fields,
                item.file_size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    directory = central.getvalue()
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), local.tell(), 0
    )
    return local.getvalue() + directory + end


def parts_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rebuilt(base, *, replace_parts=None, add=None, drop=(), change=None):
    """`base` written again: parts replaced, added or dropped, and `change(member)` applied to
    each member's headers."""
    parts = parts_of(base or valid_docx())
    parts.update(replace_parts or {})
    parts.update(add or {})
    members = [member(name, content) for name, content in parts.items() if name not in drop]
    return raw_zip([change(item) if change else item for item in members])


def _on_document(change):
    """`change` for word/document.xml's member, every other member as it is."""
    return lambda item: change(item) if item.name == "word/document.xml" else item


def content_types(base):
    return parts_of(base or valid_docx())["[Content_Types].xml"].decode()


# --- macro documents --------------------------------------------------------------------------


def docm_other_case(base=None):
    """The macro main type spelled in capitals: a byte search for the usual spelling misses it."""
    types = content_types(base).replace(DOCX_MAIN.decode(), DOCM_MAIN.upper())
    return rebuilt(base, replace_parts={"[Content_Types].xml": types.encode()})


def docm_entity(base=None):
    """The macro main type spelled through an entity declared in a DTD."""
    types = content_types(base).replace(
        DOCX_MAIN.decode(), "application/vnd.ms-word.document.&m;.main+xml"
    )
    head, _, body = types.partition("?>")
    types = f'{head}?><!DOCTYPE Types [<!ENTITY m "macroEnabled">]>{body}'
    return rebuilt(base, replace_parts={"[Content_Types].xml": types.encode()})


def docm_character_reference(base=None):
    """The macro main type with its letters as character references (`&#109;` is `m`)."""
    types = content_types(base).replace(
        DOCX_MAIN.decode(), "application/vnd.ms-word.document.&#109;&#97;croEnabled.main+xml"
    )
    return rebuilt(base, replace_parts={"[Content_Types].xml": types.encode()})


def docm_utf16(base=None):
    """`[Content_Types].xml` in UTF-16: not one byte of it reads `macroEnabled` in ASCII."""
    types = content_types(base).replace(DOCX_MAIN.decode(), DOCM_MAIN)
    types = types.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return rebuilt(base, replace_parts={"[Content_Types].xml": types.encode("utf-16")})


def ole_project_renamed(base=None):
    """A VBA project (an OLE2 compound file) under another name, with no content type or
    relationship to give it away."""
    project = OLE2_MAGIC + random.Random(7).randbytes(4096)
    return rebuilt(base, add={"word/media/data.bin": project})


def vba_relationship(base=None):
    """A vbaProject relationship from the main document to a part of another name."""
    parts = parts_of(base or valid_docx())
    rels = parts["word/_rels/document.xml.rels"].decode()
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdVba" Type="{VBA_RELATIONSHIP}" Target="extra.dat"/></Relationships>',
    )
    return rebuilt(
        base,
        replace_parts={"word/_rels/document.xml.rels": rels.encode()},
        add={"word/extra.dat": random.Random(8).randbytes(2048)},
    )


# --- not the container they claim -------------------------------------------------------------


def mz_polyglot(base=None):
    """A program with a .docx appended: zip readers find the archive from its end."""
    return exe() + (base or valid_docx())


def without_rels(base=None):
    """A package without any relationship part."""
    names = parts_of(base or valid_docx())
    return rebuilt(base, drop={name for name in names if name.endswith(".rels")})


def without_main_relationship(base=None):
    """`_rels/.rels` without the officeDocument relationship."""
    rels = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"/>'
    return rebuilt(base, replace_parts={"_rels/.rels": rels.encode()})


def bad_content_type(base=None):
    """The main document declared as plain XML."""
    types = content_types(base).replace(DOCX_MAIN.decode(), "application/xml")
    return rebuilt(base, replace_parts={"[Content_Types].xml": types.encode()})


# --- hostile XML ------------------------------------------------------------------------------


def _document(body):
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )


def billion_laughs(base=None):
    entities = '<!ENTITY l0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )
    document = _document("<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>")
    head, _, body = document.partition("?>")
    document = f"{head}?><!DOCTYPE w:document [{entities}]>{body}"
    return rebuilt(base, replace_parts={"word/document.xml": document.encode()})


def deep_nesting(base=None, depth=20_000):
    document = _document("<w:sdt><w:sdtContent>" * depth + "</w:sdtContent></w:sdt>" * depth)
    return rebuilt(base, replace_parts={"word/document.xml": document.encode()})


def huge_xml(base=None, size=12 * MIB):
    """A text run of `size` characters (random, so that it compresses like text does, about
    2:1): over libxml2's 10 MB limit for a text node."""
    text = random.Random(9).randbytes(size // 2).hex()
    document = _document(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    return rebuilt(base, replace_parts={"word/document.xml": document.encode()})


def garbage_styles(base=None):
    return rebuilt(base, replace_parts={"word/styles.xml": random.Random(10).randbytes(3000)})


def styles_of_another_kind(base=None):
    """Well-formed styles.xml that is not a styles part at all."""
    return rebuilt(base, replace_parts={"word/styles.xml": b"<?xml version='1.0'?><garbage/>"})


# --- broken or lying zip headers --------------------------------------------------------------


def corrupt_deflate(base=None):
    """word/document.xml's compressed bytes overwritten (0xFF: an invalid deflate block)."""
    return rebuilt(
        base, change=_on_document(lambda item: replace(item, payload=b"\xff" * len(item.payload)))
    )


def deflate64(base=None):
    """word/document.xml marked as compressed with Deflate64 (method 9)."""
    return rebuilt(base, change=_on_document(lambda item: replace(item, method=9)))


def encrypted_member(base=None):
    """word/document.xml flagged as encrypted (general purpose bit 0)."""
    return rebuilt(base, change=_on_document(lambda item: replace(item, flags=1)))


def bomb_stream(size):
    """A deflate stream of `size` zero bytes (a multiple of 1 MiB), made in a moment: after the
    first, every flushed MiB of zeros deflates to the same bytes."""
    zeros = bytes(MIB)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    block = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    last = deflater.compress(zeros) + deflater.flush()
    return first + block * (size // MIB - 2) + last


def lying_size_bomb(base=None, size=2560 * MIB):
    """word/document.xml declared as its real 1–2 KB in every header, its deflate stream
    inflating to `size` bytes."""
    parts = parts_of(base or valid_docx())
    declared = len(parts["word/document.xml"])
    bomb = bomb_stream(size)
    return rebuilt(
        base, change=_on_document(lambda item: replace(item, payload=bomb, file_size=declared))
    )


HOSTILE = {
    "docm_other_case": docm_other_case,
    "docm_entity": docm_entity,
    "docm_character_reference": docm_character_reference,
    "docm_utf16": docm_utf16,
    "ole_project_renamed": ole_project_renamed,
    "vba_relationship": vba_relationship,
    "mz_polyglot": mz_polyglot,
    "without_rels": without_rels,
    "without_main_relationship": without_main_relationship,
    "bad_content_type": bad_content_type,
    "billion_laughs": billion_laughs,
    "deep_nesting": deep_nesting,
    "huge_xml": huge_xml,
    "garbage_styles": garbage_styles,
    "corrupt_deflate": corrupt_deflate,
    "deflate64": deflate64,
    "encrypted_member": encrypted_member,
    "lying_size_bomb": lying_size_bomb,
}
MACRO_REFUSAL = "是含宏的 Word 文件（.docm），出于安全原因不予接受"
NOT_DOCX = "不是有效的 Word（.docx）文件："
# What each refusal says (after the file's label), wherever the file is uploaded.
REFUSALS = {
    "docm_other_case": MACRO_REFUSAL,
    "docm_entity": "中的 [Content_Types].xml 含有 DTD（文档类型声明）",
    "docm_character_reference": MACRO_REFUSAL,
    "docm_utf16": MACRO_REFUSAL,
    "ole_project_renamed": MACRO_REFUSAL,
    "vba_relationship": MACRO_REFUSAL,
    "mz_polyglot": NOT_DOCX + "文件内容是可执行程序。",
    "without_rels": NOT_DOCX + "缺少 _rels/.rels。",
    "without_main_relationship": NOT_DOCX + "_rels/.rels 中没有指向主文档的关系",
    "bad_content_type": NOT_DOCX + "主文档 word/document.xml 的内容类型是“application/xml”",
    "billion_laughs": "中的 word/document.xml 含有 DTD（文档类型声明）",
    "deep_nesting": "中的 word/document.xml 嵌套过深：XML 不能超过 128 层。",
    "huge_xml": "中的 word/document.xml 的一段文字过长：不能超过 1,000,000 个字符。",
    "garbage_styles": "中的 word/styles.xml 不是格式正确的 XML。",
    "corrupt_deflate": "已损坏：word/document.xml 无法解压。",
    "deflate64": "中的 word/document.xml 使用了不支持的压缩方式（Deflate64）",
    "encrypted_member": "中的 word/document.xml 已加密，无法检查",
    "lying_size_bomb": "中的 word/document.xml 解压后超过其声明的大小",
}
# What each entry point was found to let through (issue 12); the front door's tests and the
# memory test take every one.
MACRO = (
    "docm_other_case",
    "docm_entity",
    "docm_character_reference",
    "docm_utf16",
    "ole_project_renamed",
    "vba_relationship",
)
APPLY_HOSTILE = (*MACRO, "mz_polyglot", "without_rels", "lying_size_bomb")
IMPORT_HOSTILE = (
    "mz_polyglot",
    "billion_laughs",
    "deep_nesting",
    "huge_xml",
    "bad_content_type",
    "corrupt_deflate",
    "deflate64",
    "encrypted_member",
    "without_rels",
    "garbage_styles",
    "lying_size_bomb",
)


@functools.cache
def hostile(name, base=None):
    """The hostile file `name` (built once per test process), from the .docx `base`."""
    return HOSTILE[name](base)


def files_on_disk():
    """Every file under MEDIA_ROOT and PRIVATE_MEDIA_ROOT: what a refused upload must not add."""
    from pathlib import Path

    from django.conf import settings

    roots = (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    return {path for root in roots for path in Path(root).rglob("*") if path.is_file()}
