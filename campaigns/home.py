"""The campaigns' sections of the home page (see `cms.home_sections`): the open calls with their
next milestone, and the latest 双十 year."""

from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import CampaignIndexPage, CampaignPage, Milestone, ShowcaseYearPage
from campaigns.models.milestones import MilestoneKind
from cms.home_sections import HomeSection
from cms.restrictions import public
from cms.site_pages import index_page


def _under_site(queryset, site):
    return queryset.descendant_of(site.root_page) if site is not None else queryset


def open_campaigns(site, today):
    """Live public campaigns whose call is open today, each with `next_milestone` (the first one
    not yet over, or None). Three queries however many campaigns and milestones there are."""
    # The same window as `CampaignPage.is_open`, tested in the database rather than per page.
    opened = Milestone.objects.filter(
        campaign=OuterRef("pk"), kind=MilestoneKind.CALL_OPENS, date__lte=today
    )
    not_closed = Milestone.objects.annotate(last_day=Coalesce("end_date", "date")).filter(
        campaign=OuterRef("pk"), kind=MilestoneKind.SUBMISSIONS_CLOSE, last_day__gte=today
    )
    upcoming = (
        Milestone.objects.annotate(last_day=Coalesce("end_date", "date"))
        .filter(last_day__gte=today)
        .order_by("date", "pk")
    )
    campaigns = (
        _under_site(public(CampaignPage.objects.live()), site)
        .filter(Exists(opened), Exists(not_closed))
        .prefetch_related(Prefetch("milestones", queryset=upcoming, to_attr="upcoming_milestones"))
        .order_by("-year", "title")
    )
    campaigns = list(campaigns)
    for campaign in campaigns:
        campaign.next_milestone = (
            campaign.upcoming_milestones[0] if campaign.upcoming_milestones else None
        )
    return campaigns


def campaigns_section(request, site):
    today = timezone.localdate()
    index = index_page(request, site, CampaignIndexPage)
    return HomeSection(
        "campaigns/home_campaigns.html",
        {"campaigns": open_campaigns(site, today), "index": index, "today": today},
        order=20,
    )


def showcase_section(request, site):
    year_page = _under_site(public(ShowcaseYearPage.objects.live()), site).order_by("-year").first()
    if year_page is None:
        return None
    return HomeSection("campaigns/home_showcase.html", {"year_page": year_page}, order=40)
