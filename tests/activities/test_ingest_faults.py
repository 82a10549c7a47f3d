"""Faults of one entry stay that entry's, faults of one feed stay that feed's: bad dates, a run
over several due feeds where one fails, slow servers and feeds that dump their archive —
against the local feed server."""

import datetime

import pytest
from django.db import OperationalError

from activities import ingest as ingest_module
from activities.entries import entry_date
from activities.ingest import ingest_due_feeds, ingest_feed, lease_duration
from activities.models import ActivityPage, Feed, FeedEntry
from activities.models import feeds as feed_models
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    feed_server_fixture,
    local_feeds_fixture,
    rss,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2021, 7, 22, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
TODAY = datetime.date(2021, 7, 22)


def serve(server, name, items):
    server.documents[name] = (rss(items), "application/rss+xml")
    return server.url(f"/doc/{name}")


def feed_at(society_pages, url, abbreviation="CAA", **kwargs):
    return FeedFactory(society=society_pages[abbreviation].society, url=url, **kwargs)


def titles(feed):
    return sorted(FeedEntry.objects.filter(feed=feed).values_list("title", flat=True))


def assert_whole(feed):
    """Every entry of the feed has its draft, in moderation, and every draft its entry."""
    entries = FeedEntry.objects.filter(feed=feed)
    assert all(entry.page_id for entry in entries)
    pages = ActivityPage.objects.filter(feed_entries__feed=feed)
    assert pages.count() == entries.count()
    for page in pages:
        assert page.latest_revision_id
        assert page.workflow_in_progress, page.title


# Bad dates --------------------------------------------------------------------------------------


BAD_DATES = [
    # feedparser makes year -1 of it: no date at all.
    ("0000-00-00", "“0000-00-00”无法识别"),
    # A valid UTC moment that is already year 10000 in Shanghai.
    ("9999-12-31T23:00:00Z", "“9999-12-31T23:00:00Z”无法识别"),
    ("Fri, 31 Dec 9999 23:59:59 GMT", "“Fri, 31 Dec 9999 23:59:59 GMT”无法识别"),
    ("2031-07-22T10:00:00+08:00", "“2031-07-22T10:00:00+08:00”晚于抓取日一年以上"),
    ("Thu, 01 Jan 1970 00:00:00 GMT", "“Thu, 01 Jan 1970 00:00:00 GMT”早于 1999 年"),
    ("0001-01-01T00:00:00Z", "“0001-01-01T00:00:00Z”早于 1999 年"),
    ("下周三", "“下周三”无法识别"),
]


def test_a_bad_date_is_the_entrys_warning_and_the_entry_is_imported(society_pages, local_feeds):
    """An editor would rather have the activity with a date to check than lose it: each entry
    with a bad date is imported like an undated one (the day it was fetched), and the warning
    says which date the feed gave, so that the moderator corrects it before publishing. The
    good entries around them are imported as they are."""
    items = [("good-1", "智能制造论坛开幕", "Mon, 19 Jul 2021 08:00:00 +0800")]
    items += [(f"bad-{n}", f"研讨会第{n}期", written) for n, (written, _) in enumerate(BAD_DATES)]
    items.append(("good-2", "培训班结业", "Tue, 20 Jul 2021 08:00:00 +0800"))
    feed = feed_at(society_pages, serve(local_feeds, "dates", items))
    result = ingest_feed(feed, now=NOW)

    assert (result.error, result.created) == ("", len(items))
    assert titles(feed) == sorted(title for _guid, title, _date in items)
    assert ActivityPage.objects.get(title="培训班结业").start_date == datetime.date(2021, 7, 20)
    feed.refresh_from_db()
    assert (feed.status, feed.consecutive_failures, feed.last_error) == ("ok", 0, "")
    warnings = feed.last_warning.split("；")
    for n, (_written, problem) in enumerate(BAD_DATES):
        page = ActivityPage.objects.get(title=f"研讨会第{n}期")
        assert page.start_date == TODAY
        assert FeedEntry.objects.get(page=page).published is None
        assert (
            f"条目《研讨会第{n}期》的日期{problem}，已按抓取当天（2021-07-22）登记，请审核时核对"
            in warnings
        )
    assert len(warnings) == len(BAD_DATES)
    assert_whole(feed)
    # Nothing is left half done: the next full fetch (no 304) finds every entry already there.
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    again = ingest_feed(feed, force=True, now=NOW + datetime.timedelta(hours=2))
    assert (again.created, again.duplicates) == (0, len(items))


@pytest.mark.parametrize(
    "parsed",
    [
        (2021, 2, 30, 0, 0, 0, 0, 0, 0),  # 30 February
        (2021, 7),  # too short
        ("2021", "07", "22", 0, 0, 0),  # not numbers
        (-1, 11, 30, 0, 0, 0, 1, 334, 0),  # what feedparser makes of 0000-00-00
    ],
)
def test_odd_tuples_are_no_date(parsed):
    day, problem = entry_date({"published_parsed": parsed}, TODAY)
    assert day is None
    assert problem.endswith("无法识别")


def test_a_bad_published_date_falls_back_to_the_updated_one():
    entry = {
        "published": "0000-00-00",
        "published_parsed": (-1, 11, 30, 0, 0, 0, 1, 334, 0),
        "updated": "2021-07-20T10:00:00+08:00",
        "updated_parsed": (2021, 7, 20, 2, 0, 0, 1, 201, 0),
    }
    assert entry_date(entry, TODAY) == (datetime.date(2021, 7, 20), "")


def test_a_date_a_few_months_ahead_is_kept():
    """Societies announce what is coming: a date within a year after the fetch is believed."""
    entry = {"published_parsed": (2022, 3, 1, 2, 0, 0, 1, 60, 0)}
    assert entry_date(entry, TODAY) == (datetime.date(2022, 3, 1), "")


# One feed's fault is never another feed's -------------------------------------------------------


@pytest.fixture
def three_feeds(society_pages, local_feeds):
    """Three due feeds of three societies; the middle one (in the run's order) is `bad`."""
    feeds = {}
    for position, (name, abbreviation) in enumerate(
        [("first", "CAA"), ("bad", "CMES"), ("last", "CIS")]
    ):
        url = serve(
            local_feeds,
            name,
            [
                (f"{name}-1", f"{name} 论坛", "Wed, 21 Jul 2021 08:00:00 +0800"),
                (f"{name}-2", f"{name} 会议", "Tue, 20 Jul 2021 08:00:00 +0800"),
                (f"{name}-3", f"{name} 培训", "Mon, 19 Jul 2021 08:00:00 +0800"),
            ],
        )
        feeds[name] = feed_at(
            society_pages,
            url,
            abbreviation,
            next_fetch_at=NOW - datetime.timedelta(minutes=30 - position),
        )
    return feeds


def assert_ingested(feed):
    feed.refresh_from_db()
    assert (feed.status, feed.last_error, feed.lease_until) == ("ok", "", None)
    assert len(titles(feed)) == 3
    assert_whole(feed)


def test_a_run_goes_on_past_a_feed_with_a_bad_date(three_feeds, local_feeds):
    local_feeds.documents["bad"] = (
        rss(
            [
                ("bad-1", "bad 论坛", "Wed, 21 Jul 2021 08:00:00 +0800"),
                ("bad-2", "bad 会议", "0000-00-00"),
                ("bad-3", "bad 培训", "9999-12-31T23:00:00Z"),
            ]
        ),
        "application/rss+xml",
    )
    results = ingest_due_feeds(now=NOW)
    assert [result.feed.pk for result in results] == [feed.pk for feed in three_feeds.values()]
    for feed in three_feeds.values():
        assert_ingested(feed)
    bad = three_feeds["bad"]
    assert "“0000-00-00”无法识别" in bad.last_warning
    assert "“9999-12-31T23:00:00Z”无法识别" in bad.last_warning


def test_a_feed_that_raises_is_recorded_on_it_and_the_run_goes_on(
    three_feeds, local_feeds, monkeypatch
):
    """A bug that strikes in the middle of one feed (here: at its second entry) fails that feed
    alone: its first entry is stored whole, it backs off, and the other feeds are ingested."""
    real = ingest_module._already_ingested

    def buggy(feed, item):
        if item.guid == "bad-2":
            raise RuntimeError("a bug")
        return real(feed, item)

    monkeypatch.setattr(ingest_module, "_already_ingested", buggy)
    results = ingest_due_feeds(now=NOW)

    assert [result.feed.pk for result in results] == [feed.pk for feed in three_feeds.values()]
    assert_ingested(three_feeds["first"])
    assert_ingested(three_feeds["last"])
    bad = Feed.objects.get(pk=three_feeds["bad"].pk)
    assert results[1].error == "程序内部错误（RuntimeError），已记入日志，稍后重试"
    assert bad.last_error == "程序内部错误（RuntimeError），已记入日志，稍后重试"
    assert (bad.status, bad.consecutive_failures, bad.lease_until) == ("error", 1, None)
    assert bad.next_fetch_at == NOW + 2 * bad.interval
    assert titles(bad) == ["bad 论坛"]
    assert_whole(bad)

    # Fixed, and the back-off over: the rest comes, nothing twice.
    monkeypatch.setattr(ingest_module, "_already_ingested", real)
    result = ingest_feed(bad, now=bad.next_fetch_at)
    assert (result.created, result.duplicates) == (2, 1)
    assert_ingested(bad)


def test_the_database_failing_for_one_feed_leaves_it_due_and_the_run_goes_on(
    three_feeds, monkeypatch
):
    real = ingest_module.fetch

    def flaky_database(url, **kwargs):
        if url.endswith("/bad"):
            raise OperationalError("database is locked")
        return real(url, **kwargs)

    monkeypatch.setattr(ingest_module, "fetch", flaky_database)
    results = ingest_due_feeds(now=NOW)
    assert results[1].error == "数据库暂时不可用（OperationalError），稍后重试"
    assert_ingested(three_feeds["first"])
    assert_ingested(three_feeds["last"])
    bad = Feed.objects.get(pk=three_feeds["bad"].pk)
    # Not the feed's fault: no failure counted, the lease given back, still due.
    assert (bad.status, bad.consecutive_failures, bad.lease_until) == ("new", 0, None)
    assert Feed.objects.due(NOW).filter(pk=bad.pk).exists()
    assert titles(bad) == []


def test_a_run_starts_no_feed_after_its_time(three_feeds, settings):
    """The first feed always runs; past FEEDS_RUN_SECONDS the others wait for the next run."""
    settings.FEEDS_RUN_SECONDS = 0
    [result] = ingest_due_feeds(now=NOW)
    assert result.feed.pk == three_feeds["first"].pk
    waiting = Feed.objects.due(NOW).order_by("next_fetch_at")
    assert list(waiting) == [three_feeds["bad"], three_feeds["last"]]
    assert len(ingest_due_feeds(now=NOW)) == 1


# Slow servers and big feeds ---------------------------------------------------------------------


def test_a_server_dribbling_its_headers_fails_the_feed_at_the_deadline(society_pages, local_feeds):
    feed = feed_at(society_pages, local_feeds.url("/slow-headers"))
    result = ingest_feed(feed, now=NOW)
    assert result.error == "下载超时（超过 2 秒仍未完成）"
    feed.refresh_from_db()
    assert feed.last_error == "下载超时（超过 2 秒仍未完成）"
    assert (feed.status, feed.consecutive_failures, feed.lease_until) == ("error", 1, None)


def test_the_newest_entries_are_taken_up_to_the_cap(society_pages, local_feeds, settings):
    settings.FEEDS_MAX_ENTRIES = 5
    # Twelve entries in no order, one of them undated (it counts as today's, the newest).
    days = [3, 11, 7, 1, 12, 5, 9, 2, 10, 6, 4]
    items = [(f"e{day}", f"第{day}期", f"2021-07-{day:02d}T10:00:00+08:00") for day in days]
    items.insert(4, ("undated", "无日期的一期", None))
    feed = feed_at(society_pages, serve(local_feeds, "archive", items))
    result = ingest_feed(feed, now=NOW)

    assert result.created == 5
    assert sorted(ActivityPage.objects.values_list("title", flat=True)) == sorted(
        ["无日期的一期", "第12期", "第11期", "第10期", "第9期"]
    )
    feed.refresh_from_db()
    assert "订阅源有 12 个条目，只取了最新的 5 个" in feed.last_warning


def test_the_lease_covers_the_download_and_the_entries(society_pages, local_feeds, settings):
    """20 s of download and 200 entries at 0.5 s: 2 minutes, not the 10 it was."""
    settings.FEEDS_TOTAL_TIMEOUT = 20
    settings.FEEDS_MAX_ENTRIES = 200
    assert lease_duration() == datetime.timedelta(minutes=2)
    feed = feed_at(society_pages, local_feeds.url("/feeds/atom.xml"))
    lease = ingest_module._acquire(feed, NOW, force=False)
    assert datetime.timedelta(seconds=120) <= lease - NOW < datetime.timedelta(seconds=121)
    assert feed_models.Feed.objects.get(pk=feed.pk).lease_until == lease
