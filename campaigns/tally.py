"""The result of a review round: the ranking, who may see it, what is still missing, and the
confirmed result sheet.

* `tally(round)` ranks the round's eligible entries from the figures of `campaigns.scoring`: each
  counted sheet's weighted total (current score versions, experts not excluded), combined with
  the round's aggregation (mean, or the trimmed mean without the single highest and lowest total —
  with fewer than three sheets it falls back to the mean and says so). Ties are broken explicitly:
  the higher aggregated score on the first criterion, then the next, …; rows still equal on
  everything share a rank.
* Closing (the office, only when every expected sheet is in: `missing_sheets`) and confirming (the
  panel chair) are actions of the round's life cycle, `campaigns.rounds`; the permission functions
  here say who may take them. Confirming stores the full result sheet (`result_rows_of`) and a
  SHA-256 over its canonical JSON (`hash_rows`). From then on the round is a record:
  `can_change_scores(round)` refuses, and `verify_result(round)` tells whether the database still
  matches what the chair confirmed.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from campaigns.models import Assignment, PanelMember, RoundEntry, Score, ScoreSheet
from campaigns.models.review import RoundStatus, SheetStatus
from campaigns.scoring import (
    ZERO,
    aggregate,
    criteria_of,
    expert_name,
    expert_sheets,
    mean,
    population_std,
)
from cms.roles import is_office

# --- the ranking --------------------------------------------------------------------------------


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


def _sort_key(row, criteria):
    # Rows without any sheet go last; otherwise higher score first, then each criterion in turn.
    if row.score is None:
        return (1,)
    return (0, -row.score, *(-(row.criterion_scores[c.name] or ZERO) for c in criteria))


def tally(review_round):
    """Every eligible, non-disqualified entry of `round` as a RankedRow, best first, ranked."""
    criteria = criteria_of(review_round)
    sheets = expert_sheets(review_round, criteria)
    entries = (
        RoundEntry.objects.filter(round=review_round, disqualified=False)
        .select_related("nomination", "nomination__recommender_society")
        .order_by("nomination__project_name", "pk")
    )
    rows = []
    for entry in entries:
        experts = sheets.get(entry.nomination_id, [])
        totals = [sheet.total for sheet in experts]
        figures = aggregate(review_round, experts, criteria)
        row = RankedRow(
            entry=entry,
            nomination=entry.nomination,
            experts=experts,
            score=figures.score,
            mean=mean(totals),
            std=population_std(totals),
            criterion_scores=figures.criterion_scores,
            trimmed=figures.trimmed,
            fell_back=figures.fell_back,
        )
        if figures.fell_back:
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


def is_chair(user, review_round):
    if not getattr(user, "is_authenticated", False):
        return False
    return PanelMember.objects.filter(round=review_round, expert=user, is_chair=True).exists()


def excluded_nominations(user, review_round):
    """The nominations of `round` that `user` is excluded from (a conflict of interest, in this
    round or any other): nothing of them reaches that person, not even on the result sheet."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Assignment.objects.filter(
            expert=user,
            excluded=True,
            nomination__round_entries__round=review_round,
        ).values_list("nomination_id", flat=True)
    )


def chair_may_see_result(review_round):
    """(allowed, reason): the chair sees the ranking only once the office has closed the round;
    while experts are still scoring, nothing of anyone's scores reaches the chair."""
    if review_round.status in (RoundStatus.CLOSED, RoundStatus.CONFIRMED):
        return True, ""
    return False, _("秘书处结束本轮评审后，评审组长才能查看评审结果。")


def can_change_scores(review_round):
    """(allowed, reason): whether the scores, sheets and result of `round` may still change. Once
    the chair has confirmed the result it is a record."""
    if review_round.status == RoundStatus.CONFIRMED:
        return False, _("本轮评审结果已由评审组长确认，不能再修改评分或结果。")
    return True, ""


def can_close(user, review_round):
    if not is_office(user):
        return False, _("只有联合体秘书处可以结束评审轮次。")
    allowed, reason = can_change_scores(review_round)
    if not allowed:
        return allowed, reason
    if review_round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        return False, _("本轮评审当前状态为“%(status)s”，不能结束。") % {
            "status": review_round.get_status_display()
        }
    return True, ""


def can_confirm(user, review_round):
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if not is_chair(user, review_round):
        return False, _("只有本轮评审组长可以确认评审结果。")
    if review_round.status == RoundStatus.CONFIRMED:
        return False, _("本轮评审结果已经确认，不能重复确认。")
    if review_round.status != RoundStatus.CLOSED:
        return False, _("秘书处结束本轮评审后，评审组长才能确认结果。")
    return True, ""


# --- what is still missing ---------------------------------------------------------------------


@dataclass(frozen=True)
class MissingSheet:
    expert_name: str
    project_name: str

    def __str__(self):
        return f"{self.expert_name} × {self.project_name}"


def missing_sheets(review_round):
    """The expert × nomination pairs assigned (not excluded) whose sheet is not submitted."""
    submitted = set(
        ScoreSheet.objects.filter(round=review_round, status=SheetStatus.SUBMITTED).values_list(
            "nomination_id", "expert_id"
        )
    )
    eligible = set(
        RoundEntry.objects.filter(round=review_round, disqualified=False).values_list(
            "nomination_id", flat=True
        )
    )
    assignments = (
        Assignment.objects.filter(round=review_round, excluded=False, nomination_id__in=eligible)
        .select_related("expert", "nomination")
        .order_by("expert__username", "nomination__project_name")
    )
    return [
        MissingSheet(expert_name(a.expert), a.nomination.project_name)
        for a in assignments
        if (a.nomination_id, a.expert_id) not in submitted
    ]


# --- the confirmed result sheet -----------------------------------------------------------------


def _decimal_text(value):
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.0001")))


def result_rows_of(review_round):
    """The result sheet as plain JSON rows, from the database as it is now: every score row of
    the round (all versions) and every entry's rank. Ordered, so equal data gives equal rows."""
    scores = (
        Score.objects.filter(sheet__round=review_round)
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
    entries = RoundEntry.objects.filter(round=review_round).select_related("nomination")
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


def verify_result(review_round):
    """Whether the stored result sheet is intact and the database still says the same: the hash
    of the stored rows, and of the rows recomputed now, both equal the stored hash."""
    if review_round.status != RoundStatus.CONFIRMED or not review_round.result_hash:
        return False
    return (
        hash_rows(review_round.result_rows)
        == review_round.result_hash
        == hash_rows(result_rows_of(review_round))
    )
