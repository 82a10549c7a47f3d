"""The result of a review round.

In the admin (the office only): the rounds, each round's ranking with every expert's scores and
reasons, the mean and standard deviation, exports as .xlsx and .csv, closing the round, and the
.docx result sheet. On the site: the panel chair's page to confirm the result (experts have no
admin access). Every view checks its permission on the server; the work is in `campaigns.tally`
(the ranking), `campaigns.scoring` (the figures) and `campaigns.rounds` (closing, confirming).
The admin URLs and the menu item are registered by `campaigns.wagtail_hooks` (through
`campaigns.admin.ranking`).
"""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from campaigns import scoring
from campaigns.models import ReviewRound
from campaigns.models.review import RoundStatus
from campaigns.result_sheet import result_sheet_docx
from campaigns.rounds import RoundRefused, close_round, confirm_round
from campaigns.tally import (
    can_close,
    can_confirm,
    chair_may_see_result,
    excluded_nominations,
    is_chair,
    missing_sheets,
    tally,
    verify_result,
)
from campaigns.views.amend import amend_view
from cms.docx_cjk import DOCX_CONTENT_TYPE
from cms.roles import is_office

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(pk):
    return get_object_or_404(ReviewRound.objects.select_related("campaign", "confirmed_by"), pk=pk)


def _office_only(request):
    if not is_office(request.user):
        raise PermissionDenied(_("只有联合体秘书处可以查看评审排名。"))


def _filename(review_round, suffix):
    from urllib.parse import quote

    name = f"{review_round.campaign.title}-{review_round.get_kind_display()}-{suffix}"
    return f"attachment; filename*=UTF-8''{quote(name)}"


# --- the export table -------------------------------------------------------------------------


def mark_of(review_round, row):
    """What the row's rank means, before the round is closed too (from the rank and counts)."""
    if row.rank is None:
        return ""
    if row.entry.rank is not None:  # closed: the marks written to the entry
        return scoring.result_mark(review_round, row.entry)
    return scoring.rank_mark(review_round, row.rank)


def export_table(review_round, rows):
    """(headers, lines): one line per nomination × expert, the nomination's figures repeated on
    each of its lines so that the sheet can be filtered; numbers as Decimals rounded to 0.01."""
    criteria = [c.name for c in scoring.criteria_of(review_round)]
    headers = [
        _("名次"),
        _("项目名称"),
        _("申报单位"),
        _("推荐单位"),
        _("得分"),
        _("平均分"),
        _("标准差"),
        _("评分表数"),
        _("结果"),
        _("专家"),
    ]
    for name in criteria:
        headers += [name, _("%(name)s理由") % {"name": name}]
    headers += [_("加权总分"), _("总分理由")]

    def number(value):
        return None if value is None else value.quantize(scoring.DISPLAY)

    lines = []
    for row in rows:
        nomination = row.nomination
        head = [
            row.rank,
            nomination.project_name,
            nomination.applicant_organisation,
            nomination.recommender_label,
            number(row.score),
            number(row.mean),
            number(row.std),
            row.sheet_count,
            mark_of(review_round, row),
        ]
        for sheet in row.experts or [None]:
            line = list(head)
            if sheet is None:
                line += [""] + ["", ""] * len(criteria) + [None, ""]
            else:
                line.append(sheet.expert_name)
                for name in criteria:
                    line += [number(sheet.scores.get(name)), sheet.reasons.get(name, "")]
                line += [number(sheet.total), sheet.total_reason]
            lines.append(line)
    return headers, lines


# --- admin views --------------------------------------------------------------------------------


def rounds_index(request):
    _office_only(request)
    rounds = ReviewRound.objects.select_related("campaign").order_by("-campaign__year", "kind")
    return render(request, "campaigns/ranking/index.html", {"rounds": rounds})


def confirmed_by_name(review_round):
    """Who confirmed the round; the chair's account may since have been deleted."""
    if review_round.confirmed_by is None:
        return _("（账号已删除）")
    return scoring.expert_name(review_round.confirmed_by)


def _ranking_context(request, review_round, rows=None, refusal=None):
    rows = rows if rows is not None else tally(review_round)
    return {
        "round": review_round,
        "confirmed_by_name": confirmed_by_name(review_round),
        "rows": [{"row": row, "mark": mark_of(review_round, row)} for row in rows],
        "criteria": [c.name for c in scoring.criteria_of(review_round)],
        "missing": missing_sheets(review_round)
        if review_round.status != RoundStatus.CONFIRMED
        else [],
        "can_close": can_close(request.user, review_round)[0],
        # Submitted sheets may be amended until the chair confirms the result.
        "can_amend": review_round.status != RoundStatus.CONFIRMED,
        "verified": verify_result(review_round)
        if review_round.status == RoundStatus.CONFIRMED
        else None,
        "refusal": refusal,
        "has_rows": bool(rows),
    }


def ranking_view(request, pk):
    _office_only(request)
    review_round = _round(pk)
    return render(
        request, "campaigns/ranking/ranking.html", _ranking_context(request, review_round)
    )


@require_POST
def close_view(request, pk):
    _office_only(request)
    review_round = _round(pk)
    try:
        close_round(review_round, request.user)
    except RoundRefused as refusal:
        return render(
            request,
            "campaigns/ranking/ranking.html",
            _ranking_context(request, review_round, refusal=refusal),
            status=400,
        )
    messages.success(request, _("已结束本轮评审并写入名次，请评审组长确认结果。"))
    return redirect("campaign_ranking:ranking", pk=review_round.pk)


def ranking_xlsx(request, pk):
    _office_only(request)
    review_round = _round(pk)
    headers, lines = export_table(review_round, tally(review_round))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("排名")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(line)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _filename(review_round, "排名.xlsx")
    return response


def ranking_csv(request, pk):
    _office_only(request)
    review_round = _round(pk)
    headers, lines = export_table(review_round, tally(review_round))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for line in lines:
        writer.writerow(["" if value is None else value for value in line])
    # The BOM makes Excel read the file as UTF-8 (otherwise the Chinese comes out garbled).
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(review_round, "排名.csv")
    return response


def result_docx(request, pk):
    review_round = _round(pk)
    # The office, and the chair who signs it once the office has closed the round; the chair's
    # copy leaves out the nominations the chair is excluded from.
    hidden = frozenset()
    if not is_office(request.user):
        if not is_chair(request.user, review_round):
            raise PermissionDenied(_("只有联合体秘书处和评审组长可以下载结果表。"))
        allowed, reason = chair_may_see_result(review_round)
        if not allowed:
            raise PermissionDenied(reason)
        hidden = excluded_nominations(request.user, review_round)
    response = HttpResponse(
        result_sheet_docx(review_round, hidden=hidden), content_type=DOCX_CONTENT_TYPE
    )
    response["Content-Disposition"] = _filename(review_round, "结果表.docx")
    return response


admin_urlpatterns = [
    path("", rounds_index, name="index"),
    path("<int:pk>/", ranking_view, name="ranking"),
    path("<int:pk>/close/", close_view, name="close"),
    path("<int:pk>/ranking.xlsx", ranking_xlsx, name="xlsx"),
    path("<int:pk>/ranking.csv", ranking_csv, name="csv"),
    path("<int:pk>/result.docx", result_docx, name="docx"),
    path("<int:pk>/sheets/<int:sheet_pk>/amend/", amend_view, name="amend"),
]


# --- the chair, on the site ---------------------------------------------------------------------


@login_required
def confirm_view(request, pk):
    review_round = _round(pk)
    if not (is_chair(request.user, review_round) or is_office(request.user)):
        return render(
            request,
            "components/refused.html",
            {
                "title": _("无权访问"),
                "heading": f"{review_round.campaign.title} · {review_round.get_kind_display()}",
                "reason": _("只有本轮评审组长可以确认评审结果。"),
                "round": review_round,
            },
            status=403,
        )
    office = is_office(request.user)
    if not office and not chair_may_see_result(review_round)[0]:
        # The chair's page exists only once the office has closed the round: before that, not
        # even its existence tells the chair anything.
        raise Http404
    refusal = None
    if request.method == "POST":
        try:
            confirm_round(review_round, request.user)
        except RoundRefused as error:
            refusal = error.reason
        else:
            messages.success(request, _("评审结果已确认。"))
            return redirect("round_confirm", pk=review_round.pk)
    # The office sees every row at any time (as in the admin). The chair sees nothing before the
    # office closes the round, and never a nomination the chair is excluded from.
    visible = office or chair_may_see_result(review_round)[0]
    hidden = frozenset() if office else excluded_nominations(request.user, review_round)
    rows = tally(review_round) if visible else []
    context = {
        "round": review_round,
        "rows": [
            {"row": row, "mark": mark_of(review_round, row)}
            for row in rows
            if row.rank is not None and row.nomination_id not in hidden
        ],
        "hidden_count": sum(1 for row in rows if row.nomination_id in hidden),
        "confirmed_by_name": confirmed_by_name(review_round),
        "can_confirm": can_confirm(request.user, review_round)[0],
        "refusal": refusal,
        "docx_url": reverse("round_result_docx", args=[review_round.pk]),
    }
    return render(
        request, "campaigns/ranking/confirm.html", context, status=400 if refusal else 200
    )


site_urlpatterns = [
    path("review/rounds/<int:pk>/confirm/", confirm_view, name="round_confirm"),
    path(
        "review/rounds/<int:pk>/result.docx", login_required(result_docx), name="round_result_docx"
    ),
]
