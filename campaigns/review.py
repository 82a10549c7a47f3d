"""Expert review: opening a round, who scores what, conflicts of interest, and score sheets with
versioned scores. Plain functions; the expert pages and the admin call them, and nothing else
changes a round, an assignment or a score.

A round's criteria are frozen into `ReviewRound.criteria` when it opens (name, explanation, weight
and max_score, the numbers kept as decimal strings), so that later edits of the campaign never
rewrite past scores. Every panel member scores every eligible nomination unless a conflict of
interest excludes them: automatically (same organisation as the applicant, or a member of the
recommending society) or by their own declaration. An excluded expert neither sees the nomination
nor counts in its result (`counted_sheets`).

Permission functions return `(allowed, reason)`, the reason in Chinese for the person refused.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import (
    Assignment,
    JustificationRule,
    Nomination,
    PanelMember,
    ReviewRound,
    RoundEntry,
    Score,
    ScoreSheet,
)
from campaigns.models.nominations import PASSED
from campaigns.models.review import (
    AUTO,
    FINAL,
    FIRST,
    MANUAL,
    ROUND_CLOSED,
    ROUND_CONFIRMED,
    ROUND_DRAFT,
    ROUND_OPEN,
    SCOPE_CRITERION,
    SCOPE_TOTAL,
    SHEET_SUBMITTED,
)
from campaigns.nominations import ActionRefused
from cms.models import AccountProfile, MemberSociety
from cms.models.snippets import normalise_name
from cms.roles import is_office

# Rounds in which assigned experts see their nominations and files.
VISIBLE_STATUSES = (ROUND_OPEN, ROUND_CLOSED)


class ReviewRefused(ActionRefused):
    """The user may not do this now (permission, status, window); `reason` says why."""


class InvalidSheet(ValidationError):
    """Scores or reasons refused for their content; each message names the criterion and the
    limit."""


# --- frozen criteria --------------------------------------------------------------------------


@dataclass(frozen=True)
class FrozenCriterion:
    name: str
    explanation: str
    weight: Decimal
    max_score: Decimal


def _number(value):
    """Decimals as the JSON of a frozen criterion keeps them: exact, without trailing zeros."""
    text = format(Decimal(value).normalize(), "f")
    return text


def criteria_of(round):
    """The round's frozen criteria, numbers as Decimals."""
    return [
        FrozenCriterion(
            name=c["name"],
            explanation=c.get("explanation", ""),
            weight=Decimal(str(c.get("weight", 1))),
            max_score=Decimal(str(c.get("max_score", 10))),
        )
        for c in round.criteria or []
    ]


def freeze_criteria(campaign):
    return [
        {
            "name": c.name,
            "explanation": c.explanation,
            "weight": _number(c.weight),
            "max_score": _number(c.max_score),
        }
        for c in campaign.criteria.all()
    ]


def format_number(value):
    """A score or threshold as people write it: 9, 9.5, 99."""
    return _number(value)


# --- who is who -------------------------------------------------------------------------------


def is_panel_member(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return PanelMember.objects.filter(expert=user).exists()


@dataclass(frozen=True)
class ExpertAffiliation:
    organisation: str  # normalised
    society_ids: frozenset


def affiliations(experts):
    """{expert pk: ExpertAffiliation} in two queries, whatever the number of experts."""
    pks = [e.pk for e in experts]
    profiles = {
        p.user_id: p for p in AccountProfile.objects.filter(user_id__in=pks).only(
            "user_id", "organisation", "society_id"
        )
    }  # fmt: skip
    group_societies = {}
    for user_id, society_id in MemberSociety.objects.filter(group__user__in=pks).values_list(
        "group__user", "pk"
    ):
        group_societies.setdefault(user_id, set()).add(society_id)
    result = {}
    for pk in pks:
        profile = profiles.get(pk)
        societies = set(group_societies.get(pk, ()))
        if profile and profile.society_id:
            societies.add(profile.society_id)
        result[pk] = ExpertAffiliation(
            organisation=normalise_name(profile.organisation) if profile else "",
            society_ids=frozenset(societies),
        )
    return result


def conflict_reason(affiliation, nomination):
    """Why an expert of `affiliation` may not score `nomination`, or "" when nothing conflicts."""
    organisation = normalise_name(nomination.applicant_organisation)
    if affiliation.organisation and affiliation.organisation == organisation:
        return _("自动回避：专家工作单位与申报单位相同（%(organisation)s）") % {
            "organisation": nomination.applicant_organisation
        }
    if nomination.recommender_society_id and (
        nomination.recommender_society_id in affiliation.society_ids
    ):
        return _("自动回避：专家所属学会为推荐学会（%(society)s）") % {
            "society": nomination.recommender_society.name
        }
    return ""


# --- permission functions: (allowed, reason) --------------------------------------------------


def can_manage(user, round=None):
    if not is_office(user):
        return False, _("只有联合体评选办公室（秘书处）可以管理评审轮次。")
    return True, ""


def can_open_round(user, round):
    allowed, reason = can_manage(user, round)
    if not allowed:
        return allowed, reason
    if round.status != ROUND_DRAFT:
        return False, _("评审轮次当前状态为“%(status)s”，不能再次开启。") % {
            "status": round.get_status_display()
        }
    if not round.panel.exists():
        return False, _("评审专家：请先为本轮添加评审专家，再开启评审。")
    if not round.campaign.criteria.exists():
        return False, _("评选标准：征集活动“%(campaign)s”尚未设置评选标准，不能开启评审。") % {
            "campaign": round.campaign.title
        }
    if round.opens_on > round.closes_on:
        return False, _("评分截止日期不能早于评分开始日期。")
    if round.kind == FINAL:
        first = ReviewRound.objects.filter(campaign_id=round.campaign_id, kind=FIRST).first()
        if first is None or first.status != ROUND_CONFIRMED:
            return False, _("第一轮遴选（初评）的结果尚未经评审组长确认，不能开启终评。")
    return True, ""


def can_assign(user, round):
    allowed, reason = can_manage(user, round)
    if not allowed:
        return allowed, reason
    if round.status != ROUND_OPEN:
        return False, _("只能在评分期间（评审轮次已开启）手动分配评审专家。")
    return True, ""


def _window_error(round, today):
    from cms.templatetags.cn_dates import cn_date

    if round.status != ROUND_OPEN:
        return _("评审轮次当前状态为“%(status)s”，不能评分。") % {
            "status": round.get_status_display()
        }
    if today < round.opens_on:
        return _("评分将于 %(date)s 开始，届时才能评分。") % {"date": cn_date(round.opens_on)}
    if today > round.closes_on:
        return _("评分已于 %(date)s 截止，不能再评分。") % {"date": cn_date(round.closes_on)}
    return None


def can_score(user, sheet_or_assignment, today=None):
    """Whether `user` may save or submit this score sheet now: their own, not excluded, the round
    open and today (Asia/Shanghai) within its window, the sheet not yet submitted."""
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    item = sheet_or_assignment
    if item.expert_id != user.pk:
        return False, _("只能填写分配给您本人的评分表。")
    if isinstance(item, ScoreSheet):
        sheet = item
        assignment = Assignment.objects.filter(
            round_id=item.round_id, nomination_id=item.nomination_id, expert_id=item.expert_id
        ).first()
        if assignment is None:
            return False, _("该项目未分配给您评审。")
    else:
        assignment = item
        sheet = ScoreSheet.objects.filter(
            round_id=item.round_id, nomination_id=item.nomination_id, expert_id=item.expert_id
        ).first()
    if assignment.excluded:
        return False, _("您已回避该项目（%(reason)s），不能评分。") % {
            "reason": assignment.exclusion_reason
        }
    if error := _window_error(assignment.round, today):
        return False, error
    if sheet is not None and sheet.status == SHEET_SUBMITTED:
        return False, _("评分表已于 %(time)s 提交并锁定，不能再修改。") % {
            "time": timezone.localtime(sheet.submitted_at).strftime("%Y-%m-%d %H:%M")
        }
    return True, ""


def can_see(user, round, nomination):
    """Whether `user` (an expert) sees this nomination in this round: assigned, not excluded (in
    this or any round of the campaign), the round open or closed."""
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if round.status not in VISIBLE_STATUSES:
        return False, _("评审轮次尚未开启。")
    assignments = list(Assignment.objects.filter(nomination=nomination, expert=user))
    if not any(a.round_id == round.pk for a in assignments):
        return False, _("该项目未分配给您评审。")
    if any(a.excluded for a in assignments):
        return False, _("您已回避该项目。")
    return True, ""


def can_see_files(user, nomination):
    """Experts of an open or closed round may read the files of a nomination assigned to them,
    unless they are excluded from it in any round."""
    if not getattr(user, "is_authenticated", False):
        return False
    assignments = list(
        Assignment.objects.filter(nomination=nomination, expert=user).values_list(
            "excluded", "round__status"
        )
    )
    if any(excluded for excluded, _status in assignments):
        return False
    return any(status in VISIBLE_STATUSES for _excluded, status in assignments)


def can_declare_conflict(user, assignment):
    if assignment.expert_id != getattr(user, "pk", None):
        return False, _("只能为本人声明回避。")
    if assignment.excluded:
        return False, _("您已回避该项目（%(reason)s）。") % {"reason": assignment.exclusion_reason}
    if assignment.round.status != ROUND_OPEN:
        return False, _("评审轮次当前状态为“%(status)s”，不能声明回避。") % {
            "status": assignment.round.get_status_display()
        }
    sheet = ScoreSheet.objects.filter(
        round_id=assignment.round_id,
        nomination_id=assignment.nomination_id,
        expert_id=assignment.expert_id,
        status=SHEET_SUBMITTED,
    ).exists()
    if sheet:
        return False, _("评分表已提交，不能再声明回避；如有利益冲突，请联系评选办公室。")
    return True, ""


def can_amend(user, sheet):
    if not is_office(user):
        return False, _("只有联合体评选办公室（秘书处）可以修改已提交的评分。")
    if sheet.status != SHEET_SUBMITTED:
        return False, _("评分表尚未提交，只能由专家本人填写。")
    if sheet.round.status == ROUND_CONFIRMED:
        return False, _("本轮结果已经评审组长确认，评分不能再修改。")
    return True, ""


# --- opening a round --------------------------------------------------------------------------


def _lock(model, pk):
    queryset = model.objects.filter(pk=pk)
    if connection.features.has_select_for_update_of:
        queryset = queryset.select_for_update(of=("self",))
    else:
        queryset = queryset.select_for_update()
    return queryset.get()


def eligible_nominations(round):
    """First round: every nomination of the campaign that passed formal review. Final round: the
    first round's entries that advanced (and were not disqualified)."""
    queryset = Nomination.objects.filter(campaign_id=round.campaign_id)
    if round.kind == FIRST:
        queryset = queryset.filter(status=PASSED)
    else:
        queryset = queryset.filter(
            round_entries__round__campaign_id=round.campaign_id,
            round_entries__round__kind=FIRST,
            round_entries__advanced=True,
            round_entries__disqualified=False,
        )
    return queryset.select_related("recommender_society").order_by("pk")


def _declared_before(round):
    """Exclusions an expert carries from an earlier round of the same campaign."""
    return {
        (a.nomination_id, a.expert_id): a.exclusion_reason
        for a in Assignment.objects.filter(
            round__campaign_id=round.campaign_id, excluded=True
        ).exclude(round=round)
    }


def open_round(round, user, today=None):
    """Open `round`: freeze the campaign's criteria, enter the eligible nominations and assign
    every panel member to every one of them, excluding conflicts of interest. Raises
    `ReviewRefused` and then changes nothing."""
    with transaction.atomic():
        current = _lock(ReviewRound, round.pk)
        allowed, reason = can_open_round(user, current)
        if not allowed:
            raise ReviewRefused(reason)
        nominations = list(eligible_nominations(current))
        if not nominations:
            raise ReviewRefused(
                _("没有可参评的项目：%(which)s。")
                % {
                    "which": _("尚无通过形式审查的申报")
                    if current.kind == FIRST
                    else _("初评尚无晋级终评的项目")
                }
            )
        current.criteria = freeze_criteria(current.campaign)
        current.status = ROUND_OPEN
        current.opened_at = timezone.now()
        current.save(update_fields=["criteria", "status", "opened_at"])
        RoundEntry.objects.bulk_create(RoundEntry(round=current, nomination=n) for n in nominations)
        experts = [m.expert for m in current.panel.select_related("expert")]
        known = affiliations(experts)
        carried = _declared_before(current)
        assignments = []
        for nomination in nominations:
            for expert in experts:
                reason = carried.get((nomination.pk, expert.pk)) or conflict_reason(
                    known[expert.pk], nomination
                )
                assignments.append(
                    Assignment(
                        round=current,
                        nomination=nomination,
                        expert=expert,
                        source=AUTO,
                        excluded=bool(reason),
                        exclusion_reason=reason,
                    )
                )
        Assignment.objects.bulk_create(assignments)
    round.refresh_from_db()
    return round


def assign(round, nomination, expert, user):
    """Assign `expert` (a panel member) to `nomination` by hand; a conflict of interest still
    excludes them. Returns the assignment."""
    with transaction.atomic():
        current = _lock(ReviewRound, round.pk)
        allowed, reason = can_assign(user, current)
        if not allowed:
            raise ReviewRefused(reason)
        if not current.entries.filter(nomination=nomination).exists():
            raise ReviewRefused(
                _("“%(name)s”不是本轮参评项目，不能分配。") % {"name": nomination.project_name}
            )
        if not current.panel.filter(expert=expert).exists():
            raise ReviewRefused(
                _("请先将专家“%(expert)s”加入本轮评审专家名单。") % {"expert": expert}
            )
        existing = Assignment.objects.filter(
            round=current, nomination=nomination, expert=expert
        ).first()
        if existing is not None:
            if existing.excluded:
                raise ReviewRefused(
                    _("专家“%(expert)s”须回避该项目（%(reason)s），不能分配。")
                    % {"expert": expert, "reason": existing.exclusion_reason}
                )
            raise ReviewRefused(
                _("专家“%(expert)s”已分配评审“%(name)s”。")
                % {"expert": expert, "name": nomination.project_name}
            )
        reason = _declared_before(current).get((nomination.pk, expert.pk)) or conflict_reason(
            affiliations([expert])[expert.pk], nomination
        )
        return Assignment.objects.create(
            round=current,
            nomination=nomination,
            expert=expert,
            source=MANUAL,
            excluded=bool(reason),
            exclusion_reason=reason,
        )


def check_conflict(assignment, expert, reason):
    """Whether `declare_conflict` would accept this declaration, without saving anything (for the
    page that asks the expert to confirm). Returns the reason as it would be stored."""
    reason = (reason or "").strip()
    allowed, why = can_declare_conflict(expert, assignment)
    if not allowed:
        raise ReviewRefused(why)
    if not reason:
        raise InvalidSheet(_("回避理由：声明回避必须填写理由。"), code="reason_required")
    return reason


def declare_conflict(assignment, expert, reason):
    """The expert declares a conflict of interest: they are excluded from the nomination (its
    draft sheet, if any, never counts)."""
    with transaction.atomic():
        current = _lock(Assignment, assignment.pk)
        reason = check_conflict(current, expert, reason)
        current.excluded = True
        current.exclusion_reason = (_("本人声明回避：%(reason)s") % {"reason": reason})[:200]
        current.save(update_fields=["excluded", "exclusion_reason"])
    return current


# --- scores -----------------------------------------------------------------------------------


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


def justification_errors(rules, criteria, values, reasons, total_reason):
    """The messages for scores that need a written reason and have none. `values` holds the
    parsed scores (criterion name → Decimal), possibly not all of them."""
    errors = []
    weights = {c.name: c.weight for c in criteria}
    for rule in rules:
        if rule.scope == SCOPE_CRITERION:
            for criterion in criteria:
                if rule.criterion_name and rule.criterion_name != criterion.name:
                    continue
                value = values.get(criterion.name)
                if value is None or (reasons.get(criterion.name) or "").strip():
                    continue
                side = _breach(rule, value)
                if side == "above":
                    errors.append(
                        _("%(name)s：%(value)s 分高于 %(limit)s 分，须填写高分理由。")
                        % {
                            "name": criterion.name,
                            "value": format_number(value),
                            "limit": format_number(rule.above),
                        }
                    )
                elif side == "below":
                    errors.append(
                        _("%(name)s：%(value)s 分低于 %(limit)s 分，须填写低分理由。")
                        % {
                            "name": criterion.name,
                            "value": format_number(value),
                            "limit": format_number(rule.below),
                        }
                    )
        elif rule.scope == SCOPE_TOTAL:
            # The total is only known once every criterion is scored.
            if len(values) < len(criteria) or (total_reason or "").strip():
                continue
            total = sum((values[name] * weights[name] for name in weights), Decimal(0))
            side = _breach(rule, total)
            if side == "above":
                errors.append(
                    _("总分：%(value)s 分高于 %(limit)s 分，须填写高分理由。")
                    % {"value": format_number(total), "limit": format_number(rule.above)}
                )
            elif side == "below":
                errors.append(
                    _("总分：%(value)s 分低于 %(limit)s 分，须填写低分理由。")
                    % {"value": format_number(total), "limit": format_number(rule.below)}
                )
    return errors


def _validated(round, values, reasons, total_reason, submit):
    """The parsed scores (criterion name → Decimal) of a sheet as typed, or `InvalidSheet` with
    a message per criterion and limit. A draft may leave criteria empty; a submission needs every
    one."""
    criteria = criteria_of(round)
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
            list(JustificationRule.objects.filter(round=round)),
            criteria,
            parsed,
            reasons,
            total_reason,
        )
    if errors:
        raise InvalidSheet(errors, code="invalid_scores")
    return parsed


def _scoring_assignment(round, nomination, expert, today):
    assignment = Assignment.objects.filter(
        round_id=round.pk, nomination_id=nomination.pk, expert_id=expert.pk
    ).first()
    if assignment is None:
        raise ReviewRefused(_("该项目未分配给您评审。"))
    assignment = _lock(Assignment, assignment.pk)
    assignment.round = ReviewRound.objects.get(pk=round.pk)
    allowed, why = can_score(expert, assignment, today)
    if not allowed:
        raise ReviewRefused(why)
    return assignment


def _clean_reasons(reasons, total_reason):
    reasons = {name: (text or "").strip() for name, text in (reasons or {}).items()}
    return reasons, (total_reason or "").strip()


def check_sheet(round, nomination, expert, values, reasons=None, total_reason="", today=None):
    """What `save_sheet(..., submit=True)` would accept, without saving anything: the parsed
    scores, for the page that asks the expert to confirm before the sheet is locked. Raises
    as `save_sheet` does."""
    reasons, total_reason = _clean_reasons(reasons, total_reason)
    with transaction.atomic():
        assignment = _scoring_assignment(round, nomination, expert, today)
        return _validated(assignment.round, values, reasons, total_reason, submit=True)


def save_sheet(round, nomination, expert, values, reasons=None, total_reason="", submit=False,
               today=None):  # fmt: skip
    """Save (and, if `submit`, submit and lock) `expert`'s score sheet for `nomination`.
    `values` maps criterion names to the scores as typed; `reasons` criterion names to the
    reasons. A draft may leave criteria empty; a submission needs every one. Raises
    `ReviewRefused` (not allowed now) or `InvalidSheet` (the messages name each criterion and
    limit) and then changes nothing."""
    reasons, total_reason = _clean_reasons(reasons, total_reason)
    with transaction.atomic():
        assignment = _scoring_assignment(round, nomination, expert, today)
        current_round = assignment.round
        parsed = _validated(current_round, values, reasons, total_reason, submit)
        sheet, _created = ScoreSheet.objects.get_or_create(
            round=current_round, nomination=nomination, expert=expert
        )
        # A draft's scores are its first version, rewritten until submission; versions after
        # the first are the office's amendments.
        sheet.scores.exclude(criterion__in=parsed).delete()
        for name, value in parsed.items():
            Score.objects.update_or_create(
                sheet=sheet,
                criterion=name,
                version=1,
                defaults={"value": value, "reason": reasons.get(name, ""), "recorded_by": expert},
            )
        sheet.total_reason = total_reason
        fields = ["total_reason"]
        if submit:
            sheet.status = SHEET_SUBMITTED
            sheet.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
        sheet.save(update_fields=fields)
    return sheet


def amend_score(sheet, criterion, value, reason, user):
    """The office amends one score of a submitted sheet: a new version with the amendment's
    reason; every earlier version stays."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _lock(ScoreSheet, sheet.pk)
        allowed, why = can_amend(user, current)
        if not allowed:
            raise ReviewRefused(why)
        criteria = {c.name: c for c in criteria_of(current.round)}
        if criterion not in criteria:
            raise InvalidSheet(
                _("指标：“%(name)s”不是本轮的评选标准，可选：%(names)s。")
                % {"name": criterion, "names": "、".join(criteria)},
                code="unknown_criterion",
            )
        parsed, error = _parse(criteria[criterion], str(value))
        if error:
            raise InvalidSheet(error, code="invalid_score")
        if not reason:
            raise InvalidSheet(_("修改理由：修改评分必须填写理由。"), code="reason_required")
        previous = current.scores.filter(criterion=criterion).order_by("-version").first()
        return Score.objects.create(
            sheet=current,
            criterion=criterion,
            value=parsed,
            reason=previous.reason if previous else "",
            version=(previous.version + 1) if previous else 1,
            recorded_by=user,
            amendment_reason=reason,
        )


def current_scores(sheet):
    """{criterion: the Score of the highest version}; uses prefetched `scores` when there."""
    result = {}
    for score in sheet.scores.all():
        if score.criterion not in result or score.version > result[score.criterion].version:
            result[score.criterion] = score
    return result


def weighted_total(sheet, criteria=None):
    """Σ value × weight over the current versions of the sheet's scores."""
    criteria = criteria if criteria is not None else criteria_of(sheet.round)
    scores = current_scores(sheet)
    return sum((scores[c.name].value * c.weight for c in criteria if c.name in scores), Decimal(0))


def score_formula(round, rules=None):
    """The weighted total and the justification rules as data, for the score sheet's script to
    recompute while the expert types: total = Σ score × weight, as `weighted_total` and
    `justification_errors` compute it here (numbers as decimal strings)."""
    rules = round.rules.all() if rules is None else rules
    return {
        "criteria": [
            {"name": c.name, "weight": format_number(c.weight), "max": format_number(c.max_score)}
            for c in criteria_of(round)
        ],
        "rules": [
            {
                "scope": rule.scope,
                "criterion": rule.criterion_name,
                "above": None if rule.above is None else format_number(rule.above),
                "below": None if rule.below is None else format_number(rule.below),
            }
            for rule in rules
        ],
    }


def counted_sheets(round):
    """The sheets that count in the round's result: submitted, by experts not excluded."""
    excluded = Assignment.objects.filter(
        round=OuterRef("round"),
        nomination=OuterRef("nomination"),
        expert=OuterRef("expert"),
        excluded=True,
    )
    return (
        ScoreSheet.objects.filter(round=round, status=SHEET_SUBMITTED)
        .filter(~Exists(excluded))
        .prefetch_related("scores")
    )


# --- demo -------------------------------------------------------------------------------------

DEMO_EXPERT_ORGANISATION = "某高校（演示）"


def ensure_demo_expert():
    """The demo `expert` account works at a (demo) university, so its conflicts can be shown."""
    from django.contrib.auth import get_user_model

    expert = get_user_model().objects.filter(username="expert").first()
    if expert is None:
        return None
    profile, _created = AccountProfile.objects.get_or_create(user=expert)
    if not profile.organisation:
        profile.organisation = DEMO_EXPERT_ORGANISATION
        profile.save(update_fields=["organisation"])
    return profile
