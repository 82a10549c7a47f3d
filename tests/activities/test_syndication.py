"""RSS and Atom feeds of the activities: well-formed, Chinese intact, only live public pages,
the newest 50, dates at midnight in Asia/Shanghai, kind and society as categories."""

import datetime
import time

import feedparser
import pytest
from wagtail.models import PageViewRestriction

from tests.activities.factories import ActivityPageFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def parse_feed(response, content_type):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.fixture
def activities(society_pages):
    cmes = society_pages["CMES"]
    other = next(p for a, p in society_pages.items() if a != "CMES")
    forum = ActivityPageFactory(
        parent=cmes,
        title="智能制造发展论坛",
        start_date=D(2021, 7, 9),
        end_date=D(2021, 7, 10),
        kind="forum",
        summary="论坛在潍坊召开，交流智能制造发展经验。",
    )
    visit = ActivityPageFactory(
        parent=other, title="走访智能工厂", start_date=D(2021, 8, 3), kind="visit"
    )
    ActivityPageFactory(parent=cmes, title="草稿活动", start_date=D(2021, 9, 1), live=False)
    private = ActivityPageFactory(parent=cmes, title="内部活动", start_date=D(2021, 9, 2))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return {"forum": forum, "visit": visit, "other": other}


@pytest.mark.parametrize(
    ("url", "content_type", "version"),
    [
        ("/activities/rss/", "application/rss+xml", "rss20"),
        ("/activities/atom/", "application/atom+xml", "atom10"),
    ],
)
def test_activity_feeds(client, activities_index, activities, url, content_type, version):
    feed = parse_feed(client.get(url), content_type)
    assert feed.version == version
    assert "成员学会活动" in feed.feed.title
    assert "中国科协智能制造学会联合体" in feed.feed.title
    assert feed.feed.link.endswith("/activities/")
    assert [e.title for e in feed.entries] == ["走访智能工厂", "智能制造发展论坛"]
    forum = feed.entries[1]
    assert forum.link == activities["forum"].full_url
    assert forum.summary == "论坛在潍坊召开，交流智能制造发展经验。"
    assert {t.term for t in forum.tags} == {"论坛", "中国机械工程学会"}
    # Midnight of the start date in Asia/Shanghai is 16:00 UTC the day before.
    published = forum.get("published_parsed") or forum.get("updated_parsed")
    if version == "rss20":
        assert time.strftime("%Y-%m-%d %H:%M", forum.published_parsed) == "2021-07-08 16:00"
    assert published
    body = client.get(url).content.decode()
    assert "草稿活动" not in body and "内部活动" not in body


def test_feed_of_one_society(client, activities_index, activities):
    feed = parse_feed(client.get("/activities/rss/?society=CMES"), "application/rss+xml")
    assert [e.title for e in feed.entries] == ["智能制造发展论坛"]
    # An invalid condition is ignored, as on the list.
    feed = parse_feed(client.get("/activities/atom/?society=NOPE&kind=x"), "application/atom+xml")
    assert len(feed.entries) == 2


def test_feed_holds_the_latest_fifty(client, society_pages):
    cmes = society_pages["CMES"]
    for n in range(53):
        ActivityPageFactory(
            parent=cmes, title=f"活动{n}", start_date=D(2021, 1, 1) + datetime.timedelta(days=n)
        )
    feed = parse_feed(client.get("/activities/rss/"), "application/rss+xml")
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "活动52"
    assert feed.entries[-1].title == "活动3"


def test_empty_feeds_are_valid(client, activities_index):
    for url, content_type in (
        ("/activities/rss/", "application/rss+xml"),
        ("/activities/atom/", "application/atom+xml"),
    ):
        feed = parse_feed(client.get(url), content_type)
        assert feed.entries == []


def test_feeds_of_a_private_index_need_a_login(client, activities_index, activities):
    PageViewRestriction.objects.create(
        page=activities_index, restriction_type=PageViewRestriction.LOGIN
    )
    for url in ("/activities/rss/", "/activities/atom/", "/activities/ical/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
