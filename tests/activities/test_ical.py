"""iCalendar feeds: the activities (`/activities/ical/`, `/activities/calendar.ics`) and the
milestones of the live campaigns (`/campaigns/ical/`, `/campaigns/milestones.ics`)."""

import datetime

import icalendar
import pytest
from django.urls import re_path
from django.utils import timezone
from wagtail.models import PageViewRestriction

import cms.urls
from campaigns.models import Milestone
from cms.syndication import serve_page_file
from tests.activities.factories import ActivityPageFactory
from tests.campaigns.factories import (
    CampaignIndexPageFactory,
    CampaignPageFactory,
    MilestoneFactory,
    published_campaign,
)

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)

# The project's URLs with the dotted page files in front, as `serve_page_file` asks to be wired;
# the tests that use them say `@pytest.mark.urls(__name__)`.
urlpatterns = [
    re_path(r"^(?P<path>(?:[\w\-]+/)*)(?P<filename>[\w\-]+\.ics)$", serve_page_file),
    *cms.urls.urlpatterns,
]


def parse_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert str(calendar["VERSION"]) == "2.0"
    return calendar


def events_of(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def activities(society_pages):
    today = timezone.localdate()
    cmes = society_pages["CMES"]
    forum = ActivityPageFactory(
        parent=cmes,
        title="智能制造发展论坛",
        start_date=today + 10 * DAY,
        end_date=today + 11 * DAY,
        place="山东潍坊",
        kind="forum",
        summary="论坛在潍坊召开，交流智能制造发展经验。",
    )
    recent = ActivityPageFactory(
        parent=cmes, title="上月的培训", start_date=today - 30 * DAY, kind="training"
    )
    ActivityPageFactory(parent=cmes, title="两年前的会议", start_date=today - 730 * DAY)
    ActivityPageFactory(parent=cmes, title="草稿活动", start_date=today, live=False)
    private = ActivityPageFactory(parent=cmes, title="内部活动", start_date=today)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return {"forum": forum, "recent": recent, "today": today}


def test_activities_calendar(client, activities_index, activities):
    calendar = parse_calendar(client.get("/activities/ical/"))
    assert "成员学会活动" in str(calendar["X-WR-CALNAME"])
    events = events_of(calendar)
    assert set(events) == {"智能制造发展论坛", "上月的培训"}  # the last 12 months and ahead
    forum = activities["forum"]
    event = events["智能制造发展论坛"]
    assert event.decoded("DTSTART") == activities["today"] + 10 * DAY
    assert event.decoded("DTEND") == activities["today"] + 12 * DAY  # the day after the last
    assert not isinstance(event.decoded("DTSTART"), datetime.datetime)  # all-day
    assert str(event["LOCATION"]) == "山东潍坊"
    assert str(event["DESCRIPTION"]) == "论坛在潍坊召开，交流智能制造发展经验。"
    assert str(event["URL"]) == forum.full_url
    assert str(event["UID"]) == f"activity-{forum.pk}@127.0.0.1"
    one_day = events["上月的培训"]
    assert one_day.decoded("DTEND") - one_day.decoded("DTSTART") == DAY
    # The UIDs do not depend on the address the client used.
    again = events_of(parse_calendar(client.get("/activities/ical/", HTTP_HOST="localhost")))
    assert str(again["智能制造发展论坛"]["UID"]) == str(event["UID"])


def test_activities_calendar_of_one_society(client, activities_index, activities, society_pages):
    other = next(p for a, p in society_pages.items() if a != "CMES")
    ActivityPageFactory(parent=other, title="别的学会的活动", start_date=activities["today"])
    events = events_of(parse_calendar(client.get("/activities/ical/?society=CMES")))
    assert "别的学会的活动" not in events and "智能制造发展论坛" in events


def test_empty_activities_calendar(client, activities_index):
    assert list(parse_calendar(client.get("/activities/ical/")).walk("VEVENT")) == []


@pytest.mark.urls(__name__)
def test_activities_calendar_ics_address(client, activities_index, activities):
    calendar = parse_calendar(client.get("/activities/calendar.ics"))
    assert "智能制造发展论坛" in events_of(calendar)
    assert client.get("/activities/nothing.ics").status_code == 404
    assert client.get("/news-nowhere/calendar.ics").status_code == 404


@pytest.mark.urls(__name__)
def test_ics_address_keeps_page_privacy(client, activities_index, activities):
    PageViewRestriction.objects.create(
        page=activities_index, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get("/activities/calendar.ics")
    assert response.status_code == 302


# --- campaign milestones ------------------------------------------------------------------------


@pytest.fixture
def campaign_index(federation):
    return CampaignIndexPageFactory(parent=federation["home"])


@pytest.fixture
def milestones(campaign_index):
    campaign = published_campaign(campaign_index, title="2021 中国智能制造科技进展")
    first = MilestoneFactory(
        campaign=campaign,
        kind="first_round",
        title="第一轮遴选会议",
        date=D(2021, 8, 30),
        description="选出 15 项进入终评。",
    )
    notice = MilestoneFactory(
        campaign=campaign,
        kind="public_notice",
        title="公示",
        date=D(2021, 9, 1),
        end_date=D(2021, 9, 7),
    )
    draft = CampaignPageFactory.build(title="未发布的征集")
    draft.live = False
    campaign_index.add_child(instance=draft)
    MilestoneFactory(campaign=draft, title="不应出现的里程碑")
    private = published_campaign(campaign_index, title="内部征集", slug="internal")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    MilestoneFactory(campaign=private, title="内部里程碑")
    return {"campaign": campaign, "first": first, "notice": notice}


def test_milestones_calendar(client, campaign_index, milestones):
    calendar = parse_calendar(client.get("/campaigns/ical/"))
    assert "里程碑" in str(calendar["X-WR-CALNAME"])
    events = events_of(calendar)
    assert set(events) == {
        "2021 中国智能制造科技进展：第一轮遴选会议",
        "2021 中国智能制造科技进展：公示",
    }
    first = events["2021 中国智能制造科技进展：第一轮遴选会议"]
    assert first.decoded("DTSTART") == D(2021, 8, 30)
    assert first.decoded("DTEND") == D(2021, 8, 31)
    assert "第一轮遴选（初评）" in str(first["DESCRIPTION"])
    assert "选出 15 项进入终评。" in str(first["DESCRIPTION"])
    assert str(first["URL"]) == milestones["campaign"].full_url
    assert str(first["UID"]) == f"milestone-{milestones['first'].pk}@127.0.0.1"
    notice = events["2021 中国智能制造科技进展：公示"]
    assert notice.decoded("DTEND") == D(2021, 9, 8)
    body = client.get("/campaigns/ical/").content.decode()
    assert "不应出现" not in body and "内部" not in body


@pytest.mark.urls(__name__)
def test_milestones_ics_address(client, campaign_index, milestones):
    events = events_of(parse_calendar(client.get("/campaigns/milestones.ics")))
    assert len(events) == 2


MILESTONES_MAX_QUERIES = 9


@pytest.mark.parametrize("count", [10, 1000])
def test_milestones_query_count(client, campaign_index, django_assert_max_num_queries, count):
    campaign = published_campaign(campaign_index, title="2024 中国智能制造科技进展")
    other = published_campaign(campaign_index, title="2021 中国智能制造科技进展")
    # Records, not pages: one query for all of them (and no report sync, which is not tested here).
    Milestone.objects.bulk_create(
        MilestoneFactory.build(
            campaign=(campaign, other)[n % 2], title=f"节点{n}", date=D(2024, 3, 1) + n * DAY
        )
        for n in range(count)
    )
    client.get("/campaigns/ical/")
    with django_assert_max_num_queries(MILESTONES_MAX_QUERIES):
        calendar = parse_calendar(client.get("/campaigns/ical/"))
    events = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert len(events) == count
    assert events[0] == "2024 中国智能制造科技进展：节点0"
    assert events[-1] == f"{(campaign, other)[(count - 1) % 2].title}：节点{count - 1}"


def test_calendar_files_are_served_at_their_dotted_addresses(client, activities_index):
    """The project's URLs route `<page>/calendar.ics` and `<page>/milestones.ics` to the pages'
    calendar routes, through Wagtail's serve hooks."""
    from tests.campaigns.factories import CampaignIndexPageFactory

    response = client.get("/activities/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content
    campaigns = CampaignIndexPageFactory(parent=activities_index.get_parent(), slug="campaigns")
    assert client.get(f"{campaigns.url}milestones.ics").status_code == 200
    assert "milestones.ics" in client.get(campaigns.url).content.decode()
    assert client.get("/activities/nothing.ics").status_code == 404
