"""The activities' section of the home page (see `cms.home_sections`): the latest activities of
the member societies."""

from activities.models import ActivitiesIndexPage, ActivityPage
from cms.home_sections import HomeSection

HOME_ACTIVITIES_COUNT = 5


def activities_section(request, site):
    activities = ActivityPage.objects.live().public()
    indexes = ActivitiesIndexPage.objects.live().public()
    if site is not None:
        activities = activities.descendant_of(site.root_page)
        indexes = indexes.descendant_of(site.root_page)
    activities = (
        activities.defer_streamfields()
        .select_related("society")
        .order_by("-start_date", "-pk")[:HOME_ACTIVITIES_COUNT]
    )
    return HomeSection(
        "activities/home_section.html",
        {"activities": activities, "index": indexes.first()},
        order=30,
    )
