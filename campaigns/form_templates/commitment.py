"""文件3, the commitment letter (承诺书), in the wording of the campaign's year (seed 000 for 2021,
seed 001 for 2024 and, as the latest wording, for every other year)."""

from dataclasses import dataclass

from docx.shared import Mm

from campaigns.form_templates.layout import (
    BODY_FONT,
    BODY_SIZE,
    LINE_SPACING,
    add_heading_block,
    body,
    new_document,
    to_bytes,
)
from campaigns.form_templates.naming import commitment_title, programme_name
from campaigns.models import CampaignKind
from cms.docx_cjk import add_text_paragraph, style_run

COMMITMENT_CODE = "文件3"


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
    if campaign.kind == CampaignKind.GOVERNMENT:
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
    title = commitment_title(campaign)
    document = new_document(title, campaign)
    add_heading_block(document, COMMITMENT_CODE, title)

    intro = body(document)
    _add_blank(intro, COMPANY_BLANK)
    style_run(intro.add_run(wording.company), BODY_FONT, BODY_SIZE)
    before, after = _fill(wording.intro, campaign).split("{blank}")
    style_run(intro.add_run(before), BODY_FONT, BODY_SIZE)
    _add_blank(intro, PROJECT_BLANK)
    style_run(intro.add_run(after), BODY_FONT, BODY_SIZE)

    for commitment in wording.commitments:
        body(document, commitment)
    body(document, _fill(wording.closing, campaign))

    _signature(document, wording.recommender_signature, space_before=36)
    _signature(document, wording.applicant_signature, space_before=24)
    date = _signature(document, wording.date_line, space_before=24)
    date.paragraph_format.left_indent = Mm(SIGNATURE_INDENT_MM + 30)
    return to_bytes(document)
