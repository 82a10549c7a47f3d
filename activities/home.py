"""The activities' section of the home page (see `cms.home_sections`): the latest activities of
the member societies."""

from activities.models import ActivitiesIndexPage, ActivityPage
from cms.home_sections import HomeSection
from cms.restrictions import public
from cms.site_pages import index_page

HOME_ACTIVITIES_COUNT = 5


def activities_section(request, site):
    activities = public(ActivityPage.objects.live())
    if site is not None:
        activities = activities.descendant_of(site.root_page)
    activities = (
        activities.defer_streamfields()
        .select_related("society")
        .order_by("-start_date", "-pk")[:HOME_ACTIVITIES_COUNT]
    )
    return HomeSection(
        "activities/home_section.html",
        {"activities": activities, "index": index_page(request, site, ActivitiesIndexPage)},
        order=30,
    )
