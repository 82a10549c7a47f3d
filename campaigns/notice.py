"""The public notice (公示) of a campaign's selected items and the objections (异议) filed
during it.

Plain functions; the public views and the admin call them. The selected items are the final
round's entries with `advanced=True`, ranked by `rank`; the notice never changes the tally, only
the entries' `advanced` / `disqualified` flags when the office upholds an objection.

An upheld objection disqualifies the item: `disqualified=True` with the decision's reason and
`advanced=False` (so whatever reads "advanced" as "selected" — the showcase — leaves it out), and
a "disqualify" event in the nomination's log. If the office so chooses, the best-ranked final-round
entry that is neither advanced nor disqualified moves up (`advanced=True`, a "promote" event); the
notice page marks it 递补.

Permission functions return `(allowed, reason)`, the reason in Chinese for the person refused.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import NominationEvent, Objection, PublicNotice, ReviewRound, RoundEntry
from campaigns.models.review import (
    FINAL,
    OBJECTION_DISMISSED,
    OBJECTION_PENDING,
    OBJECTION_UPHELD,
    ROUND_CONFIRMED,
)
from campaigns.nominations import ActionRefused
from cms.accounts import is_email_verified
from cms.roles import is_office, society_ids
from cms.templatetags.cn_dates import cn_date
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

DISQUALIFY = "disqualify"
PROMOTE = "promote"

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_REASON_CHARACTERS = 5000
ATTACHMENT_KINDS = (PDF, PNG, JPEG, DOCX)
ATTACHMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class InvalidObjection(ValidationError):
    """Refused for its content; the messages name the field and the limit (a dict keys them by
    form field)."""


# --- the notice and its items -----------------------------------------------------------------


def final_round(campaign):
    return ReviewRound.objects.filter(campaign=campaign, kind=FINAL).first()


def period_text(notice):
    return _("公示期：%(start)s至%(end)s") % {
        "start": cn_date(notice.starts_on),
        "end": cn_date(notice.ends_on),
    }


def notice_state(notice, today=None):
    """(open, reason): whether objections may be filed on `today` (Asia/Shanghai; both end days
    count), else why not."""
    today = today or timezone.localdate()
    if notice.closed_at or today > notice.ends_on:
        return False, _("公示已于 %(date)s 结束，不再受理异议。") % {
            "date": cn_date(notice.ends_on)
        }
    if today < notice.starts_on:
        return False, _("公示将于 %(date)s 开始，届时才能提出异议。") % {
            "date": cn_date(notice.starts_on)
        }
    return True, ""


def notice_entries(round_):
    """The final round's entries shown on the notice: the selected items and those disqualified
    during the notice, by rank; each with `promoted` set (moved up after a disqualification).
    Two queries whatever the number of items."""
    entries = list(
        RoundEntry.objects.filter(round=round_)
        .filter(Q(advanced=True) | Q(disqualified=True))
        .select_related("nomination", "nomination__recommender_society")
        .order_by("rank", "pk")
    )
    promoted = set(
        NominationEvent.objects.filter(
            action=PROMOTE, nomination_id__in=[entry.nomination_id for entry in entries]
        ).values_list("nomination_id", flat=True)
    )
    for entry in entries:
        entry.promoted = entry.nomination_id in promoted
    return entries


def listed_entry(notice, entry_id):
    """The entry `entry_id` if it is a selected item of `notice`'s campaign (one that may be
    objected to), else None."""
    return (
        RoundEntry.objects.filter(
            pk=entry_id,
            round__campaign_id=notice.campaign_id,
            round__kind=FINAL,
            advanced=True,
            disqualified=False,
        )
        .select_related("nomination", "nomination__recommender_society")
        .first()
    )


# --- permission functions: (allowed, reason) --------------------------------------------------


def can_start_notice(user, campaign):
    if not is_office(user):
        return False, _("只有联合体秘书处可以发布公示。")
    if PublicNotice.objects.filter(campaign=campaign).exists():
        return False, _("“%(title)s”已经发布过公示，不能重复发布。") % {"title": campaign.title}
    round_ = final_round(campaign)
    if round_ is None or round_.status != ROUND_CONFIRMED:
        return False, _("终评结果尚未经评审组长确认，不能发布公示。")
    return True, ""


def may_object(user):
    """Member-society people and visitors with a verified email address (who, not when)."""
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if society_ids(user) or is_email_verified(user):
        return True, ""
    return False, _("请先验证您的邮箱：验证邮件中的链接点开后才能提出异议。")


def can_object(user, notice, today=None):
    allowed, reason = may_object(user)
    if not allowed:
        return allowed, reason
    return notice_state(notice, today)


def can_view_attachment(user, objection):
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if objection.filed_by_id == user.pk or is_office(user):
        return True, ""
    return False, _("只有异议提出人和联合体秘书处可以查看异议附件。")


def can_decide(user, objection):
    if not is_office(user):
        return False, _("只有联合体秘书处可以处理异议。")
    if objection.status != OBJECTION_PENDING:
        return False, _("该异议已处理（%(status)s），不能再次处理。") % {
            "status": objection.get_status_display()
        }
    return True, ""


# --- changes ----------------------------------------------------------------------------------


def start_notice(campaign, user, starts_on=None):
    """Publish the notice of `campaign`'s selected items for `campaign.notice_days` days from
    `starts_on` (default: today in Asia/Shanghai), both end days counted. Raises `ActionRefused`
    and then creates nothing."""
    allowed, reason = can_start_notice(user, campaign)
    if not allowed:
        raise ActionRefused(reason)
    starts_on = starts_on or timezone.localdate()
    days = campaign.notice_days or 7
    return PublicNotice.objects.create(
        campaign=campaign,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
    )


def close_due_notices(today=None):
    """Close the notices whose period has ended (ends_on before `today`); returns how many. Run
    the day after the last day, never on it."""
    today = today or timezone.localdate()
    return PublicNotice.objects.filter(closed_at__isnull=True, ends_on__lt=today).update(
        closed_at=timezone.now()
    )


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
    if not allowed:
        raise ActionRefused(why)
    if listed_entry(notice, entry.pk) is None:
        raise ActionRefused(_("该项目不在公示名单中，不能对其提出异议。"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidObjection({"reason": _("异议理由：必须填写。")}, code="required")
    if len(reason) > MAX_REASON_CHARACTERS:
        raise InvalidObjection(
            {
                "reason": _("异议理由：不能超过 %(limit)d 字（现有 %(count)d 字）。")
                % {"limit": MAX_REASON_CHARACTERS, "count": len(reason)}
            },
            code="max_length",
        )
    extension = check_attachment(attachment) if attachment else None
    objection = Objection(
        notice=notice, nomination_id=entry.nomination_id, filed_by=user, reason=reason
    )
    try:
        with transaction.atomic():
            if extension:
                attachment.seek(0)
                # A random name: the uploader's file name says nothing the office needs and may
                # say things nobody else should read in a storage listing.
                objection.attachment.save(f"{uuid.uuid4().hex}{extension}", attachment, save=False)
            objection.save()
    except Exception:
        if objection.attachment:
            objection.attachment.storage.delete(objection.attachment.name)
        raise
    return objection


def _locked_entry(round_id, nomination_id):
    queryset = RoundEntry.objects.filter(round_id=round_id, nomination_id=nomination_id)
    if connection.features.has_select_for_update:
        queryset = queryset.select_for_update()
    return queryset.select_related("nomination").first()


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
    """The office's decision on `objection`: `OBJECTION_UPHELD` (the item is disqualified and,
    with `promote_next`, the next-ranked item moves up) or `OBJECTION_DISMISSED` (nothing else
    changes). Raises `ActionRefused` or `InvalidObjection` and then changes nothing."""
    reason = (reason or "").strip()
    with transaction.atomic():
        queryset = Objection.objects.filter(pk=objection.pk)
        if connection.features.has_select_for_update:
            queryset = queryset.select_for_update()
        current = queryset.select_related("notice").get()
        allowed, why = can_decide(user, current)
        if not allowed:
            raise ActionRefused(why)
        if decision not in (OBJECTION_UPHELD, OBJECTION_DISMISSED):
            raise InvalidObjection(
                {"decision": _("处理结果：请选择“异议成立”或“异议不成立”。")}, code="invalid"
            )
        if not reason:
            raise InvalidObjection({"reason": _("处理意见：必须填写理由。")}, code="required")
        if decision == OBJECTION_DISMISSED and promote_next:
            raise InvalidObjection(
                {"promote_next": _("递补下一名：异议不成立时不能递补。")}, code="invalid"
            )
        promoted = False
        if decision == OBJECTION_UPHELD:
            round_ = final_round(current.notice.campaign_id)
            entry = _locked_entry(round_.pk, current.nomination_id) if round_ else None
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
            if promote_next:
                following = next_ranked(round_.pk)
                if following is None:
                    raise InvalidObjection(
                        {"promote_next": _("递补下一名：终评中已没有可递补的项目。")},
                        code="none_left",
                    )
                following.advanced = True
                following.save(update_fields=["advanced"])
                _log(
                    following.nomination,
                    PROMOTE,
                    user,
                    _("递补：“%(name)s”取消入选。") % {"name": entry.nomination.project_name},
                )
                promoted = True
        current.status = decision
        current.decided_by = user
        current.decided_at = timezone.now()
        current.decision_reason = reason
        current.promoted_next = promoted
        current.save(
            update_fields=["status", "decided_by", "decided_at", "decision_reason", "promoted_next"]
        )
    return current
