"""The layout every blank form shares: A4, fonts and sizes of the 2024 form, the placeholders
where the applicant's text goes, and the paragraphs the forms are made of."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from cms.docx_cjk import (
    add_page_number_footer,
    add_text_paragraph,
    set_document_defaults,
    setup_a4,
    style_paragraph_mark,
    style_paragraph_style,
    style_run,
)

TITLE_FONT, TITLE_SIZE = "宋体", "小二"
LABEL_FONT, LABEL_SIZE = "黑体", "三号"  # "文件1" above the title, as 附件 labels are set
LEVEL1_FONT, LEVEL1_SIZE = "黑体", "小三"
LEVEL2_FONT, LEVEL2_SIZE = "宋体", "四号"
LEVEL3_FONT, LEVEL3_SIZE = "宋体", "小四"
BODY_FONT, BODY_SIZE = "宋体", "小四"
TABLE_FONT, TABLE_SIZE = "宋体", "小四"
LINE_SPACING = 1.5

# What the blank form holds where the applicant's own text goes. One definition: the automatic
# check (`campaigns.file_checks`) refuses a form that still holds any of them.
LEVEL1_PLACEHOLDER = "（一级标题）"
LEVEL2_PLACEHOLDER = "（二级标题）"
LEVEL3_PLACEHOLDER = "（三级标题）"
BODY_PLACEHOLDER = "正文……"
PLACEHOLDERS = (LEVEL1_PLACEHOLDER, LEVEL2_PLACEHOLDER, LEVEL3_PLACEHOLDER, BODY_PLACEHOLDER)
# The lead of a section's explanation; the explanation is guidance, not the applicant's content.
EXPLANATION_LEAD = "说明："

# Text width of the A4 page set up by `setup_a4` (210 − 28 − 26 mm), split label | value | label |
# value.
TABLE_COLUMNS_MM = (36, 42, 36, 42)
TABLE_ROW_HEIGHT_MM = 10


def new_document(title, campaign):
    document = Document()
    setup_a4(document)
    set_document_defaults(document, BODY_FONT, BODY_SIZE)
    # The Heading styles carry the form's levels, so that an applicant who applies them in Word
    # (or uses the navigation pane) gets the prescribed layout.
    style_paragraph_style(document, "Heading 1", LEVEL1_FONT, LEVEL1_SIZE, bold=True)
    style_paragraph_style(document, "Heading 2", LEVEL2_FONT, LEVEL2_SIZE, bold=True)
    style_paragraph_style(document, "Heading 3", LEVEL3_FONT, LEVEL3_SIZE, bold=True)
    add_page_number_footer(document)
    core = document.core_properties
    core.title = title
    core.author = campaign.organiser
    core.language = "zh-CN"
    core.comments = "由联合系统根据征集活动生成"
    return document


def to_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_heading_block(document, code, title):
    add_text_paragraph(document, code, LABEL_FONT, LABEL_SIZE, line_spacing=LINE_SPACING)
    add_text_paragraph(
        document,
        title,
        TITLE_FONT,
        TITLE_SIZE,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
        line_spacing=LINE_SPACING,
    )


def body(document, text="", *, bold_lead=""):
    paragraph = add_text_paragraph(
        document, "", BODY_FONT, BODY_SIZE, indent_chars=2, line_spacing=LINE_SPACING
    )
    style_paragraph_mark(paragraph, BODY_FONT, BODY_SIZE)
    if bold_lead:
        style_run(paragraph.add_run(bold_lead), BODY_FONT, BODY_SIZE, bold=True)
    if text:
        style_run(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    return paragraph
