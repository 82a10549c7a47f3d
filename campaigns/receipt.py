"""The applicant's receipt (申报回执) of a submitted nomination, as a Word file: what was submitted,
when, to which call and recommender, and every file with what its checks found. It is attached
to the submission's notification and can be downloaded from 我的申报 at any time."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from campaigns.nomination_files import facts_summary, readable_size
from cms.cn_dates import cn_date, cn_datetime
from cms.docx_cjk import (
    add_page_number_footer,
    add_text_paragraph,
    set_cell_text,
    set_column_widths,
    set_document_defaults,
    setup_a4,
)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
HEADER_FONT = "黑体"


def receipt_filename(nomination):
    return _("申报回执-%(number)s.docx") % {"number": receipt_number(nomination)}


def receipt_number(nomination):
    """`2024-000123`: the call's year and the nomination's number, the reference a person quotes
    on the phone."""
    return f"{nomination.campaign.year}-{nomination.pk:06d}"


def _field_rows(nomination):
    return [
        (_("回执编号"), receipt_number(nomination)),
        (_("征集活动"), nomination.campaign.title),
        (_("项目名称"), nomination.project_name),
        (_("类别"), nomination.category),
        (_("申报单位"), nomination.applicant_organisation),
        (_("推荐单位"), nomination.recommender_label),
        (_("联系人"), f"{nomination.contact_person}（{nomination.phone}，{nomination.email}）"),
        (_("提交时间"), cn_datetime(nomination.submitted_at) if nomination.submitted_at else "—"),
        (_("当前状态"), nomination.get_status_display()),
    ]


def _file_rows(nomination):
    slots = {slot.code: slot for slot in nomination.campaign.slots_for(nomination.category)}
    rows = []
    for record in nomination.files.order_by("slot_code"):
        slot = slots.get(record.slot_code)
        if record.check_ok:
            result = _("通过")
        else:
            result = _("未通过：%(failures)s") % {"failures": "；".join(record.check_failures)}
        rows.append(
            (
                f"{record.slot_code} {slot.label if slot else ''}".strip(),
                record.original_name,
                readable_size(record.size),
                f"{result}（{facts_summary(record.facts)}）" if record.facts else result,
            )
        )
    return rows


def _table(document, headers, rows, widths):
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        set_cell_text(cell, text, HEADER_FONT, "小四", align=WD_ALIGN_PARAGRAPH.CENTER)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            set_cell_text(cell, text, TABLE_FONT, "五号")
    set_column_widths(table, widths)
    return table


def receipt_docx(nomination, federation_name):
    """The .docx bytes of `nomination`'s receipt, signed by `federation_name`'s secretariat."""
    document = Document()
    setup_a4(document)
    set_document_defaults(document, BODY_FONT, "四号")
    add_page_number_footer(document)
    document.core_properties.title = _("申报回执")
    document.core_properties.language = "zh-CN"

    add_text_paragraph(
        document, _("申报回执"), TITLE_FONT, "二号", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12
    )
    _table(document, [_("项目"), _("内容")], _field_rows(nomination), [36, 120])
    add_text_paragraph(
        document, _("已提交的申报文件"), HEADER_FONT, "四号", space_before=12, space_after=6
    )
    files = _file_rows(nomination)
    if files:
        headers = [_("文件"), _("原文件名"), _("大小"), _("检查结果")]
        _table(document, headers, files, [30, 44, 18, 64])
    else:
        add_text_paragraph(document, _("（无）"), BODY_FONT, "小四")
    add_text_paragraph(
        document,
        _("本回执由系统在提交时自动生成，证明上列材料已于提交时间送达；申报结果以秘书处通知为准。"),
        BODY_FONT,
        "小四",
        space_before=12,
    )
    add_text_paragraph(
        document,
        _("%(name)s秘书处    %(date)s")
        % {"name": federation_name, "date": cn_date(timezone.localdate())},
        BODY_FONT,
        "四号",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        space_before=12,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
