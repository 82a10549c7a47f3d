"""The experts' pages ("评审"): the rounds and nominations assigned to them, and one score sheet
per nomination with its files (the video plays in the page). Thin: `campaigns.review` decides and
records. A nomination an expert is not assigned to, or is excluded from, does not exist for them
(404), so nothing of it shows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import review as service
from campaigns.models import Assignment, Nomination, PanelMember, ReviewRound, ScoreSheet
from campaigns.models.pages import SLOT_VIDEO
from campaigns.models.review import SCOPE_TOTAL, SHEET_SUBMITTED
from campaigns.views.nominations import file_url


def _refused(request, reason, status=403):
    return render(request, "campaigns/review/refused.html", {"reason": reason}, status=status)


def _not_expert(request):
    return _refused(request, _("只有评审专家名单中的专家可以进入评审页面。"))


@login_required
def review_home(request):
    user = request.user
    memberships = list(
        PanelMember.objects.filter(expert=user)
        .select_related("round", "round__campaign")
        .order_by("-round__opens_on", "round__pk")
    )
    if not memberships:
        return _not_expert(request)
    rounds = [m.round for m in memberships]
    visible = [r.pk for r in rounds if r.status in service.VISIBLE_STATUSES]
    assignments = (
        Assignment.objects.filter(expert=user, round_id__in=visible, excluded=False)
        # A conflict declared in any round excludes the nomination everywhere.
        .exclude(
            nomination__in=Assignment.objects.filter(expert=user, excluded=True).values(
                "nomination"
            )
        )
        .select_related("nomination", "nomination__recommender_society")
        .order_by("nomination__project_name", "pk")
    )
    sheets = {
        (s.round_id, s.nomination_id): s
        for s in ScoreSheet.objects.filter(expert=user, round_id__in=visible).only(
            "round_id", "nomination_id", "status", "submitted_at"
        )
    }
    by_round = {r.pk: [] for r in rounds}
    for assignment in assignments:
        by_round[assignment.round_id].append(
            {
                "nomination": assignment.nomination,
                "sheet": sheets.get((assignment.round_id, assignment.nomination_id)),
                "url": reverse(
                    "review:sheet", args=[assignment.round_id, assignment.nomination_id]
                ),
            }
        )
    rows = [
        {"round": m.round, "is_chair": m.is_chair, "items": by_round[m.round_id]}
        for m in memberships
    ]
    return render(request, "campaigns/review/home.html", {"rows": rows})


def _visible(request, round_id, nomination_id):
    """The round and nomination if the user may see them; 404 otherwise (nothing of them shows)."""
    round = get_object_or_404(ReviewRound.objects.select_related("campaign"), pk=round_id)
    nomination = Nomination.objects.filter(pk=nomination_id, campaign_id=round.campaign_id)
    nomination = nomination.select_related("recommender_society").first()
    if nomination is None or not service.can_see(request.user, round, nomination)[0]:
        raise Http404
    nomination.campaign = round.campaign
    return round, nomination


def _files(request, round, nomination):
    campaign = round.campaign
    slots = {slot.code: slot for slot in campaign.slots_for(nomination.category)}
    return [
        {
            "record": record,
            "slot": slots.get(record.slot_code),
            "url": file_url(nomination, record.slot_code, request, campaign),
            "is_video": getattr(slots.get(record.slot_code), "kind", "") == SLOT_VIDEO
            or record.file.name.lower().endswith((".mp4", ".mov")),
        }
        for record in nomination.files.all()
    ]


def _criteria_rows(criteria, sheet, data=None):
    scores = service.current_scores(sheet) if sheet else {}
    rows = []
    for index, criterion in enumerate(criteria):
        score = scores.get(criterion.name)
        if data is not None:
            value = data.get(f"score_{index}", "")
            reason = data.get(f"reason_{index}", "")
        else:
            value = service.format_number(score.value) if score else ""
            reason = score.reason if score else ""
        rows.append(
            {
                "index": index,
                "criterion": criterion,
                "max": service.format_number(criterion.max_score),
                "weight": service.format_number(criterion.weight),
                "value": value,
                "reason": reason,
                "score": score,
            }
        )
    return rows


def _rule_texts(round):
    texts = []
    for rule in round.rules.all():
        where = _("总分") if rule.scope == SCOPE_TOTAL else (rule.criterion_name or _("每项指标"))
        parts = []
        if rule.above is not None:
            parts.append(_("高于 %(n)s 分") % {"n": service.format_number(rule.above)})
        if rule.below is not None:
            parts.append(_("低于 %(n)s 分") % {"n": service.format_number(rule.below)})
        texts.append(
            _("%(where)s%(limits)s的，须填写理由（存档）。")
            % {"where": where, "limits": _("或").join(parts)}
        )
    return texts


def _sheet_page(request, round, nomination, errors=(), data=None, status=200):
    sheet = (
        ScoreSheet.objects.filter(round=round, nomination=nomination, expert=request.user)
        .prefetch_related("scores")
        .first()
    )
    assignment = Assignment.objects.get(round=round, nomination=nomination, expert=request.user)
    assignment.round = round
    criteria = service.criteria_of(round)
    can_score, not_scoring = service.can_score(request.user, assignment)
    context = {
        "round": round,
        "campaign": round.campaign,
        "nomination": nomination,
        "files": _files(request, round, nomination),
        "rows": _criteria_rows(criteria, sheet, data),
        "total_reason": (data or {}).get("total_reason", sheet.total_reason if sheet else ""),
        "total": service.weighted_total(sheet, criteria) if sheet else None,
        "max_total": sum((c.max_score * c.weight for c in criteria), 0),
        "rules": _rule_texts(round),
        "sheet": sheet,
        "submitted": bool(sheet and sheet.status == SHEET_SUBMITTED),
        "can_score": can_score,
        "not_scoring": not_scoring,
        "can_declare": service.can_declare_conflict(request.user, assignment)[0],
        "errors": errors,
        "today": timezone.localdate(),
    }
    return render(request, "campaigns/review/sheet.html", context, status=status)


@login_required
def sheet_view(request, round_id, nomination_id):
    if not service.is_panel_member(request.user):
        return _not_expert(request)
    round, nomination = _visible(request, round_id, nomination_id)
    if request.method != "POST":
        return _sheet_page(request, round, nomination)
    criteria = service.criteria_of(round)
    post = request.POST
    values = {c.name: post.get(f"score_{i}", "")[:50] for i, c in enumerate(criteria)}
    reasons = {c.name: post.get(f"reason_{i}", "")[:5000] for i, c in enumerate(criteria)}
    submit = post.get("action") == "submit"
    try:
        service.save_sheet(
            round,
            nomination,
            request.user,
            values,
            reasons,
            post.get("total_reason", "")[:5000],
            submit=submit,
        )
    except service.ReviewRefused as refusal:
        return _sheet_page(request, round, nomination, [refusal.reason], post, status=403)
    except service.InvalidSheet as error:
        return _sheet_page(request, round, nomination, error.messages, post, status=400)
    if submit:
        messages.success(request, _("评分表已提交。提交后不能再修改。"))
    else:
        messages.success(request, _("评分已保存为草稿，提交前仍可修改。"))
    return redirect(reverse("review:sheet", args=[round.pk, nomination.pk]))


@login_required
@require_POST
def conflict_view(request, round_id, nomination_id):
    if not service.is_panel_member(request.user):
        return _not_expert(request)
    round, nomination = _visible(request, round_id, nomination_id)
    assignment = Assignment.objects.get(round=round, nomination=nomination, expert=request.user)
    assignment.round = round
    try:
        service.declare_conflict(assignment, request.user, request.POST.get("reason", "")[:150])
    except service.ReviewRefused as refusal:
        return _sheet_page(request, round, nomination, [refusal.reason], status=403)
    except service.InvalidSheet as error:
        return _sheet_page(request, round, nomination, error.messages, status=400)
    messages.success(
        request,
        _("已声明回避：%(name)s。该项目不再出现在您的评审列表中。")
        % {"name": nomination.project_name},
    )
    return redirect("review:home")
