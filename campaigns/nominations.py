"""Nominations: the transitions of their status and the saving of an applicant's data. Plain
functions; the public views and the admin call them, and nothing else changes a
nomination's status.

The transitions are one explicit table, `TRANSITIONS`: (from status, action) → (to status, who,
whether a reason is required, whether the call must still be open). Every change is written to
`NominationEvent` (who, when, from, to, why) in the same transaction as the change itself.

Who may take an action, and when: `campaigns.permissions`, which reads the table; its functions
return `(allowed, reason)`, the reason in Chinese for the person refused. What a nomination may
name: `campaigns.recommenders`; its quota: `campaigns.quotas`; its files:
`campaigns.nomination_files`; what a submission needs: `campaigns.checklist`.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.checklist import submission_problems
from campaigns.models import Nomination, NominationEvent, NominationStatus
from campaigns.models.nominations import QUOTA_STATES
from campaigns.nomination_errors import ActionRefused, InvalidNomination
from campaigns.nomination_files import recheck_files, store_file
from campaigns.quotas import lock_campaign, quota_error
from campaigns.recommenders import recommender_of
from cms import locks

# --- who --------------------------------------------------------------------------------------

APPLICANT = "applicant"  # the account that made the nomination
RECOMMENDER = "recommender"  # the recommending society's people (the office, if no society)
OFFICE = "office"  # the secretariat: formal review

# --- actions ----------------------------------------------------------------------------------

CREATE = "create"
SUBMIT = "submit"
ENDORSE = "endorse"
RETURN = "return"
PASS = "pass"  # noqa: S105 (an action, not a password)
CORRECT = "correct"
REJECT = "reject"
WITHDRAW = "withdraw"
DELETE = "delete"
ACTION_LABELS = {
    CREATE: gettext_lazy("创建草稿"),
    SUBMIT: gettext_lazy("提交"),
    ENDORSE: gettext_lazy("推荐"),
    RETURN: gettext_lazy("退回"),
    PASS: gettext_lazy("通过形式审查"),
    CORRECT: gettext_lazy("退回修改"),
    REJECT: gettext_lazy("不通过"),
    WITHDRAW: gettext_lazy("撤回"),
    DELETE: gettext_lazy("删除草稿"),
}
# The "status" before a nomination exists and after a draft is deleted.
NONE = ""
# Wagtail's log (站点历史) keeps the deletion of a draft: its own event log goes with it.
DELETE_LOG_ACTION = "campaigns.delete_draft"


@dataclass(frozen=True)
class NominationTransition:
    to_status: str
    by: str
    reason_required: bool = False
    while_open: bool = False  # only until the submissions deadline
    # Corrections asked for in formal review, which runs after the deadline: allowed until the
    # first round begins.
    while_correctable: bool = False


TRANSITIONS = {
    (NONE, CREATE): NominationTransition(NominationStatus.DRAFT, APPLICANT, while_open=True),
    (NominationStatus.DRAFT, SUBMIT): NominationTransition(
        NominationStatus.SUBMITTED, APPLICANT, while_open=True
    ),
    (NominationStatus.RETURNED, SUBMIT): NominationTransition(
        NominationStatus.SUBMITTED, APPLICANT, while_open=True
    ),
    # A nomination corrected after formal review goes back to formal review: the society's
    # recommendation stands.
    (NominationStatus.CORRECTION, SUBMIT): NominationTransition(
        NominationStatus.ENDORSED, APPLICANT, while_correctable=True
    ),
    (NominationStatus.SUBMITTED, ENDORSE): NominationTransition(
        NominationStatus.ENDORSED, RECOMMENDER
    ),
    (NominationStatus.SUBMITTED, RETURN): NominationTransition(
        NominationStatus.RETURNED, RECOMMENDER, reason_required=True
    ),
    (NominationStatus.ENDORSED, PASS): NominationTransition(
        NominationStatus.PASSED, OFFICE, reason_required=True
    ),
    (NominationStatus.ENDORSED, CORRECT): NominationTransition(
        NominationStatus.CORRECTION, OFFICE, reason_required=True
    ),
    (NominationStatus.ENDORSED, REJECT): NominationTransition(
        NominationStatus.REJECTED, OFFICE, reason_required=True
    ),
    # A draft was never sent to anyone: its applicant deletes it (files and all) rather than
    # withdrawing it.
    (NominationStatus.DRAFT, DELETE): NominationTransition(NONE, APPLICANT),
    (NominationStatus.SUBMITTED, WITHDRAW): NominationTransition(
        NominationStatus.WITHDRAWN, APPLICANT
    ),
    (NominationStatus.RETURNED, WITHDRAW): NominationTransition(
        NominationStatus.WITHDRAWN, APPLICANT
    ),
    (NominationStatus.ENDORSED, WITHDRAW): NominationTransition(
        NominationStatus.WITHDRAWN, APPLICANT
    ),
    (NominationStatus.CORRECTION, WITHDRAW): NominationTransition(
        NominationStatus.WITHDRAWN, APPLICANT
    ),
    (NominationStatus.PASSED, WITHDRAW): NominationTransition(
        NominationStatus.WITHDRAWN, APPLICANT
    ),
}
# The applicant may change the nomination's data and files in these states (until the deadline).
EDITABLE_STATES = (NominationStatus.DRAFT, NominationStatus.RETURNED, NominationStatus.CORRECTION)


# --- the table ------------------------------------------------------------------------------------


def reason_required(nomination, action):
    transition = TRANSITIONS.get((nomination.status, action))
    return bool(transition and transition.reason_required)


# --- what a nomination may name ---------------------------------------------------------------


# --- changes ----------------------------------------------------------------------------------


def log_event(nomination, action, actor, from_status, reason=""):
    return NominationEvent.objects.create(
        nomination=nomination,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=nomination.status,
        reason=reason,
    )


def locked(nomination_pk):
    queryset = locks.locked(Nomination.objects.filter(pk=nomination_pk))
    return queryset.select_related("campaign", "recommender_society").get()


def perform(nomination, action, user, reason="", today=None):
    """Take `action` on `nomination` as `user`; returns the nomination as it now is (None once a
    draft is deleted). Raises `ActionRefused` (not allowed now) or `InvalidNomination` (missing
    reason, files, quota) and then changes nothing."""
    from campaigns.nomination_notifications import announce  # it names this module's actions
    from campaigns.permissions import can_perform  # it reads this module's table

    reason = (reason or "").strip()
    with transaction.atomic():
        if action == SUBMIT:
            lock_campaign(nomination.campaign_id)  # always before the nomination's row
        current = locked(nomination.pk)
        allowed, why = can_perform(user, current, action, today)
        if not allowed:
            raise ActionRefused(why)
        transition = TRANSITIONS[(current.status, action)]
        if transition.reason_required and not reason:
            raise InvalidNomination(
                {"reason": _("理由：%(action)s必须填写理由。") % {"action": ACTION_LABELS[action]}},
                code="reason_required",
            )
        if action == SUBMIT:
            problems = submission_problems(current)
            if not problems and (error := quota_error(current)):
                problems.append(error)
            if problems:
                raise InvalidNomination(problems, code="not_submittable")
        if transition.to_status == NONE:
            _remove(current, action, user, reason)
            return None
        from_status = current.status
        current.status = transition.to_status
        fields = ["status", "updated_at"]
        if action == SUBMIT:
            current.submitted_at = timezone.now()
            fields.append("submitted_at")
        current.save(update_fields=fields)
        # Whoever the change concerns is told in its transaction (sent once it commits).
        announce(current, log_event(current, action, user, from_status, reason))
    return current


def _remove(nomination, action, user, reason):
    """Delete `nomination` with its files and event log, and record that in Wagtail's log, which
    outlives it (who, when, which project, from which status, why)."""
    from wagtail.log_actions import log

    log(
        instance=nomination,
        action=DELETE_LOG_ACTION,
        user=user,
        deleted=True,
        data={
            "campaign": nomination.campaign_id,
            "project_name": nomination.project_name,
            "from_status": nomination.status,
            "action": action,
            "reason": reason,
            "files": list(nomination.files.values_list("slot_code", flat=True)),
        },
    )
    names = [(record.file.storage, record.file.name) for record in nomination.files.all()]
    nomination.delete()
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def _duplicate_name(project_name):
    return InvalidNomination(
        {
            "project_name": _(
                "项目名称：本征集活动中已有名为“%(name)s”的申报，同一项目不能重复申报。"
            )
            % {"name": project_name}
        },
        code="duplicate",
    )


NOMINATION_FIELDS = (
    "project_name",
    "category",
    "applicant_organisation",
    "contact_person",
    "phone",
    "email",
)


def assign_fields(nomination, data, recommender):
    """Set the fields given in `data` (a part of `NOMINATION_FIELDS` is fine) and, unless it is
    None, the recommender."""
    for name in NOMINATION_FIELDS:
        if name in data:
            setattr(nomination, name, data[name])
    if recommender is not None:
        nomination.recommender_type = recommender.type
        nomination.recommender_society = recommender.society
        nomination.recommender_name = recommender.name


def update_fields(nomination, data, recommender):
    """Change an editable nomination's fields (`data`, `recommender` as `_assign` takes them),
    locked by the caller. A nomination holding a quota place that moves to another category or
    recommender must find a place there; a new category re-measures the files. Raises
    `InvalidNomination` (duplicate name, quota)."""
    before = (nomination.category, recommender_of(nomination).key())
    assign_fields(nomination, data, recommender)
    save_unique(nomination)
    after = (nomination.category, recommender_of(nomination).key())
    moved = nomination.status in QUOTA_STATES and before != after
    if moved and (error := quota_error(nomination)):
        raise InvalidNomination({"recommender": error}, code="quota")
    if before[0] != after[0]:
        recheck_files(nomination)


def save_nomination(campaign, user, data, recommender, uploads=(), nomination=None, submit=False,
                    today=None):  # fmt: skip
    """Create (`nomination=None`) or update a nomination with `data` (the fields of
    `NOMINATION_FIELDS`), `recommender` (`resolve_recommender`) and `uploads` — (slot, uploaded
    file, `CheckResult`) triples — and submit it if asked. All or nothing: when anything is refused
    no row changes and the files stored on the way are removed again."""
    from campaigns.permissions import can_apply, can_edit  # they read this module's table

    stored = []
    try:
        with transaction.atomic():
            if submit or (nomination is not None and nomination.status in QUOTA_STATES):
                lock_campaign(campaign.pk)
            if nomination is None:
                allowed, why = can_apply(user, campaign, today)
                if not allowed:
                    raise ActionRefused(why)
                nomination = Nomination(
                    campaign=campaign, applicant=user, status=NominationStatus.DRAFT
                )
                assign_fields(nomination, data, recommender)
                save_unique(nomination)
                log_event(nomination, CREATE, user, "")
            else:
                nomination = locked(nomination.pk)
                allowed, why = can_edit(user, nomination, today)
                if not allowed:
                    raise ActionRefused(why)
                update_fields(nomination, data, recommender)
            for slot, upload, result in uploads:
                if not result.ok:
                    raise InvalidNomination(result.failures, code="file_check")
                stored.append(store_file(nomination, slot, upload, result))
            if submit:
                nomination = perform(nomination, SUBMIT, user, today=today)
    except Exception:
        for file in stored:
            file.storage.delete(file.name)
        raise
    return nomination


def save_unique(nomination):
    if nomination.project_name and (
        Nomination.objects.filter(
            campaign_id=nomination.campaign_id, project_name=nomination.project_name
        )
        .exclude(pk=nomination.pk)
        .exists()
    ):
        raise _duplicate_name(nomination.project_name)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:  # a simultaneous nomination of the same name won the race
        raise _duplicate_name(nomination.project_name) from exc
