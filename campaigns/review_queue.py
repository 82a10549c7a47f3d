"""An expert's work list: the nominations assigned to them in each round, in one order (by project
name) for the list at /review/ and for the score sheet's previous / next links, with the progress
that both show ("3/15 已评": sheets submitted out of the nominations to score). A nomination the
expert is excluded from, in this or any round of the campaign, is not on the list."""

from dataclasses import dataclass

from campaigns.models import Assignment, ScoreSheet
from campaigns.models.review import SheetStatus


@dataclass(frozen=True)
class QueueItem:
    round_id: int
    nomination: object
    sheet: object  # the expert's ScoreSheet (only status and submitted_at loaded), or None

    @property
    def submitted(self):
        return self.sheet is not None and self.sheet.status == SheetStatus.SUBMITTED


@dataclass(frozen=True)
class Position:
    number: int  # 1-based
    total: int
    done: int
    previous: QueueItem | None
    next: QueueItem | None


def work_lists(user, round_ids):
    """{round pk: [QueueItem, …]} for the rounds in `round_ids`, in two queries whatever their
    size."""
    round_ids = list(round_ids)
    assignments = (
        Assignment.objects.filter(expert=user, round_id__in=round_ids, excluded=False)
        # A conflict declared in any round excludes the nomination everywhere.
        .exclude(
            nomination__in=Assignment.objects.filter(expert=user, excluded=True).values(
                "nomination"
            )
        )
        .select_related("nomination", "nomination__recommender_society")
        .order_by("nomination__project_name", "nomination_id")
    )
    sheets = {
        (s.round_id, s.nomination_id): s
        for s in ScoreSheet.objects.filter(expert=user, round_id__in=round_ids).only(
            "round_id", "nomination_id", "status", "submitted_at"
        )
    }
    lists = {pk: [] for pk in round_ids}
    for assignment in assignments:
        key = (assignment.round_id, assignment.nomination_id)
        lists[assignment.round_id].append(
            QueueItem(assignment.round_id, assignment.nomination, sheets.get(key))
        )
    return lists


def done_count(items):
    return sum(1 for item in items if item.submitted)


def position(items, nomination_id):
    """Where `nomination_id` stands in `items`, with its neighbours; None if it is not there."""
    for index, item in enumerate(items):
        if item.nomination.pk == nomination_id:
            return Position(
                number=index + 1,
                total=len(items),
                done=done_count(items),
                previous=items[index - 1] if index > 0 else None,
                next=items[index + 1] if index + 1 < len(items) else None,
            )
    return None
