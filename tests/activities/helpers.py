"""People and answers of the activities' admin tests: society members, and how a refusal looks."""

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

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
