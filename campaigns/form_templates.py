"""Blank forms an applicant downloads from a campaign page, generated from the campaign's data.

* 文件1, the recommendation form (推荐表), one for each Word slot: the title, the header table,
  the note with the slot's character limit, and the slot's sections laid out the way the 2024
  form prescribes — 一级标题 小三黑体加粗, 二级标题 四号宋体加粗,
  三级标题 小四宋体加粗 首行缩进2字符, 正文 小四宋体 首行缩进2字符, all at 1.5 line spacing —
  with sample sub-headings under each section.
* 文件3, the commitment letter (承诺书), in the wording of the campaign's year (seed 000 for 2021,
  seed 001 for 2024 and, as the latest wording, for every other year).

Both use the Chinese document helpers of `cms.docx_cjk` (shared with the report export), so every
run has explicit East-Asian fonts and a zh-CN language tag."""

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from campaigns.models.pages import KIND_GOVERNMENT, SLOT_WORD
from cms.cn_numerals import chinese_numeral, number_value
from cms.docx_cjk import (
    add_heading_paragraph,
    add_page_number_footer,
    add_text_paragraph,
    set_cell_text,
    set_column_widths,
    set_document_defaults,
    setup_a4,
    style_paragraph_mark,
    style_paragraph_style,
    style_run,
)

RECOMMENDATION = "recommendation"
COMMITMENT = "commitment"
COMMITMENT_CODE = "文件3"

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


# --- naming ---------------------------------------------------------------------------------------


def programme_name(campaign):
    """`2024中国智能制造科技进展` for the federation's call; a government call's own title."""
    if campaign.kind == KIND_GOVERNMENT:
        return campaign.title
    return f"{campaign.year}中国智能制造科技进展"


def recommender_label(campaign):
    if campaign.kind == KIND_GOVERNMENT:
        return "推荐单位"
    societies = campaign.recommending_societies.exists()
    experts = campaign.accepts_expert_recommenders
    if societies and experts:
        return "推荐学会或专家"
    return "推荐专家" if experts else "推荐学会"


def short_label(label):
    """`“2024中国智能制造科技进展”推荐表` → `推荐表` for file names."""
    short = re.sub(r"[“\"][^”\"]*[”\"]", "", label).strip()
    return short or label.strip()


def safe_filename_part(text):
    return re.sub(r'[\\/:*?"<>|\s]+', "", text)


# --- the registry of a campaign's templates -------------------------------------------------------


@dataclass(frozen=True)
class FormTemplate:
    campaign: object
    slot: object
    kind: str
    index: int = 1  # 1, 2, … among templates sharing the slot code (the MIIT call's two 文件1)

    @property
    def code(self):
        return self.slot.code

    @property
    def category(self):
        return self.slot.category_name

    @property
    def title(self):
        if self.kind == COMMITMENT:
            return f"“{programme_name(self.campaign)}”承诺书"
        if self.campaign.kind == KIND_GOVERNMENT:
            return self.slot.label
        return f"“{programme_name(self.campaign)}”推荐表"

    @property
    def filename(self):
        """`2024-文件1-推荐表.docx`."""
        name = "承诺书" if self.kind == COMMITMENT else short_label(self.slot.label)
        parts = [str(self.campaign.year), self.code, name]
        return "-".join(safe_filename_part(p) for p in parts if p) + ".docx"

    @property
    def ascii_filename(self):
        """For clients that cannot read an RFC 5987 name: `2024-china-progress-form.docx`."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "", self.campaign.slug or "").strip("-.") or (
            f"{self.campaign.year}-campaign"
        )
        kind = "commitment" if self.kind == COMMITMENT else "form"
        suffix = f"-{self.index}" if self.index > 1 else ""
        return f"{slug}-{kind}{suffix}.docx"

    def render(self):
        if self.kind == COMMITMENT:
            return commitment_letter(self.campaign)
        return recommendation_form(self.campaign, self.slot)


def template_kind(slot):
    """Which blank form a slot offers: every Word slot its 文件1-style form, the 文件3 slot the
    commitment letter, the others none. (The campaign page's download list applies the same
    rule.)"""
    if slot.kind == SLOT_WORD:
        return RECOMMENDATION
    if slot.code == COMMITMENT_CODE:
        return COMMITMENT
    return None


def templates_for(campaign):
    """The campaign's downloadable templates, in slot order."""
    templates = []
    seen = {}
    for slot in campaign.document_slots.all():
        kind = template_kind(slot)
        if kind is None:
            continue
        seen[slot.code] = seen.get(slot.code, 0) + 1
        templates.append(FormTemplate(campaign, slot, kind, seen[slot.code]))
    return templates


def find_template(campaign, code, category=None):
    """The template for slot `code` (and, where a campaign has one form per category, for
    `category`; without it, the first). None if there is no such template."""
    candidates = [t for t in templates_for(campaign) if t.code == code]
    if category:
        candidates = [t for t in candidates if t.category == category]
    return candidates[0] if candidates else None


# --- documents ------------------------------------------------------------------------------------


def _new_document(title, campaign):
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


def _to_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_heading_block(document, code, title):
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


def _body(document, text="", *, bold_lead=""):
    paragraph = add_text_paragraph(
        document, "", BODY_FONT, BODY_SIZE, indent_chars=2, line_spacing=LINE_SPACING
    )
    style_paragraph_mark(paragraph, BODY_FONT, BODY_SIZE)
    if bold_lead:
        style_run(paragraph.add_run(bold_lead), BODY_FONT, BODY_SIZE, bold=True)
    if text:
        style_run(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    return paragraph


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
    if campaign.kind != KIND_GOVERNMENT:
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
    _body(document, BODY_PLACEHOLDER)


def _word_slot(campaign):
    for slot in campaign.document_slots.all():
        if slot.kind == SLOT_WORD:
            return slot
    raise LookupError(f"{campaign} has no Word slot")


def recommendation_form(campaign, slot=None):
    """文件1: the recommendation form of `slot` (by default the campaign's first Word slot) as
    .docx bytes."""
    slot = slot or _word_slot(campaign)
    template = FormTemplate(campaign, slot, RECOMMENDATION)
    document = _new_document(template.title, campaign)
    _add_heading_block(document, slot.code, template.title)
    _header_table(document, campaign)

    sections = slot.form_sections()
    note = note_text(campaign, slot, sections)
    if note:
        lead, colon, rest = note.partition("：")
        paragraph = _body(document, rest, bold_lead=lead + colon)
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
            _body(document, section.explanation, bold_lead=EXPLANATION_LEAD)
        _add_samples(document, section.number)
    return _to_bytes(document)


# --- 文件3 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentWording:
    """The letter of one year's work plan. `{name}` is the programme (`2024中国智能制造科技进展`),
    `{year}` its year."""

    company: str  # what goes in brackets after the blank for the company
    intro: str
    commitments: tuple
    closing: str
    recommender_signature: str
    applicant_signature: str = "申报单位（盖章）："
    date_line: str = "年  月  日"


COMMITMENTS = (
    "1.推荐科技进展所涉及的内容和相关数据真实准确，无欺瞒和作假行为。",
    "2.推荐科技进展的相关技术系合法使用，知识产权权属清晰，无知识产权纠纷。",
    "3.贵公司提供的所有文件已做脱密处理，不涉及国家、军事、商业秘密。",
    "4.推荐科技进展可以接受相关部门的监督检查。",
)

COMMITMENT_WORDINGS = {
    # Seed 000, 文件3.
    2021: CommitmentWording(
        company="公司（请完善公司名称）",
        intro=(
            "已了解“{name}”工作方案中的征集范围、评选标准及推荐评选流程等要求，现推荐（项目名称）："
            "{blank}参评“{top10}”评选。我们已如实填写“{name}”推荐表及有关材料，"
            "并对本次推荐郑重承诺如下："
        ),
        commitments=COMMITMENTS,
        closing="本单位如果违反以上承诺，自愿退出本次“{year}年智能制造十大科技进展”科技成果评选活动。",
        recommender_signature="推荐单位（盖章）/推荐人（签字）：",
    ),
    # Seed 001, 文件3.
    2024: CommitmentWording(
        company="公司（申报单位名称）",
        intro=(
            "已了解“{name}”工作方案中的征集范围、遴选标准及推荐遴选流程等要求，现推荐（项目名称）："
            "{blank}参评“{name}”遴选。我们已如实填写“{name}”推荐表及有关材料，"
            "并对本次推荐郑重承诺如下："
        ),
        commitments=COMMITMENTS,
        closing="本单位如果违反以上承诺，自愿退出本次“{year}年智能制造科技进展”科技成果遴选活动。",
        recommender_signature="推荐学会（盖章）或推荐专家（签字）：",
    ),
}
LATEST_WORDING_YEAR = max(COMMITMENT_WORDINGS)

COMPANY_BLANK = "\u3000" * 8  # underlined, for the company's name
PROJECT_BLANK = "\u3000" * 12  # underlined, for the project's name
SIGNATURE_INDENT_MM = 60


def wording_for(year):
    return COMMITMENT_WORDINGS.get(year, COMMITMENT_WORDINGS[LATEST_WORDING_YEAR])


def _fill(text, campaign):
    if campaign.kind == KIND_GOVERNMENT:
        name = top10 = campaign.title
    else:
        name = programme_name(campaign)
        top10 = f"{campaign.year}中国智能制造十大科技进展"
    return (
        text.replace("{name}", name).replace("{top10}", top10).replace("{year}", str(campaign.year))
    )


def _add_blank(paragraph, blank):
    run = style_run(paragraph.add_run(blank), BODY_FONT, BODY_SIZE)
    run.font.underline = True
    return run


def _signature(document, text, space_before=0):
    paragraph = add_text_paragraph(
        document, text, BODY_FONT, BODY_SIZE, line_spacing=LINE_SPACING, space_before=space_before
    )
    paragraph.paragraph_format.left_indent = Mm(SIGNATURE_INDENT_MM)
    return paragraph


def commitment_letter(campaign):
    """文件3: the commitment letter of the campaign's year as .docx bytes."""
    wording = wording_for(campaign.year)
    title = f"“{programme_name(campaign)}”承诺书"
    document = _new_document(title, campaign)
    _add_heading_block(document, COMMITMENT_CODE, title)

    intro = _body(document)
    _add_blank(intro, COMPANY_BLANK)
    style_run(intro.add_run(wording.company), BODY_FONT, BODY_SIZE)
    before, after = _fill(wording.intro, campaign).split("{blank}")
    style_run(intro.add_run(before), BODY_FONT, BODY_SIZE)
    _add_blank(intro, PROJECT_BLANK)
    style_run(intro.add_run(after), BODY_FONT, BODY_SIZE)

    for commitment in wording.commitments:
        _body(document, commitment)
    _body(document, _fill(wording.closing, campaign))

    _signature(document, wording.recommender_signature, space_before=36)
    _signature(document, wording.applicant_signature, space_before=24)
    date = _signature(document, wording.date_line, space_before=24)
    date.paragraph_format.left_indent = Mm(SIGNATURE_INDENT_MM + 30)
    return _to_bytes(document)
