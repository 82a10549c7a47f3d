"""What the user sees of entries whose title is no word (`&`, `……`, none at all), of entries
that cannot be stored, and of feeds that name themselves in HTML — against the local feed
server serving the fixture feeds."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError

from activities import ingest as ingest_module
from activities.ingest import describe_error, ingest_feed
from activities.models import ActivityPage, Feed, FeedEntry, FeedStatus
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    feed_server_fixture,
    local_feeds_fixture,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2021, 7, 22, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


def feed_for(society_pages, server, path, abbreviation="CAA", **kwargs):
    society = society_pages[abbreviation].society
    return FeedFactory(society=society, url=server.url(path), **kwargs)


def short_key(guid):
    return hashlib.sha256(f"id:{guid}".encode()).hexdigest()[:8]


def test_entries_whose_title_is_no_word_are_stored(society_pages, local_feeds):
    feed = feed_for(society_pages, local_feeds, "/feeds/odd-titles.xml")
    result = ingest_feed(feed, now=NOW)

    assert (result.error, result.created, result.failed) == ("", 6, 0)
    pages = {
        entry.guid: entry.page
        for entry in FeedEntry.objects.filter(feed=feed).select_related("page")
    }
    assert {guid: (page.title, page.slug) for guid, page in pages.items()} == {
        # No letter or digit: the slug is the entry's date and a short hash of its key.
        "ces-2101": ("&", f"20210710-{short_key('ces-2101')}"),
        "ces-2102": ("……", f"20210711-{short_key('ces-2102')}"),
        # No title: the start of the text.
        "ces-2103": (
            "学会召开第十一届理事会第三次会议，审议通过年度工作报告和财务报告，选举产生新一…",
            "学会召开第十一届理事会第三次会议审议通过年度工作报告和财务报告选举产生新一",
        ),
        "ces-2104": ("青年科学家沙龙在上海举行", "青年科学家沙龙在上海举行"),
        "ces-2105": ("🎉🎉", f"20210714-{short_key('ces-2105')}"),
        # Neither title nor text.
        "ces-2106": ("（无标题）", "无标题"),
    }
    for page in pages.values():
        assert page.latest_revision_id and page.workflow_in_progress
    feed.refresh_from_db()
    assert (feed.status, feed.last_error, feed.last_warning) == (FeedStatus.OK, "", "")
    assert result.summary().endswith("新增 6 条，跳过重复 0 条")

    # The next full fetch recognises every one of them; nothing repeats.
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    again = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(hours=1))
    assert (again.created, again.duplicates, again.failed) == (0, 6, 0)
    assert ActivityPage.objects.count() == 6


def test_a_word_less_title_in_two_feeds_of_one_society_gets_two_slugs(society_pages, local_feeds):
    first = feed_for(society_pages, local_feeds, "/feeds/odd-titles.xml")
    second = feed_for(society_pages, local_feeds, "/feeds/odd-titles.xml?type=text/xml")
    assert ingest_feed(first, now=NOW).created == 6
    assert ingest_feed(second, now=NOW).created == 6
    slugs = sorted(ActivityPage.objects.filter(title="&").values_list("slug", flat=True))
    base = f"20210710-{short_key('ces-2101')}"
    assert slugs == [base, f"{base}-2"]
    untitled = ActivityPage.objects.filter(title="（无标题）")
    assert sorted(untitled.values_list("slug", flat=True)) == ["无标题", "无标题-2"]


def test_an_entry_that_cannot_be_stored_is_counted_and_said_in_chinese(
    society_pages, local_feeds, monkeypatch
):
    """An entry the page's validation refuses (here: an end before its start, made by a bug)
    leaves the others stored; the feed's status says entries are missing, and the warning is
    a sentence, not `{'end_date': [...]}`."""
    real = ingest_module.draft

    def bad_end(item, today, warnings):
        page = real(item, today, warnings)
        if item.guid == "ces-2102":
            page.end_date = page.start_date - datetime.timedelta(days=1)
        return page

    monkeypatch.setattr(ingest_module, "draft", bad_end)
    feed = feed_for(society_pages, local_feeds, "/feeds/odd-titles.xml", title="电工学会动态")
    result = ingest_feed(feed, now=NOW)

    assert (result.error, result.created, result.failed) == ("", 5, 1)
    assert not FeedEntry.objects.filter(guid="ces-2102").exists()
    feed.refresh_from_db()
    assert feed.status == FeedStatus.PARTIAL
    assert feed.get_status_display() == "部分条目未能导入"
    assert not feed.healthy
    assert feed.last_error == ""
    assert feed.last_warning == (
        "有 1 个条目未能导入，下次抓取时重试；"
        "条目《……》未能导入（结束日期：结束日期不能早于开始日期）"
    )
    for shown in (feed.last_warning, result.summary()):
        assert "{" not in shown and "[" not in shown and "ValidationError" not in shown
    assert result.summary() == (
        "电工学会动态（CAA）：新增 5 条，跳过重复 0 条，1 条未能导入（下次抓取时重试）；"
        "提示：有 1 个条目未能导入，下次抓取时重试；"
        "条目《……》未能导入（结束日期：结束日期不能早于开始日期）"
    )

    # Fixed: the next fetch stores it, and the feed is well again.
    monkeypatch.setattr(ingest_module, "draft", real)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    again = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(hours=1))
    assert (again.created, again.duplicates, again.failed) == (1, 5, 0)
    feed.refresh_from_db()
    assert (feed.status, feed.last_warning) == (FeedStatus.OK, "")
    assert ActivityPage.objects.get(feed_entries__guid="ces-2102").title == "……"


def test_errors_are_described_in_words():
    slug = ValidationError({"slug": ["此字段不能为空。"]})
    assert describe_error(slug) == "缩略名：此字段不能为空"
    assert describe_error(
        ValidationError({"title": ["此字段不能为空。"], "summary": ["太长。", "不对。"]})
    ) == ("标题：此字段不能为空；摘要：太长，不对")
    assert describe_error(ValidationError("内容有误。")) == "内容有误"
    assert describe_error(ValidationError({"__all__": ["整体有误。"]})) == "整体有误"
    assert describe_error(KeyError("x")) == "程序内部错误（KeyError）"


@pytest.mark.parametrize(
    ("path", "entry_title"),
    [
        ("/feeds/atom-html-title.xml", "学术年会在北京召开"),
        ("/feeds/atom-xhtml-title.xml", "学术年会在北京召开 & 闭幕"),
    ],
)
def test_a_feed_named_in_html_is_named_in_plain_text(society_pages, local_feeds, path, entry_title):
    feed = feed_for(society_pages, local_feeds, path, abbreviation="CIS", title="")
    result = ingest_feed(feed, now=NOW)
    assert result.created == 1
    feed.refresh_from_db()
    assert feed.title == "Example Atom 学会新闻"
    assert str(feed) == "Example Atom 学会新闻"
    assert ActivityPage.objects.get().title == entry_title


def test_an_invalid_link_is_dropped_with_a_warning_and_the_entry_kept(society_pages, local_feeds):
    links = ["http://exa mple.org/x", "https://", "https://例子.中国/新闻"]
    items = "".join(
        f"<item><title>学会会议{n}</title><guid>g{n}</guid><link>{link}</link>"
        "<pubDate>Sat, 10 Jul 2021 09:00:00 +0800</pubDate><description>甲</description></item>"
        for n, link in enumerate(links)
    )
    document = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}'
    local_feeds.documents["links"] = ((document + "</channel></rss>").encode(), "text/xml")
    feed = feed_for(society_pages, local_feeds, "/doc/links")
    result = ingest_feed(feed, now=NOW)
    assert (result.created, result.failed) == (3, 0)
    assert dict(ActivityPage.objects.values_list("title", "source_url")) == {
        "学会会议0": "",
        "学会会议1": "",
        "学会会议2": "https://例子.中国/新闻",
    }
    feed.refresh_from_db()
    assert feed.status == FeedStatus.OK
    assert feed.last_warning == (
        "条目《学会会议0》的原文链接无效，未保存：http://exa mple.org/x；"
        "条目《学会会议1》的原文链接无效，未保存：https://"
    )
