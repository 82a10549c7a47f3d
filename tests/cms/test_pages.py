import datetime

import pytest
from django.urls import reverse

from cms.cn_dates import cn_date
from cms.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.cms.factories import NewsPageFactory, StandardPageFactory, news_body
from tests.reports.factories import MonthlyReportPageFactory


def test_home_page_shows_latest_news_and_navigation(client, news_index, report_index):
    NewsPageFactory(
        parent=news_index, title="联合体二届三次主席团会议召开", date=datetime.date(2021, 1, 7)
    )
    news_index.show_in_menus = True
    news_index.save()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "联合体二届三次主席团会议召开" in html
    assert "2021年1月7日" in html
    assert 'href="/news/"' in html  # navigation
    assert 'lang="zh-Hans"' in html
    assert html.count("<h1") == 1


def test_standard_page_renders_its_body(client, home):
    page = StandardPageFactory(parent=home, title="关于联合体", body=news_body(["联合体简介。"]))
    response = client.get(page.url)
    assert response.status_code == 200
    assert "联合体简介。" in response.content.decode()


def test_news_index_lists_newest_first_and_paginates(client, news_index):
    for day in range(1, 25):
        NewsPageFactory(parent=news_index, title=f"新闻{day:02d}", date=datetime.date(2021, 3, day))
    response = client.get("/news/")
    html = response.content.decode()
    assert html.index("新闻24") < html.index("新闻23")
    assert "新闻04" not in html  # 20 per page
    assert "第 1 页，共 2 页" in html
    page2 = client.get("/news/?page=2").content.decode()
    assert "新闻04" in page2 and "新闻24" not in page2
    assert client.get("/news/?page=abc").status_code == 200


def test_news_page_shows_date_lead_body_and_captions(client, news_index):
    news = NewsPageFactory(
        parent=news_index,
        title="秘书长工作会议召开",
        date=datetime.date(2021, 2, 1),
        lead="会议在线召开。",
        body=news_body(
            ["会议明确了 2021 年的主要工作任务。"], captions=["张彦敏秘书长在线做工作报告"]
        ),
    )
    response = client.get(news.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2021年2月1日" in html and "会议在线召开。" in html
    assert "<figcaption>张彦敏秘书长在线做工作报告</figcaption>" in html


def test_unpublished_news_is_not_public(client, news_index):
    news = NewsPageFactory(parent=news_index, title="草稿新闻", live=False)
    assert client.get("/news/").content.decode().count("草稿新闻") == 0
    assert client.get(f"/news/{news.slug}/").status_code == 404


@pytest.mark.parametrize(
    ("model", "parent_fixture"),
    [
        (StandardPage, "home"),
        (NewsIndexPage, "home"),
        (NewsPage, "news_index"),
    ],
)
def test_admin_create_form_renders_for_each_page_type(request, admin_client, model, parent_fixture):
    parent = request.getfixturevalue(parent_fixture)
    url = reverse(
        "wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk)
    )
    assert admin_client.get(url).status_code == 200


def test_only_one_home_page(home):
    assert not HomePage.can_create_at(home.get_parent())


def test_cn_date_uses_shanghai_time():
    assert cn_date(datetime.date(2021, 7, 9)) == "2021年7月9日"
    # 16:30 UTC is already the next day in Shanghai.
    moment = datetime.datetime(2021, 7, 9, 16, 30, tzinfo=datetime.UTC)
    assert cn_date(moment) == "2021年7月10日"


def test_report_under_home_is_not_allowed(home):
    from reports.models import MonthlyReportPage

    assert not MonthlyReportPage.can_create_at(home)
    assert MonthlyReportPageFactory._meta.model is MonthlyReportPage
