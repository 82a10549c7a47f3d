"""People and answers of the activities' admin tests: society members, the activity form and the
workflow actions of the admin, and how a refusal looks."""

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.roles import Role, group_for

# Wagtail's "Sorry, you do not have permission to access this area." in Chinese.
DENIED = "你没有权限访问"


def make_society_user(username, *societies):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(group_for(Role.MEMBER_SOCIETY), *(s.group for s in societies))
    return user


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def denied(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect and a message."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response.url == reverse("wagtailadmin_home")
        and any(DENIED in message for message in messages_of(response))
    )


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("activities", "activitypage", parent.pk))


def activity_form(title="仪器仪表学会智能制造论坛", **extra):
    data = {
        "title": title,
        "slug": "forum",
        "start_date": "2021-07-15",
        "end_date": "",
        "kind": "forum",
        "workstream": "",
        "place": "北京",
        "participants": "",
        "summary": "论坛在北京召开。",
        "body-count": "0",
        "source_url": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def approve_url(page, action="approve"):
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, action, state.current_task_state.pk),
    )
