"""The milestones of the published campaigns as an iCalendar feed (`/campaigns/ical/`,
`/campaigns/milestones.ics`): one all-day event per milestone, titled with its campaign, so a
society or an applicant can follow every deadline in their own calendar app."""

from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import CampaignPage, Milestone
from cms.models import FederationSettings
from cms.restrictions import public
from cms.syndication import all_day_event, calendar_response, new_calendar, uid_host


def public_milestones(index):
    """Milestones of the live, public campaigns under `index`, in date order."""
    campaigns = public(CampaignPage.objects.live()).child_of(index).values("pk")
    return (
        Milestone.objects.filter(campaign_id__in=Subquery(campaigns))
        .select_related("campaign")
        .order_by("date", "pk")
    )


def milestone_summary(milestone):
    """`2021 中国智能制造科技进展：第一轮遴选会议`."""
    return f"{milestone.campaign.title}：{milestone.title}"


def milestones_calendar(request, index):
    federation = FederationSettings.for_request(request).federation_name
    calendar = new_calendar(
        _("%(title)s·里程碑 - %(name)s") % {"title": index.title, "name": federation},
        _("%(name)s征集活动的重要日期") % {"name": federation},
    )
    host = uid_host(index, request)
    now = timezone.now()
    campaign_urls = {}
    for milestone in public_milestones(index):
        campaign = milestone.campaign
        if campaign.pk not in campaign_urls:
            campaign_urls[campaign.pk] = campaign.get_full_url(request)
        kind = milestone.get_kind_display()
        kind_line = _("类型：%(kind)s") % {"kind": kind}
        description = "\n".join(part for part in (kind_line, milestone.description.strip()) if part)
        calendar.add_component(
            all_day_event(
                uid=f"milestone-{milestone.pk}@{host}",
                first=milestone.date,
                last=milestone.end_date or milestone.date,
                summary=milestone_summary(milestone),
                url=campaign_urls[campaign.pk],
                stamp=milestone.updated_at or now,
                description=description,
                categories=[kind, campaign.title],
            )
        )
    return calendar


def milestones_calendar_response(request, index):
    return calendar_response(milestones_calendar(request, index), "milestones.ics")
