"""The figures of a review round, computed once here for the experts' pages, the tally, the ranking
and the result sheet.

* The criteria are frozen into `ReviewRound.criteria` when the round opens (name, explanation,
  weight and max_score, the numbers kept as decimal strings), so that later edits of the campaign
  never rewrite past scores: `criteria_of(round)`.
* A score sheet keeps every version of every score; the current one is the highest version
  (`current_scores`). The office's amendments are the versions after the first.
* A sheet's total is Σ value × weight over the frozen criteria (`weighted_total`).
* The sheets that count in the result are the submitted ones of experts not excluded from the
  nomination (`counted_sheets`).
* A nomination's score is the mean of its counted totals, or the trimmed mean without the single
  highest and lowest total; with fewer than three sheets the trimmed mean falls back to the mean
  (`aggregate`).
* A rank within `advance_count` advances (first round: to the final; final round: selected); in
  the first round a rank within `forward_count` is also forwarded to the world top-ten selection
  (`advances`, `forwards`, and the words for them: `mark_text`).

Arithmetic is Decimal throughout; rounding is for display only (`display`, `format_number`).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from campaigns.models import Assignment, ScoreSheet
from campaigns.models.review import Aggregation, RoundKind, SheetStatus

ZERO = Decimal(0)
DISPLAY = Decimal("0.01")


# --- numbers ----------------------------------------------------------------------------------


def format_number(value):
    """A score or threshold as people write it (and as the frozen criteria keep it): exact,
    without trailing zeros: 9, 9.5, 99."""
    return format(Decimal(value).normalize(), "f")


def display(value):
    """Two decimals for tables and documents; None stays empty."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(DISPLAY))


def expert_name(user):
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


# --- frozen criteria --------------------------------------------------------------------------


@dataclass(frozen=True)
class FrozenCriterion:
    name: str
    explanation: str
    weight: Decimal
    max_score: Decimal


def criteria_of(review_round):
    """The round's frozen criteria in their order, numbers as Decimals."""
    return [
        FrozenCriterion(
            name=c["name"],
            explanation=c.get("explanation", ""),
            weight=Decimal(str(c.get("weight", 1))),
            max_score=Decimal(str(c.get("max_score", 10))),
        )
        for c in review_round.criteria or []
    ]


def freeze_criteria(campaign):
    """The campaign's criteria as a round keeps them from its opening on."""
    return [
        {
            "name": c.name,
            "explanation": c.explanation,
            "weight": format_number(c.weight),
            "max_score": format_number(c.max_score),
        }
        for c in campaign.criteria.all()
    ]


# --- a sheet's scores and total ---------------------------------------------------------------


def current_scores(sheet):
    """{criterion: the Score of the highest version}; uses prefetched `scores` when there."""
    result = {}
    for score in sheet.scores.all():
        if score.criterion not in result or score.version > result[score.criterion].version:
            result[score.criterion] = score
    return result


def weighted_total(values, criteria):
    """Σ value × weight over the criteria that have a value in `values` (criterion name →
    Decimal): the one formula of a total, for a sheet, a form as typed, or the maxima."""
    return sum((values[c.name] * c.weight for c in criteria if c.name in values), ZERO)


def sheet_total(sheet, criteria=None):
    """The weighted total of the current versions of a sheet's scores."""
    criteria = criteria if criteria is not None else criteria_of(sheet.round)
    return weighted_total(
        {name: score.value for name, score in current_scores(sheet).items()}, criteria
    )


def max_total(criteria):
    return weighted_total({c.name: c.max_score for c in criteria}, criteria)


def score_formula(review_round, rules=None):
    """The weighted total and the justification rules as data, for the score sheet's script to
    recompute while the expert types: total = Σ score × weight, as `weighted_total` and
    `campaigns.sheets.justification_errors` compute it here (numbers as decimal strings)."""
    rules = review_round.rules.all() if rules is None else rules
    return {
        "criteria": [
            {"name": c.name, "weight": format_number(c.weight), "max": format_number(c.max_score)}
            for c in criteria_of(review_round)
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


# --- the sheets that count --------------------------------------------------------------------


def counted_sheets(review_round):
    """The sheets that count in the round's result: submitted, by experts not excluded from the
    nomination; with their experts and scores (two queries), in expert order."""
    excluded = Assignment.objects.filter(
        round=OuterRef("round"),
        nomination=OuterRef("nomination"),
        expert=OuterRef("expert"),
        excluded=True,
    )
    return (
        ScoreSheet.objects.filter(round=review_round, status=SheetStatus.SUBMITTED)
        .filter(~Exists(excluded))
        .select_related("expert")
        .prefetch_related("scores")
        .order_by("expert__username", "pk")
    )


@dataclass
class ExpertSheet:
    """One expert's counted sheet for one nomination, as it counts in the result."""

    sheet_id: int
    expert_id: int
    expert_name: str
    scores: dict  # criterion name → Decimal (current version)
    reasons: dict  # criterion name → str
    total: Decimal
    total_reason: str = ""
    # [(criterion, value or None, reason)] in the criteria's order, for tables.
    cells: list = field(default_factory=list)


def expert_sheets(review_round, criteria=None):
    """{nomination id: [ExpertSheet]}: the counted sheets with their weighted totals."""
    criteria = criteria if criteria is not None else criteria_of(review_round)
    sheets = {}
    for sheet in counted_sheets(review_round):
        current = current_scores(sheet)
        values = {c.name: current[c.name].value for c in criteria if c.name in current}
        reasons = {c.name: current[c.name].reason for c in criteria if c.name in current}
        sheets.setdefault(sheet.nomination_id, []).append(
            ExpertSheet(
                sheet_id=sheet.pk,
                expert_id=sheet.expert_id,
                expert_name=expert_name(sheet.expert),
                scores=values,
                reasons=reasons,
                total=weighted_total(values, criteria),
                total_reason=sheet.total_reason,
                cells=[(c.name, values.get(c.name), reasons.get(c.name, "")) for c in criteria],
            )
        )
    return sheets


# --- aggregation ------------------------------------------------------------------------------


def mean(values):
    return sum(values, ZERO) / len(values) if values else None


def population_std(values):
    if not values:
        return None
    average = mean(values)
    return (sum(((v - average) ** 2 for v in values), ZERO) / len(values)).sqrt()


@dataclass(frozen=True)
class Aggregate:
    score: Decimal | None  # the aggregated total that ranks
    criterion_scores: dict  # criterion → aggregated score (the tie-breakers)
    trimmed: bool = False  # highest and lowest dropped
    fell_back: bool = False  # trimmed mean asked for, fewer than three sheets: the mean


def aggregate(review_round, sheets, criteria):
    """A nomination's score from its counted `sheets` ([ExpertSheet]) by the round's aggregation.
    The trimmed mean drops the sheet with the single highest and the one with the single lowest
    total (one each, even when several share the value); the criterion tie-breakers are averaged
    over the same sheets that make up the score."""
    counted = list(sheets)
    trimmed = fell_back = False
    if review_round.aggregation == Aggregation.TRIMMED_MEAN:
        if len(counted) >= 3:
            counted = sorted(counted, key=lambda sheet: (sheet.total, sheet.sheet_id))[1:-1]
            trimmed = True
        else:
            fell_back = True
    return Aggregate(
        score=mean([sheet.total for sheet in counted]),
        criterion_scores={
            c.name: mean([sheet.scores.get(c.name, ZERO) for sheet in counted]) for c in criteria
        },
        trimmed=trimmed,
        fell_back=fell_back,
    )


# --- what a rank means ------------------------------------------------------------------------


def advances(review_round, rank):
    """Whether `rank` advances: to the final round from the first, selected in the final."""
    return rank is not None and rank <= review_round.advance_count


def forwards(review_round, rank):
    """Whether `rank` (first round only) is forwarded to the world top-ten selection."""
    return (
        review_round.kind == RoundKind.FIRST
        and rank is not None
        and rank <= review_round.forward_count
    )


def mark_text(review_round, advanced, forwarded):
    """The words for an entry's result: 进入终评 / 推荐参加世界智能制造十大科技进展评选 in the
    first round, 入选 in the final."""
    if review_round.kind != RoundKind.FIRST:
        return _("入选") if advanced else ""
    marks = []
    if advanced:
        marks.append(_("进入终评"))
    if forwarded:
        marks.append(_("推荐参加世界智能制造十大科技进展评选"))
    return "；".join(marks)


def result_mark(review_round, entry):
    """The marks written to a closed round's entry (an objection upheld later takes them away)."""
    return mark_text(review_round, entry.advanced, entry.forwarded)


def rank_mark(review_round, rank):
    """What a rank will mean once the round is closed."""
    return mark_text(review_round, advances(review_round, rank), forwards(review_round, rank))
