"""The admin for member-society activities: the feeds viewset, and hooks only where Wagtail's
defaults would show a society what it was not given (see `activities.permissions` for what
Wagtail itself enforces)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from activities import permissions
from activities.admin_viewsets import FeedViewSet
from activities.models import ActivityPage
from cms.notifications import NOTIFICATION_KINDS_HOOK
from cms.search import SEARCH_GROUPS_HOOK, Group


@hooks.register("register_admin_viewset")
def register_feed_viewset():
    return FeedViewSet("activities_feed", url_prefix="activities/feeds")


@hooks.register("construct_page_chooser_queryset")
def hide_other_drafts_from_chooser(pages, request):
    # The chooser browses the whole tree, drafts and their titles included, for anyone who may
    # use the admin; the explorer and search are already limited to explorable pages.
    return permissions.chooser_pages_for(request.user, pages)


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page, destination):
    # Wagtail's move confirmation page (a GET) checks nothing and shows the page's draft title;
    # only the POST is checked. Refuse both alike: the page must be movable by this user and the
    # destination one where they may add pages (not another society's area).
    permissions_tester = page.permissions_for_user(request.user)
    if not (permissions_tester.can_move() and permissions_tester.can_move_to(destination)):
        raise PermissionDenied


# Home page section (`cms.home_sections`): the latest activities of the member societies.
@hooks.register("lianhe_home_sections")
def activities_home_section(request, site):
    from activities.home import activities_section

    return activities_section(request, site)


# Site search group (`cms.search`): after the news and the 双十 achievements.
def _activity_date(page):
    return page.date_range_display


@hooks.register(SEARCH_GROUPS_HOOK)
def activities_search_group():
    return Group("activities", _("成员学会活动"), ActivityPage, date=_activity_date, order=30)


# Notifications (`cms.notifications`): what a member society is told (`activities.notifications`).
@hooks.register(NOTIFICATION_KINDS_HOOK)
def activities_notification_kinds():
    from activities.notifications import activities_kinds

    return activities_kinds()
