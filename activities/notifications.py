"""What a member society is told about its activities and feeds (issue 15), through
`cms.notifications`: its activity approved or sent back by the secretariat (with the reviewer's
comment), its feed turned unhealthy or stopped (with the last error).

Who: the society's people — the member-society role and the society's own group
(`society_people`), never another society's. All of them, not only the one who submitted: the
society's area is shared (any of its people may edit a draft sent back), a feed's drafts have no
submitter at all, and each person may turn a kind off or take it as a daily digest.

The reviewers get nothing from here: Wagtail mails them itself when something is submitted
(`wagtail.admin.mail`, in Chinese through the project's catalogue); Wagtail also mails the
submitter its short "approved" / "rejected" note, which stays."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import WorkflowState

from activities.models import ActivityPage, FeedStatus
from cms.notifications import Kind, notify
from cms.roles import Role, users_with_role

ACTIVITY_APPROVED = "activities.activity_approved"
ACTIVITY_RETURNED = "activities.activity_returned"
FEED_UNHEALTHY = "activities.feed_unhealthy"
FEED_GONE = "activities.feed_gone"

# The feed status a failed fetch turned into → the kind that tells the society.
FEED_KINDS = {FeedStatus.UNHEALTHY: FEED_UNHEALTHY, FeedStatus.GONE: FEED_GONE}


def _kind(code, label, template):
    return Kind(
        code,
        label,
        audience=_("成员学会"),
        roles=(Role.MEMBER_SOCIETY,),
        subject_template=f"activities/notifications/{template}_subject.txt",
        text_template=f"activities/notifications/{template}.txt",
    )


def activities_kinds():
    """The kinds of `activities`, registered in `activities.wagtail_hooks`."""
    return [
        _kind(ACTIVITY_APPROVED, _("活动通过审核"), "activity_approved"),
        _kind(ACTIVITY_RETURNED, _("活动被退回修改"), "activity_returned"),
        _kind(FEED_UNHEALTHY, _("订阅源多次抓取失败"), "feed_unhealthy"),
        _kind(FEED_GONE, _("订阅源已停止抓取"), "feed_gone"),
    ]


def society_people(society_id):
    """The active accounts working for the society: in the member-society role's group and in
    the society's own group (`MemberSociety.group`)."""
    return users_with_role(Role.MEMBER_SOCIETY).filter(
        groups__member_society=society_id, is_active=True
    )


# Moderation: called by `activities.signal_handlers` on Wagtail's task signals, inside the ----
# transaction of the reviewer's action.


def _reviewed_activity(task_state):
    """The activity a task state reviewed, or None for any other page or object."""
    workflow_state = task_state.workflow_state
    model = workflow_state.content_type.model_class()
    if model is None or not issubclass(model, ActivityPage):
        return None
    return (
        ActivityPage.objects.select_related("society")
        .filter(pk=workflow_state.object_id, society__isnull=False)
        .first()
    )


def _tell_society_about_review(page, kind, task_state, event):
    context = {
        "activity": page,
        "title": page.get_admin_display_title(),
        "society": page.society,
        "comment": task_state.get_comment(),
        "public_url": page.full_url if page.live else "",
    }
    return notify(
        society_people(page.society_id),
        kind,
        context,
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        key=f"activity:{page.pk}:{event}:{task_state.pk}",
    )


def activity_approved(task_state):
    """The secretariat approved a task: the society hears when that ended the workflow (the
    activity is published)."""
    page = _reviewed_activity(task_state)
    if page is None or task_state.workflow_state.status != WorkflowState.STATUS_APPROVED:
        return []
    return _tell_society_about_review(page, ACTIVITY_APPROVED, task_state, "approved")


def activity_returned(task_state):
    """The secretariat sent the activity back (Wagtail's "request changes")."""
    page = _reviewed_activity(task_state)
    if page is None:
        return []
    return _tell_society_about_review(page, ACTIVITY_RETURNED, task_state, "returned")


# Feeds: called by `activities.ingest_health.record_failure`, in the transaction that records
# the failure. ---------------------------------------------------------------------------------


def feed_failed(feed, previous_status):
    """A failed fetch was recorded on `feed`: tell its society when the feed has just turned
    unhealthy or stopped — once per turn, not at every failed fetch. The key names the healthy
    spell that ended (the last success), so the feed falling ill again after a success is told
    again, and a racing second call never is."""
    kind = FEED_KINDS.get(feed.status)
    if kind is None or feed.status == previous_status:
        return []
    since = feed.last_success_at.isoformat() if feed.last_success_at else "never"
    context = {
        "feed": feed,
        "society": feed.society,
        "error": feed.last_error,
        "failures": feed.consecutive_failures,
    }
    return notify(
        society_people(feed.society_id),
        kind,
        context,
        reverse("activities_feed:edit", args=(feed.pk,)),
        key=f"feed:{feed.pk}:{feed.status}:{since}",
    )
