"""Word files of the shapes the world writes and python-docx did not follow, each built for real
from a valid document: Word's automatic numbering instead of typed numbers, Strict Open XML, a
comment inside the body, a .dotx template, a picture whose part is missing, a bad CRC, a
password-protected file (encrypted for real by msoffcrypto-tool, as Word does), a big table in a
document of thousands of styles."""

import io
import re

from docx import Document
from docx.oxml import parse_xml
from msoffcrypto.format.ooxml import OOXMLFile

from tests.hostile_docx import member, parts_of, raw_zip, rebuilt, valid_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELATIONSHIPS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _saved(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- automatic numbering ----------------------------------------------------------------------


def _level(ilvl, number_format, text, start=1, suffix="tab"):
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
        f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/></w:lvl>'
    )


def numbering_xml(abstracts, nums):
    """`abstracts`: {abstractNumId: [level xml]}; `nums`: {numId: (abstractNumId, overrides)}
    where overrides is xml of w:lvlOverride elements."""
    body = "".join(
        f'<w:abstractNum w:abstractNumId="{a}">{"".join(levels)}</w:abstractNum>'
        for a, levels in abstracts.items()
    )
    body += "".join(
        f'<w:num w:numId="{n}"><w:abstractNumId w:val="{a}"/>{overrides}</w:num>'
        for n, (a, overrides) in nums.items()
    )
    return f'<w:numbering xmlns:w="{W}">{body}</w:numbering>'.encode()


def numbered(paragraph, num_id, ilvl):
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


# Sections 一、二、三、 (chineseCounting) and items 1. 2. (decimal) of one list, as Word's
# 多级列表 makes them; section 二 is a list of its own that restarts at 二 (a start override),
# and its press-release titles are 1、2、 from a level override.
REPORT_NUMBERING = numbering_xml(
    {
        "0": [
            _level(0, "chineseCounting", "%1、", suffix="nothing"),
            _level(1, "decimal", "%2.", suffix="space"),
        ]
    },
    {
        "1": ("0", ""),
        "2": (
            "0",
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="2"/></w:lvlOverride>'
            '<w:lvlOverride w:ilvl="1"><w:lvl w:ilvl="1"><w:start w:val="1"/>'
            '<w:numFmt w:val="decimal"/><w:suff w:val="nothing"/>'
            '<w:lvlText w:val="%2、"/></w:lvl></w:lvlOverride>',
        ),
        "3": ("0", '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride>'),
    },
)


def numbered_report(parsed):
    """The parsed seed report as most people type it in Word: no number typed anywhere, the
    section and item numbers all Word's automatic numbering, every paragraph in Normal style
    (section headings bold)."""
    document = Document()
    for line in ("中国科协智能制造学会联合体", "进展情况月报", parsed.period.spaced_label):
        document.add_paragraph(line)
    for index, section in enumerate(parsed.sections):
        num_id = str(index + 1)
        heading = re.sub(r"^[一二三四五六七八九十]+、", "", section.heading)
        paragraph = document.add_paragraph()
        paragraph.add_run(heading).bold = True
        numbered(paragraph, num_id, 0)
        for item in section.items:
            numbered(document.add_paragraph(item.title), num_id, 1)
            for block in item.blocks:
                document.add_paragraph(block.text, style=_STYLES[block.kind])
    return rebuilt(_saved(document), replace_parts={"word/numbering.xml": REPORT_NUMBERING})


_STYLES = {"paragraph": None, "caption": "Caption", "heading": None}


# --- packages python-docx could not follow ---------------------------------------------------


def strict(base):
    """The same document saved as "Strict Open XML" (Word: 另存为 → Strict Open XML 文档):
    other namespaces for WordprocessingML and the relationships."""

    def convert(content):
        return (
            content.replace(W.encode(), W_STRICT.encode())
            .replace(RELATIONSHIPS.encode(), RELATIONSHIPS_STRICT.encode())
            .replace(b"<w:document ", b'<w:document w:conformance="strict" ', 1)
        )

    parts = parts_of(base)
    return rebuilt(
        base,
        replace_parts={
            name: convert(content)
            for name, content in parts.items()
            if name.endswith((".xml", ".rels"))
        },
    )


def with_comment(base):
    """An XML comment (as some converters leave) inside `w:body`, before every paragraph."""
    document = parts_of(base)["word/document.xml"]
    document = re.sub(rb"(<w:body[^>]*>)", rb"\1<!-- converted by a tool -->", document, count=1)
    document = document.replace(b"</w:p>", b"</w:p><!-- p -->")
    return rebuilt(base, replace_parts={"word/document.xml": document})


def template(base):
    """The same document saved as a Word template (.dotx)."""
    types = parts_of(base)["[Content_Types].xml"]
    return rebuilt(
        base,
        replace_parts={
            "[Content_Types].xml": types.replace(DOCUMENT_MAIN.encode(), TEMPLATE_MAIN.encode())
        },
    )


def missing_media(base):
    """Every picture's relationship still there, the pictures themselves gone from the zip."""
    names = [name for name in parts_of(base) if name.startswith("word/media/")]
    assert names, "the base document must hold a picture"
    return rebuilt(base, drop=names)


def bad_crc(base, part="word/document.xml"):
    """One member whose stored CRC does not match its content (a fuzzed or damaged file)."""
    members = []
    for name, content in parts_of(base).items():
        item = member(name, content)
        if name == part:
            item = item.__class__(**{**item.__dict__, "crc": item.crc ^ 0x5A5A})
        members.append(item)
    return raw_zip(members)


def encrypted(base=None, password="lianhe"):
    """The document saved with a password (Word: 文件 → 信息 → 保护文档 → 用密码进行加密): an OLE2
    compound file holding EncryptionInfo and the encrypted package (ECMA-376 agile)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(base or valid_docx())).encrypt(password, out)
    return out.getvalue()


# --- size -------------------------------------------------------------------------------------


def many_styles_xml(count):
    """styles.xml with `count` paragraph styles besides Normal (real reports copied from many
    documents carry thousands)."""
    styles = "".join(
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="S{n}">'
        f'<w:name w:val="样式 {n}"/><w:basedOn w:val="Normal"/></w:style>'
        for n in range(count)
    )
    return (
        f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
        f'<w:name w:val="Normal"/></w:style>{styles}</w:styles>'
    ).encode()


def big_table_report(parsed, rows, styles=2672):
    """The seed report with a table of `rows` rows (3 cells each) appended to its last progress
    entry, in a document of `styles` styles: the shape of a real 474 KB report that python-docx
    took more than 20 minutes over."""
    document = Document()
    for line in ("中国科协智能制造学会联合体", "进展情况月报", parsed.period.spaced_label):
        document.add_paragraph(line)
    progress = parsed.sections[0]
    document.add_paragraph(progress.heading, style="Heading 1")
    for number, item in enumerate(progress.items, start=1):
        document.add_paragraph(f"{number}.{item.title}", style="Heading 2")
        for block in item.blocks:
            document.add_paragraph(block.text)
    body = document.element.body
    cells = "".join(
        f"<w:tr>{''.join(_cell(f'第{row}行第{col}列数据') for col in (1, 2, 3))}</w:tr>"
        for row in range(1, rows + 1)
    )
    body.insert(
        len(body) - 1,  # before the section properties
        parse_xml(f'<w:tbl xmlns:w="{W}"><w:tblGrid/>{cells}</w:tbl>'),
    )
    return rebuilt(_saved(document), replace_parts={"word/styles.xml": many_styles_xml(styles)})


def _cell(text):
    return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
