"""文件1, the recommendation form (推荐表) of a Word slot: the title, the header table, the note
with the slot's character limit, and the slot's sections numbered on the ladder of the 2024 form
(一、 → 1. → （1） → ①) with sample sub-headings under each."""

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Mm, Pt

from campaigns.form_templates.layout import (
    BODY_PLACEHOLDER,
    EXPLANATION_LEAD,
    LEVEL1_FONT,
    LEVEL1_PLACEHOLDER,
    LEVEL1_SIZE,
    LEVEL2_FONT,
    LEVEL2_PLACEHOLDER,
    LEVEL2_SIZE,
    LEVEL3_FONT,
    LEVEL3_PLACEHOLDER,
    LEVEL3_SIZE,
    TABLE_COLUMNS_MM,
    TABLE_FONT,
    TABLE_ROW_HEIGHT_MM,
    TABLE_SIZE,
    add_heading_block,
    body,
    new_document,
    to_bytes,
)
from campaigns.form_templates.naming import recommendation_title, recommender_label
from campaigns.models import CampaignKind, SlotKind
from cms.cn_numerals import chinese_numeral, number_value
from cms.docx_cjk import add_heading_paragraph, set_cell_text, set_column_widths

# --- numbering ------------------------------------------------------------------------------------

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
# The ladder of the 2024 form: 一、 → 1. → （1）, continued by ①.
LADDER = ("chinese", "arabic", "paren", "circled")


def _is_chinese_number(number):
    """一, 十二, 壹: a number in Chinese numerals (not in digits)."""
    return not number.isdigit() and number_value(number) is not None


def _number_style(number):
    if not number:
        return "chinese"
    if _is_chinese_number(number):
        return "chinese"
    if number.isdigit():
        return "arabic"
    if number[:1] in "(（":
        return "paren"
    return "chinese"


def _marker(style, n=1):
    return {
        "chinese": chinese_numeral(n) + "、",
        "arabic": f"{n}.",
        "paren": f"（{n}）",
        "circled": CIRCLED[n - 1],
    }[style]


def numbered_title(number, title):
    """`一` → `一、标题`, `1` → `1.标题`; a number that already ends in its punctuation is kept."""
    number = (number or "").strip()
    if not number:
        return title
    if number[-1] in "、.．)）" or number[0] in "(（" or number[0] in CIRCLED:
        return f"{number}{title}"
    if _is_chinese_number(number):
        return f"{number}、{title}"
    if number.isdigit():
        return f"{number}.{title}"
    return f"{number} {title}"


def sample_markers(number):
    """The markers of the sample 二级 and 三级 headings below a section numbered `number`."""
    level = LADDER.index(_number_style((number or "").strip()))
    second = LADDER[min(level + 1, len(LADDER) - 1)]
    third = LADDER[min(level + 2, len(LADDER) - 1)]
    return _marker(second), _marker(third)


# --- the form ----------------------------------------------------------------------------------


def _header_table(document, campaign):
    """项目名称 | …; 推荐学会或专家 | … | 申报单位 | …; 联系人 | … | 电话 | …; 邮箱 | …"""
    table = document.add_table(rows=4, cols=4)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_column_widths(table, TABLE_COLUMNS_MM)
    rows = [
        ("项目名称", None),
        (recommender_label(campaign), "申报单位"),
        ("联系人", "电话"),
        ("邮箱", None),
    ]
    for row, (first, second) in zip(table.rows, rows, strict=True):
        row.height = Mm(TABLE_ROW_HEIGHT_MM)
        cells = row.cells
        set_cell_text(cells[0], first, TABLE_FONT, TABLE_SIZE, bold=True)
        if second is None:
            merged = cells[1].merge(cells[3])
            set_cell_text(merged, "", TABLE_FONT, TABLE_SIZE)
        else:
            set_cell_text(cells[1], "", TABLE_FONT, TABLE_SIZE)
            set_cell_text(cells[2], second, TABLE_FONT, TABLE_SIZE, bold=True)
            set_cell_text(cells[3], "", TABLE_FONT, TABLE_SIZE)
    return table


def note_text(campaign, slot, sections):
    parts = []
    if slot.char_limit:
        parts.append(f"文字控制在{slot.char_limit}字以内")
    if sections:
        parts.append(f"必须包含以下{len(sections)}个方面的内容")
    lead = ""
    if campaign.kind != CampaignKind.GOVERNMENT:
        lead = "请务必围绕本项“智能制造科技进展”，进行规范化、对应阐述。"
    tail = "，".join(parts) + "。" if parts else ""
    if not (lead or tail):
        return ""
    return f"注意：{lead}{tail}"


def _add_samples(document, number):
    second, third = sample_markers(number)
    add_heading_paragraph(document, second + LEVEL2_PLACEHOLDER, 2, LEVEL2_FONT, LEVEL2_SIZE)
    add_heading_paragraph(
        document, third + LEVEL3_PLACEHOLDER, 3, LEVEL3_FONT, LEVEL3_SIZE, indent_chars=2
    )
    body(document, BODY_PLACEHOLDER)


def _word_slot(campaign):
    for slot in campaign.document_slots.all():
        if slot.kind == SlotKind.WORD:
            return slot
    raise LookupError(f"{campaign} has no Word slot")


def recommendation_form(campaign, slot=None):
    """文件1: the recommendation form of `slot` (by default the campaign's first Word slot) as
    .docx bytes."""
    slot = slot or _word_slot(campaign)
    title = recommendation_title(campaign, slot)
    document = new_document(title, campaign)
    add_heading_block(document, slot.code, title)
    _header_table(document, campaign)

    sections = slot.form_sections()
    note = note_text(campaign, slot, sections)
    if note:
        lead, colon, rest = note.partition("：")
        paragraph = body(document, rest, bold_lead=lead + colon)
        paragraph.paragraph_format.space_before = Pt(12)
    if not sections:
        add_heading_paragraph(
            document, numbered_title("一", LEVEL1_PLACEHOLDER), 1, LEVEL1_FONT, LEVEL1_SIZE
        )
        _add_samples(document, "一")
    for section in sections:
        add_heading_paragraph(
            document, numbered_title(section.number, section.title), 1, LEVEL1_FONT, LEVEL1_SIZE
        )
        if section.explanation:
            body(document, section.explanation, bold_lead=EXPLANATION_LEAD)
        _add_samples(document, section.number)
    return to_bytes(document)
