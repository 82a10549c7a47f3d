"""The Office package formats the upload checks accept (Word, Excel, PowerPoint): their names in
messages, extensions, the macro-enabled and legacy variants they are told apart from, and the
content types of their main part."""

from dataclasses import dataclass

from cms.upload_checks import DOCX, PPTX, XLSX


@dataclass(frozen=True)
class OfficeFormat:
    name: str  # in messages: "Word（.docx）"
    application: str  # "Word"
    extension: str
    macro_extension: str
    legacy: str  # "Word 97-2003（.doc）"
    main_types: tuple  # the content types of the main part (a document, a template)
    main_part: str | None = None  # where that part must be, when the readers expect it there


FORMATS = {
    DOCX: OfficeFormat(
        "Word（.docx）",
        "Word",
        ".docx",
        ".docm",
        "Word 97-2003（.doc）",
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            # A .dotx template: the same body, opened by Word as a new document.
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        ),
        "word/document.xml",
    ),
    XLSX: OfficeFormat(
        "Excel（.xlsx）",
        "Excel",
        ".xlsx",
        ".xlsm",
        "Excel 97-2003（.xls）",
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",),
    ),
    PPTX: OfficeFormat(
        "PowerPoint（.pptx）",
        "PowerPoint",
        ".pptx",
        ".pptm",
        "PowerPoint 97-2003（.ppt）",
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",),
    ),
}
