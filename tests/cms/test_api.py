"""Wagtail API v2, read-only: live public pages and images."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from campaigns.demo import ensure_campaign_index
from cms.models import NewsPage
from tests.activities.factories import add_activities
from tests.campaigns.factories import AchievementPageFactory, add_campaigns, published_campaign
from tests.cms.bulk_pages import add_children
from tests.cms.factories import NewsPageFactory
from tests.cms.published_pages import add_achievement, add_activity, add_news


def listing(client, page_type, fields):
    response = client.get("/api/v2/pages/", {"type": page_type, "fields": fields})
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.fixture
def pages(federation, society_page, year_page):
    news = add_news(
        federation["news_index"], "潍坊智能制造大会召开", "导语：数字孪生", ["<p>正文段落</p>"]
    )
    news.tags.add("智能制造")
    news.save_revision().publish()
    activity = add_activity(
        society_page, "系统集成论坛", "交流经验", "山东省潍坊市", ["<p>论坛</p>"]
    )
    item = add_achievement(year_page, "离散制造关键技术", "某公司", "工业机器人", ["<p>成果</p>"])
    campaign = published_campaign(
        ensure_campaign_index(federation["home"]), title="2024 年科技进展征集", slug="c2024",
        introduction="<p>面向数字孪生征集。</p>", contact="秘书处 010-1234",
    )  # fmt: skip
    return {"news": news, "activity": activity, "item": item, "campaign": campaign}


def test_news_fields(client, pages):
    items = listing(client, "cms.NewsPage", "date,lead,body,tags")
    [item] = [i for i in items if i["id"] == pages["news"].pk]
    assert item["title"] == "潍坊智能制造大会召开"
    assert item["lead"] == "导语：数字孪生"
    assert item["date"] == pages["news"].date.isoformat()
    assert item["body"][0]["type"] == "paragraph"
    assert "正文段落" in item["body"][0]["value"]
    assert item["tags"] == ["智能制造"]
    assert (
        "潍坊智能制造大会召开".encode()
        in client.get("/api/v2/pages/", {"type": "cms.NewsPage"}).content
    )  # UTF-8, not \\u escapes


def test_activity_showcase_and_campaign_fields(client, pages):
    [activity] = listing(client, "activities.ActivityPage", "start_date,place,summary,society,body")
    assert activity["place"] == "山东省潍坊市"
    assert activity["society"] == "中国机械工程学会"
    assert activity["start_date"] == "2024-06-01"
    [item] = listing(client, "campaigns.AchievementPage", "organisations,summary,recommender,body")
    assert item["summary"] == "工业机器人"
    assert item["organisations"] == "某公司"
    campaigns = listing(client, "campaigns.CampaignPage", "year,organiser,introduction,contact")
    [campaign] = [c for c in campaigns if c["id"] == pages["campaign"].pk]
    assert "数字孪生" in campaign["introduction"]
    assert campaign["contact"] == "秘书处 010-1234"


def test_private_data_is_not_a_field(client, pages):
    response = client.get(
        "/api/v2/pages/", {"type": "campaigns.AchievementPage", "fields": "nomination"}
    )
    assert response.status_code == 400
    response = client.get(
        "/api/v2/pages/", {"type": "campaigns.CampaignPage", "fields": "nominations"}
    )
    assert response.status_code == 400


def test_drafts_and_private_pages_are_not_listed(client, pages, federation, users):
    draft = NewsPage(title="草稿新闻", slug="draft", live=False, date=datetime.date(2024, 1, 1))
    federation["news_index"].add_child(instance=draft)
    private = add_news(federation["news_index"], "内部新闻", "", [])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    for user in (None, users["admin"]):
        if user:
            client.force_login(user)
        ids = {item["id"] for item in listing(client, "cms.NewsPage", "date")}
        assert pages["news"].pk in ids
        assert draft.pk not in ids
        assert private.pk not in ids
        assert client.get(f"/api/v2/pages/{private.pk}/").status_code == 404
        assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404


def test_images_listing_shows_only_pictures_of_published_pages(client, pages, federation):
    shown = Image.objects.create(title="潍坊会场", file=get_test_image_file())
    unused = Image.objects.create(title="未使用的图片", file=get_test_image_file())
    in_draft = Image.objects.create(title="草稿里的图片", file=get_test_image_file())
    news = pages["news"]
    news.body = [{"type": "image", "value": {"image": shown.pk, "caption": "会场"}}]
    news.save_revision().publish()
    draft = NewsPage(
        title="草稿新闻",
        slug="draft-with-picture",
        live=False,
        date=datetime.date(2024, 1, 1),
        body=[{"type": "image", "value": {"image": in_draft.pk, "caption": "草稿"}}],
    )
    federation["news_index"].add_child(instance=draft)
    response = client.get("/api/v2/images/")
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["items"]]
    assert titles == ["潍坊会场"]
    assert client.get(f"/api/v2/images/{unused.pk}/").status_code == 404
    assert client.get(f"/api/v2/images/{in_draft.pk}/").status_code == 404
    assert client.get(f"/api/v2/images/{shown.pk}/").status_code == 200


@pytest.mark.parametrize("url", ["/api/v2/pages/", "/api/v2/images/"])
def test_writes_are_refused(client, pages, users, url):
    client.force_login(users["admin"])
    assert client.post(url, {"title": "x"}).status_code == 405
    detail = f"{url}{pages['news'].pk}/" if "pages" in url else url
    assert client.put(detail, {}, content_type="application/json").status_code == 405
    assert client.delete(detail).status_code == 405
    assert client.patch(detail, {}, content_type="application/json").status_code == 405


FIELDS = {
    "cms.NewsPage": "date,lead,body,tags",
    "activities.ActivityPage": "start_date,place,summary,society,workstream,body",
    "campaigns.AchievementPage": "organisations,summary,recommender,keywords,body",
    "campaigns.CampaignPage": "year,organiser,introduction,workstream",
}


def _counts(client):
    counts = {}
    for page_type, fields in FIELDS.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v2/pages/", {"type": page_type, "fields": fields})
        assert response.status_code == 200
        counts[page_type] = (len(ctx.captured_queries), len(response.json()["items"]))
    return counts


# One bound per type, the same at 10 and at 1,000 more pages of each type (a listing shows 20).
# A thousand pages of each of four types take about ten seconds to create on SQLite.
@pytest.mark.parametrize("count", [10, 1000])
def test_query_counts_do_not_grow(client, pages, federation, society_page, year_page, count):
    _counts(client)  # warm the per-process caches
    baseline = _counts(client)
    news = [NewsPageFactory.build() for _n in range(count)]
    items = [AchievementPageFactory.build() for _n in range(count)]
    for page in news:
        page.tags.add("智能制造", "标准")
    for page in items:
        page.keywords.add("工业机器人", "数字孪生")
    add_children(federation["news_index"], news)
    add_children(year_page, items)
    add_activities(society_page, count)
    add_campaigns(ensure_campaign_index(federation["home"]), count)
    after = _counts(client)
    for page_type in FIELDS:
        assert after[page_type][0] <= baseline[page_type][0], (page_type, baseline, after)
        assert after[page_type][1] == min(baseline[page_type][1] + count, 20), page_type
