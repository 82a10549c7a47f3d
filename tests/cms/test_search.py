"""Chinese search: segmentation, recall of every page type, the search page and the admin."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags
from lxml import html as lxml_html
from wagtail.models import PageViewRestriction
from wagtail.search.backends import get_search_backend

from activities.models import ActivityPage
from campaigns.demo import ensure_campaign_index
from campaigns.models import AchievementPage
from cms.models import NewsPage, StandardPage
from cms.search import MAX_QUERY_LENGTH, RESULTS_PER_GROUP, highlight, search_pages
from cms.search_text import query_terms, segment, segment_query
from reports.models import MonthlyReportPage, PlanEntry
from tests.campaigns.factories import published_campaign
from tests.cms.bulk_pages import add_children
from tests.cms.factories import NewsPageFactory, news_body
from tests.cms.published_pages import (
    add_achievement,
    add_activity,
    add_news,
    add_report,
    publish,
)

QUERIES = ["机器", "潍坊", "联盟", "数字孪生", "智能制造"]


class Corpus:
    def __init__(self):
        self.texts = {}  # page -> its visible text, to know what each query must find

    def add(self, page, *texts):
        self.texts[page.specific] = page.title + "\n" + "\n".join(strip_tags(t) for t in texts)
        return page

    def containing(self, term):
        return {page.pk for page, text in self.texts.items() if term in text}


@pytest.fixture
def corpus(federation, workstreams, society_page, year_page):
    """One page or more of every searchable type; the queries sit inside longer words, in
    StreamField paragraphs and in a report's entry bodies. Each type also has a page holding
    none of them."""
    c = Corpus()
    news_index = federation["news_index"]
    home = federation["home"]
    p = ["<p>联盟发布了<b>数字孪生工厂</b>建设指南。</p>"]
    c.add(
        add_news(news_index, "工业机器人产业大会在潍坊市高新区召开", "推进智能制造系统应用。", p),
        "推进智能制造系统应用。",
        *p,
    )
    p = ["<p>部署下月工作。</p>"]
    c.add(add_news(news_index, "秘书处召开工作例会", "总结上月工作。", p), "总结上月工作。", *p)

    p = ["<p>学会联合体由十五个成员学会组成。国际智能制造联盟（筹）由联合体发起。</p>"]
    c.add(publish(home, StandardPage(title="关于我们", slug="about-search", body=news_body(p))), *p)

    p = ["<p>成果已在多家企业应用，形成数字孪生工厂解决方案。</p>"]
    orgs, summary = "潍坊市某装备公司、某大学", "研制工业机器人集群调度系统"
    c.add(add_achievement(year_page, "离散制造关键技术", orgs, summary, p), orgs, summary, *p)
    p = ["<p>实现了高精度检测。</p>"]
    c.add(
        add_achievement(year_page, "精密测量仪器", "某研究院", "突破测量精度瓶颈", p),
        "某研究院",
        "突破测量精度瓶颈",
        *p,
    )

    p = ["<p>会上成立了长三角智能制造产业联盟。</p>"]
    c.add(
        add_activity(society_page, "系统集成论坛", "交流人形机器人应用经验", "山东省潍坊市", p),
        "交流人形机器人应用经验", "山东省潍坊市", *p,
    )  # fmt: skip
    p = ["<p>讨论团体标准立项。</p>"]
    c.add(add_activity(society_page, "标准化研讨会", "讨论标准", "北京", p), "讨论标准", "北京", *p)

    campaign_index = ensure_campaign_index(home)
    intro = "<p>面向数字孪生、工业机器人等方向征集成果。</p>"
    c.add(
        published_campaign(
            campaign_index, title="2024 年科技进展征集", slug="c2024", introduction=intro,
            organiser="某部门",
        ),
        "某部门", intro,
    )  # fmt: skip
    intro = "<p>申报截止时间另行通知。</p>"
    campaign = published_campaign(
        campaign_index, title="示范工厂申报", slug="c2", introduction=intro, organiser="某部门"
    )
    c.add(campaign, "某部门", intro)

    progress = "1. 与潍坊市政府共建**数字孪生**创新中心。"
    plan = "筹建国际智能制造联盟（筹）秘书处。"
    c.add(add_report(federation["report_index"], workstreams, 7, progress, plan), progress, plan)
    c.add(
        add_report(federation["report_index"], workstreams, 8, "完成年度总结。", "召开年会。"),
        "完成年度总结。",
        "召开年会。",
    )
    return c


def found(query):
    outcome = search_pages(query, limit=100)
    return {result.page.pk for group in outcome.groups for result in group.results}


# Segmentation


def test_query_keeps_the_finest_terms():
    assert query_terms("智能制造") == ["智能", "制造"]
    assert query_terms("数字孪生") == ["数字", "孪生"]
    assert query_terms("潍坊") == ["潍坊"]
    assert query_terms("潍坊的机器") == ["潍坊", "机器"]
    assert query_terms("，。！") == []
    assert query_terms("AI 智能") == ["ai", "智能"]


def test_indexed_text_holds_the_query_terms_inside_longer_words():
    for text, term in [
        ("工业机器人", "机器"),
        ("计算机器件", "机器"),
        ("潍坊市高新区", "潍坊"),
        ("国际智能制造联盟（筹）", "联盟"),
        ("中国科协智能制造学会联合体", "制造"),
    ]:
        assert term in segment(text).split(), (text, segment(text))
    for text in ["数字孪生工厂", "智能制造系统"]:
        words = segment(text).split()
        assert all(term in words for term in query_terms(text[:4]))


def test_segment_drops_punctuation_and_lowers_latin():
    assert segment("5G工厂，GB/T！") == "5g 工厂 gb t"


def test_admin_query_keeps_filters():
    assert segment_query("live:yes 智能制造") == "live:yes 智能 制造"


# Recall on every page type


@pytest.mark.parametrize("query", QUERIES)
def test_every_page_containing_the_query_is_found_and_no_other(corpus, query):
    expected = corpus.containing(query)
    assert expected, query
    types = {type(page) for page in corpus.texts if page.pk in expected}
    assert len(types) >= 3, (query, types)
    content_pks = {page.pk for page in corpus.texts}
    assert found(query) & content_pks == expected


def test_every_type_is_found(corpus):
    hits = set()
    for query in QUERIES:
        hits |= found(query)
    for model in (NewsPage, StandardPage, AchievementPage, ActivityPage, MonthlyReportPage):
        assert model.objects.filter(pk__in=hits).exists(), model
    from campaigns.models import CampaignPage

    assert CampaignPage.objects.filter(pk__in=hits).exists()


def test_all_terms_must_occur(corpus):
    both = found("潍坊 数字孪生")
    assert both == corpus.containing("潍坊") & corpus.containing("数字孪生")
    assert found("潍坊 申报截止") == set()


def test_drafts_unpublished_and_private_pages_are_never_found(corpus, federation):
    news = NewsPage.objects.get(title="秘书处召开工作例会")
    news.lead = "工业机器人潍坊联盟数字孪生智能制造"
    news.save_revision()  # a draft: the live page does not say so
    unpublished = NewsPage(title="工业机器人潍坊联盟数字孪生智能制造草稿", slug="draft", live=False)
    federation["news_index"].add_child(instance=unpublished)
    private = publish(
        federation["home"],
        StandardPage(title="内部：工业机器人潍坊联盟数字孪生智能制造", slug="private"),
    )
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    for query in QUERIES:
        hits = found(query)
        assert not hits & {news.pk, unpublished.pk, private.pk}, query


def test_report_entries_reach_the_index_when_published(corpus, federation):
    report = MonthlyReportPage.objects.get(period_start=datetime.date(2024, 8, 1))
    assert report.pk not in found("潍坊")
    revision_page = report.get_latest_revision_as_object()
    revision_page.plan_entries = list(revision_page.plan_entries.all()) + [
        PlanEntry(workstream=revision_page.plan_entries.first().workstream, body="赴潍坊调研。")
    ]
    revision_page.save_revision().publish()
    assert report.pk in found("潍坊")


# The search page


def test_search_page_groups_and_highlights(client, corpus):
    response = client.get("/search/", {"q": "潍坊"})
    assert response.status_code == 200
    html = response.content.decode()
    for label in ["新闻", "双十成果", "成员学会活动", "进展情况月报"]:
        assert f"<h2>{label} " in html, label
    assert "征集活动 <span" not in html
    assert "<mark>潍坊</mark>市高新区" in html
    assert "（1 条）" in html
    assert 'href="/news/' in html


def test_search_page_escapes_before_marking(client, corpus, federation):
    publish(
        federation["home"],
        StandardPage(title="<b>潍坊</b>&<script>", slug="x", body=news_body(["<p>潍坊</p>"])),
    )
    html = client.get("/search/", {"q": "潍坊"}).content.decode()
    assert "&lt;b&gt;<mark>潍坊</mark>&lt;/b&gt;&amp;&lt;script&gt;" in html
    assert "<script>" not in html


def test_highlight_never_marks_inside_entities():
    assert str(highlight("a<b>lt", ["lt"])) == "a&lt;b&gt;<mark>lt</mark>"


def test_empty_and_no_result_states(client, corpus):
    html = client.get("/search/").content.decode()
    assert "请输入要搜索的词语" in html
    html = client.get("/search/", {"q": "量子通信"}).content.decode()
    assert "没有找到与“量子通信”相关的内容。" in html


def test_too_long_query_is_refused(client, corpus):
    response = client.get("/search/", {"q": "智" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert f"搜索词不能超过{MAX_QUERY_LENGTH}个字符。" in response.content.decode()
    assert client.get("/search/", {"q": "智能" * (MAX_QUERY_LENGTH // 2)}).status_code == 200


def test_header_has_a_search_box(client, corpus):
    html = client.get("/search/", {"q": "潍坊"}).content.decode()
    assert re.search(r"<header.*<form class=\"site-search\"[^>]+action=\"/search/\"", html, re.S)


def _queries_for(client, query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_query_count_does_not_grow_with_the_results(client, corpus, federation, society_page,
                                                    year_page, workstreams):  # fmt: skip
    def add_batch(start, count):
        for i in range(start, start + count):
            add_news(federation["news_index"], f"智能制造新闻{i}", "智能制造", ["<p>智能制造</p>"])
            add_activity(society_page, f"智能制造活动{i}", "智能制造", "潍坊", ["<p>智能制造</p>"])
            add_achievement(
                year_page, f"智能制造成果{i}", "某公司", "智能制造", ["<p>智能制造</p>"]
            )
            add_report(federation["report_index"], workstreams, 1 + i, "智能制造", "智能制造")

    add_batch(1, 1)
    client.get("/search/", {"q": "智能制造"})  # warm the per-process caches
    small, response = _queries_for(client, "智能制造")
    assert "制造</mark>新闻1" in response.content.decode()
    add_batch(2, 4)
    large, response = _queries_for(client, "智能制造")
    assert "制造</mark>新闻5" in response.content.decode()
    assert small == large


# The admin's page search


def test_admin_search_finds_chinese_titles(client, corpus, users):
    client.force_login(users["admin"])
    response = client.get("/admin/pages/search/", {"q": "潍坊"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "工业机器人产业大会在潍坊市高新区召开" in html
    assert "秘书处召开工作例会" not in html
    html = client.get("/admin/pages/search/results/", {"q": "机器人产业"}).content.decode()
    assert "工业机器人产业大会在潍坊市高新区召开" in html


def test_admin_search_needs_admin_access(client, corpus):
    response = client.get("/admin/pages/search/", {"q": "潍坊"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


SEARCH_MAX_QUERIES = 18


# A thousand news take about five seconds to create and index on SQLite, ten on PostgreSQL.
@pytest.mark.parametrize("count", [10, 1000])
def test_search_page_queries_do_not_grow_with_the_news(
    client, federation, count, django_assert_max_num_queries
):
    body = news_body(["联合体召开智能制造发展论坛。"])
    news = add_children(
        federation["news_index"],
        [NewsPageFactory.build(title=f"智能制造新闻{n}", body=body) for n in range(count)],
    )
    # In bulk, as `manage.py update_index` does: one insert per page would take minutes.
    get_search_backend().add_bulk(NewsPage, news)
    client.get("/search/", {"q": "智能制造"})  # warm the per-process caches
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES):
        response = client.get("/search/", {"q": "智能制造"})
    assert response.status_code == 200
    (group,) = lxml_html.fromstring(response.content.decode()).xpath("//*[@id='search-news']")
    assert " ".join(group.xpath("h2")[0].text_content().split()) == f"新闻 （{count} 条）"
    shown = [" ".join(a.text_content().split()) for a in group.xpath(".//h3/a")]
    assert len(shown) == min(count, RESULTS_PER_GROUP)
    assert set(shown) <= {page.title for page in news}
