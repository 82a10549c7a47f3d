"""Objections (异议) to the items of a public notice: filed by member-society people and visitors
with a verified email during the notice period, with an optional attachment (PDF, image or
Word, judged by its content), and decided by the office.

An upheld objection disqualifies the item: `disqualified=True` with the decision's reason and
`advanced=False` (so whatever reads "advanced" as "selected" — the showcase — leaves it out), and
a "disqualify" event in the nomination's log. If the office so chooses, the best-ranked final-round
entry that is neither advanced nor disqualified moves up (`advanced=True`, a "promote" event).

The life cycle is an explicit table, `OBJECTION_TRANSITIONS`: filed, then upheld or dismissed.
`OBJECTIONS.perform` checks (the permission functions of `campaigns.notice`), changes and logs each
action (`ReviewEvent`: who, when, from, to, why) in one transaction; a refused one stores nothing,
no row and no file.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.lifecycle import NONE, LifeCycle, Transition
from campaigns.models import NominationEvent, Objection, RoundEntry
from campaigns.models.review import EventSubject, ObjectionStatus
from campaigns.nomination_errors import ActionRefused
from campaigns.notice import (
    DISQUALIFY,
    PROMOTE,
    can_decide,
    can_object,
    final_round,
    listed_entry,
)
from campaigns.review_notifications import objection_decided, objection_filed
from cms.docx_cjk import DOCX_CONTENT_TYPE
from cms.locks import locked
from cms.upload_checks import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    DocumentRejected,
    check_upload,
    kind_of_content,
    megabytes,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_REASON_CHARACTERS = 5000
ATTACHMENT_KINDS = (PDF, PNG, JPEG, DOCX)
ATTACHMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".docx": DOCX_CONTENT_TYPE,
}


class InvalidObjection(ValidationError):
    """Refused for its content; the messages name the field and the limit (a dict keys them by
    form field)."""


# --- the life cycle ---------------------------------------------------------------------------

FILE = "file"
UPHOLD = "uphold"
DISMISS = "dismiss"
OBJECTION_TRANSITIONS = {
    (NONE, FILE): Transition(ObjectionStatus.PENDING, reason_required=True),
    (ObjectionStatus.PENDING, UPHOLD): Transition(ObjectionStatus.UPHELD, reason_required=True),
    (ObjectionStatus.PENDING, DISMISS): Transition(ObjectionStatus.DISMISSED, reason_required=True),
}
# The office's decision as the form says it → the action.
DECISIONS = {ObjectionStatus.UPHELD: UPHOLD, ObjectionStatus.DISMISSED: DISMISS}


def _decision_reason_missing():
    return InvalidObjection({"reason": _("处理意见：必须填写理由。")}, code="required")


OBJECTIONS = LifeCycle(
    subject=EventSubject.OBJECTION,
    name=gettext_lazy("异议"),
    transitions=OBJECTION_TRANSITIONS,
    labels={
        FILE: gettext_lazy("提出异议"),
        UPHOLD: gettext_lazy("认定异议成立"),
        DISMISS: gettext_lazy("认定异议不成立"),
    },
    statuses=dict(Objection._meta.get_field("status").choices),
    reason_errors={
        FILE: lambda: InvalidObjection({"reason": _("异议理由：必须填写。")}, code="required"),
        UPHOLD: _decision_reason_missing,
        DISMISS: _decision_reason_missing,
    },
)


# --- filing -----------------------------------------------------------------------------------


def check_attachment(upload):
    """The extension the attachment is stored under, judged by its content (PDF, PNG/JPEG image
    or Word .docx) and never by its name, after the checks every upload gets
    (`cms.upload_checks.check_upload`); raises `InvalidObjection` naming the field and limit."""
    label = _("附件")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise InvalidObjection(
            {
                "attachment": _("附件：大小 %(size)s MB，超过 %(limit)s MB 上限。")
                % {"size": megabytes(upload.size), "limit": megabytes(MAX_ATTACHMENT_BYTES)}
            },
            code="too_large",
        )
    if not upload.size:
        raise InvalidObjection({"attachment": _("附件：是空文件。")}, code="empty")
    kind = kind_of_content(upload)
    if kind not in ATTACHMENT_KINDS:
        raise InvalidObjection(
            {"attachment": _("附件：只接受 PDF、图片（PNG/JPEG）或 Word（.docx）文件。")},
            code="file_type",
        )
    try:
        extension = check_upload(upload, kind, label)
    except DocumentRejected as error:
        raise InvalidObjection({"attachment": error.messages}, code=kind) from error
    return extension


def file_objection(notice, user, entry, reason, attachment=None, today=None):
    """File an objection by `user` against the listed item `entry` of `notice`. Raises
    `ActionRefused` (not allowed now: who, or after the period) or `InvalidObjection` (missing
    reason, bad attachment) and then stores nothing, no row and no file."""
    allowed, why = can_object(user, notice, today)
    if allowed and listed_entry(notice, entry.pk) is None:
        allowed, why = False, _("该项目不在公示名单中，不能对其提出异议。")
    reason = (reason or "").strip()
    objection = Objection(
        notice=notice, nomination_id=entry.nomination_id, filed_by=user, reason=reason
    )
    extension = []

    def validate():
        if len(reason) > MAX_REASON_CHARACTERS:
            raise InvalidObjection(
                {
                    "reason": _("异议理由：不能超过 %(limit)d 字（现有 %(count)d 字）。")
                    % {"limit": MAX_REASON_CHARACTERS, "count": len(reason)}
                },
                code="max_length",
            )
        if attachment:
            extension.append(check_attachment(attachment))

    def change(transition):
        if extension:
            attachment.seek(0)
            # A random name: the uploader's file name says nothing the office needs and may
            # say things nobody else should read in a storage listing.
            objection.attachment.save(f"{uuid.uuid4().hex}{extension[0]}", attachment, save=False)
        objection.status = transition.to_status
        objection.save()
        objection_filed(objection)
        return objection

    try:
        return OBJECTIONS.perform(
            None,
            FILE,
            user,
            allowed=(allowed, why),
            validate=validate,
            change=change,
            reason=reason,
            campaign_id=notice.campaign_id,
            nomination_id=entry.nomination_id,
        )
    except Exception:
        if objection.attachment:
            objection.attachment.storage.delete(objection.attachment.name)
        raise


# --- the office's decision --------------------------------------------------------------------


def _locked_entry(round_id, nomination_id):
    # The entry, its nomination and its round (the row `campaigns.rounds` locks to close it).
    queryset = RoundEntry.objects.filter(round_id=round_id, nomination_id=nomination_id)
    return locked(queryset, "nomination", "round").first()


def next_ranked(round_id):
    """The best-ranked entry of the round that is neither selected nor disqualified."""
    return (
        RoundEntry.objects.filter(
            round_id=round_id, advanced=False, disqualified=False, rank__isnull=False
        )
        .select_related("nomination")
        .order_by("rank", "pk")
        .first()
    )


def _log(nomination, action, user, reason):
    NominationEvent.objects.create(
        nomination=nomination,
        actor=user,
        action=action,
        from_status=nomination.status,
        to_status=nomination.status,  # the notice does not change the nomination's status
        reason=reason,
    )


def decide_objection(objection, user, decision, reason, promote_next=False):
    """The office's decision on `objection`: `ObjectionStatus.UPHELD` (the item is disqualified and,
    with `promote_next`, the next-ranked item moves up) or `ObjectionStatus.DISMISSED` (nothing else
    changes). Raises `ActionRefused` or `InvalidObjection` and then changes nothing."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = locked(Objection.objects.filter(pk=objection.pk), "notice").get()
        allowed, why = can_decide(user, current)
        if decision not in DECISIONS:
            if not allowed:
                raise ActionRefused(why)
            raise InvalidObjection(
                {"decision": _("处理结果：请选择“异议成立”或“异议不成立”。")}, code="invalid"
            )

        def validate():
            if decision == ObjectionStatus.DISMISSED and promote_next:
                raise InvalidObjection(
                    {"promote_next": _("递补下一名：异议不成立时不能递补。")}, code="invalid"
                )

        def change(transition):
            promoted = None
            if decision == ObjectionStatus.UPHELD:
                promoted = _disqualify(current, user, reason, promote_next)
            current.status = transition.to_status
            current.decided_by = user
            current.decided_at = timezone.now()
            current.decision_reason = reason
            current.promoted_next = promoted is not None
            current.save(
                update_fields=[
                    "status",
                    "decided_by",
                    "decided_at",
                    "decision_reason",
                    "promoted_next",
                ]
            )
            objection_decided(current, promoted)
            return current

        return OBJECTIONS.perform(
            current,
            DECISIONS[decision],
            user,
            allowed=(allowed, why),
            validate=validate,
            change=change,
            reason=reason,
            campaign_id=current.notice.campaign_id,
            nomination_id=current.nomination_id,
        )


def _disqualify(objection, user, reason, promote_next):
    """An upheld objection: its item leaves the selection and, with `promote_next`, the
    next-ranked item moves up (both in the nominations' log). Returns the entry moved up, or
    None."""
    round_ = final_round(objection.notice.campaign_id)
    entry = _locked_entry(round_.pk, objection.nomination_id) if round_ else None
    if entry is None:
        raise ActionRefused(_("该项目不在终评结果中，无法取消入选。"))
    if entry.disqualified and promote_next:
        raise InvalidObjection(
            {"promote_next": _("递补下一名：该项目已被取消入选，递补已处理过。")},
            code="already_disqualified",
        )
    if not entry.disqualified:
        entry.disqualified = True
        entry.advanced = False
        entry.disqualified_reason = reason
        entry.save(update_fields=["disqualified", "advanced", "disqualified_reason"])
        _log(entry.nomination, DISQUALIFY, user, reason)
    if not promote_next:
        return None
    following = next_ranked(round_.pk)
    if following is None:
        raise InvalidObjection(
            {"promote_next": _("递补下一名：终评中已没有可递补的项目。")}, code="none_left"
        )
    following.advanced = True
    following.save(update_fields=["advanced"])
    _log(
        following.nomination,
        PROMOTE,
        user,
        _("递补：“%(name)s”取消入选。") % {"name": entry.nomination.project_name},
    )
    return following
