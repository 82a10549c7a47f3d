"""Safety checks for uploaded Office packages (Word .docx, also .xlsx and .pptx), run before any
parser opens them. A package is a zip archive of XML parts (Open Packaging Conventions).

What is checked, in this order, all in bounded memory and time (`cms.upload_zip` reads every
member in chunks and never trusts a declared size):

* the file is a zip from its first byte to its last (an old .doc, a program with a package
  appended, a PDF renamed .docx are refused by their bytes);
* the central directory: at most MAX_MEMBERS members, declared sizes within the limits
  (LIANHE_DOCX_MAX_UNCOMPRESSED_BYTES in all, MAX_XML_PART_BYTES for an XML part, no large
  member compressed more than MAX_COMPRESSION_RATIO times), no duplicate names, no encrypted
  member, no compression but stored and deflate;
* `[Content_Types].xml` and every relationship part parsed as XML: no macros, judged from the
  parsed package and never from a byte search (a `macroEnabled` or VBA content type in any
  spelling, a vbaProject relationship or part, a `.bin` or any other part that is an OLE2
  compound file: a VBA project under another name, an ActiveX control, an embedded object);
* every member inflated in full: exactly its declared size, a complete stream, the right CRC;
  every XML part parsed as it inflates (`cms.upload_xml`: well-formed, no DTD, within depth,
  element and text limits);
* `_rels/.rels` names the main part (for Word `word/document.xml`), whose content type is the
  format's own.
"""

import posixpath

import olefile
from django.conf import settings
from django.utils.translation import gettext as _

from cms.docx_xml import REL_NS, RELATIONSHIP_ROOTS, rels_source, resolve_target
from cms.office_formats import FORMATS
from cms.upload_checks import (
    DOCX,
    OLE2,
    OLE2_MAGIC,
    ZIP,
    DocumentRejected,
    as_file,
    container_name,
    container_of,
    file_size,
    megabytes,
    read_head,
)
from cms.upload_xml import XmlBudget, bad_xml, scan_xml
from cms.upload_zip import check_methods, member_chunks, open_archive

__all__ = ["OLE2_MAGIC", "check_docx", "check_office"]

MAX_COMPRESSION_RATIO = 100
# Small XML parts legitimately compress far better than 100:1; only large members can hurt.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_XML_PART_BYTES = 32 * 1024 * 1024

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
OFFICE_DOCUMENT_RELS = tuple(root + "officeDocument" for root in RELATIONSHIP_ROOTS)
# Lower-cased: MIME types and relationship types are compared without regard to case.
VBA_CONTENT_TYPES = ("application/vnd.ms-office.vbaproject", "application/vnd.ms-word.vbadata+xml")
VBA_REL_SUFFIXES = ("/vbaproject", "/wordvbadata")
VBA_PART_NAMES = ("vbaproject.bin", "vbadata.xml")
OLE_OBJECT_REL_SUFFIX = "/oleobject"


def check_docx(data, label: str = "文件") -> None:
    """Refuse `data` (bytes or a seekable binary file) unless it is a plain Word .docx within
    the limits."""
    check_office(data, DOCX, label)


def check_office(data, kind, label="文件"):
    """Refuse `data` unless it is a plain package of `kind` ("docx", "xlsx", "pptx")."""
    _PackageCheck(as_file(data), FORMATS[kind], label).check()


class _PackageCheck:
    def __init__(self, file, office, label):
        self.file, self.office, self.label = file, office, label
        self.content_types = {}  # lower-cased part name or "*.extension" -> content type
        self.relationships = []  # (source part, type, target part or None if external)
        self.xml_budget = XmlBudget()

    def check(self):
        size = file_size(self.file)
        self._check_upload_size(size)
        self._check_container()
        archive = open_archive(self.file, size, self.label, self.not_office)
        try:
            members = archive.infolist()
            self._check_declared_sizes(members)
            check_methods(members, self.label)
            self._check_names(members)
            self._check_package(members)
        finally:
            archive.close()
            self.file.seek(0)

    # --- refusals --------------------------------------------------------------------------

    def not_office(self, detail=None):
        detail = detail or _("文件内容不是 %(extension)s 格式") % {
            "extension": self.office.extension.lstrip(".")
        }
        return DocumentRejected(
            _("%(label)s不是有效的 %(format)s文件：%(detail)s。")
            % {"label": self.label, "format": self.office.name, "detail": detail},
            code="not_docx",
        )

    def macro(self):
        return DocumentRejected(
            _(
                "%(label)s是含宏的 %(application)s 文件（%(macro)s），出于安全原因不予接受，"
                "请在 %(application)s 中另存为不含宏的 %(extension)s 后再上传。"
            )
            % {
                "label": self.label,
                "application": self.office.application,
                "macro": self.office.macro_extension,
                "extension": self.office.extension,
            },
            code="macro",
        )

    # --- the file and its central directory ------------------------------------------------

    def _check_upload_size(self, size):
        if not size:
            raise DocumentRejected(_("%(label)s是空文件。") % {"label": self.label}, code="empty")
        limit = settings.LIANHE_DOCX_MAX_UPLOAD_BYTES
        if size > limit:
            raise DocumentRejected(
                _("%(label)s过大（%(size)s MB）：不能超过 %(limit)s MB。")
                % {"label": self.label, "size": megabytes(size), "limit": megabytes(limit)},
                code="too_large",
            )

    def _check_container(self):
        container = container_of(read_head(self.file))
        if container == OLE2 and _is_encrypted_package(self.file):
            raise DocumentRejected(
                _(
                    "%(label)s设有打开密码（文件已加密），无法读取其内容：请在 %(application)s 中"
                    "打开它，在“文件 → 信息”中取消“用密码进行加密”，保存后再上传。"
                )
                % {"label": self.label, "application": self.office.application},
                code="encrypted",
            )
        if container == OLE2:
            raise DocumentRejected(
                _(
                    "%(label)s是旧版 %(legacy)s文件，请在 %(application)s 中另存为 "
                    "%(extension)s 后再上传。"
                )
                % {
                    "label": self.label,
                    "legacy": self.office.legacy,
                    "application": self.office.application,
                    "extension": self.office.extension,
                },
                code="legacy_doc",
            )
        if container != ZIP:
            found = container_name(container)
            raise self.not_office(found and _("文件内容是%(found)s") % {"found": found})

    def _check_declared_sizes(self, members):
        limit = settings.LIANHE_DOCX_MAX_UNCOMPRESSED_BYTES
        total = sum(member.file_size for member in members)
        if total > limit:
            raise DocumentRejected(
                _(
                    "%(label)s解压后过大（%(size)s MB）：解压后总大小不能超过 %(limit)s MB，"
                    "疑似压缩炸弹。"
                )
                % {"label": self.label, "size": megabytes(total), "limit": megabytes(limit)},
                code="zip_bomb",
            )
        for member in members:
            if _is_xml_name(member.filename) and member.file_size > MAX_XML_PART_BYTES:
                raise bad_xml(
                    self.label,
                    member.filename,
                    _("解压后过大（%(size)s MB）：XML 部件不能超过 %(limit)s MB")
                    % {
                        "size": megabytes(member.file_size),
                        "limit": megabytes(MAX_XML_PART_BYTES),
                    },
                    code="zip_bomb",
                )
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
                        "label": self.label,
                        "name": member.filename,
                        "ratio": ratio,
                        "min": megabytes(RATIO_CHECK_MIN_BYTES),
                        "limit": MAX_COMPRESSION_RATIO,
                    },
                    code="zip_bomb",
                )

    def _check_names(self, members):
        seen = set()
        for member in members:
            name = member.filename.lower()
            if name in seen:  # part names are case-insensitive: which one would a reader use?
                raise self.not_office(_("部件 %(name)s 出现了不止一次") % {"name": member.filename})
            seen.add(name)
            if posixpath.basename(name) in VBA_PART_NAMES:
                raise self.macro()
        required = [CONTENT_TYPES, PACKAGE_RELS]
        if self.office.main_part:
            required.append(self.office.main_part)
        missing = [part for part in required if part.lower() not in seen]
        if missing:
            raise self.not_office(_("缺少 %(parts)s") % {"parts": "、".join(missing)})

    # --- the parts -------------------------------------------------------------------------

    def _check_package(self, members):
        by_name = {member.filename.lower(): member for member in members}
        # The content types first: they say which parts are XML, and a macro type ends it all.
        self._scan_xml(by_name[CONTENT_TYPES.lower()], self._content_type)
        if any(_is_macro_type(content_type) for content_type in self.content_types.values()):
            raise self.macro()
        ole_parts = []
        for member in members:
            name = member.filename
            if name.lower() == CONTENT_TYPES.lower():
                continue
            if name.lower().endswith(".rels"):
                self._scan_xml(member, self._relationship_of(rels_source(name.lower())))
            elif self._is_xml(name):
                self._scan_xml(member, None)
            elif self._leading_bytes(member).startswith(OLE2_MAGIC):
                ole_parts.append(name.lower())
        self._check_active_content(ole_parts)
        self._check_main_part(by_name)

    def _is_xml(self, name):
        content_type = self._type_of(name) or ""
        return _is_xml_name(name) or content_type.lower().endswith(("+xml", "/xml"))

    def _type_of(self, name):
        name = name.lower()
        extension = "*." + posixpath.splitext(name)[1].lstrip(".")
        return self.content_types.get(name) or self.content_types.get(extension)

    def _leading_bytes(self, member):
        """The first bytes of a part that is not XML, read to its end (as every member is)."""
        head = b""
        for chunk in member_chunks(self.file, member, self.label):
            if len(head) < len(OLE2_MAGIC):
                head += chunk[: len(OLE2_MAGIC)]
        return head

    def _check_active_content(self, ole_parts):
        """Macros by relationship (a vbaProject part under any name), and parts that are OLE2
        compound files (`.bin` parts and any other): a VBA project or an ActiveX control under
        another name, or an embedded OLE object (which runs a program of its own when opened)."""
        if any(kind.lower().endswith(VBA_REL_SUFFIXES) for _s, kind, _t in self.relationships):
            raise self.macro()
        embedded = {
            target
            for _source, kind, target in self.relationships
            if kind.lower().endswith(OLE_OBJECT_REL_SUFFIX)
        }
        for name in ole_parts:
            if name not in embedded:
                raise self.macro()
        if ole_parts:
            raise DocumentRejected(
                _(
                    "%(label)s含有嵌入的 OLE 对象（%(name)s），出于安全原因不予接受，"
                    "请删除该对象或改为插入图片后再上传。"
                )
                % {"label": self.label, "name": ole_parts[0]},
                code="ole_object",
            )

    def _check_main_part(self, by_name):
        targets = [
            target
            for source, kind, target in self.relationships
            if source == "" and kind in OFFICE_DOCUMENT_RELS
        ]
        if not targets:
            raise self.not_office(_("%(part)s 中没有指向主文档的关系") % {"part": PACKAGE_RELS})
        main = targets[0]
        expected = self.office.main_part
        if main is None or main not in by_name or (expected and main != expected.lower()):
            raise self.not_office(
                _("%(part)s 指向的主文档不是 %(expected)s")
                % {"part": PACKAGE_RELS, "expected": expected or _("包中的部件")}
            )
        content_type = self._type_of(main)
        if content_type not in self.office.main_types:
            raise self.not_office(
                _("主文档 %(part)s 的内容类型是“%(type)s”，不是 %(format)s文档的内容类型")
                % {
                    "part": main,
                    "type": content_type or _("（未声明）"),
                    "format": self.office.name,
                }
            )

    # --- XML ------------------------------------------------------------------------------

    def _content_type(self, tag, attributes):
        value = attributes.get("ContentType", "")
        if tag == CT_NS + "Default":
            self.content_types["*." + attributes.get("Extension", "").lower()] = value
        elif tag == CT_NS + "Override":
            self.content_types[attributes.get("PartName", "").lstrip("/").lower()] = value

    def _relationship_of(self, source):
        def relationship(tag, attributes):
            if tag != REL_NS + "Relationship":
                return
            target = None
            if attributes.get("TargetMode", "Internal") != "External":
                target = resolve_target(source, attributes.get("Target", ""))
                target = target and target.lower()
            self.relationships.append((source, attributes.get("Type", ""), target))

        return relationship

    def _scan_xml(self, member, on_element):
        chunks = member_chunks(self.file, member, self.label)
        scan_xml(chunks, self.label, member.filename, self.xml_budget, on_element)


def _is_encrypted_package(file):
    """Whether an OLE2 file is an Office package saved with a password: Office then wraps the
    encrypted .docx (.xlsx, .pptx) in a compound file with these two streams (MS-OFFCRYPTO)."""
    try:
        with olefile.OleFileIO(file) as ole:
            return ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
    except Exception:  # a broken compound file is refused as a legacy file all the same
        return False
    finally:
        file.seek(0)


def _is_xml_name(name):
    return name.lower().endswith((".xml", ".rels"))


def _is_macro_type(content_type):
    content_type = content_type.lower()
    return "macroenabled" in content_type or content_type.startswith(VBA_CONTENT_TYPES)
