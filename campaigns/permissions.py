"""Who may do what with nominations: see them, apply, edit, and take each action of the
transitions table (`campaigns.nominations.TRANSITIONS`, whose `by` names who and whose
`while_open` / `while_correctable` say until when). Permission functions return
`(allowed, reason)`, the reason in Chinese for the person refused. Who the office is, and which
societies a person works for: `cms.roles`."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Nomination, NominationStatus
from campaigns.nominations import (
    ACTION_LABELS,
    APPLICANT,
    EDITABLE_STATES,
    OFFICE,
    RECOMMENDER,
    TRANSITIONS,
)
from cms.accounts import is_email_verified
from cms.roles import is_office, society_ids


def visible_nominations(user, queryset=None):
    """What `user` sees in the admin: the office every nomination; a society's people the
    nominations recommending their society, once submitted."""
    queryset = Nomination.objects.all() if queryset is None else queryset
    if is_office(user):
        return queryset
    societies = society_ids(user)
    if not societies:
        return queryset.none()
    return queryset.filter(recommender_society__in=societies).exclude(status=NominationStatus.DRAFT)


# --- permission functions: (allowed, reason) --------------------------------------------------


def call_is_open(campaign, today=None):
    """Whether the call takes submissions on `today` (Asia/Shanghai; the closing date counts)."""
    from cms.cn_dates import cn_date

    today = today or timezone.localdate()
    opens, closes = campaign.call_window()
    if not opens or not closes:
        return False, _("本征集活动尚未公布申报时间，暂不能申报。")
    if today < opens:
        return False, _("申报通道将于 %(date)s 开放，届时才能申报。") % {"date": cn_date(opens)}
    if today > closes:
        return False, _("申报已于 %(date)s 截止，不能再提交或修改申报。") % {
            "date": cn_date(closes)
        }
    return True, ""


def correction_is_open(campaign, today=None):
    """Whether corrections requested in formal review may still be made: until the first round
    (初评) begins; without a first-round date, always."""
    from cms.cn_dates import cn_date

    today = today or timezone.localdate()
    first_round = first_round_date(campaign)
    if first_round and today >= first_round:
        return False, _("第一轮遴选已于 %(date)s 开始，不能再修改申报。") % {
            "date": cn_date(first_round)
        }
    return True, ""


def first_round_date(campaign):
    """The day the first round (初评) begins, which ends the corrections; None without one."""
    from campaigns.models.milestones import MilestoneKind

    first_round = (
        campaign.milestones.filter(kind=MilestoneKind.FIRST_ROUND).order_by("date").first()
    )
    return first_round.date if first_round else None


def can_apply(user, campaign, today=None):
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if not is_email_verified(user):
        return False, _("请先验证您的邮箱：验证邮件中的链接点开后才能申报。")
    return call_is_open(campaign, today)


def can_view(user, nomination):
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if nomination.applicant_id == user.pk or is_office(user):
        return True, ""
    if (
        nomination.status != NominationStatus.DRAFT
        and nomination.recommender_society_id in society_ids(user)
    ):
        return True, ""
    return False, _("您无权查看这份申报。")


def can_edit(user, nomination, today=None):
    if nomination.applicant_id != getattr(user, "pk", None):
        return False, _("只有申报账号本人可以修改申报。")
    if nomination.status not in EDITABLE_STATES:
        return False, _("申报当前状态为“%(status)s”，不能修改。") % {
            "status": nomination.get_status_display()
        }
    if nomination.status == NominationStatus.CORRECTION:
        if not is_email_verified(user):
            return False, _("请先验证您的邮箱：验证邮件中的链接点开后才能申报。")
        return correction_is_open(nomination.campaign, today)
    return can_apply(user, nomination.campaign, today)


def plays(user, nomination, role):
    if role == APPLICANT:
        return nomination.applicant_id == getattr(user, "pk", None)
    if role == RECOMMENDER:
        if nomination.recommender_society_id:
            return nomination.recommender_society_id in society_ids(user)
        return is_office(user)  # experts and government recommenders send their letters
    return role == OFFICE and is_office(user)


_ROLE_REFUSALS = {
    APPLICANT: gettext_lazy("只有申报账号本人可以%(action)s这份申报。"),
    RECOMMENDER: gettext_lazy("只有推荐单位（%(recommender)s）可以%(action)s这份申报。"),
    OFFICE: gettext_lazy("只有联合体秘书处可以%(action)s（形式审查）。"),
}


def can_perform(user, nomination, action, today=None):
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    transition = TRANSITIONS.get((nomination.status, action))
    label = ACTION_LABELS.get(action, action)
    if transition is None:
        return False, _("申报当前状态为“%(status)s”，不能%(action)s。") % {
            "status": nomination.get_status_display(),
            "action": label,
        }
    if not plays(user, nomination, transition.by):
        return False, _ROLE_REFUSALS[transition.by] % {
            "action": label,
            "recommender": nomination.recommender_label,
        }
    if transition.while_open:
        return can_apply(user, nomination.campaign, today)
    if transition.while_correctable:
        return correction_is_open(nomination.campaign, today)
    return True, ""


def available_actions(user, nomination, today=None):
    """The actions `user` may take on `nomination` now, in the table's order."""
    return [
        action
        for (status, action) in TRANSITIONS
        if status == nomination.status and can_perform(user, nomination, action, today)[0]
    ]
