"""The activities as an iCalendar feed (`/activities/ical/`, `/activities/calendar.ics`).

One all-day event per activity, on every day it covers. Calendar apps poll a subscription, so
the feed holds the last twelve months and everything ahead rather than the whole archive."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.views import filtered_activities, overlapping
from cms.models import FederationSettings
from cms.syndication import all_day_event, calendar_response, new_calendar, uid_host

PAST_DAYS = 365


def activities_calendar(request, index):
    today = timezone.localdate()
    _form, _filters, activities = filtered_activities(index, request.GET)
    activities = overlapping(
        activities, today - datetime.timedelta(days=PAST_DAYS), datetime.date.max
    ).order_by("start_date", "pk")
    federation = FederationSettings.for_request(request).federation_name
    calendar = new_calendar(
        f"{index.title} - {federation}", _("%(name)s成员学会的活动") % {"name": federation}
    )
    host = uid_host(index, request)
    now = timezone.now()
    for activity in activities:
        categories = [activity.get_kind_display()]
        if activity.society_id:
            categories.append(activity.society.name)
        calendar.add_component(
            all_day_event(
                uid=f"activity-{activity.pk}@{host}",
                first=activity.start_date,
                last=activity.last_day,
                summary=activity.title,
                url=activity.get_full_url(request),
                stamp=activity.last_published_at or now,
                location=activity.place,
                description=activity.summary,
                categories=categories,
            )
        )
    return calendar


def activities_calendar_response(request, index):
    return calendar_response(activities_calendar(request, index), "activities.ics")
