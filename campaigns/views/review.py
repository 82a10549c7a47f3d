"""The experts' pages ("评审"): the rounds and nominations assigned to them, and one score sheet
per nomination with its files in the page (the video plays, a PDF shows in a frame, the Word form
is rendered as HTML), previous / next links and the progress of the round. 提交 locks the sheet,
so it asks for confirmation on a page of its own (no script needed); so does 声明回避. Thin:
`campaigns.review` decides who may, `campaigns.sheets` and `campaigns.rounds` change and record,
`campaigns.scoring` computes. A nomination an expert is not assigned to, or is excluded
from, does not exist for them (404), so nothing of it shows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import previews, review_queue, scoring
from campaigns.models import Assignment, Nomination, PanelMember, ReviewRound, ScoreSheet, SlotKind
from campaigns.models.review import RuleScope, SheetStatus
from campaigns.review import (
    VISIBLE_STATUSES,
    InvalidSheet,
    ReviewRefused,
    can_declare_conflict,
    can_score,
    can_see,
    is_panel_member,
)
from campaigns.rounds import check_conflict, declare_conflict
from campaigns.sheets import check_sheet, save_sheet
from campaigns.views.nominations import file_url


def _refused(request, reason, status=403):
    context = {"title": _("评审"), "reason": reason}
    return render(request, "components/refused.html", context, status=status)


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
    visible = [r.pk for r in rounds if r.status in VISIBLE_STATUSES]
    lists = review_queue.work_lists(user, visible)
    by_round = {
        r.pk: [
            {
                "nomination": item.nomination,
                "sheet": item.sheet,
                "url": reverse("review:sheet", args=[item.round_id, item.nomination.pk]),
            }
            for item in lists.get(r.pk, [])
        ]
        for r in rounds
    }
    done = {pk: review_queue.done_count(items) for pk, items in lists.items()}
    rows = [
        {
            "round": m.round,
            "is_chair": m.is_chair,
            "items": by_round[m.round_id],
            "done": done.get(m.round_id, 0),
        }
        for m in memberships
    ]
    return render(request, "campaigns/review/home.html", {"rows": rows})


def _visible(request, round_id, nomination_id):
    """The round and nomination if the user may see them; 404 otherwise (nothing of them shows)."""
    review_round = get_object_or_404(ReviewRound.objects.select_related("campaign"), pk=round_id)
    nomination = Nomination.objects.filter(pk=nomination_id, campaign_id=review_round.campaign_id)
    nomination = nomination.select_related("recommender_society").first()
    if nomination is None or not can_see(request.user, review_round, nomination)[0]:
        raise Http404
    nomination.campaign = review_round.campaign
    return review_round, nomination


def _kind(slot, record):
    name = record.file.name.lower()
    if getattr(slot, "kind", "") == SlotKind.VIDEO or name.endswith((".mp4", ".mov")):
        return SlotKind.VIDEO
    if getattr(slot, "kind", "") == SlotKind.PDF or name.endswith(".pdf"):
        return SlotKind.PDF
    if getattr(slot, "kind", "") == SlotKind.WORD or name.endswith(".docx"):
        return SlotKind.WORD
    return ""


def _files(request, review_round, nomination):
    campaign = review_round.campaign
    slots = {slot.code: slot for slot in campaign.slots_for(nomination.category)}
    files = []
    for record in nomination.files.all():
        slot = slots.get(record.slot_code)
        kind = _kind(slot, record)
        files.append(
            {
                "record": record,
                "slot": slot,
                "url": file_url(nomination, record.slot_code, request, campaign),
                "is_video": kind == SlotKind.VIDEO,
                "is_pdf": kind == SlotKind.PDF,
                "is_word": kind == SlotKind.WORD,
                # Rendered once per stored file and cached; the user may read it (`_visible`).
                "html": previews.docx_html(record) if kind == SlotKind.WORD else None,
            }
        )
    return files


def _criteria_rows(criteria, sheet, data=None):
    scores = scoring.current_scores(sheet) if sheet else {}
    rows = []
    for index, criterion in enumerate(criteria):
        score = scores.get(criterion.name)
        if data is not None:
            value = data.get(f"score_{index}", "")
            reason = data.get(f"reason_{index}", "")
        else:
            value = scoring.format_number(score.value) if score else ""
            reason = score.reason if score else ""
        rows.append(
            {
                "index": index,
                "criterion": criterion,
                "max": scoring.format_number(criterion.max_score),
                "weight": scoring.format_number(criterion.weight),
                "value": value,
                "reason": reason,
                "score": score,
            }
        )
    return rows


def _rule_texts(rules):
    texts = []
    for rule in rules:
        where = (
            _("总分") if rule.scope == RuleScope.TOTAL else (rule.criterion_name or _("每项指标"))
        )
        parts = []
        if rule.above is not None:
            parts.append(_("高于 %(n)s 分") % {"n": scoring.format_number(rule.above)})
        if rule.below is not None:
            parts.append(_("低于 %(n)s 分") % {"n": scoring.format_number(rule.below)})
        texts.append(
            _("%(where)s%(limits)s的，须填写理由（存档）。")
            % {"where": where, "limits": _("或").join(parts)}
        )
    return texts


def _neighbours(request, review_round, nomination):
    items = review_queue.work_lists(request.user, [review_round.pk])[review_round.pk]
    where = review_queue.position(items, nomination.pk)
    if where is None:
        return None

    def link(item):
        if item is None:
            return None
        return {
            "name": item.nomination.project_name,
            "url": reverse("review:sheet", args=[review_round.pk, item.nomination.pk]),
        }

    return {
        "number": where.number,
        "total": where.total,
        "done": where.done,
        "previous": link(where.previous),
        "next": link(where.next),
    }


def _script_messages():
    """The score sheet script's words, translated here like every other string of the page."""
    return {
        "above": _("高于 %(n)s 分，须填写理由"),
        "below": _("低于 %(n)s 分，须填写理由"),
        "invalid": _("请填写 0 到 %(max)s 之间的分数（最多两位小数）"),
        "partial": _("%(total)s（尚有 %(missing)s 项未评分）"),
        "total": _("总分%(message)s（填写总分理由）"),
    }


def _sheet_page(request, review_round, nomination, errors=(), data=None, status=200):
    sheet = (
        ScoreSheet.objects.filter(round=review_round, nomination=nomination, expert=request.user)
        .prefetch_related("scores")
        .first()
    )
    assignment = Assignment.objects.get(
        round=review_round, nomination=nomination, expert=request.user
    )
    assignment.round = review_round
    criteria = scoring.criteria_of(review_round)
    rules = list(review_round.rules.all())
    may_score, not_scoring = can_score(request.user, assignment)
    total = scoring.sheet_total(sheet, criteria) if sheet else None
    context = {
        "round": review_round,
        "campaign": review_round.campaign,
        "nomination": nomination,
        "files": _files(request, review_round, nomination),
        "rows": _criteria_rows(criteria, sheet, data),
        "total_reason": (data or {}).get("total_reason", sheet.total_reason if sheet else ""),
        "total": None if total is None else scoring.format_number(total),
        "max_total": scoring.format_number(scoring.max_total(criteria)),
        "formula": {**scoring.score_formula(review_round, rules), "messages": _script_messages()},
        "rules": _rule_texts(rules),
        "sheet": sheet,
        "submitted": bool(sheet and sheet.status == SheetStatus.SUBMITTED),
        "can_score": may_score,
        "not_scoring": not_scoring,
        "can_declare": can_declare_conflict(request.user, assignment)[0],
        "errors": errors,
        "today": timezone.localdate(),
        "position": _neighbours(request, review_round, nomination),
    }
    return render(request, "campaigns/review/sheet.html", context, status=status)


def _posted(review_round, post):
    criteria = scoring.criteria_of(review_round)
    values = {c.name: post.get(f"score_{i}", "")[:50] for i, c in enumerate(criteria)}
    reasons = {c.name: post.get(f"reason_{i}", "")[:5000] for i, c in enumerate(criteria)}
    return criteria, values, reasons, post.get("total_reason", "")[:5000]


def _confirm_page(request, review_round, nomination, criteria, parsed, post):
    """What the expert is about to submit, with the button that submits it for good and the one
    that goes back to the sheet (the typed values carried in hidden fields, nothing saved)."""
    rows = [
        {
            "index": index,
            "criterion": criterion,
            "value": scoring.format_number(parsed[criterion.name]),
            "raw": post.get(f"score_{index}", "")[:50],
            "reason": post.get(f"reason_{index}", "")[:5000],
            "weight": scoring.format_number(criterion.weight),
        }
        for index, criterion in enumerate(criteria)
    ]
    total = scoring.weighted_total(parsed, criteria)
    context = {
        "round": review_round,
        "campaign": review_round.campaign,
        "nomination": nomination,
        "rows": rows,
        "total": scoring.format_number(total),
        "max_total": scoring.format_number(scoring.max_total(criteria)),
        "total_reason": post.get("total_reason", "")[:5000],
    }
    return render(request, "campaigns/review/sheet_confirm.html", context)


@login_required
def sheet_view(request, round_id, nomination_id):
    if not is_panel_member(request.user):
        return _not_expert(request)
    review_round, nomination = _visible(request, round_id, nomination_id)
    if request.method != "POST":
        return _sheet_page(request, review_round, nomination)
    post = request.POST
    action = post.get("action")
    if action == "back":  # from the confirmation page: the sheet as typed, nothing saved
        return _sheet_page(request, review_round, nomination, data=post)
    criteria, values, reasons, total_reason = _posted(review_round, post)
    submit = action == "submit"
    try:
        if submit and post.get("confirm") != "1":
            parsed = check_sheet(
                review_round, nomination, request.user, values, reasons, total_reason
            )
            return _confirm_page(request, review_round, nomination, criteria, parsed, post)
        save_sheet(
            review_round, nomination, request.user, values, reasons, total_reason, submit=submit
        )
    except ReviewRefused as refusal:
        return _sheet_page(request, review_round, nomination, [refusal.reason], post, status=403)
    except InvalidSheet as error:
        return _sheet_page(request, review_round, nomination, error.messages, post, status=400)
    if submit:
        messages.success(request, _("评分表已提交并锁定。"))
    else:
        messages.success(request, _("评分已保存为草稿，提交前仍可修改。"))
    return redirect(reverse("review:sheet", args=[review_round.pk, nomination.pk]))


@login_required
@require_POST
def conflict_view(request, round_id, nomination_id):
    if not is_panel_member(request.user):
        return _not_expert(request)
    review_round, nomination = _visible(request, round_id, nomination_id)
    assignment = Assignment.objects.get(
        round=review_round, nomination=nomination, expert=request.user
    )
    assignment.round = review_round
    reason = request.POST.get("reason", "")[:150]
    try:
        if request.POST.get("confirm") != "1":
            reason = check_conflict(assignment, request.user, reason)
            context = {
                "round": review_round,
                "campaign": review_round.campaign,
                "nomination": nomination,
                "reason": reason,
            }
            return render(request, "campaigns/review/conflict_confirm.html", context)
        declare_conflict(assignment, request.user, reason)
    except ReviewRefused as refusal:
        return _sheet_page(request, review_round, nomination, [refusal.reason], status=403)
    except InvalidSheet as error:
        return _sheet_page(request, review_round, nomination, error.messages, status=400)
    messages.success(
        request,
        _("已声明回避：%(name)s。该项目不再出现在您的评审列表中。")
        % {"name": nomination.project_name},
    )
    return redirect("review:home")
