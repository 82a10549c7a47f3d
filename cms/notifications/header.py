"""The site header's 通知 link with the unread count, for anyone signed in. The count comes
from the cache (`inbox.unread_count`): a query only the first time after a change."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cms.header_links import HeaderLink
from cms.notifications.inbox import unread_count


def notifications_link(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return HeaderLink(_("通知"), reverse("notifications:inbox"), order=90, badge=unread_count(user))
