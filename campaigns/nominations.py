"""Nominations: the transitions of their status, who may make them, quotas, and what a submission
needs. Plain functions; the public views and the admin call them, and nothing else changes a
nomination's status.

The transitions are one explicit table, `TRANSITIONS`: (from status, action) → (to status, who,
whether a reason is required, whether the call must still be open). Every change is written to
`NominationEvent` (who, when, from, to, why) in the same transaction as the change itself.

Who may take an action, and when: `campaigns.permissions`, which reads the table; its functions
return `(allowed, reason)`, the reason in Chinese for the person refused.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.file_checks import CheckResult, check_file
from campaigns.form_templates import safe_filename_part, short_label
from campaigns.models import (
    CampaignPage,
    Nomination,
    NominationEvent,
    NominationFile,
    NominationStatus,
    Quota,
)
from campaigns.models.nominations import (
    QUOTA_STATES,
)
from cms import locks
from cms.models import MemberSociety
from cms.models.snippets import normalise_name
from cms.upload_checks import megabytes

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

# Recommender types of the federation campaigns; government calls use the campaign's own
# recommender types (province, city with separate planning status, …).
SOCIETY_RECOMMENDER = "成员学会"
EXPERT_RECOMMENDER = "推荐专家"


class ActionRefused(Exception):
    """The user may not do this now (permission, status or deadline); `reason` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class InvalidNomination(ValidationError):
    """The request is refused for its content; the messages name the field and the limit. A dict
    keys them by form field, as `Form.add_error(None, error)` expects."""


# --- the table ------------------------------------------------------------------------------------


def reason_required(nomination, action):
    transition = TRANSITIONS.get((nomination.status, action))
    return bool(transition and transition.reason_required)


# --- what a nomination may name ---------------------------------------------------------------


def category_error(campaign, name):
    names = [c.name for c in campaign.categories.all()]
    if name in names:
        return None
    return _("类别：“%(name)s”不是本征集活动的征集类别，可选类别为：%(names)s。") % {
        "name": name,
        "names": "、".join(names),
    }


@dataclass(frozen=True)
class Recommender:
    type: str
    society: object = None
    name: str = ""

    def key(self):
        return (self.type, getattr(self.society, "pk", None), self.name)


NO_RECOMMENDER = Recommender("")


def recommender_choices(campaign):
    """(value, label) of every recommender the campaign accepts."""
    choices = [
        (f"society:{r.society_id}", r.society.name)
        for r in campaign.recommending_societies.select_related("society")
    ]
    if campaign.accepts_expert_recommenders:
        choices.append(("expert", _("推荐专家（联合体专家委员会专家）")))
    choices += [(f"type:{t.name}", t.name) for t in campaign.recommender_types.all()]
    return choices


def recommender_choice_of(nomination):
    if not nomination.recommender_type and not nomination.recommender_society_id:
        return ""  # a draft whose recommender is not chosen yet
    if nomination.recommender_society_id:
        return f"society:{nomination.recommender_society_id}"
    if nomination.recommender_type == EXPERT_RECOMMENDER:
        return "expert"
    return f"type:{nomination.recommender_type}"


def resolve_recommender(campaign, choice, name="", draft=False):
    """The recommender chosen on the form, checked against the campaign; raises
    `InvalidNomination` naming the field. For a `draft`, nothing chosen yet is `NO_RECOMMENDER`
    and an expert's or a recommender's name may still be missing (the checklist says so)."""
    choice = (choice or "").strip()
    name = normalise_name(name)
    if draft and not choice:
        return NO_RECOMMENDER
    kind, _sep, value = choice.partition(":")
    if kind == "society" and value.isdigit():
        recommender = campaign.recommending_societies.filter(society_id=int(value)).first()
        if recommender is None:
            society = MemberSociety.objects.filter(pk=int(value)).first()
            raise InvalidNomination(
                {
                    "recommender": _(
                        "推荐单位：“%(name)s”不是本征集活动的推荐学会，请从本活动的 %(count)d "
                        "家推荐学会中选择。"
                    )
                    % {
                        "name": society.name if society else value,
                        "count": campaign.recommending_societies.count(),
                    }
                },
                code="recommender_outside",
            )
        return Recommender(SOCIETY_RECOMMENDER, society=recommender.society)
    if kind == "expert" and campaign.accepts_expert_recommenders:
        if not name and not draft:
            raise InvalidNomination(
                {"recommender_name": _("推荐专家姓名：由专家推荐时必须填写推荐专家的姓名。")},
                code="required",
            )
        return Recommender(EXPERT_RECOMMENDER, name=name)
    if kind == "type" and campaign.recommender_types.filter(name=value).exists():
        if not name and not draft:
            raise InvalidNomination(
                {
                    "recommender_name": _(
                        "推荐单位名称：必须填写推荐单位（%(type)s）的名称，例如“江苏省”。"
                    )
                    % {"type": value}
                },
                code="required",
            )
        return Recommender(value, name=name)
    raise InvalidNomination(
        {
            "recommender": _("推荐单位：“%(value)s”不在本征集活动的推荐单位之内。")
            % {"value": choice}
        },
        code="recommender_outside",
    )


def recommender_of(nomination):
    return Recommender(
        nomination.recommender_type,
        society=nomination.recommender_society,
        name=nomination.recommender_name,
    )


# --- quotas -----------------------------------------------------------------------------------


def lock_campaign(campaign_id):
    """Serialise quota accounting per campaign: lock its row until the transaction ends
    (`SELECT … FOR UPDATE` on PostgreSQL; SQLite has one writer at a time anyway)."""
    list(locks.locked(CampaignPage.objects.filter(pk=campaign_id)).values_list("pk", flat=True))


def quota_limit(campaign_id, recommender_type, category):
    """The most nominations one recommender of this type may put forward in `category`, or None
    when nothing limits it."""
    return (
        Quota.objects.filter(
            page_id=campaign_id, recommender_type_name=recommender_type, category_name=category
        )
        .order_by("limit")
        .values_list("limit", flat=True)
        .first()
    )


def places_taken(campaign_id, category, recommender, exclude_pk=None):
    """Nominations holding a place in this recommender's quota for `category`: the same type and
    the same society (or recommender name), in a status that holds a place."""
    queryset = Nomination.objects.filter(
        campaign_id=campaign_id,
        category=category,
        recommender_type=recommender.type,
        status__in=QUOTA_STATES,
    )
    if recommender.society is not None:
        queryset = queryset.filter(recommender_society=recommender.society)
    else:
        queryset = queryset.filter(
            recommender_society__isnull=True, recommender_name=recommender.name
        )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.count()


def quota_error(nomination):
    """The message when `nomination` would pass its recommender's quota, else None. Call it under
    `lock_campaign`."""
    limit = quota_limit(nomination.campaign_id, nomination.recommender_type, nomination.category)
    if limit is None:
        return None
    taken = places_taken(
        nomination.campaign_id, nomination.category, recommender_of(nomination), nomination.pk
    )
    if taken < limit:
        return None
    return _(
        "推荐名额：%(recommender)s在“%(category)s”类别的推荐名额为 %(limit)d 项，已全部使用"
        "（已有 %(taken)d 项），不能再提交。"
    ) % {
        "recommender": nomination.recommender_label,
        "category": nomination.category,
        "limit": limit,
        "taken": taken,
    }


# --- files ------------------------------------------------------------------------------------

_EXTENSIONS = {"word": ".docx", "pdf": ".pdf"}


def check_upload(slot, upload):
    """Run the slot's checks on an uploaded file, reading no more of it than they need. A file
    over the slot's size limit is refused without being read."""
    rules = slot.rules()
    if rules.max_size_bytes and upload.size > rules.max_size_bytes:
        return CheckResult(
            ok=False,
            failures=[
                _("%(file)s 大小 %(size)s MB，超过 %(limit)s MB 上限")
                % {
                    "file": slot.code,
                    "size": megabytes(upload.size),
                    "limit": megabytes(rules.max_size_bytes),
                }
            ],
            facts={"filename": upload.name, "size": upload.size},
        )
    # Read where it is (over 2.5 MB, a temporary file on disk): only what the checks need.
    return check_file(rules, upload.name, upload)


def stored_name(slot, original_name):
    """The name a file is stored under: the slot's code and an extension from the slot's kind,
    never the uploader's."""
    extension = _EXTENSIONS.get(slot.kind)
    if extension is None:  # a video: keep .mov for QuickTime files
        extension = ".mov" if original_name.lower().endswith(".mov") else ".mp4"
    return f"{slot.code}{extension}"


def download_name(record, slot=None):
    """The name a stored file downloads under: the slot's code and label and the extension of
    its checked type (the stored name's), never the uploader's name: `文件1-推荐表.docx`."""
    extension = PurePosixPath(record.file.name).suffix.lower()
    parts = [record.slot_code, short_label(slot.label) if slot else ""]
    return "-".join(safe_filename_part(part) for part in parts if part) + extension


def store_file(nomination, slot, upload, result):
    """Store `upload` (checked: `result`) as `nomination`'s file for `slot`, replacing the one
    there; the replaced file leaves the storage once the transaction commits."""
    existing = nomination.files.filter(slot_code=slot.code).first()
    record = existing or NominationFile(nomination=nomination, slot_code=slot.code)
    old_name = existing.file.name if existing else None
    upload.seek(0)
    record.file.save(stored_name(slot, upload.name), upload, save=False)
    record.original_name = upload.name[-255:]
    record.size = upload.size
    record.check_ok = result.ok
    record.check_failures = list(result.failures)
    record.facts = dict(result.facts)
    record.save()
    if old_name:
        storage = record.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return record.file


def _recheck_files(nomination):
    """After a change of category: drop files of slots that no longer apply, and measure the
    others against the rules of the category's slots."""
    slots = {slot.code: slot for slot in nomination.campaign.slots_for(nomination.category)}
    for record in nomination.files.all():
        slot = slots.get(record.slot_code)
        if slot is None:
            name, storage = record.file.name, record.file.storage
            record.delete()
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            continue
        with record.file.open("rb") as handle:
            result = check_file(slot.rules(), record.original_name, handle)
        record.check_ok = result.ok
        record.check_failures = list(result.failures)
        record.facts = dict(result.facts)
        record.save(update_fields=["check_ok", "check_failures", "facts"])


@dataclass(frozen=True)
class Missing:
    """What a nomination still lacks before it can be submitted: `key` is the form field (a
    nomination field, or `file_<slot id>`), `message` names it and what is wanted."""

    key: str
    message: str


# The fields a submitted nomination must have, in the form's order.
REQUIRED_TEXT_FIELDS = ("applicant_organisation", "contact_person", "phone", "email")


def _required_text(nomination, name):
    if (getattr(nomination, name) or "").strip():
        return []
    label = Nomination._meta.get_field(name).verbose_name
    return [Missing(name, _("%(label)s：必须填写。") % {"label": label})]


def checklist(nomination):
    """Everything `nomination` still lacks before it can be submitted, in the form's order: the
    applicant's checklist above 提交 and the reasons a submission is refused (the quota apart)."""
    campaign = nomination.campaign
    items = _required_text(nomination, "project_name")
    if not nomination.category:
        items.append(Missing("category", _("类别：必须选择。")))
    elif error := category_error(campaign, nomination.category):
        items.append(Missing("category", error))
    choice = recommender_choice_of(nomination)
    if not choice:
        items.append(Missing("recommender", _("推荐单位：必须选择。")))
    else:
        try:
            resolve_recommender(campaign, choice, nomination.recommender_name)
        except InvalidNomination as error:
            items += [
                Missing(field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
    for name in REQUIRED_TEXT_FIELDS:
        items += _required_text(nomination, name)
    files = {record.slot_code: record for record in nomination.files.all()} if nomination.pk else {}
    for slot in campaign.slots_for(nomination.category):
        record = files.get(slot.code)
        key = f"file_{slot.pk}"
        if record is None:
            if slot.required:
                items.append(
                    Missing(
                        key,
                        _("%(code)s（%(label)s）：必须提交，尚未上传。")
                        % {"code": slot.code, "label": slot.label},
                    )
                )
        elif not record.check_ok:
            items.append(
                Missing(
                    key,
                    _("%(code)s（%(label)s）未通过检查：%(failures)s")
                    % {
                        "code": slot.code,
                        "label": slot.label,
                        "failures": "；".join(record.check_failures),
                    },
                )
            )
    return items


def submission_problems(nomination):
    """Why `nomination` cannot be submitted as it stands (empty when it can)."""
    return [item.message for item in checklist(nomination)]


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
        log_event(current, action, user, from_status, reason)
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
        _recheck_files(nomination)


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
