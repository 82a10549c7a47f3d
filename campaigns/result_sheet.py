"""A round's result sheet as a Word file (A4, Chinese official style): the title, a table of rank,
project, applicant, recommender and score with the forwarded / selected marks, the chair's
confirmation line and the SHA-256 of the confirmed result."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from campaigns.models import RoundEntry
from campaigns.models.review import RoundKind, RoundStatus
from campaigns.scoring import display, expert_name, result_mark
from cms.cn_dates import cn_date
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

__all__ = ["result_sheet_docx", "result_sheet_title"]


def result_sheet_title(review_round):
    """`“2024 中国智能制造科技进展”第一轮遴选结果表`."""
    stage = _("第一轮遴选结果表") if review_round.kind == RoundKind.FIRST else _("第二轮遴选结果表")
    return f"“{review_round.campaign.title}”{stage}"


def result_sheet_docx(review_round, hidden=frozenset()):
    """The .docx bytes of `round`'s result sheet, from the entries as closed. The nominations in
    `hidden` (those the reader is excluded from) are left out, and the sheet says how many."""
    document = Document()
    setup_a4(document)
    set_document_defaults(document, BODY_FONT, "四号")
    add_page_number_footer(document)
    core = document.core_properties
    core.title = result_sheet_title(review_round)
    core.language = "zh-CN"

    add_text_paragraph(
        document,
        result_sheet_title(review_round),
        TITLE_FONT,
        "二号",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    add_text_paragraph(
        document,
        _("%(organiser)s · %(kind)s · 汇总方式：%(aggregation)s")
        % {
            "organiser": review_round.campaign.organiser,
            "kind": review_round.get_kind_display(),
            "aggregation": review_round.get_aggregation_display(),
        },
        BODY_FONT,
        "小四",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=6,
    )

    entries = list(
        RoundEntry.objects.filter(round=review_round, rank__isnull=False, disqualified=False)
        .select_related("nomination", "nomination__recommender_society")
        .order_by("rank", "nomination__project_name")
    )
    left_out = sum(1 for entry in entries if entry.nomination_id in hidden)
    entries = [entry for entry in entries if entry.nomination_id not in hidden]
    headers = [_("名次"), _("项目名称"), _("申报单位"), _("推荐单位"), _("得分"), _("结果")]
    widths = [12, 44, 32, 26, 16, 26]  # 156 mm: the text width of A4 with setup_a4's margins
    table = document.add_table(rows=1 + len(entries), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        set_cell_text(cell, text, HEADER_FONT, "小四", align=WD_ALIGN_PARAGRAPH.CENTER)
    for row, entry in zip(table.rows[1:], entries, strict=True):
        nomination = entry.nomination
        values = [
            str(entry.rank),
            nomination.project_name,
            nomination.applicant_organisation,
            nomination.recommender_label,
            display(entry.score),
            result_mark(review_round, entry),
        ]
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.CENTER if index in (0, 4) else None
            set_cell_text(cell, text, TABLE_FONT, "五号", align=align)
    set_column_widths(table, widths)

    if left_out:
        add_text_paragraph(
            document,
            _("另有 %(count)d 项您已回避的项目未列出。") % {"count": left_out},
            BODY_FONT,
            "小四",
            space_before=6,
        )
    add_text_paragraph(document, "", BODY_FONT, "四号")
    if review_round.status == RoundStatus.CONFIRMED and review_round.confirmed_by_id:
        confirmation = _("评审组长确认：%(name)s    确认日期：%(date)s") % {
            "name": expert_name(review_round.confirmed_by),
            "date": cn_date(review_round.confirmed_at),
        }
    else:
        confirmation = _("评审组长确认：（待确认）")
    add_text_paragraph(document, confirmation, BODY_FONT, "四号", space_before=12)
    if review_round.result_hash:
        add_text_paragraph(
            document,
            _("结果校验码（SHA-256）：%(hash)s") % {"hash": review_round.result_hash},
            TABLE_FONT,
            "小五",
            space_before=6,
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
