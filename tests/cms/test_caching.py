"""The page cache for anonymous visitors, the headers that leave the application, and what a
publication empties or purges (cms/caching.py). The real nginx in front is tested in
tests/deploy/test_nginx_cache.py."""

import datetime
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from campaigns.demo import CAMPAIGNS, build_campaign, ensure_campaign_index
from cms import caching
from cms.demo import ensure_societies
from cms.models import FederationSettings
from tests.activities.factories import ActivityPageFactory
from tests.cms.factories import NewsPageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def page_cache(settings):
    settings.WAGTAIL_CACHE = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks, as its commit would. Everything before it shares
    the test's transaction, which never commits (the settings row made on the first request,
    the fixtures): as if it had, the block starts a new batch."""

    @contextmanager
    def block():
        caching._pending.batch = None
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


def cache_status(response):
    return response.get("X-Wagtail-Cache")


# --- what is kept and for whom ----------------------------------------------------------------


def test_an_anonymous_page_is_kept_and_served_again_from_the_cache(client, news_index, page_cache):
    NewsPageFactory(parent=news_index, title="联合体召开工作会议")
    first = client.get(news_index.url)
    second = client.get(news_index.url)
    assert (cache_status(first), cache_status(second)) == ("miss", "hit")
    assert "联合体召开工作会议" in second.content.decode()
    public, max_age, s_maxage = second["Cache-Control"].split(", ")
    assert (public, max_age) == ("public", "max-age=0")
    assert 0 < int(s_maxage.removeprefix("s-maxage=")) <= 24 * 3600
    assert not second.has_header("Expires")


def test_browsers_revalidate_and_get_304_when_nothing_changed(client, news_index, page_cache):
    etag = client.get(news_index.url)["ETag"]
    again = client.get(news_index.url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_signed_in_people_get_pages_of_their_own(client, news_index, page_cache):
    client.get(news_index.url)  # an anonymous copy is in the cache
    user = get_user_model().objects.create_user("someone", password="x")
    client.force_login(user)
    response = client.get(news_index.url)
    assert cache_status(response) == "skip"
    assert response["Cache-Control"] == "private, no-cache"
    assert "s-maxage" not in response["Cache-Control"]


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_is_never_served_from_the_cache(
    client, news_index, page_cache, cookie
):
    client.get(news_index.url)
    client.cookies[cookie] = "abc"
    response = client.get(news_index.url)
    assert cache_status(response) == "skip"
    assert response["Cache-Control"] == "private, no-cache"


def test_a_response_that_sets_a_cookie_is_not_kept(client, federation, page_cache):
    response = client.get("/accounts/login/")
    assert "csrftoken" in response.cookies
    assert "private" in response["Cache-Control"]
    assert cache_status(client.get("/accounts/login/")) != "hit"


def test_admin_pages_are_never_kept(admin_client, home, page_cache):
    response = admin_client.get("/admin/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_are_kept_until_midnight_in_shanghai_at_the_latest():
    late = datetime.datetime(2021, 7, 9, 23, 59, 30, tzinfo=SHANGHAI)
    assert caching.seconds_until_midnight(late) == 30
    # 16:00 UTC is midnight in Shanghai.
    utc = datetime.datetime(2021, 7, 9, 15, 0, tzinfo=datetime.UTC)
    assert caching.seconds_until_midnight(utc) == 3600


# --- emptied when something public changes ----------------------------------------------------


def test_publishing_a_news_page_empties_the_cache(client, news_index, page_cache, committed):
    page = NewsPageFactory(parent=news_index, title="智能制造标准研讨会召开", live=False)
    client.get(news_index.url)
    assert cache_status(client.get(news_index.url)) == "hit"
    with committed():
        page.save_revision().publish()
    response = client.get(news_index.url)
    assert cache_status(response) == "miss"
    assert "智能制造标准研讨会召开" in response.content.decode()


def test_unpublishing_empties_the_cache(client, news_index, page_cache, committed):
    page = NewsPageFactory(parent=news_index, title="将撤下的新闻")
    assert "将撤下的新闻" in client.get(news_index.url).content.decode()
    with committed():
        page.unpublish()
    assert "将撤下的新闻" not in client.get(news_index.url).content.decode()


def test_changing_the_site_settings_empties_the_cache(client, news_index, page_cache, committed):
    client.get(news_index.url)
    settings_row = FederationSettings.for_site(Site.objects.get(is_default_site=True))
    with committed():
        settings_row.phone = "010-12345678"
        settings_row.save()
    response = client.get(news_index.url)
    assert cache_status(response) == "miss"
    assert "010-12345678" in response.content.decode()


def test_a_saved_draft_leaves_the_cache_alone(client, news_index, page_cache, committed):
    page = NewsPageFactory(parent=news_index, title="已发布的标题")
    client.get(page.url)
    with committed():
        page.title = "草稿中的新标题"
        page.save_revision()
    response = client.get(page.url)
    assert cache_status(response) == "hit"
    assert "已发布的标题" in response.content.decode()


def test_changes_in_one_transaction_empty_the_cache_once(
    news_index, page_cache, django_capture_on_commit_callbacks
):
    pages = [NewsPageFactory(parent=news_index, live=False) for _ in range(3)]
    caching._pending.batch = None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for page in pages:
            page.save_revision().publish()
    assert [c for c in callbacks if c is caching._flush] == [caching._flush]


# --- what is purged from the front-end cache --------------------------------------------------


def test_a_news_page_purges_itself_its_listings_and_the_other_news(news_index, home):
    NewsPageFactory(parent=news_index, title="第一条", slug="first")
    second = NewsPageFactory(parent=news_index, title="第二条", slug="second")
    draft = NewsPageFactory(parent=news_index, title="草稿", slug="draft", live=False)
    urls = caching.affected_urls(second)
    base = "http://localhost"
    assert urls == {
        f"{base}/",
        f"{base}/news/",
        f"{base}/news/rss/",
        f"{base}/news/atom/",
        f"{base}/news/first/",
        f"{base}/news/second/",
    }
    assert draft.full_url not in urls


def test_a_page_linking_to_the_changed_page_is_purged_too(news_index, home):
    target = NewsPageFactory(parent=news_index, title="被链接的新闻", slug="target")
    StandardPageFactory(
        parent=home,
        title="关于",
        slug="about",
        show_in_menus=False,
        body=[{"type": "paragraph", "value": f'<p><a linktype="page" id="{target.pk}">x</a></p>'}],
    )
    assert "http://localhost/about/" in caching.affected_urls(target)


def test_a_moved_page_purges_its_old_address(news_index, home):
    page = NewsPageFactory(parent=news_index, title="搬家的新闻", slug="moved")
    urls = caching.affected_urls(page, old_url_path="/home/old-news/moved/")
    assert "http://localhost/old-news/moved/" in urls


def test_a_page_in_the_menu_purges_every_page(news_index, home):
    news = NewsPageFactory(parent=news_index, title="某条新闻", slug="some")
    about = StandardPageFactory(parent=home, title="关于", slug="about", show_in_menus=True)
    assert caching._is_site_wide(about)
    assert not caching._is_site_wide(news)
    assert {"http://localhost/news/some/", "http://localhost/about/"} <= caching.all_page_urls()


def test_an_activity_purges_the_calendars_and_feeds_that_list_it(activities_index, society_pages):
    cmes = society_pages["CMES"]
    activity = ActivityPageFactory(
        parent=cmes,
        title="智能制造标准研讨会",
        slug="standards",
        start_date=datetime.date(2026, 10, 30),
        end_date=datetime.date(2026, 11, 2),
    )
    ActivityPageFactory(parent=cmes, slug="earlier", start_date=datetime.date(2026, 8, 5))
    urls = caching.affected_urls(activity)
    base = activities_index.full_url
    assert {
        f"{base}",
        f"{base}calendar/",
        f"{base}calendar/2026/08/",
        f"{base}calendar/2026/09/",
        f"{base}calendar/2026/10/",
        f"{base}calendar/2026/11/",
        f"{base}rss/",
        f"{base}atom/",
        f"{base}ical/",
        f"{base}calendar.ics",
        cmes.full_url,
        activity.full_url,
    } <= urls
    assert f"{base}calendar/2026/07/" not in urls
    assert f"{base}calendar/2026/12/" not in urls


def test_a_campaign_purges_its_notice_its_blank_forms_and_the_milestone_feed(home, workstreams):
    ensure_societies()
    index = ensure_campaign_index(home)
    campaign = build_campaign(index, CAMPAIGNS[0])[0]
    codes = list(campaign.document_slots.values_list("code", flat=True))
    assert codes
    urls = caching.affected_urls(campaign)
    page = campaign.full_url
    assert {page, f"{page}notice/", *(f"{page}templates/{code}/" for code in codes)} <= urls
    assert {index.full_url, f"{index.full_url}ical/", f"{index.full_url}milestones.ics"} <= urls
