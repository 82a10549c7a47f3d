"""Score sheets: an expert saves a draft, rewritten until they submit it (which locks it); the
office amends a submitted sheet's score as a new version with the amendment's reason. Every score
is checked against the round's frozen criteria (0 to the criterion's maximum, two decimals) and
its justification rules (a score beyond a threshold needs a written reason), amendments included.

The life cycle is one table, `TRANSITIONS`; `SHEETS.perform` checks (permission and state), changes
and logs each action (`ReviewEvent`, subject "sheet") in one transaction. A draft rewritten in
place is not an event; its creation, its submission and every amendment are.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.lifecycle import NONE, LifeCycle, Transition
from campaigns.models import Assignment, JustificationRule, ReviewRound, Score, ScoreSheet
from campaigns.models.review import EventSubject, RuleScope, SheetStatus
from campaigns.review import InvalidSheet, ReviewRefused, _lock, can_amend, can_score
from campaigns.review_notifications import maybe_complete, score_amended
from campaigns.scoring import criteria_of, current_scores, format_number, weighted_total

SAVE = "save"
SUBMIT = "submit"
AMEND = "amend"

TRANSITIONS = {
    (NONE, SAVE): Transition(SheetStatus.DRAFT),
    (SheetStatus.DRAFT, SAVE): Transition(
        SheetStatus.DRAFT, logged=False
    ),  # a draft rewritten in place
    (NONE, SUBMIT): Transition(SheetStatus.SUBMITTED),
    (SheetStatus.DRAFT, SUBMIT): Transition(SheetStatus.SUBMITTED),
    # The office's amendment of one score: a new version, the sheet stays submitted.
    (SheetStatus.SUBMITTED, AMEND): Transition(SheetStatus.SUBMITTED, reason_required=True),
}

SHEETS = LifeCycle(
    subject=EventSubject.SHEET,
    name=gettext_lazy("评分表"),
    transitions=TRANSITIONS,
    labels={
        SAVE: gettext_lazy("保存"),
        SUBMIT: gettext_lazy("提交"),
        AMEND: gettext_lazy("修改评分"),
    },
    statuses={
        SheetStatus.DRAFT: gettext_lazy("草稿"),
        SheetStatus.SUBMITTED: gettext_lazy("已提交"),
    },
    refused=ReviewRefused,
    reason_errors={
        AMEND: lambda: InvalidSheet(_("修改理由：修改评分必须填写理由。"), code="reason_required"),
    },
)


# --- checking scores --------------------------------------------------------------------------


def _parse(criterion, raw):
    """(Decimal, None) or (None, message naming the criterion and its range)."""
    text = (raw or "").strip()
    limits = {"name": criterion.name, "max": format_number(criterion.max_score), "value": text}
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, _("%(name)s：“%(value)s”不是数字，请填写 0 到 %(max)s 之间的分数。") % limits
    if not value.is_finite():
        return None, _("%(name)s：“%(value)s”不是数字，请填写 0 到 %(max)s 之间的分数。") % limits
    if value < 0 or value > criterion.max_score:
        return None, _("%(name)s：%(value)s 分超出范围，请填写 0 到 %(max)s 之间的分数。") % limits
    if value != value.quantize(Decimal("0.01")):
        return None, _("%(name)s：%(value)s 分最多保留两位小数。") % limits
    return value, None


def _breach(rule, value):
    """'above' / 'below' when `value` passes the rule's threshold, else None."""
    if rule.above is not None and value > rule.above:
        return "above"
    if rule.below is not None and value < rule.below:
        return "below"
    return None


def _breach_message(name, value, rule, side):
    limits = {
        "name": name,
        "value": format_number(value),
        "limit": format_number(rule.above if side == "above" else rule.below),
    }
    if side == "above":
        return _("%(name)s：%(value)s 分高于 %(limit)s 分，须填写高分理由。") % limits
    return _("%(name)s：%(value)s 分低于 %(limit)s 分，须填写低分理由。") % limits


def justification_errors(rules, criteria, values, reasons, total_reason):
    """The messages for scores that need a written reason and have none. `values` holds the
    parsed scores (criterion name → Decimal), possibly not all of them."""
    errors = []
    for rule in rules:
        if rule.scope == RuleScope.CRITERION:
            for criterion in criteria:
                if rule.criterion_name and rule.criterion_name != criterion.name:
                    continue
                value = values.get(criterion.name)
                if value is None or (reasons.get(criterion.name) or "").strip():
                    continue
                if side := _breach(rule, value):
                    errors.append(_breach_message(criterion.name, value, rule, side))
        elif rule.scope == RuleScope.TOTAL:
            # The total is only known once every criterion is scored.
            if len(values) < len(criteria) or (total_reason or "").strip():
                continue
            total = weighted_total(values, criteria)
            if side := _breach(rule, total):
                errors.append(_breach_message(_("总分"), total, rule, side))
    return errors


def _validated(review_round, values, reasons, total_reason, submit):
    """The parsed scores (criterion name → Decimal) of a sheet as typed, or `InvalidSheet` with
    a message per criterion and limit. A draft may leave criteria empty; a submission needs every
    one."""
    criteria = criteria_of(review_round)
    parsed, errors = {}, []
    for criterion in criteria:
        raw = (values.get(criterion.name) or "").strip()
        if not raw:
            if submit:
                errors.append(
                    _("%(name)s：提交前必须填写分数（0 到 %(max)s 分）。")
                    % {"name": criterion.name, "max": format_number(criterion.max_score)}
                )
            continue
        value, error = _parse(criterion, raw)
        if error:
            errors.append(error)
        else:
            parsed[criterion.name] = value
    if not errors:
        errors = justification_errors(
            list(JustificationRule.objects.filter(round=review_round)),
            criteria,
            parsed,
            reasons,
            total_reason,
        )
    if errors:
        raise InvalidSheet(errors, code="invalid_scores")
    return parsed


# --- the expert's sheet -----------------------------------------------------------------------


def _scoring_assignment(review_round, nomination, expert):
    """The expert's assignment, locked, with the round as it is now."""
    assignment = Assignment.objects.filter(
        round_id=review_round.pk, nomination_id=nomination.pk, expert_id=expert.pk
    ).first()
    if assignment is None:
        raise ReviewRefused(_("该项目未分配给您评审。"))
    assignment = _lock(Assignment, assignment.pk)
    assignment.round = ReviewRound.objects.get(pk=review_round.pk)
    return assignment


def _clean_reasons(reasons, total_reason):
    reasons = {name: (text or "").strip() for name, text in (reasons or {}).items()}
    return reasons, (total_reason or "").strip()


def check_sheet(
    review_round, nomination, expert, values, reasons=None, total_reason="", today=None
):
    """What `save_sheet(..., submit=True)` would accept, without saving anything: the parsed
    scores, for the page that asks the expert to confirm before the sheet is locked. Raises
    as `save_sheet` does."""
    reasons, total_reason = _clean_reasons(reasons, total_reason)
    with transaction.atomic():
        assignment = _scoring_assignment(review_round, nomination, expert)
        allowed, why = can_score(expert, assignment, today)
        if not allowed:
            raise ReviewRefused(why)
        return _validated(assignment.round, values, reasons, total_reason, submit=True)


def save_sheet(
    review_round,
    nomination,
    expert,
    values,
    reasons=None,
    total_reason="",
    submit=False,
    today=None,
):
    """Save (and, if `submit`, submit and lock) `expert`'s score sheet for `nomination`.
    `values` maps criterion names to the scores as typed; `reasons` criterion names to the
    reasons. A draft may leave criteria empty; a submission needs every one. Raises
    `ReviewRefused` (not allowed now) or `InvalidSheet` (the messages name each criterion and
    limit) and then changes nothing."""
    reasons, total_reason = _clean_reasons(reasons, total_reason)
    with transaction.atomic():
        assignment = _scoring_assignment(review_round, nomination, expert)
        current_round = assignment.round
        sheet = ScoreSheet.objects.filter(
            round=current_round, nomination=nomination, expert=expert
        ).first()
        parsed = {}

        def validate():
            parsed.update(_validated(current_round, values, reasons, total_reason, submit))

        def change(transition):
            current = sheet or ScoreSheet.objects.create(
                round=current_round, nomination=nomination, expert=expert
            )
            # A draft's scores are its first version, rewritten until submission; versions
            # after the first are the office's amendments.
            current.scores.exclude(criterion__in=parsed).delete()
            for name, value in parsed.items():
                Score.objects.update_or_create(
                    sheet=current,
                    criterion=name,
                    version=1,
                    defaults={
                        "value": value,
                        "reason": reasons.get(name, ""),
                        "recorded_by": expert,
                    },
                )
            current.total_reason = total_reason
            current.status = transition.to_status
            fields = ["total_reason", "status"]
            if submit:
                current.submitted_at = timezone.now()
                fields.append("submitted_at")
            current.save(update_fields=fields)
            return current

        done = SHEETS.perform(
            sheet,
            SUBMIT if submit else SAVE,
            expert,
            allowed=can_score(expert, assignment, today),
            validate=validate,
            change=change,
            campaign_id=current_round.campaign_id,
            nomination_id=nomination.pk,
        )
        if submit:
            maybe_complete(current_round)
        return done


# --- the office's amendments ------------------------------------------------------------------


def amend_score(sheet, criterion, value, reason, user, score_reason=None):
    """The office amends one score of a submitted sheet: a new version with the amendment's
    reason; every earlier version stays. The score's own reason is the previous version's unless
    `score_reason` gives one. The amended sheet must still satisfy the round's justification
    rules (a score, or the total, beyond a threshold needs its reason): otherwise `InvalidSheet`
    names the rule, and nothing changes."""
    with transaction.atomic():
        current = _lock(ScoreSheet, sheet.pk)
        criteria = {c.name: c for c in criteria_of(current.round)}
        previous = current.scores.filter(criterion=criterion).order_by("-version").first()
        if score_reason is not None:
            own_reason = score_reason.strip()
        else:
            own_reason = previous.reason if previous else ""
        parsed, amended = {}, []

        def validate():
            if criterion not in criteria:
                raise InvalidSheet(
                    _("指标：“%(name)s”不是本轮的评选标准，可选：%(names)s。")
                    % {"name": criterion, "names": "、".join(criteria)},
                    code="unknown_criterion",
                )
            number, error = _parse(criteria[criterion], str(value))
            if error:
                raise InvalidSheet(error, code="invalid_score")
            parsed[criterion] = number
            # The round's rules, on the sheet as it would be after the amendment.
            scores = current_scores(current)
            values = {name: score.value for name, score in scores.items()} | parsed
            reasons = {name: score.reason for name, score in scores.items()}
            reasons[criterion] = own_reason
            errors = justification_errors(
                list(JustificationRule.objects.filter(round_id=current.round_id)),
                list(criteria.values()),
                values,
                reasons,
                current.total_reason,
            )
            if errors:
                raise InvalidSheet(
                    [
                        _("不能修改为 %(value)s 分：%(error)s")
                        % {"value": format_number(parsed[criterion]), "error": error}
                        for error in errors
                    ],
                    code="invalid_scores",
                )

        def change(transition):
            amended.append(
                Score.objects.create(
                    sheet=current,
                    criterion=criterion,
                    value=parsed[criterion],
                    reason=own_reason,
                    version=(previous.version + 1) if previous else 1,
                    recorded_by=user,
                    amendment_reason=(reason or "").strip(),
                )
            )
            return current

        SHEETS.perform(
            current,
            AMEND,
            user,
            allowed=can_amend(user, current),
            validate=validate,
            change=change,
            reason=reason,
            campaign_id=current.round.campaign_id,
            nomination_id=current.nomination_id,
        )
        score_amended(amended[0], current)
        return amended[0]
