"""Feed entries become draft activities in the secretariat's moderation queue, once — against a
real local HTTP server serving the fixture feeds."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from wagtail.models import WorkflowState

from activities import ingest as ingest_module
from activities.entries import sanitise_body
from activities.ingest import ingest_due_feeds, ingest_feed
from activities.models import ActivityPage, Feed, FeedEntry, FeedStatus
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    FIXTURES,
    feed_server_fixture,
    local_feeds_fixture,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2021, 7, 22, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


def feed_for(society_pages, server, path, abbreviation="CAA", **kwargs):
    society = society_pages[abbreviation].society
    return FeedFactory(society=society, url=server.url(path), **kwargs)


def drafts(abbreviation=None):
    pages = ActivityPage.objects.order_by("start_date", "pk")
    if abbreviation:
        pages = pages.filter(society__abbreviation=abbreviation)
    return list(pages)


def in_moderation(page):
    state = WorkflowState.objects.filter(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).first()
    return state is not None and state.current_task_state.task.name == "秘书处审核"


def test_rss_entries_become_drafts_waiting_for_the_secretariat(society_pages, local_feeds):
    feed = feed_for(society_pages, local_feeds, "/feeds/rss2.xml", interval_minutes=30)
    result = ingest_feed(feed, now=NOW)

    assert (result.created, result.duplicates) == (5, 1)
    pages = {page.title: page for page in drafts("CAA")}
    assert set(pages) == {
        "2021智能制造论坛在潍坊召开",
        "智能制造工程师培训班开班",
        "学会走访调研智能制造示范企业",
        "智能制造云课堂第十期",
        "学会召开常务理事会议，审议年度工作报告和下半年工作计划，部署重点任务。",
    }
    for page in pages.values():
        assert not page.live
        assert page.source == "feed"
        assert page.get_parent().pk == society_pages["CAA"].pk
        assert page.society.abbreviation == "CAA"
        assert page.summary
        assert in_moderation(page), page.title

    forum = pages["2021智能制造论坛在潍坊召开"]
    # 17:30 GMT on 7 July is already 8 July in Shanghai.
    assert forum.start_date == datetime.date(2021, 7, 8)
    assert forum.kind == "forum"
    assert forum.source_url == "https://www.caa.example.org/news/2021/forum.html"
    assert forum.summary == "论坛在山东潍坊召开，300 余位代表参加，交流智能制造发展经验。"
    assert "<strong>300 余位</strong>" in forum.body[0].value.source

    assert pages["智能制造工程师培训班开班"].kind == "training"
    assert pages["学会走访调研智能制造示范企业"].kind == "visit"
    # No date: the day it was fetched (Shanghai), and the feed says so.
    assert pages["学会走访调研智能制造示范企业"].start_date == datetime.date(2021, 7, 22)
    cloud_class = pages["智能制造云课堂第十期"]
    assert cloud_class.kind == "class"
    assert cloud_class.source_url == ""  # the entry had no link
    untitled = pages["学会召开常务理事会议，审议年度工作报告和下半年工作计划，部署重点任务。"]
    assert untitled.kind == "meeting"

    feed.refresh_from_db()
    assert feed.status == FeedStatus.OK
    assert feed.last_status_code == 200
    assert feed.consecutive_failures == 0
    assert feed.etag and feed.last_modified
    assert feed.last_success_at == NOW
    assert feed.next_fetch_at == NOW + datetime.timedelta(minutes=30)
    assert feed.lease_until is None
    assert feed.last_error == ""
    assert "条目 ID 重复：caa-news-1001，已跳过重复的条目" in feed.last_warning
    assert "条目《学会走访调研智能制造示范企业》没有日期，已按抓取当天（2021-07-22）登记" in (
        feed.last_warning
    )
    assert FeedEntry.objects.filter(feed=feed).count() == 5
    assert "新增 5 条，跳过重复 1 条" in result.summary()


def test_script_iframes_and_javascript_links_do_not_survive(society_pages, local_feeds):
    feed = feed_for(society_pages, local_feeds, "/feeds/rss2.xml")
    ingest_feed(feed, now=NOW)
    page = ActivityPage.objects.get(title="智能制造工程师培训班开班")
    body = page.body[0].value.source
    for forbidden in ("<script", "alert", "<iframe", "evil.example.com", "onclick", "onmouseover"):
        assert forbidden not in body
    assert "javascript:" not in body
    assert '<a href="https://www.caa.example.org/apply">报名页面</a>' in body
    assert "<li>课程一：数字孪生</li>" in body
    # The javascript: link is left as its text.
    assert "，报名请见" in body
    rendered = str(page.body[0].value)
    assert "<script" not in rendered and "javascript:" not in rendered


def test_sanitise_body_keeps_what_the_rich_text_supports():
    html = (
        '<h2 onclick="x()">小标题</h2>正文开头<div>一段<em>文字</em><img src="https://a/b.png"></div>'
        '<p><a href="data:text/html,x">数据链接</a><a href="http://ok.example/">好链接</a></p>'
        "<style>p{}</style><object data='x'></object>"
    )
    assert sanitise_body(html) == (
        "<p><b>小标题</b></p><p>正文开头</p><p>一段<em>文字</em></p>"
        '<p>数据链接<a href="http://ok.example/">好链接</a></p>'
    )


def test_atom_feed(society_pages, local_feeds):
    feed = feed_for(society_pages, local_feeds, "/feeds/atom.xml", abbreviation="CIS", title="")
    result = ingest_feed(feed, now=NOW)
    assert result.created == 2
    annual, seminar = drafts("CIS")
    assert annual.title == "仪器仪表学术年会在北京召开"
    assert annual.start_date == datetime.date(2021, 8, 1)
    assert annual.kind == "meeting"
    assert annual.summary == "年会以“智能感知”为主题。"
    assert "<em>智能感知</em>" in annual.body[0].value.source
    assert seminar.title == "智能传感器标准研讨会议"
    # Published 23:30 UTC on 31 July: 1 August in Shanghai.
    assert seminar.start_date == datetime.date(2021, 8, 1)
    feed.refresh_from_db()
    # A feed registered without a name takes the feed's own title.
    assert feed.title == "中国仪器仪表学会·学会新闻"
    assert feed.last_error == ""


@pytest.mark.parametrize(
    ("path", "warning"),
    [
        ("/feeds/gbk.xml", ""),
        ("/feeds/gbk.xml?type=text/xml", ""),
        ("/feeds/gbk-undeclared.xml", "订阅源未声明编码，已按 GB18030（GBK）解码"),
        ("/feeds/gbk-undeclared.xml?type=text/xml;+charset=gb2312", ""),
        (
            "/feeds/wrong-declaration.xml",
            "订阅源声明的编码（UTF-8）与实际内容不符，已按 GB18030 解码",
        ),
    ],
)
def test_chinese_encodings_come_out_right(society_pages, local_feeds, path, warning):
    feed = feed_for(society_pages, local_feeds, path, abbreviation="CMES")
    result = ingest_feed(feed, now=NOW)
    assert result.error == ""
    titles = [page.title for page in drafts("CMES")]
    if "wrong" in path:
        assert titles == ["学会举办智能制造培训班"]
        assert drafts("CMES")[0].summary == "培训班为期三天，学员来自六十余家企业。"
    else:
        assert titles == [
            "中国机械工程学会智能制造论坛在杭州召开",
            "学会秘书处走访调研装备制造企业",
        ]
        # 喆 and 镕 are GBK, not GB2312: a GB2312 decoder would fail on them.
        assert drafts("CMES")[0].summary == "论坛由学会主办，院士喆镕作主旨报告。"
    feed.refresh_from_db()
    assert feed.status == FeedStatus.OK
    assert (feed.last_error, feed.last_warning) == ("", warning)


BROKEN = [
    ("/feeds/not-xml.txt", "XML 解析失败（第 2 行第 6 列）：not well-formed (invalid token)"),
    ("/feeds/truncated.xml", "XML 解析失败（第 18 行第 6 列）：unclosed token"),
    ("/feeds/page.html", "不是 RSS 或 Atom 订阅源（收到的是 HTML 网页）"),
    (
        "/feeds/page.html?type=application/rss%2Bxml",
        "不是 RSS 或 Atom 订阅源（收到的是 HTML 网页）",
    ),
    ("/huge", "响应超过 5 MiB 上限，已停止下载"),
    ("/huge?length=0", "响应超过 5 MiB 上限，已停止下载"),
    ("/slow", "下载超时（超过 2 秒仍未完成）"),
    ("/hang", "下载超时（超过 2 秒仍未完成）"),
    ("/status/500", "HTTP 500"),
    ("/status/404", "HTTP 404"),
]


@pytest.mark.parametrize(("path", "message"), BROKEN)
def test_bad_input_leaves_a_clear_error_and_nothing_half_imported(
    society_pages, local_feeds, path, message
):
    feed = feed_for(society_pages, local_feeds, path, interval_minutes=60)
    result = ingest_feed(feed, now=NOW)
    assert result.error == message
    feed.refresh_from_db()
    assert feed.status == FeedStatus.ERROR
    assert feed.last_error == message
    assert feed.consecutive_failures == 1
    assert feed.next_fetch_at == NOW + datetime.timedelta(hours=2)
    assert feed.lease_until is None
    assert feed.active
    assert drafts() == []
    assert not FeedEntry.objects.exists()
    assert f"抓取失败：{message}" in result.summary()


def test_a_failure_loses_nothing_already_ingested(society_pages, local_feeds):
    local_feeds.documents["news"] = ((FIXTURES / "rss2.xml").read_bytes(), "application/rss+xml")
    feed = feed_for(society_pages, local_feeds, "/doc/news")
    ingest_feed(feed, now=NOW)
    before = {page.pk for page in drafts()}
    assert len(before) == 5

    local_feeds.documents["news"] = ((FIXTURES / "truncated.xml").read_bytes(), "text/xml")
    etag = Feed.objects.get(pk=feed.pk).etag
    result = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(hours=1))
    assert result.error.startswith("XML 解析失败")
    assert {page.pk for page in drafts()} == before
    assert FeedEntry.objects.filter(feed=feed).count() == 5
    feed.refresh_from_db()
    # The validators of the good copy are kept, so a later fetch is still conditional.
    assert feed.etag == etag

    local_feeds.documents["news"] = ((FIXTURES / "rss2.xml").read_bytes(), "application/rss+xml")
    result = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(hours=2))
    assert result.status == FeedStatus.NOT_MODIFIED
    assert {page.pk for page in drafts()} == before
    feed.refresh_from_db()
    assert (feed.status, feed.consecutive_failures, feed.last_error) == ("not_modified", 0, "")


def test_ingesting_twice_creates_nothing_twice(society_pages, local_feeds):
    feed = feed_for(society_pages, local_feeds, "/feeds/rss2.xml")
    ingest_feed(feed, now=NOW)
    # Conditional GET: the server says 304.
    again = ingest_feed(feed, force=True, now=NOW)
    assert again.status == FeedStatus.NOT_MODIFIED
    assert "无更新（HTTP 304）" in again.summary()
    # Without validators the whole feed comes again, and every entry is recognised.
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    feed.refresh_from_db()
    third = ingest_feed(feed, force=True, now=NOW)
    assert (third.created, third.duplicates) == (0, 6)
    assert len(drafts()) == 5
    assert FeedEntry.objects.count() == 5


def test_entries_without_guid_are_recognised_by_link_then_by_content(society_pages, local_feeds):
    def rss(*items):
        body = "".join(f"<item>{item}</item>" for item in items)
        text = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}'
        return (text + "</channel></rss>").encode(), "application/rss+xml"

    with_link = (
        "<title>学会会议</title><link>https://s.example.org/1</link><description>甲</description>"
    )
    no_link = "<title>学会培训</title><description>乙</description>"
    local_feeds.documents["plain"] = rss(with_link, no_link)
    feed = feed_for(society_pages, local_feeds, "/doc/plain")
    assert ingest_feed(feed, now=NOW).created == 2
    # The linked entry's title was edited; the unlinked one is unchanged.
    edited = with_link.replace("学会会议", "学会会议（更正）")
    local_feeds.documents["plain"] = rss(edited, no_link)
    result = ingest_feed(feed, force=True, now=NOW)
    assert (result.created, result.duplicates) == (0, 2)
    assert sorted(page.title for page in drafts()) == ["学会会议", "学会培训"]


def test_a_racing_worker_is_stopped_by_the_unique_constraint(
    society_pages, local_feeds, monkeypatch
):
    """Another worker stored the entries between our check and our insert: the insert fails on
    (feed, key), and no draft of ours is left behind."""
    feed = feed_for(society_pages, local_feeds, "/feeds/atom.xml")
    ingest_feed(feed, now=NOW)
    pages_before = ActivityPage.objects.count()
    monkeypatch.setattr(ingest_module, "_already_ingested", lambda feed, item: False)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    result = ingest_feed(feed, force=True, now=NOW)
    assert (result.created, result.duplicates) == (0, 2)
    assert ActivityPage.objects.count() == pages_before
    assert FeedEntry.objects.count() == 2


def test_rejected_or_deleted_drafts_do_not_come_back(society_pages, local_feeds, users):
    feed = feed_for(society_pages, local_feeds, "/feeds/atom.xml")
    ingest_feed(feed, now=NOW)
    annual, seminar = drafts()
    # The secretariat rejects one draft and deletes the other.
    state = WorkflowState.objects.get(object_id=str(annual.pk))
    state.current_task_state.specific.reject(user=users["editor"], comment="与本会无关")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    seminar.delete()

    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    result = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(days=1))
    assert (result.created, result.duplicates) == (0, 2)
    assert [page.title for page in drafts()] == ["仪器仪表学术年会在北京召开"]
    assert FeedEntry.objects.filter(feed=feed).count() == 2
    assert FeedEntry.objects.filter(page__isnull=True).count() == 1


def test_failures_back_off_and_mark_the_feed_unhealthy(society_pages, local_feeds):
    local_feeds.documents["flaky"] = 503
    feed = feed_for(society_pages, local_feeds, "/doc/flaky", interval_minutes=60)
    now = NOW
    delays = []
    statuses = []
    for _attempt in range(7):
        result = ingest_feed(feed, now=now)
        assert result.error == "HTTP 503"
        feed.refresh_from_db()
        delays.append(feed.next_fetch_at - now)
        statuses.append(feed.status)
        now = feed.next_fetch_at
    hours = [delay / datetime.timedelta(hours=1) for delay in delays]
    assert hours == [2, 4, 8, 16, 24, 24, 24]
    assert statuses == ["error"] * 4 + ["unhealthy"] * 3
    assert feed.consecutive_failures == 7
    assert feed.active  # still retried, slowly
    assert not feed.healthy

    # Not due yet: the periodic run leaves it alone.
    assert ingest_due_feeds(now=now - datetime.timedelta(minutes=1)) == []
    local_feeds.documents["flaky"] = ((FIXTURES / "atom.xml").read_bytes(), "application/atom+xml")
    [result] = ingest_due_feeds(now=now)
    assert result.created == 2
    feed.refresh_from_db()
    assert (feed.status, feed.consecutive_failures, feed.last_error) == ("ok", 0, "")
    assert feed.next_fetch_at == now + datetime.timedelta(hours=1)


def test_410_stops_the_feed(society_pages, local_feeds):
    feed = feed_for(society_pages, local_feeds, "/status/410")
    result = ingest_feed(feed, now=NOW)
    assert result.error == "订阅源已失效（HTTP 410），已停止抓取"
    feed.refresh_from_db()
    assert not feed.active
    assert feed.status == FeedStatus.GONE
    assert feed.last_status_code == 410
    assert feed.last_error == "订阅源已失效（HTTP 410），已停止抓取"
    requests = len(local_feeds.requests)
    assert ingest_due_feeds(now=NOW + datetime.timedelta(days=30)) == []
    skipped = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(days=30))
    assert skipped.skipped == "订阅源已停用，未抓取"
    assert len(local_feeds.requests) == requests


def test_a_feed_held_by_another_worker_is_skipped(society_pages, local_feeds):
    feed = feed_for(
        society_pages,
        local_feeds,
        "/feeds/atom.xml",
        lease_until=NOW + datetime.timedelta(minutes=3),
    )
    result = ingest_feed(feed, force=True, now=NOW)
    assert result.skipped == "另一个进程正在抓取，已跳过"
    assert drafts() == []
    assert local_feeds.requests == []
    # A lease left by a worker that died expires.
    later = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(minutes=4))
    assert later.created == 2


def test_due_feeds_only(society_pages, local_feeds):
    due = feed_for(society_pages, local_feeds, "/feeds/atom.xml", abbreviation="CIS")
    later = feed_for(
        society_pages,
        local_feeds,
        "/feeds/gbk.xml",
        abbreviation="CMES",
        next_fetch_at=NOW + datetime.timedelta(minutes=10),
    )
    results = ingest_due_feeds(now=NOW)
    assert [result.feed.pk for result in results] == [due.pk]
    assert len(drafts("CIS")) == 2
    assert drafts("CMES") == []
    later.refresh_from_db()
    assert later.status == FeedStatus.NEW


# Two writers at once need PostgreSQL: SQLite's in-memory test database may refuse the second
# writer with "table is locked". CI runs the suite on PostgreSQL.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two writers at once need PostgreSQL"
)


def ingest_twice_at_once(feed):
    """Two threads ingest `feed` at the same moment; their results and any errors."""
    start = threading.Barrier(2)
    results = []
    errors = []

    def work():
        try:
            start.wait()
            results.append(ingest_feed(Feed.objects.get(pk=feed.pk), force=True))
        except Exception as error:  # reported by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_create_each_entry_once(society_pages, local_feeds):
    feed = feed_for(society_pages, local_feeds, "/feeds/rss2.xml")
    results, errors = ingest_twice_at_once(feed)
    assert errors == []
    assert sum(result.created for result in results) == 5
    assert len(drafts()) == 5
    assert FeedEntry.objects.count() == 5
    assert sorted(bool(result.skipped) for result in results) == [False, True]


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_past_the_lease_still_create_each_entry_once(
    society_pages, local_feeds, monkeypatch
):
    """Even if both workers got in (a lease that expired mid-run), the unique constraint keeps
    each entry single."""
    feed = feed_for(society_pages, local_feeds, "/feeds/rss2.xml")

    def no_lease(feed, now, force):
        lease = now + ingest_module.lease_duration()
        Feed.objects.filter(pk=feed.pk).update(lease_until=lease)
        return lease

    monkeypatch.setattr(ingest_module, "_acquire", no_lease)
    results, errors = ingest_twice_at_once(feed)
    assert errors == []
    assert sum(result.created for result in results) == 5
    assert len(drafts()) == 5
    assert FeedEntry.objects.count() == 5


def test_a_society_without_its_page_is_an_error(society_pages, local_feeds):
    from cms.models import MemberSociety

    society = MemberSociety.objects.create(name="某某学会", abbreviation="XX")
    # Saving a society makes its page; take it away to stand for a site being set up.
    society.activities_page.delete()
    feed = FeedFactory(society=society, url=local_feeds.url("/feeds/atom.xml"))
    result = ingest_feed(feed, now=NOW)
    assert result.error == "成员学会 XX 还没有活动栏目页面，无法导入"
    assert drafts() == []


def test_timezone_is_shanghai_for_the_fetch_day(society_pages, local_feeds):
    # 20:00 UTC is already the next day in Shanghai.
    late = datetime.datetime(2021, 7, 22, 20, 0, tzinfo=datetime.UTC)
    feed = feed_for(society_pages, local_feeds, "/feeds/rss2.xml")
    ingest_feed(feed, now=late)
    visit = ActivityPage.objects.get(title="学会走访调研智能制造示范企业")
    assert visit.start_date == datetime.date(2021, 7, 23)
    assert timezone.localtime(late).date() == datetime.date(2021, 7, 23)
