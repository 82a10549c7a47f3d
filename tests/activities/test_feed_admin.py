"""订阅源 in the admin: the health listing, the form's checks, who may see and change which feed,
"立即抓取" and the health detail."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from activities.models import Feed, FeedEntry, FeedStatus
from tests.activities.factories import ActivityPageFactory, FeedFactory
from tests.activities.helpers import denied, make_society_user

pytestmark = pytest.mark.django_db

INDEX = "activities_feed:index"


@pytest.fixture
def cis(society_pages):
    return society_pages["CIS"].society


@pytest.fixture
def cmes(society_pages):
    return society_pages["CMES"].society


@pytest.fixture
def cis_user(cis):
    return make_society_user("cis", cis)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def form(society, url="https://www.cis.org.cn/rss.xml", **extra):
    data = {
        "society": society.pk,
        "url": url,
        "title": "学会要闻",
        "active": "on",
        "interval_minutes": "60",
    }
    data.update(extra)
    return data


# --- listing ----------------------------------------------------------------------------------


def test_listing_shows_each_feeds_health(client, users, cis, society_pages):
    now = timezone.now()
    broken = FeedFactory(
        society=cis,
        title="坏掉的订阅源",
        status=FeedStatus.UNHEALTHY,
        consecutive_failures=6,
        last_fetched_at=now,
        last_error="连接超时：" + "很长的错误" * 40,
    )
    FeedFactory(society=cis, title="已失效的订阅源", status=FeedStatus.GONE)
    healthy = FeedFactory(
        society=cis, title="正常的订阅源", status=FeedStatus.OK, last_success_at=now
    )
    for n in range(3):
        FeedEntry.objects.create(feed=healthy, key=f"k{n}", title=f"条目{n}")
    client.force_login(users["editor"])
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "坏掉的订阅源",
        "已失效的订阅源",
        "正常的订阅源",
        "多次失败",
        "已失效（410），已停止",
    ):
        assert text in html
    assert html.count("feed-unhealthy") == 2  # the marker on the two unhealthy feeds
    assert "连接超时" in html and broken.last_error not in html  # truncated
    assert "条目数" in html and "连续失败" in html and "下次抓取" in html
    rows = {feed.pk: feed for feed in response.context["object_list"]}
    assert rows[healthy.pk].entry_count == 3
    assert rows[broken.pk].entry_count == 0


def test_listing_filters_by_society_and_status(client, users, cis, cmes):
    FeedFactory(society=cis, title="仪表学会的源", status=FeedStatus.OK)
    FeedFactory(society=cmes, title="机械学会的源", status=FeedStatus.GONE)
    client.force_login(users["editor"])
    html = client.get(reverse(INDEX), {"society": cmes.pk}).content.decode()
    assert "机械学会的源" in html and "仪表学会的源" not in html
    html = client.get(reverse(INDEX), {"status": FeedStatus.OK}).content.decode()
    assert "仪表学会的源" in html and "机械学会的源" not in html


@pytest.mark.parametrize("count", [3, 40])
def test_listing_queries_do_not_grow_with_the_feeds(
    client, cis, cis_user, count, django_assert_max_num_queries
):
    for _n in range(count):
        feed = FeedFactory(society=cis)
        FeedEntry.objects.create(feed=feed, key="a", title="条目")
    client.force_login(cis_user)
    client.get(reverse(INDEX))  # warm the per-process caches (content types, site)
    with django_assert_max_num_queries(30):
        response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == count


def test_society_sees_only_its_own_feeds(client, cis, cmes, cis_user):
    FeedFactory(society=cis, title="仪表学会的源")
    FeedFactory(society=cmes, title="机械学会的源")
    client.force_login(cis_user)
    html = client.get(reverse(INDEX)).content.decode()
    assert "仪表学会的源" in html
    assert "机械学会的源" not in html


# --- form -------------------------------------------------------------------------------------


def test_society_registers_a_feed_and_its_first_fetch_is_queued(
    client, cis, cis_user, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "activities.tasks.ingest_feed_task.delay", lambda feed_id, **kw: queued.append(feed_id)
    )
    client.force_login(cis_user)
    page = client.get(reverse("activities_feed:add"))
    assert page.status_code == 200
    assert "中国机械工程学会" not in page.content.decode()  # only its own society offered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities_feed:add"), form(cis))
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.society, feed.url, feed.interval_minutes) == (
        cis,
        "https://www.cis.org.cn/rss.xml",
        60,
    )
    assert queued == [feed.pk]
    assert any("已登记" in m for m in messages_of(response))


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"url": "ftp://www.cis.org.cn/rss.xml"}, "url", "必须以 http:// 或 https:// 开头"),
        ({"url": "javascript:alert(1)"}, "url", "订阅地址"),
        ({"interval_minutes": "4"}, "interval_minutes", "不能少于 5 分钟"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_error(client, cis, cis_user, changes, field, message):
    client.force_login(cis_user)
    response = client.post(reverse("activities_feed:add"), form(cis, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert not Feed.objects.exists()


def test_a_url_registered_twice_for_a_society_is_refused(client, cis, cmes, cis_user):
    FeedFactory(society=cis, url="https://www.cis.org.cn/rss.xml")
    client.force_login(cis_user)
    response = client.post(reverse("activities_feed:add"), form(cis))
    assert response.status_code == 200
    assert "本学会已登记过这个订阅地址" in response.content.decode()
    assert Feed.objects.count() == 1
    # Another society may register the same address.
    FeedFactory(society=cmes, url="https://www.cis.org.cn/rss.xml")


def test_a_forged_post_for_another_society_is_refused(client, cmes, cis_user):
    client.force_login(cis_user)
    response = client.post(reverse("activities_feed:add"), form(cmes))
    assert response.status_code == 200
    assert "您只能为本学会登记订阅源" in response.content.decode()
    assert not Feed.objects.exists()


def test_society_cannot_move_its_feed_to_another_society(client, cis, cmes, cis_user):
    feed = FeedFactory(society=cis)
    client.force_login(cis_user)
    response = client.post(
        reverse("activities_feed:edit", args=(feed.pk,)), form(cmes, url=feed.url)
    )
    assert response.status_code == 200
    feed.refresh_from_db()
    assert feed.society == cis


# --- other societies' feeds, other users ---------------------------------------------------------


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history"])
def test_society_cannot_open_another_societys_feed(client, cmes, cis_user, view):
    feed = FeedFactory(society=cmes, title="机械学会的源")
    client.force_login(cis_user)
    response = client.get(reverse(f"activities_feed:{view}", args=(feed.pk,)))
    assert denied(response)
    assert "机械学会的源" not in response.content.decode()


def test_society_cannot_change_delete_or_fetch_another_societys_feed(
    client, cmes, cis_user, monkeypatch
):
    feed = FeedFactory(society=cmes, title="机械学会的源")
    fetched = []
    monkeypatch.setattr("activities.ingest.ingest_feed", lambda f, force=False: fetched.append(f))
    client.force_login(cis_user)
    assert denied(
        client.post(reverse("activities_feed:edit", args=(feed.pk,)), form(cmes, title="改了"))
    )
    assert denied(client.post(reverse("activities_feed:delete", args=(feed.pk,))))
    assert denied(client.post(reverse("activities_feed:fetch", args=(feed.pk,))))
    feed.refresh_from_db()
    assert feed.title == "机械学会的源"
    assert fetched == []


def test_society_edits_and_deletes_its_own_feed(client, cis, cis_user):
    feed = FeedFactory(society=cis)
    client.force_login(cis_user)
    response = client.post(
        reverse("activities_feed:edit", args=(feed.pk,)), form(cis, url=feed.url, title="新名称")
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.title == "新名称"
    response = client.post(reverse("activities_feed:delete", args=(feed.pk,)))
    assert response.status_code == 302
    assert not Feed.objects.exists()


@pytest.mark.parametrize("username", ["admin", "editor", "secretary"])
def test_the_secretariat_manages_every_feed(client, users, cis, cmes, username):
    FeedFactory(society=cis, title="仪表学会的源")
    theirs = FeedFactory(society=cmes, title="机械学会的源")
    client.force_login(users[username])
    html = client.get(reverse(INDEX)).content.decode()
    assert "仪表学会的源" in html and "机械学会的源" in html
    response = client.post(
        reverse("activities_feed:edit", args=(theirs.pk,)), form(cmes, url=theirs.url, title="改名")
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.title == "改名"


def test_users_without_a_society_get_permission_denied(client, activities_index):
    client.force_login(make_society_user("nobody"))
    assert denied(client.get(reverse(INDEX)))
    assert denied(client.get(reverse("activities_feed:add")))


# --- fetch now, health detail -------------------------------------------------------------------


class FakeResult:
    def summary(self):
        return "新建草稿 2 篇，重复 1 篇。"


def test_fetch_now_runs_the_ingestion_and_shows_its_summary(client, cis, cis_user, monkeypatch):
    feed = FeedFactory(society=cis, status=FeedStatus.OK)
    calls = []

    def fake_ingest(f, force=False):
        calls.append((f.pk, force))
        return FakeResult()

    monkeypatch.setattr("activities.ingest.ingest_feed", fake_ingest)
    client.force_login(cis_user)
    assert client.get(reverse("activities_feed:fetch", args=(feed.pk,))).status_code == 405
    response = client.post(reverse("activities_feed:fetch", args=(feed.pk,)))
    assert response.status_code == 302
    assert calls == [(feed.pk, True)]
    assert any("新建草稿 2 篇" in m for m in messages_of(response))
    listing = client.get(reverse(INDEX)).content.decode()
    assert reverse("activities_feed:fetch", args=(feed.pk,)) in listing


def test_fetch_now_with_the_real_ingestion_reports_a_refused_address(client, cis, cis_user):
    """No network: a feed on a loopback address is refused by the fetcher, and the person who
    pressed the button reads why; the feed's health records it."""
    feed = FeedFactory(society=cis, url="http://127.0.0.1:9/feed.xml", title="本机地址")
    client.force_login(cis_user)
    response = client.post(reverse("activities_feed:fetch", args=(feed.pk,)))
    assert response.status_code == 302
    assert any("本机地址" in m for m in messages_of(response))
    feed.refresh_from_db()
    assert feed.last_fetched_at is not None
    assert feed.last_error
    assert feed.consecutive_failures == 1
    html = client.get(reverse(INDEX)).content.decode()
    assert "feed-unhealthy" in html


def test_fetch_now_needs_the_csrf_token(cis, cis_user, monkeypatch):
    from django.test import Client

    feed = FeedFactory(society=cis)
    monkeypatch.setattr("activities.ingest.ingest_feed", lambda f, force=False: FakeResult())
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cis_user)
    assert strict.post(reverse("activities_feed:fetch", args=(feed.pk,))).status_code == 403


def test_health_detail_lists_recent_entries_with_their_drafts(client, cis, cis_user, society_pages):
    feed = FeedFactory(society=cis, title="学会要闻", last_error="")
    draft = ActivityPageFactory(parent=society_pages["CIS"], title="导入的活动草稿", live=False)
    FeedEntry.objects.create(
        feed=feed,
        key="a",
        title="年会召开",
        link="https://www.cis.org.cn/news/1.html",
        page=draft,
        published=datetime.date(2021, 7, 1),
    )
    FeedEntry.objects.create(feed=feed, key="b", title="被拒绝的条目")
    client.force_login(cis_user)
    response = client.get(reverse("activities_feed:inspect", args=(feed.pk,)))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "年会召开",
        "https://www.cis.org.cn/news/1.html",
        "导入的活动草稿",
        "被拒绝的条目",
    ):
        assert text in html
    assert reverse("wagtailadmin_pages:edit", args=(draft.pk,)) in html
    assert "共 2 条" in html
    edit = client.get(reverse("activities_feed:edit", args=(feed.pk,))).content.decode()
    assert "立即抓取" in edit and reverse("activities_feed:inspect", args=(feed.pk,)) in edit


def test_listing_shows_a_warning_of_a_successful_fetch_as_a_hint(client, users, society_pages):
    from cms.models import MemberSociety

    cis = MemberSociety.objects.get(abbreviation="CIS")
    FeedFactory(
        society=cis,
        title="编码有误的学会要闻",
        status="ok",
        last_warning="编码声明为 UTF-8，但内容不是 UTF-8；已按 GB18030 解读",
    )
    client.force_login(users["editor"])
    html = client.get(reverse("activities_feed:index")).content.decode()
    assert "提示：编码声明为 UTF-8" in html
