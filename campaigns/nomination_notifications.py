"""The nominations' notifications (issue 15): the kinds campaigns registers for them
(`nomination_kinds`, hooked in `campaigns.wagtail_hooks`) and one small function per event,
called by `campaigns.nominations.perform` inside the transaction of the change (`announce`) and
by the periodic job of the deadline reminders (`remind_unsubmitted_drafts`).

Who hears what: the applicant every decision on their nomination (with the reason) and a
receipt of each submission; the recommending society's people a nomination waiting for their
推荐 — the office when the recommender is no society (an expert, a government body: the office
takes its part, `nominations.RECOMMENDER`); the office a nomination waiting for formal review.
Never another society's people, and never an expert: the nominations are not theirs to see
before a round gives them one."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import CampaignPage, NominationStatus
from campaigns.nominations import CORRECT, ENDORSE, PASS, REJECT, RETURN, SUBMIT
from campaigns.permissions import first_round_date
from cms.models.pages import today_in_shanghai
from cms.notifications import Kind, notify
from cms.roles import OFFICE_ROLES, Role, office_people, users_with_role

RECEIVED = "campaigns.nomination_received"
ENDORSED = "campaigns.nomination_endorsed"
RETURNED = "campaigns.nomination_returned"
PASSED = "campaigns.nomination_passed"
CORRECTION = "campaigns.nomination_correction"
REJECTED = "campaigns.nomination_rejected"
DEADLINE = "campaigns.nomination_deadline"
AWAITS_RECOMMENDATION = "campaigns.nomination_awaits_recommendation"
AWAITS_REVIEW = "campaigns.nomination_awaits_review"

# The days before the submission deadline on which a draft's applicant is reminded.
REMINDER_DAYS = (1, 3)


APPLICANT, SOCIETY, OFFICE = "applicant", "society", "office"
# Who reads a kind, in words (the preferences page, the 发件箱) and as the roles it is offered to.
AUDIENCES = {
    APPLICANT: (_("申报单位"), (Role.APPLICANT,)),
    # The office when the recommender is no society (an expert, a government body).
    SOCIETY: (
        _("推荐单位（成员学会；无推荐学会时为秘书处）"),
        (Role.MEMBER_SOCIETY, *OFFICE_ROLES),
    ),
    OFFICE: (_("联合体秘书处"), OFFICE_ROLES),
}


def _kind(code, label, audience):
    name = code.split(".", 1)[1].removeprefix("nomination_")
    words, roles = AUDIENCES[audience]
    return Kind(
        code,
        label,
        audience=words,
        roles=roles,
        subject_template=f"campaigns/notifications/{name}_subject.txt",
        text_template=f"campaigns/notifications/{name}.txt",
    )


def nomination_kinds():
    applicant, society, office = APPLICANT, SOCIETY, OFFICE
    return [
        _kind(RECEIVED, _("申报已提交（回执）"), applicant),
        _kind(ENDORSED, _("申报已获推荐"), applicant),
        _kind(RETURNED, _("申报被推荐单位退回"), applicant),
        _kind(PASSED, _("申报通过形式审查"), applicant),
        _kind(CORRECTION, _("申报需补正（形式审查）"), applicant),
        _kind(REJECTED, _("申报未通过形式审查"), applicant),
        _kind(DEADLINE, _("申报截止提醒"), applicant),
        _kind(AWAITS_RECOMMENDATION, _("申报待推荐"), society),
        _kind(AWAITS_REVIEW, _("申报待形式审查"), office),
    ]


# --- who ----------------------------------------------------------------------------------------


def _not_experts(queryset):
    return queryset.filter(is_active=True).exclude(groups__role__code=Role.EXPERT)


def society_people(society):
    """The people of `society` (its group, in the 成员学会 role), no one of another society."""
    if society is None or not society.group_id:
        return get_user_model().objects.none()
    return _not_experts(users_with_role(Role.MEMBER_SOCIETY).filter(groups=society.group_id))


def recommender_people(nomination):
    if nomination.recommender_society_id:
        return society_people(nomination.recommender_society)
    return _not_experts(office_people())


# --- where to act -------------------------------------------------------------------------------


def applicant_link(nomination):
    from campaigns.views.nomination_form import nomination_url  # views import the services

    if not nomination.campaign.get_url():
        return reverse("my_nominations")
    return nomination_url(nomination)


def review_link(nomination):
    return reverse("nomination:inspect", args=[nomination.pk])


def _key(nomination, event, name):
    # One per change (a nomination may be returned and submitted again): the event names it.
    return f"nomination:{nomination.pk}:{name}:{event.pk}"


def _tell_applicant(nomination, event, code, name, attachments=(), **context):
    return notify(
        nomination.applicant,
        code,
        {"nomination": nomination, "reason": event.reason, **context},
        applicant_link(nomination),
        key=_key(nomination, event, name),
        attachments=attachments,
    )


def receipt_attachment(nomination):
    """(file name, bytes, content type) of the Word 回执, signed as the download signs it."""
    from campaigns.receipt import receipt_docx, receipt_filename
    from cms.docx_cjk import DOCX_CONTENT_TYPE
    from cms.models import FederationSettings

    site = nomination.campaign.get_site()
    federation = (
        FederationSettings.for_site(site) if site else FederationSettings()
    ).federation_name
    content = receipt_docx(nomination, federation)
    return receipt_filename(nomination), content, DOCX_CONTENT_TYPE


# --- the events ---------------------------------------------------------------------------------


def nomination_received(nomination, event):
    """The applicant's receipt of a submission: the Word 回执 attached, and where to download it."""
    from cms.accounts import site_link

    receipt = site_link(reverse("nomination_receipt", args=[nomination.pk]))
    attachments = [receipt_attachment(nomination)]
    return _tell_applicant(
        nomination, event, RECEIVED, "submitted", attachments, receipt_link=receipt
    )


def nomination_endorsed(nomination, event):
    return _tell_applicant(nomination, event, ENDORSED, "endorsed")


def nomination_returned(nomination, event):
    return _tell_applicant(nomination, event, RETURNED, "returned")


def nomination_passed(nomination, event):
    return _tell_applicant(nomination, event, PASSED, "passed")


def correction_requested(nomination, event):
    """With the last day of the corrections: the day before the first round begins."""
    first_round = first_round_date(nomination.campaign)
    return _tell_applicant(nomination, event, CORRECTION, "correction", first_round=first_round)


def nomination_rejected(nomination, event):
    return _tell_applicant(nomination, event, REJECTED, "rejected")


def awaits_recommendation(nomination, event):
    return notify(
        recommender_people(nomination),
        AWAITS_RECOMMENDATION,
        {"nomination": nomination},
        review_link(nomination),
        key=_key(nomination, event, "awaits-recommendation"),
    )


def awaits_review(nomination, event):
    return notify(
        _not_experts(office_people()),
        AWAITS_REVIEW,
        {"nomination": nomination, "corrected": event.action == SUBMIT},
        review_link(nomination),
        key=_key(nomination, event, "awaits-review"),
    )


S = NominationStatus
EVENTS = {
    (SUBMIT, S.SUBMITTED): (nomination_received, awaits_recommendation),
    # A correction submitted goes straight back to formal review.
    (SUBMIT, S.ENDORSED): (nomination_received, awaits_review),
    (ENDORSE, S.ENDORSED): (nomination_endorsed, awaits_review),
    (RETURN, S.RETURNED): (nomination_returned,),
    (PASS, S.PASSED): (nomination_passed,),
    (CORRECT, S.CORRECTION): (correction_requested,),
    (REJECT, S.REJECTED): (nomination_rejected,),
}


def announce(nomination, event):
    """Tell whoever a change (`event`, just logged) concerns; in the caller's transaction."""
    for tell in EVENTS.get((event.action, event.to_status), ()):
        tell(nomination, event)


# --- the deadline reminders ---------------------------------------------------------------------


def reminder_day(days_left):
    """Which reminder is due `days_left` days before the deadline: 3 (two or three days left),
    1 (one day, or the closing day itself, when the job missed the day before), or None."""
    return next((days for days in REMINDER_DAYS if 0 <= days_left <= days), None)


def deadline_reminder(draft, closes, days_left):
    return notify(
        draft.applicant,
        DEADLINE,
        {"nomination": draft, "closes": closes, "days_left": days_left},
        applicant_link(draft),
        key=f"nomination:{draft.pk}:deadline-{reminder_day(days_left)}:{closes.isoformat()}",
    )


def remind_unsubmitted_drafts(today=None):
    """Remind the applicants of drafts still unsubmitted 3 days and 1 day before their call's
    submission deadline (Asia/Shanghai). Idempotent: run again, it sends nothing more. Returns
    the number of mails written."""
    today = today or today_in_shanghai()
    written = 0
    campaigns = CampaignPage.objects.filter(nominations__status=S.DRAFT).distinct()
    for campaign in campaigns:
        closes = campaign.call_window()[1]
        if closes is None or reminder_day((closes - today).days) is None:
            continue
        drafts = campaign.nominations.filter(status=S.DRAFT).select_related("applicant")
        for draft in drafts:
            draft.campaign = campaign
            written += len(deadline_reminder(draft, closes, (closes - today).days))
    return written
