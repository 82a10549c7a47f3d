"""What campaigns registers with Wagtail and with cms: its admin (`campaigns.admin`: the viewsets,
the review results' URLs and menu item, the showcase action), its home page sections, search
groups and header link, and its log actions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from campaigns.admin import CampaignViewSetGroup, NoticeViewSetGroup, ranking, showcase
from campaigns.models import AchievementPage, CampaignPage
from cms.header_links import HEADER_LINKS_HOOK, HeaderLink
from cms.notifications import NOTIFICATION_KINDS_HOOK
from cms.search import SEARCH_GROUPS_HOOK, Group


# The admin, in the order it was always registered: the notices, the review results, the
# showcase action, the campaigns' group.
@hooks.register("register_admin_viewset")
def register_notice_viewsets():
    return NoticeViewSetGroup()


@hooks.register("register_admin_urls")
def register_ranking_urls():
    return ranking.urlpatterns()


@hooks.register("register_admin_menu_item")
def register_ranking_menu_item():
    return ranking.menu_item()


@hooks.register("register_admin_urls")
def register_publish_showcase_url():
    return showcase.urlpatterns


hooks.register("register_page_header_buttons", showcase.publish_showcase_button)


@hooks.register("register_admin_viewset")
def register_campaign_viewsets():
    return CampaignViewSetGroup()


# Home page sections (`cms.home_sections`): the open calls, then the latest 双十 year.
@hooks.register("lianhe_home_sections")
def campaigns_home_section(request, site):
    from campaigns.home import campaigns_section

    return campaigns_section(request, site)


@hooks.register("lianhe_home_sections")
def showcase_home_section(request, site):
    from campaigns.home import showcase_section

    return showcase_section(request, site)


# Site search groups (`cms.search`): the 双十 achievements after the news, the calls after the
# member societies' activities.
@hooks.register(SEARCH_GROUPS_HOOK)
def showcase_search_group():
    return Group("showcase", _("双十成果"), AchievementPage, order=20)


def _campaign_date(page):
    return _("%(year)s年") % {"year": page.year}


@hooks.register(SEARCH_GROUPS_HOOK)
def campaigns_search_group():
    return Group("campaigns", _("征集活动"), CampaignPage, date=_campaign_date, order=40)


# Site header (`cms.header_links`): an applicant's way back to their nominations.
@hooks.register(HEADER_LINKS_HOOK)
def my_nominations_link(request):
    user = getattr(request, "user", None)  # none on a page rendered before the auth middleware
    if user is not None and user.is_authenticated:
        return HeaderLink(_("我的申报"), reverse("my_nominations"), order=10)
    return None


@hooks.register("register_log_actions")
def register_nomination_log_actions(actions):
    from campaigns.nominations import DELETE_LOG_ACTION

    actions.register_action(DELETE_LOG_ACTION, _("删除申报草稿"), _("申报单位删除了申报草稿"))


# Notifications (`cms.notifications`): the nominations' events.
@hooks.register(NOTIFICATION_KINDS_HOOK)
def nomination_notification_kinds():
    from campaigns.nomination_notifications import nomination_kinds

    return nomination_kinds()


# Notifications (`cms.notifications`): the review's kinds (rounds, sheets, notice, objections).
@hooks.register(NOTIFICATION_KINDS_HOOK)
def review_notification_kinds():
    from campaigns.review_notifications import review_kinds

    return review_kinds()
