"""The life cycle of a review round: the office opens it (its criteria frozen, the eligible
nominations entered, every panel member assigned to every one unless a conflict of interest
excludes them), may assign an expert by hand while it is open, experts may declare a conflict of
interest, the office closes it once every expected sheet is in (ranks, scores and the advanced /
forwarded marks written to the entries), and the panel chair confirms its result (the result sheet
and its SHA-256 stored: from then on the round is a record).

The transitions are one explicit table, `TRANSITIONS`; the permission functions of
`campaigns.review` and `campaigns.tally` say who may take each action and when. `ROUNDS.perform`
checks, changes and logs every action (`ReviewEvent`, subject "round": who, when, from, to, why)
in one transaction, the round's row locked; a refused action changes nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.conflicts import affiliations, conflict_reason, declared_before
from campaigns.lifecycle import LifeCycle, Transition, events
from campaigns.models import Assignment, Nomination, NominationStatus, ReviewRound, RoundEntry
from campaigns.models.review import AssignmentSource, EventSubject, RoundKind, RoundStatus
from campaigns.review import (
    InvalidSheet,
    ReviewRefused,
    _lock,
    can_assign,
    can_declare_conflict,
    can_open_round,
)
from campaigns.review_notifications import maybe_complete, round_confirmed, round_opened
from campaigns.scoring import advances, forwards, freeze_criteria
from campaigns.tally import can_close, can_confirm, hash_rows, missing_sheets, result_rows_of, tally


class RoundRefused(ReviewRefused):
    """An action on a round refused; `missing` lists the sheets still outstanding, if that was the
    reason for refusing to close it."""

    def __init__(self, reason, missing=()):
        super().__init__(reason)
        self.missing = list(missing)


OPEN = "open"
ASSIGN = "assign"
DECLARE_CONFLICT = "declare_conflict"
CLOSE = "close"
CONFIRM = "confirm"

TRANSITIONS = {
    (RoundStatus.DRAFT, OPEN): Transition(RoundStatus.OPEN),
    # While experts score: the office assigns by hand, an expert declares a conflict of interest.
    (RoundStatus.OPEN, ASSIGN): Transition(RoundStatus.OPEN),
    (RoundStatus.OPEN, DECLARE_CONFLICT): Transition(RoundStatus.OPEN, reason_required=True),
    (RoundStatus.OPEN, CLOSE): Transition(RoundStatus.CLOSED),
    # Closed again after the office amended a score: the result is written anew.
    (RoundStatus.CLOSED, CLOSE): Transition(RoundStatus.CLOSED),
    (RoundStatus.CLOSED, CONFIRM): Transition(RoundStatus.CONFIRMED),
}

ROUNDS = LifeCycle(
    subject=EventSubject.ROUND,
    name=gettext_lazy("评审轮次"),
    transitions=TRANSITIONS,
    labels={
        OPEN: gettext_lazy("开启"),
        ASSIGN: gettext_lazy("分配评审专家"),
        DECLARE_CONFLICT: gettext_lazy("声明回避"),
        CLOSE: gettext_lazy("结束"),
        CONFIRM: gettext_lazy("确认结果"),
    },
    statuses=dict(RoundStatus.choices),
    refused=RoundRefused,
    reason_errors={
        DECLARE_CONFLICT: lambda: InvalidSheet(
            _("回避理由：声明回避必须填写理由。"), code="reason_required"
        ),
    },
)


# --- opening ----------------------------------------------------------------------------------


def eligible_nominations(review_round):
    """First round: every nomination of the campaign that passed formal review. Final round: the
    first round's entries that advanced (and were not disqualified)."""
    queryset = Nomination.objects.filter(campaign_id=review_round.campaign_id)
    if review_round.kind == RoundKind.FIRST:
        queryset = queryset.filter(status=NominationStatus.PASSED)
    else:
        queryset = queryset.filter(
            round_entries__round__campaign_id=review_round.campaign_id,
            round_entries__round__kind=RoundKind.FIRST,
            round_entries__advanced=True,
            round_entries__disqualified=False,
        )
    return queryset.select_related("recommender_society").order_by("pk")


def open_round(review_round, user, today=None):
    """Open `round`: freeze the campaign's criteria, enter the eligible nominations and assign
    every panel member to every one of them, excluding conflicts of interest. Raises
    `ReviewRefused` and then changes nothing."""

    def change(current, transition):
        nominations = list(eligible_nominations(current))
        if not nominations:
            raise RoundRefused(
                _("没有可参评的项目：%(which)s。")
                % {
                    "which": _("尚无通过形式审查的申报")
                    if current.kind == RoundKind.FIRST
                    else _("初评尚无晋级终评的项目")
                }
            )
        current.criteria = freeze_criteria(current.campaign)
        current.status = transition.to_status
        current.opened_at = timezone.now()
        current.save(update_fields=["criteria", "status", "opened_at"])
        RoundEntry.objects.bulk_create(RoundEntry(round=current, nomination=n) for n in nominations)
        experts = [m.expert for m in current.panel.select_related("expert")]
        known = affiliations(experts)
        carried = declared_before(current)
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
                        source=AssignmentSource.AUTO,
                        excluded=bool(reason),
                        exclusion_reason=reason,
                    )
                )
        Assignment.objects.bulk_create(assignments)
        round_opened(current)
        return current

    _perform(review_round, OPEN, user, can_open_round, change)
    review_round.refresh_from_db()
    return review_round


# --- while experts score ----------------------------------------------------------------------


def assign(review_round, nomination, expert, user):
    """Assign `expert` (a panel member) to `nomination` by hand; a conflict of interest still
    excludes them. Returns the assignment."""
    made = []

    def change(current, transition):
        if not current.entries.filter(nomination=nomination).exists():
            raise RoundRefused(
                _("“%(name)s”不是本轮参评项目，不能分配。") % {"name": nomination.project_name}
            )
        if not current.panel.filter(expert=expert).exists():
            raise RoundRefused(
                _("请先将专家“%(expert)s”加入本轮评审专家名单。") % {"expert": expert}
            )
        existing = Assignment.objects.filter(
            round=current, nomination=nomination, expert=expert
        ).first()
        if existing is not None:
            if existing.excluded:
                raise RoundRefused(
                    _("专家“%(expert)s”须回避该项目（%(reason)s），不能分配。")
                    % {"expert": expert, "reason": existing.exclusion_reason}
                )
            raise RoundRefused(
                _("专家“%(expert)s”已分配评审“%(name)s”。")
                % {"expert": expert, "name": nomination.project_name}
            )
        reason = declared_before(current).get((nomination.pk, expert.pk)) or conflict_reason(
            affiliations([expert])[expert.pk], nomination
        )
        made.append(
            Assignment.objects.create(
                round=current,
                nomination=nomination,
                expert=expert,
                source=AssignmentSource.MANUAL,
                excluded=bool(reason),
                exclusion_reason=reason,
            )
        )
        return current

    note = _("手动分配评审专家：%(expert)s") % {"expert": expert}
    _perform(review_round, ASSIGN, user, can_assign, change, note, nomination.pk)
    return made[0]


def check_conflict(assignment, expert, reason):
    """Whether `declare_conflict` would accept this declaration, without saving anything (for the
    page that asks the expert to confirm). Returns the reason as it would be stored."""
    reason = (reason or "").strip()
    allowed, why = can_declare_conflict(expert, assignment)
    if not allowed:
        raise ReviewRefused(why)
    if not reason:
        raise ROUNDS.reason_errors[DECLARE_CONFLICT]()
    return reason


def declare_conflict(assignment, expert, reason):
    """The expert declares a conflict of interest: they are excluded from the nomination (its
    draft sheet, if any, never counts). The assignment's row is locked, not the round's."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _lock(Assignment, assignment.pk)

        def change(transition):
            current.excluded = True
            current.exclusion_reason = (_("本人声明回避：%(reason)s") % {"reason": reason})[:200]
            current.save(update_fields=["excluded", "exclusion_reason"])
            return current.round

        ROUNDS.perform(
            current.round,
            DECLARE_CONFLICT,
            expert,
            allowed=can_declare_conflict(expert, current),
            change=change,
            reason=reason,
            campaign_id=current.round.campaign_id,
            nomination_id=current.nomination_id,
        )
        # Excluded from the last sheet outstanding: the round may now be complete.
        maybe_complete(current.round)
    return current


# --- the result -------------------------------------------------------------------------------


def close_round(review_round, user):
    """Close `round` and write its result to the entries; refused (nothing changes) with a
    RoundRefused naming the missing sheets while any is outstanding. Returns the ranked rows."""
    ranked = []

    def change(current, transition):
        if not Assignment.objects.filter(round=current, excluded=False).exists():
            raise RoundRefused(_("本轮尚未分配评审专家，不能结束。"))
        missing = missing_sheets(current)
        if missing:
            raise RoundRefused(
                _("还有 %(count)d 份评分表未提交，不能结束本轮评审：%(list)s。")
                % {"count": len(missing), "list": "；".join(map(str, missing))},
                missing,
            )
        ranked.extend(tally(current))
        for row in ranked:
            row.entry.rank = row.rank
            row.entry.score = row.score
            row.entry.advanced = advances(current, row.rank)
            row.entry.forwarded = forwards(current, row.rank)
        RoundEntry.objects.bulk_update(
            [row.entry for row in ranked], ["rank", "score", "advanced", "forwarded"]
        )
        current.status = transition.to_status
        current.closed_at = timezone.now()
        current.closed_by = user
        current.save(update_fields=["status", "closed_at", "closed_by"])
        return current

    _perform(review_round, CLOSE, user, can_close, change)
    review_round.refresh_from_db()
    return ranked


def confirm_round(review_round, user):
    """The chair confirms the closed round's result: the result sheet and its hash are stored and
    the round becomes a record."""

    def change(current, transition):
        rows = result_rows_of(current)
        current.result_rows = rows
        current.result_hash = hash_rows(rows)
        current.status = transition.to_status
        current.confirmed_at = timezone.now()
        current.confirmed_by = user
        current.save(
            update_fields=["result_rows", "result_hash", "status", "confirmed_at", "confirmed_by"]
        )
        # The result is final now (closing again after an amendment could still change it).
        round_confirmed(current)
        return current

    _perform(review_round, CONFIRM, user, can_confirm, change)
    review_round.refresh_from_db()
    return review_round


def _perform(review_round, action, user, permission, change, reason="", nomination_id=None):
    """`action` on the round's locked row: `permission(user, round)` and the table, then
    `change(round, transition)`, then the log."""
    with transaction.atomic():
        current = _lock(ReviewRound, review_round.pk)
        return ROUNDS.perform(
            current,
            action,
            user,
            allowed=permission(user, current),
            change=lambda transition: change(current, transition),
            reason=reason,
            campaign_id=current.campaign_id,
            nomination_id=nomination_id,
        )


def round_events(review_round):
    """The round's log, oldest first: who opened, assigned, declared, closed and confirmed."""
    return events(EventSubject.ROUND, review_round.pk)
