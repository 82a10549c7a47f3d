"""The public notice (公示) of a campaign's selected items, and who may object to them.

Plain functions; the public views and the admin call them. The selected items are the final
round's entries with `advanced=True`, ranked by `rank`; the notice never changes the tally. An
objection (异议) filed during the notice and upheld by the office disqualifies its item and may
move the next-ranked one up (`campaigns.objections`); the notice page marks it 递补.

The notice's life cycle is an explicit table, `NOTICE_TRANSITIONS`: the office starts the notice
and the periodic job closes it the day after its last day. `NOTICES.perform` checks, changes and
logs each (`ReviewEvent`: who, when, from, to, why) in one transaction.

Permission functions return `(allowed, reason)`, the reason in Chinese for the person refused
(the objections' too: `can_object`, `can_view_attachment`, `can_decide`).
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.lifecycle import NONE, LifeCycle, Transition
from campaigns.models import NominationEvent, PublicNotice, ReviewRound, RoundEntry
from campaigns.models.review import (
    EventSubject,
    NoticeStatus,
    ObjectionStatus,
    RoundKind,
    RoundStatus,
)
from campaigns.nomination_errors import ActionRefused
from campaigns.review import _lock
from campaigns.review_notifications import notice_ended, notice_started
from cms.accounts import is_email_verified
from cms.cn_dates import cn_date
from cms.roles import is_office, society_ids

# The nominations' log of an upheld objection.
DISQUALIFY = "disqualify"
PROMOTE = "promote"


# --- the life cycle ---------------------------------------------------------------------------

START = "start"
CLOSE = "close"
NOTICE_TRANSITIONS = {
    (NONE, START): Transition(NoticeStatus.PUBLISHED),
    (NoticeStatus.PUBLISHED, CLOSE): Transition(
        NoticeStatus.CLOSED
    ),  # the periodic job, nobody's hand
}
NOTICES = LifeCycle(
    subject=EventSubject.NOTICE,
    name=gettext_lazy("公示"),
    transitions=NOTICE_TRANSITIONS,
    labels={START: gettext_lazy("发布"), CLOSE: gettext_lazy("结束")},
    statuses=dict(NoticeStatus.choices),
    refused=ActionRefused,
)


# --- the notice and its items -----------------------------------------------------------------


def final_round(campaign):
    return ReviewRound.objects.filter(campaign=campaign, kind=RoundKind.FINAL).first()


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
            round__kind=RoundKind.FINAL,
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
    if round_ is None or round_.status != RoundStatus.CONFIRMED:
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
    if objection.status != ObjectionStatus.PENDING:
        return False, _("该异议已处理（%(status)s），不能再次处理。") % {
            "status": objection.get_status_display()
        }
    return True, ""


# --- changes ----------------------------------------------------------------------------------


def start_notice(campaign, user, starts_on=None):
    """Publish the notice of `campaign`'s selected items for `campaign.notice_days` days from
    `starts_on` (default: today in Asia/Shanghai), both end days counted. Raises `ActionRefused`
    and then creates nothing."""
    starts_on = starts_on or timezone.localdate()
    days = campaign.notice_days or 7

    def change(transition):
        notice = PublicNotice.objects.create(
            campaign=campaign,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
        )
        notice_started(notice, final_round(campaign))
        return notice

    return NOTICES.perform(
        None,
        START,
        user,
        allowed=can_start_notice(user, campaign),
        change=change,
        campaign_id=campaign.pk,
    )


def notice_is_due(notice, today):
    """(due, reason): a notice closes the day after its last day (Asia/Shanghai), never on it."""
    if notice.ends_on < today:
        return True, ""
    return False, _("公示期至 %(date)s，尚未结束。") % {"date": cn_date(notice.ends_on)}


def close_due_notices(today=None):
    """Close the notices whose period has ended (ends_on before `today`); returns how many. Run
    the day after the last day, never on it."""
    today = today or timezone.localdate()
    due = PublicNotice.objects.filter(closed_at__isnull=True, ends_on__lt=today)
    closed = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            notice = _lock(PublicNotice, pk)
            if notice.closed_at:  # closed meanwhile by another run
                continue

            def change(transition, notice=notice):
                notice.closed_at = timezone.now()
                notice.save(update_fields=["closed_at"])
                return notice

            NOTICES.perform(
                notice,
                CLOSE,
                None,
                allowed=notice_is_due(notice, today),
                change=change,
                campaign_id=notice.campaign_id,
            )
            notice_ended(notice)
            closed += 1
    return closed
