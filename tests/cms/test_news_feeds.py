"""RSS and Atom feeds of the news on the news index: well-formed, Chinese intact, live public news
only, the newest 50."""

import datetime

import feedparser
import pytest
from lxml import html as lxml_html
from wagtail.models import PageViewRestriction

from tests.cms.factories import NewsPageFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def parse_feed(response, content_type):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.fixture
def news(news_index):
    first = NewsPageFactory(
        parent=news_index,
        title="联合体召开2021年第一次工作会议",
        date=D(2021, 1, 15),
        lead="会议在北京召开，审议年度工作计划。",
    )
    second = NewsPageFactory(
        parent=news_index, title="“中国智能制造科技进展”征集启动", date=D(2021, 4, 15), lead=""
    )
    NewsPageFactory(parent=news_index, title="未发布的新闻", live=False)
    private = NewsPageFactory(parent=news_index, title="内部新闻")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return first, second


@pytest.mark.parametrize(
    ("url", "content_type", "version"),
    [
        ("/news/rss/", "application/rss+xml", "rss20"),
        ("/news/atom/", "application/atom+xml", "atom10"),
    ],
)
def test_news_feeds(client, news, url, content_type, version):
    first, second = news
    response = client.get(url)
    feed = parse_feed(response, content_type)
    assert feed.version == version
    assert feed.feed.title.startswith("新闻动态")
    assert [e.title for e in feed.entries] == [second.title, first.title]
    assert [e.link for e in feed.entries] == [second.full_url, first.full_url]
    assert feed.entries[1].summary == "会议在北京召开，审议年度工作计划。"
    assert feed.entries[0].summary == second.title  # no lead: the title stands in
    body = response.content.decode()
    assert "未发布的新闻" not in body and "内部新闻" not in body


def test_news_feed_holds_the_latest_fifty(client, news_index):
    for n in range(52):
        NewsPageFactory(
            parent=news_index, title=f"新闻{n}", date=D(2021, 1, 1) + datetime.timedelta(days=n)
        )
    feed = parse_feed(client.get("/news/rss/"), "application/rss+xml")
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "新闻51"


def test_news_index_still_lists_and_announces_its_feeds(client, news):
    response = client.get("/news/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    assert "联合体召开2021年第一次工作会议" in response.content.decode()
    links = tree.xpath("//link[@rel='alternate']/@href")
    # The news template is not this change's: the links appear once it includes
    # `{% block extra_head %}` with `feed_links`; the context already carries them.
    assert response.context["feed_links"][0][2] == "/news/rss/"
    assert all(link.startswith("/news/") for link in links)


@pytest.mark.parametrize("count", [3, 40])
def test_news_feed_query_count(client, news_index, django_assert_max_num_queries, count):
    for n in range(count):
        NewsPageFactory(parent=news_index, date=D(2021, 1, 1) + datetime.timedelta(days=n))
    for url in ("/news/rss/", "/news/atom/"):
        client.get(url)
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
