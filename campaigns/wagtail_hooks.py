from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns import admin_notice as _admin_notice  # noqa: F401 (registers the notice viewsets)
from campaigns.admin_rounds import review_viewsets
from campaigns.admin_viewsets import ListingOnlyViewSetMixin
from campaigns.models import AchievementPage, CampaignPage, Milestone, Nomination
from campaigns.views import ranking as _ranking  # noqa: F401 (registers its admin URLs and menu)
from campaigns.views import showcase_admin as _showcase_admin  # noqa: F401 (its URL, button)
from campaigns.views.admin import (
    NominationFilterSet,
    NominationIndexView,
    NominationPermissionPolicy,
    NominationReviewView,
    RecommenderColumn,
)
from cms.header_links import HEADER_LINKS_HOOK, HeaderLink
from cms.search import SEARCH_GROUPS_HOOK, Group


class MilestoneViewSet(ModelViewSet):
    model = Milestone
    icon = "date"
    menu_label = _("里程碑")
    add_to_admin_menu = False
    list_display = ["title", "campaign", "kind", "date", "end_date", "workstream"]
    list_filter = ["campaign", "kind"]
    search_fields = ["title", "description"]
    ordering = ["-date"]
    form_fields = ["campaign", "kind", "date", "end_date", "title", "description", "workstream"]
    copy_view_enabled = False


class NominationViewSet(ListingOnlyViewSetMixin, ModelViewSet):
    extra_views = (("review/<int:pk>/", "inspect_view", "inspect"),)
    """Listing and review only: nominations are created and edited by applicants on the site, and
    their status changes only through the review page."""

    model = Nomination
    icon = "doc-full"
    menu_label = _("申报")
    add_to_admin_menu = False
    index_view_class = NominationIndexView
    inspect_view_class = NominationReviewView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "project_name",
        "campaign",
        "category",
        RecommenderColumn("recommender", label=_("推荐单位")),
        "applicant_organisation",
        "status",
        "submitted_at",
    ]
    filterset_class = NominationFilterSet
    search_fields = ["project_name", "applicant_organisation", "recommender_name"]
    ordering = ["-submitted_at", "-pk"]

    @property
    def permission_policy(self):
        return NominationPermissionPolicy(self.model)


class CampaignViewSetGroup(ViewSetGroup):
    menu_label = _("征集活动")
    menu_icon = "tasks"
    menu_order = 250
    items = (MilestoneViewSet, NominationViewSet, *review_viewsets())


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
