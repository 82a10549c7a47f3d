"""The review's notifications (issue 15): the kinds `campaigns.wagtail_hooks` registers, and one
small function per event, which the services of the review's life cycles call inside their own
transaction (`cms.notifications.notify`: written with the change, sent after commit).

* Experts: assigned when a round opens, reminded 3 days and 1 day before its end while sheets are
  unsubmitted (the `review_reminders` job), told of an office amendment of their score. An expert
  excluded from a nomination (a conflict of interest, in this round or any other of the campaign)
  never receives anything naming it: every list an expert reads is made by `_to_score`.
* The office (秘书处, the people of its roles): a round can be closed (its last expected sheet is
  in), a round has missing sheets once its end date has passed, an objection was filed, a notice
  period ended.
* Applicants, about their own nominations only: advanced or not after a round, once the chair
  confirms its result (closing is not final: an amended score closes the round again with a new
  ranking; after confirmation nothing changes it); on the public notice (also when moved up after
  an upheld objection); the outcome of an objection against their item.

Every call names its event with a key, so a job run twice, or a round closed twice, sends once."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Assignment, Objection, ReviewRound, RoundEntry, ScoreSheet
from campaigns.models.review import ObjectionStatus, RoundKind, RoundStatus, SheetStatus
from campaigns.tally import missing_sheets
from cms.notifications import Kind, notify
from cms.roles import OFFICE_ROLES, Role, office_people

ASSIGNED = "campaigns.review_assigned"
REMINDER = "campaigns.review_reminder"
AMENDED = "campaigns.review_score_amended"
ROUND_COMPLETE = "campaigns.review_round_complete"
SHEETS_MISSING = "campaigns.review_sheets_missing"
ROUND_RESULT = "campaigns.review_round_result"
NOTICE_LISTED = "campaigns.notice_listed"
NOTICE_ENDED = "campaigns.notice_ended"
OBJECTION_FILED = "campaigns.objection_filed"
OBJECTION_DECIDED = "campaigns.objection_decided"

# Days before a round's end on which experts with unsubmitted sheets are reminded.
REMINDER_DAYS = (3, 1)

EXPERT, OFFICE, APPLICANT = "expert", "office", "applicant"
# Who reads a kind, in words (the preferences page, the 发件箱) and as the roles it is offered to.
AUDIENCES = {
    EXPERT: (_("评审专家"), (Role.EXPERT,)),
    OFFICE: (_("联合体秘书处"), OFFICE_ROLES),
    APPLICANT: (_("申报单位"), (Role.APPLICANT,)),
}


def _kind(code, label, audience, template):
    folder = "campaigns/notifications"
    words, roles = AUDIENCES[audience]
    return Kind(
        code,
        label,
        audience=words,
        roles=roles,
        subject_template=f"{folder}/{template}_subject.txt",
        text_template=f"{folder}/{template}.txt",
    )


def review_kinds():
    return [
        _kind(ASSIGNED, _("评审任务分配"), EXPERT, "review_assigned"),
        _kind(REMINDER, _("评分截止提醒"), EXPERT, "review_reminder"),
        _kind(AMENDED, _("评分被秘书处修改"), EXPERT, "review_score_amended"),
        _kind(ROUND_COMPLETE, _("评审轮次可以结束"), OFFICE, "review_round_complete"),
        _kind(SHEETS_MISSING, _("评审截止仍缺评分表"), OFFICE, "review_sheets_missing"),
        _kind(ROUND_RESULT, _("评审结果"), APPLICANT, "review_round_result"),
        _kind(NOTICE_LISTED, _("项目进入公示"), APPLICANT, "notice_listed"),
        _kind(NOTICE_ENDED, _("公示期结束"), OFFICE, "notice_ended"),
        _kind(OBJECTION_FILED, _("收到异议"), OFFICE, "objection_filed"),
        _kind(OBJECTION_DECIDED, _("异议处理结果"), APPLICANT, "objection_decided"),
    ]


# --- who, and where to act --------------------------------------------------------------------


def queue_link():
    return reverse("review:home")


def ranking_link(review_round):
    return reverse("campaign_ranking:ranking", args=[review_round.pk])


def applicant_link():
    return reverse("my_nominations")


def notice_link(campaign):
    """The public notice page, or nothing where the campaign is on no site."""
    url = campaign.get_url()
    return url + campaign.reverse_subpage("notice") if url else ""


def _to_score(review_round, expert_ids=None):
    """{expert: [nomination, …]} of the round's assignments that are not excluded, by project
    name, leaving out every nomination an expert is excluded from in any round of the campaign
    and the entries disqualified. One query."""
    excluded = Assignment.objects.filter(
        round__campaign_id=review_round.campaign_id, excluded=True
    ).values_list("expert_id", "nomination_id")
    excluded = set(excluded)
    assignments = Assignment.objects.filter(
        round=review_round,
        excluded=False,
        nomination__round_entries__round=review_round,
        nomination__round_entries__disqualified=False,
    )
    if expert_ids is not None:
        assignments = assignments.filter(expert_id__in=expert_ids)
    lists = {}
    for assignment in assignments.select_related("expert", "nomination").order_by(
        "expert_id", "nomination__project_name", "nomination_id"
    ):
        if (assignment.expert_id, assignment.nomination_id) in excluded:
            continue
        lists.setdefault(assignment.expert, []).append(assignment.nomination)
    return lists


def _unsubmitted(review_round):
    """{expert: [nomination, …]}: what each expert still has to submit in the round."""
    submitted = set(
        ScoreSheet.objects.filter(round=review_round, status=SheetStatus.SUBMITTED).values_list(
            "expert_id", "nomination_id"
        )
    )
    lists = {}
    for expert, nominations in _to_score(review_round).items():
        left = [n for n in nominations if (expert.pk, n.pk) not in submitted]
        if left:
            lists[expert] = left
    return lists


# --- experts ----------------------------------------------------------------------------------


def round_opened(review_round):
    """Each expert of a round just opened, about the nominations they are to score."""
    for expert, nominations in _to_score(review_round).items():
        notify(
            expert,
            ASSIGNED,
            {"round": review_round, "nominations": nominations},
            queue_link(),
            key=f"round:{review_round.pk}:assigned",
        )


def remind_experts(review_round, today):
    """Experts with unsubmitted sheets, 3 days and 1 day before the round's end (on the end day
    itself if the 1-day run was missed). Returns how many were reminded."""
    days_left = (review_round.closes_on - today).days
    stage = next((days for days in sorted(REMINDER_DAYS) if 0 <= days_left <= days), None)
    if review_round.status != RoundStatus.OPEN or stage is None:
        return 0
    outstanding = _unsubmitted(review_round)
    for expert, nominations in outstanding.items():
        notify(
            expert,
            REMINDER,
            {"round": review_round, "nominations": nominations, "days_left": days_left},
            queue_link(),
            key=f"round:{review_round.pk}:reminder:{stage}",
        )
    return len(outstanding)


def score_amended(score, sheet):
    """The expert whose submitted score the office amended."""
    if Assignment.objects.filter(
        expert_id=sheet.expert_id, nomination_id=sheet.nomination_id, excluded=True
    ).exists():
        return
    notify(
        sheet.expert,
        AMENDED,
        {"score": score, "sheet": sheet, "nomination": sheet.nomination},
        reverse("review:sheet", args=[sheet.round_id, sheet.nomination_id]),
        key=f"score:{score.pk}:amended",
    )


# --- the office -------------------------------------------------------------------------------


def maybe_complete(review_round):
    """The office, once per round, when the last expected sheet is in (a submission, or a
    conflict declared on the last one outstanding): the round can be closed."""
    if review_round.status != RoundStatus.OPEN or missing_sheets(review_round):
        return
    if not Assignment.objects.filter(round=review_round, excluded=False).exists():
        return
    notify(
        office_people(),
        ROUND_COMPLETE,
        {"round": review_round},
        ranking_link(review_round),
        key=f"round:{review_round.pk}:complete",
    )


def sheets_missing(review_round, today):
    """The office, once, when a round's end date has passed (experts can no longer score) and
    sheets are still missing. Returns whether it was due."""
    if review_round.status != RoundStatus.OPEN or today <= review_round.closes_on:
        return False
    missing = missing_sheets(review_round)
    if not missing:
        return False
    notify(
        office_people(),
        SHEETS_MISSING,
        {"round": review_round, "missing": missing},
        ranking_link(review_round),
        key=f"round:{review_round.pk}:sheets_missing",
    )
    return True


def objection_filed(objection):
    notify(
        office_people(),
        OBJECTION_FILED,
        {"objection": objection, "nomination": objection.nomination},
        reverse("objection:inspect", args=[objection.pk]),
        key=f"objection:{objection.pk}:filed",
    )


def notice_ended(notice):
    pending = Objection.objects.filter(notice=notice, status=ObjectionStatus.PENDING).count()
    notify(
        office_people(),
        NOTICE_ENDED,
        {"notice": notice, "campaign": notice.campaign, "pending": pending},
        reverse("objection:index"),
        key=f"notice:{notice.pk}:ended",
    )


# --- applicants -------------------------------------------------------------------------------


def round_confirmed(review_round):
    """Each entry's applicant, about their own nomination: advanced (selected, in the final
    round) or not, once the chair has confirmed the result and it can no longer change."""
    entries = RoundEntry.objects.filter(round=review_round).select_related(
        "nomination", "nomination__applicant"
    )
    for entry in entries:
        notify(
            entry.nomination.applicant,
            ROUND_RESULT,
            {
                "round": review_round,
                "entry": entry,
                "nomination": entry.nomination,
                "final": review_round.kind == RoundKind.FINAL,
            },
            applicant_link(),
            key=f"round:{review_round.pk}:result:{entry.nomination_id}",
        )


def listed(notice, entry, promoted=False):
    notify(
        entry.nomination.applicant,
        NOTICE_LISTED,
        {"notice": notice, "nomination": entry.nomination, "promoted": promoted},
        notice_link(notice.campaign),
        key=f"notice:{notice.pk}:listed:{entry.nomination_id}",
    )


def notice_started(notice, round_):
    """The applicants of the items the notice lists."""
    entries = RoundEntry.objects.filter(
        round=round_, advanced=True, disqualified=False
    ).select_related("nomination", "nomination__applicant")
    for entry in entries:
        listed(notice, entry)


def objection_decided(objection, promoted=None):
    """The applicant of the item objected to (upheld or dismissed, with the reason); with
    `promoted` (the entry moved up), that entry's applicant, now on the notice."""
    nomination = objection.nomination
    notify(
        nomination.applicant,
        OBJECTION_DECIDED,
        {
            "objection": objection,
            "nomination": nomination,
            "upheld": objection.status == ObjectionStatus.UPHELD,
        },
        notice_link(objection.notice.campaign),
        key=f"objection:{objection.pk}:decided",
    )
    if promoted is not None:
        listed(objection.notice, promoted, promoted=True)


# --- the job ----------------------------------------------------------------------------------


def review_reminders(today):
    """The periodic part: the experts' reminders and the office's missing sheets, for every open
    round. Idempotent (the keys): run hourly, each mail goes once."""
    reminded = missing = 0
    latest = today + datetime.timedelta(days=max(REMINDER_DAYS))
    for review_round in ReviewRound.objects.filter(
        status=RoundStatus.OPEN, closes_on__lte=latest
    ).select_related("campaign"):
        reminded += remind_experts(review_round, today)
        missing += sheets_missing(review_round, today)
    return {"reminded": reminded, "missing": missing}
