"""The result of a review round: tally, ranking, closing by the office, confirmation by the chair.

* `tally(round)` ranks the round's eligible entries. Each submitted sheet gives a weighted total
  (Σ value × weight over the round's frozen criteria, current score versions); only experts not
  excluded from the nomination count. The totals are combined with the round's aggregation (mean,
  or the trimmed mean without the single highest and lowest total — with fewer than three sheets
  it falls back to the mean and says so). Ties are broken explicitly: the higher aggregated score
  on the first criterion, then the next, …; rows still equal on everything share a rank.
* `close_round(round, user)`: the office, only when every expected sheet is in; writes ranks,
  scores and the advanced / forwarded marks to the entries.
* `confirm_round(round, user)`: the panel chair; stores the full result sheet (`result_rows`) and a
  SHA-256 over its canonical JSON (`result_hash`). From then on the round is a record:
  `can_change_scores(round)` refuses, and `verify_result(round)` tells whether the database still
  matches what the chair confirmed.

Arithmetic is Decimal throughout; rounding is for display only.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Assignment, PanelMember, ReviewRound, RoundEntry, Score, ScoreSheet
from campaigns.models.review import (
    FIRST,
    ROUND_CLOSED,
    ROUND_CONFIRMED,
    ROUND_OPEN,
    SHEET_SUBMITTED,
    TRIMMED_MEAN,
)
from campaigns.nominations import ActionRefused
from cms.roles import is_office

ZERO = Decimal(0)
DISPLAY = Decimal("0.01")


class RoundRefused(ActionRefused):
    """Closing or confirming refused; `missing` lists the sheets still outstanding, if that was
    the reason."""

    def __init__(self, reason, missing=()):
        super().__init__(reason)
        self.missing = list(missing)


# --- the figures --------------------------------------------------------------------------------


def criteria_of(round):
    """The frozen criteria as (name, weight) with Decimal weights, in their order."""
    return [
        (criterion["name"], Decimal(str(criterion.get("weight", 1))))
        for criterion in round.criteria or []
    ]


def display(value):
    """Two decimals for tables and documents; None stays empty."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(DISPLAY))


@dataclass
class ExpertSheet:
    """One expert's submitted sheet for one nomination, as it counts in the result."""

    sheet_id: int
    expert_id: int
    expert_name: str
    scores: dict  # criterion name → Decimal (current version)
    reasons: dict  # criterion name → str
    total: Decimal
    total_reason: str = ""
    # [(criterion, value or None, reason)] in the criteria's order, for tables.
    cells: list = field(default_factory=list)


@dataclass
class RankedRow:
    entry: RoundEntry
    nomination: object
    experts: list  # [ExpertSheet], in expert order
    score: Decimal | None  # the aggregated total that ranks
    mean: Decimal | None
    std: Decimal | None  # population standard deviation of the totals
    criterion_scores: dict  # criterion → aggregated score (the tie-breakers)
    trimmed: bool = False  # highest and lowest dropped
    fell_back: bool = False  # trimmed mean asked for, fewer than three sheets: the mean
    rank: int | None = None
    tied: bool = False  # equal on the score and every criterion with another row
    notes: list = field(default_factory=list)

    @property
    def sheet_count(self):
        return len(self.experts)

    @property
    def nomination_id(self):
        return self.nomination.pk


def _mean(values):
    return sum(values, ZERO) / len(values) if values else None


def _population_std(values):
    if not values:
        return None
    mean = _mean(values)
    return (sum(((v - mean) ** 2 for v in values), ZERO) / len(values)).sqrt()


def expert_name(user):
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def current_scores(round):
    """{sheet id: {criterion: Score}}: the highest version of every criterion, one query."""
    current = {}
    for score in Score.objects.filter(sheet__round=round).order_by(
        "sheet_id", "criterion", "version"
    ):
        current.setdefault(score.sheet_id, {})[score.criterion] = score
    return current


def excluded_pairs(round):
    """{(nomination id, expert id)} of the experts excluded for a conflict of interest."""
    return set(
        Assignment.objects.filter(round=round, excluded=True).values_list(
            "nomination_id", "expert_id"
        )
    )


def counted_sheets(round):
    """{nomination id: [ExpertSheet]}: submitted sheets of experts not excluded, with their
    weighted totals."""
    criteria = criteria_of(round)
    excluded = excluded_pairs(round)
    scores = current_scores(round)
    sheets = {}
    queryset = (
        ScoreSheet.objects.filter(round=round, status=SHEET_SUBMITTED)
        .select_related("expert")
        .order_by("expert__username", "pk")
    )
    for sheet in queryset:
        if (sheet.nomination_id, sheet.expert_id) in excluded:
            continue
        current = scores.get(sheet.pk, {})
        values = {name: current[name].value for name, _weight in criteria if name in current}
        total = sum((values.get(name, ZERO) * weight for name, weight in criteria), ZERO)
        sheets.setdefault(sheet.nomination_id, []).append(
            ExpertSheet(
                sheet_id=sheet.pk,
                expert_id=sheet.expert_id,
                expert_name=expert_name(sheet.expert),
                scores=values,
                reasons={
                    name: current[name].reason for name, _weight in criteria if name in current
                },
                total=total,
                total_reason=sheet.total_reason,
                cells=[
                    (name, values.get(name), current[name].reason if name in current else "")
                    for name, _weight in criteria
                ],
            )
        )
    return sheets


def _aggregate(round, experts, criteria):
    """(score, criterion scores, trimmed, fell back). The trimmed mean drops the sheet with the
    single highest and the one with the single lowest total (one each, even when several share
    the value); the criterion tie-breakers are averaged over the same sheets that make up the
    score."""
    counted = list(experts)
    trimmed = fell_back = False
    if round.aggregation == TRIMMED_MEAN:
        if len(counted) >= 3:
            counted = sorted(counted, key=lambda sheet: (sheet.total, sheet.sheet_id))[1:-1]
            trimmed = True
        else:
            fell_back = True
    score = _mean([sheet.total for sheet in counted])
    criterion_scores = {
        name: _mean([sheet.scores.get(name, ZERO) for sheet in counted]) for name, _w in criteria
    }
    return score, criterion_scores, trimmed, fell_back


def _sort_key(row, criteria):
    # Rows without any sheet go last; otherwise higher score first, then each criterion in turn.
    if row.score is None:
        return (1,)
    return (0, -row.score, *(-(row.criterion_scores[name] or ZERO) for name, _w in criteria))


def tally(round):
    """Every eligible, non-disqualified entry of `round` as a RankedRow, best first, ranked."""
    criteria = criteria_of(round)
    sheets = counted_sheets(round)
    entries = (
        RoundEntry.objects.filter(round=round, disqualified=False)
        .select_related("nomination", "nomination__recommender_society")
        .order_by("nomination__project_name", "pk")
    )
    rows = []
    for entry in entries:
        experts = sheets.get(entry.nomination_id, [])
        totals = [sheet.total for sheet in experts]
        score, criterion_scores, trimmed, fell_back = _aggregate(round, experts, criteria)
        row = RankedRow(
            entry=entry,
            nomination=entry.nomination,
            experts=experts,
            score=score,
            mean=_mean(totals),
            std=_population_std(totals),
            criterion_scores=criterion_scores,
            trimmed=trimmed,
            fell_back=fell_back,
        )
        if fell_back:
            row.notes.append(
                _("评分表不足 3 份（%(count)d 份），按平均分计算。") % {"count": len(experts)}
            )
        if not experts:
            row.notes.append(_("没有有效评分表，不参与排名。"))
        rows.append(row)
    rows.sort(key=lambda row: _sort_key(row, criteria))
    previous_key, previous_rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.score is None:
            continue
        key = _sort_key(row, criteria)
        if key == previous_key:
            row.rank = previous_rank
            row.tied = True
            rows[position - 2].tied = True
        else:
            row.rank = previous_rank = position
        previous_key = key
    for row in rows:
        if row.tied:
            row.notes.append(_("与其他项目总分及各项指标得分完全相同，名次并列。"))
    return rows


# --- who may do what ----------------------------------------------------------------------------


def is_chair(user, round):
    if not getattr(user, "is_authenticated", False):
        return False
    return PanelMember.objects.filter(round=round, expert=user, is_chair=True).exists()


def excluded_nominations(user, round):
    """The nominations of `round` that `user` is excluded from (a conflict of interest, in this
    round or any other): nothing of them reaches that person, not even on the result sheet."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Assignment.objects.filter(
            expert=user,
            excluded=True,
            nomination__round_entries__round=round,
        ).values_list("nomination_id", flat=True)
    )


def chair_may_see_result(round):
    """(allowed, reason): the chair sees the ranking only once the office has closed the round;
    while experts are still scoring, nothing of anyone's scores reaches the chair."""
    if round.status in (ROUND_CLOSED, ROUND_CONFIRMED):
        return True, ""
    return False, _("秘书处结束本轮评审后，评审组长才能查看评审结果。")


def can_change_scores(round):
    """(allowed, reason): whether the scores, sheets and result of `round` may still change. Once
    the chair has confirmed the result it is a record."""
    if round.status == ROUND_CONFIRMED:
        return False, _("本轮评审结果已由评审组长确认，不能再修改评分或结果。")
    return True, ""


def can_close(user, round):
    if not is_office(user):
        return False, _("只有联合体秘书处可以结束评审轮次。")
    allowed, reason = can_change_scores(round)
    if not allowed:
        return allowed, reason
    if round.status not in (ROUND_OPEN, ROUND_CLOSED):
        return False, _("本轮评审当前状态为“%(status)s”，不能结束。") % {
            "status": round.get_status_display()
        }
    return True, ""


def can_confirm(user, round):
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if not is_chair(user, round):
        return False, _("只有本轮评审组长可以确认评审结果。")
    if round.status == ROUND_CONFIRMED:
        return False, _("本轮评审结果已经确认，不能重复确认。")
    if round.status != ROUND_CLOSED:
        return False, _("秘书处结束本轮评审后，评审组长才能确认结果。")
    return True, ""


# --- closing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingSheet:
    expert_name: str
    project_name: str

    def __str__(self):
        return f"{self.expert_name} × {self.project_name}"


def missing_sheets(round):
    """The expert × nomination pairs assigned (not excluded) whose sheet is not submitted."""
    submitted = set(
        ScoreSheet.objects.filter(round=round, status=SHEET_SUBMITTED).values_list(
            "nomination_id", "expert_id"
        )
    )
    eligible = set(
        RoundEntry.objects.filter(round=round, disqualified=False).values_list(
            "nomination_id", flat=True
        )
    )
    assignments = (
        Assignment.objects.filter(round=round, excluded=False, nomination_id__in=eligible)
        .select_related("expert", "nomination")
        .order_by("expert__username", "nomination__project_name")
    )
    return [
        MissingSheet(expert_name(a.expert), a.nomination.project_name)
        for a in assignments
        if (a.nomination_id, a.expert_id) not in submitted
    ]


def _lock(round):
    return ReviewRound.objects.select_for_update().get(pk=round.pk)


def close_round(round, user):
    """Close `round` and write its result to the entries; refused (nothing changes) with a
    RoundRefused naming the missing sheets while any is outstanding. Returns the ranked rows."""
    with transaction.atomic():
        locked = _lock(round)
        allowed, reason = can_close(user, locked)
        if not allowed:
            raise RoundRefused(reason)
        if not Assignment.objects.filter(round=locked, excluded=False).exists():
            raise RoundRefused(_("本轮尚未分配评审专家，不能结束。"))
        missing = missing_sheets(locked)
        if missing:
            raise RoundRefused(
                _("还有 %(count)d 份评分表未提交，不能结束本轮评审：%(list)s。")
                % {"count": len(missing), "list": "；".join(map(str, missing))},
                missing,
            )
        rows = tally(locked)
        for row in rows:
            entry = row.entry
            entry.rank = row.rank
            entry.score = row.score
            entry.advanced = row.rank is not None and row.rank <= locked.advance_count
            entry.forwarded = (
                locked.kind == FIRST and row.rank is not None and row.rank <= locked.forward_count
            )
        RoundEntry.objects.bulk_update(
            [row.entry for row in rows], ["rank", "score", "advanced", "forwarded"]
        )
        locked.status = ROUND_CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = user
        locked.save(update_fields=["status", "closed_at", "closed_by"])
    round.refresh_from_db()
    return rows


# --- the confirmed result sheet -----------------------------------------------------------------


def _decimal_text(value):
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.0001")))


def result_rows_of(round):
    """The result sheet as plain JSON rows, from the database as it is now: every score row of
    the round (all versions) and every entry's rank. Ordered, so equal data gives equal rows."""
    scores = (
        Score.objects.filter(sheet__round=round)
        .select_related("sheet", "sheet__expert", "sheet__nomination")
        .order_by("sheet__nomination_id", "sheet__expert_id", "criterion", "version")
    )
    rows = [
        {
            "kind": "score",
            "expert_id": score.sheet.expert_id,
            "expert": expert_name(score.sheet.expert),
            "nomination_id": score.sheet.nomination_id,
            "nomination": score.sheet.nomination.project_name,
            "sheet_status": score.sheet.status,
            "criterion": score.criterion,
            "value": _decimal_text(score.value),
            "version": score.version,
            "reason": score.reason,
            "amendment_reason": score.amendment_reason,
        }
        for score in scores
    ]
    entries = RoundEntry.objects.filter(round=round).select_related("nomination")
    rows += [
        {
            "kind": "rank",
            "nomination_id": entry.nomination_id,
            "nomination": entry.nomination.project_name,
            "rank": entry.rank,
            "score": _decimal_text(entry.score),
            "advanced": entry.advanced,
            "forwarded": entry.forwarded,
        }
        for entry in entries.order_by("nomination_id")
    ]
    return rows


def canonical_json(rows):
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def hash_rows(rows):
    return hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()


def confirm_round(round, user):
    """The chair confirms the closed round's result: the result sheet and its hash are stored and
    the round becomes a record."""
    with transaction.atomic():
        locked = _lock(round)
        allowed, reason = can_confirm(user, locked)
        if not allowed:
            raise RoundRefused(reason)
        rows = result_rows_of(locked)
        locked.result_rows = rows
        locked.result_hash = hash_rows(rows)
        locked.status = ROUND_CONFIRMED
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = user
        locked.save(
            update_fields=["result_rows", "result_hash", "status", "confirmed_at", "confirmed_by"]
        )
    round.refresh_from_db()
    return round


def verify_result(round):
    """Whether the stored result sheet is intact and the database still says the same: the hash
    of the stored rows, and of the rows recomputed now, both equal the stored hash."""
    if round.status != ROUND_CONFIRMED or not round.result_hash:
        return False
    return hash_rows(round.result_rows) == round.result_hash == hash_rows(result_rows_of(round))
