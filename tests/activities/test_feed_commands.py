"""`add_feed`, `ingest_feeds` and the periodic job, as an administrator runs them."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities.models import ActivityPage, Feed
from activities.tasks import ingest_due_feeds_task
from cms.jobs import all_jobs
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    feed_server_fixture,
    local_feeds_fixture,
)

pytestmark = pytest.mark.django_db


def run(*args, **kwargs):
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_add_feed_registers_and_fetches_it_soon(
    society_pages, local_feeds, django_capture_on_commit_callbacks
):
    """Registering enqueues the first fetch once committed (eager here): the drafts are there."""
    url = local_feeds.url("/feeds/atom.xml")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        out = run("add_feed", "CIS", url, "--interval", "120", "--title", "仪表学会新闻")
    # Nothing was fetched before the commit.
    assert local_feeds.requests == []
    assert len(callbacks) == 1
    callbacks[0]()
    feed = Feed.objects.get()
    assert f"已为 CIS 登记订阅源（编号 {feed.pk}），每 120 分钟抓取：{url}" in out
    assert feed.society.abbreviation == "CIS"
    assert feed.title == "仪表学会新闻"
    assert feed.interval_minutes == 120
    assert feed.status == "ok"
    assert ActivityPage.objects.filter(society__abbreviation="CIS").count() == 2


def test_add_feed_society_abbreviation_is_case_insensitive(society_pages, local_feeds):
    run("add_feed", "cis", local_feeds.url("/feeds/atom.xml"))
    assert Feed.objects.get().society.abbreviation == "CIS"


def test_add_feed_twice_changes_nothing(
    society_pages, local_feeds, django_capture_on_commit_callbacks
):
    url = local_feeds.url("/feeds/atom.xml")
    with django_capture_on_commit_callbacks(execute=True):
        run("add_feed", "CIS", url)
    feed = Feed.objects.get()
    requests = len(local_feeds.requests)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out = run("add_feed", "CIS", url, "--interval", "5")
    assert callbacks == []
    assert f"CIS 已登记过这个订阅源（编号 {feed.pk}），未做改动：{url}" in out
    assert Feed.objects.count() == 1
    assert Feed.objects.get().interval_minutes == 60
    assert len(local_feeds.requests) == requests
    assert ActivityPage.objects.count() == 2


def test_add_feed_unknown_society_lists_the_known_ones(society_pages):
    with pytest.raises(CommandError) as error:
        run("add_feed", "NOPE", "https://example.org/feed.xml")
    message = str(error.value)
    assert message.startswith("未知的成员学会：NOPE。可用的简称：")
    for abbreviation in ("CMES", "CIS", "CAA", "CIE", "CES"):
        assert abbreviation in message
    assert not Feed.objects.exists()


@pytest.mark.parametrize("url", ["ftp://example.org/feed.xml", "example.org/feed.xml"])
def test_add_feed_refuses_other_schemes(society_pages, url):
    with pytest.raises(CommandError, match="订阅地址必须以 http:// 或 https:// 开头"):
        run("add_feed", "CIS", url)
    assert not Feed.objects.exists()


def test_add_feed_refuses_a_too_short_interval(society_pages):
    with pytest.raises(CommandError, match="抓取间隔至少 5 分钟（收到 1）"):
        run("add_feed", "CIS", "https://example.org/feed.xml", "--interval", "1")


def test_ingest_feeds_fetches_every_active_feed_due_or_not(society_pages, local_feeds):
    later = timezone.now() + datetime.timedelta(hours=5)
    cis = FeedFactory(
        society=society_pages["CIS"].society,
        url=local_feeds.url("/feeds/atom.xml"),
        title="仪表学会新闻",
        next_fetch_at=later,
    )
    broken = FeedFactory(
        society=society_pages["CES"].society,
        url=local_feeds.url("/status/500"),
        title="电工学会新闻",
    )
    off = FeedFactory(
        society=society_pages["CAA"].society,
        url=local_feeds.url("/feeds/rss2.xml"),
        active=False,
    )
    lines = run("ingest_feeds").splitlines()
    assert lines == [
        "仪表学会新闻（CIS）：新增 2 条，跳过重复 0 条",
        "电工学会新闻（CES）：抓取失败：HTTP 500",
    ]
    cis.refresh_from_db()
    broken.refresh_from_db()
    assert cis.status == "ok"
    assert (broken.status, broken.last_error) == ("error", "HTTP 500")
    assert ActivityPage.objects.filter(society=off.society).count() == 0

    # Again: nothing new, the server says so.
    assert run("ingest_feeds", "--feed", str(cis.pk)).splitlines() == [
        "仪表学会新闻（CIS）：无更新（HTTP 304）"
    ]
    # An inactive feed named explicitly is reported, not fetched.
    requests = len(local_feeds.requests)
    line = run("ingest_feeds", "--feed", str(off.pk)).strip()
    assert line.endswith("：订阅源已停用，未抓取")
    assert len(local_feeds.requests) == requests


def test_ingest_feeds_unknown_id(society_pages):
    with pytest.raises(CommandError, match="没有编号为 999 的订阅源"):
        run("ingest_feeds", "--feed", "999")


def test_periodic_job_ingests_due_feeds_and_leaves_the_others(society_pages, local_feeds):
    assert "ingest_feeds" in all_jobs()
    now = timezone.now()
    due = FeedFactory(
        society=society_pages["CIS"].society,
        url=local_feeds.url("/feeds/atom.xml"),
        next_fetch_at=now - datetime.timedelta(minutes=1),
    )
    not_due = FeedFactory(
        society=society_pages["CMES"].society,
        url=local_feeds.url("/feeds/gbk.xml"),
        next_fetch_at=now + datetime.timedelta(minutes=30),
    )
    out = run("run_periodic_jobs", only=["ingest_feeds"])
    assert "已运行：ingest_feeds" in out
    due.refresh_from_db()
    not_due.refresh_from_db()
    assert due.status == "ok"
    assert due.next_fetch_at > now + datetime.timedelta(minutes=59)
    assert ActivityPage.objects.filter(society=due.society).count() == 2
    assert not_due.status == "new"
    assert not_due.last_fetched_at is None
    assert ActivityPage.objects.filter(society=not_due.society).count() == 0
    # Run again at once: the due feed is not due any more, nothing is fetched twice.
    requests = len(local_feeds.requests)
    run("run_periodic_jobs", only=["ingest_feeds"])
    assert len(local_feeds.requests) == requests


def test_beat_task_runs_the_same_job(society_pages, local_feeds):
    feed = FeedFactory(
        society=society_pages["CIS"].society, url=local_feeds.url("/feeds/atom.xml"), title="新闻"
    )
    lines = ingest_due_feeds_task.delay().get()
    assert lines == ["新闻（CIS）：新增 2 条，跳过重复 0 条"]
    feed.refresh_from_db()
    assert feed.status == "ok"


def test_beat_schedule_runs_due_feeds_every_five_minutes(settings):
    [schedule] = [
        entry["schedule"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "activities.tasks.ingest_due_feeds"
    ]
    assert schedule == 300.0
