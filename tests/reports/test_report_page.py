import datetime
import re

import pytest
from wagtail.models import PageViewRestriction

from reports.models import PlanEntry, PressRelease, ProgressEntry
from tests.cms.bulk_pages import add_children
from tests.cms.factories import NewsPageFactory
from tests.reports.factories import MonthlyReportPageFactory, add_entries, add_reports

D = datetime.date


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def report(report_index, news_index, workstreams):
    report = MonthlyReportPageFactory(
        parent=report_index, period_start=D(2021, 1, 1), period_end=D(2021, 3, 1)
    )
    strategy, _academic, industry, *_rest, selfbuild = workstreams
    # Entered out of workstream order, two sharing a workstream.
    ProgressEntry.objects.create(
        page=report, workstream=selfbuild, body="主席团会议在线举行。", sort_order=0
    )
    ProgressEntry.objects.create(
        page=report, workstream=industry, body="走访**潍坊**企业。", sort_order=1
    )
    ProgressEntry.objects.create(
        page=report, workstream=strategy, body="研究申报方案。", sort_order=2
    )
    ProgressEntry.objects.create(
        page=report, workstream=selfbuild, body="秘书长工作会议召开。", sort_order=3
    )
    PlanEntry.objects.create(
        page=report, workstream=strategy, body="4月中旬开通申报通道。", sort_order=0
    )
    news = NewsPageFactory(
        parent=news_index, title="联合体二届三次主席团（扩大）会议召开", lead="会议在线举行。"
    )
    PressRelease.objects.create(page=report, news_page=news, sort_order=0)
    return report


def test_report_page_is_numbered_like_the_paper(client, report):
    response = client.get("/reports/2021-01-03/")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    expected = [
        "中国科协智能制造学会联合体",
        "进展情况月报",
        "2021 年 1-3 月",
        "一、当月总体进展情况",
        "1.战略咨询", "研究申报方案。",
        "2.产学融合", "走访 潍坊 企业。",
        "3.自身建设", "主席团会议在线举行。", "秘书长工作会议召开。",
        "二、重点推进情况（新闻稿）",
        "1. 联合体二届三次主席团（扩大）会议召开",
        "三、下月工作计划",
        "1.战略咨询", "4月中旬开通申报通道。",
    ]  # fmt: skip
    position = 0
    for fragment in expected:
        found = text.find(fragment, position)
        assert found >= 0, f"{fragment!r} missing or out of order"
        position = found + len(fragment)
    assert text.count("自身建设") == 1  # one numbered item for two entries
    assert "<strong>潍坊</strong>" in response.content.decode()
    assert 'href="/reports/2021-01-03/report.docx"' in response.content.decode()


def test_markdown_is_sanitised_when_rendered(client, report, workstreams):
    # Bypasses validation on purpose: what is already stored must still render safely.
    ProgressEntry.objects.create(
        page=report,
        workstream=workstreams[0],
        body='<script>alert(1)</script><img src=x onerror="alert(2)"> [点我](javascript:alert(3))',
        sort_order=9,
    )
    html = client.get("/reports/2021-01-03/").content.decode()
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html
    assert "点我" in html


def test_report_index_groups_by_year_newest_first(client, report_index):
    for start, end in [
        (D(2021, 1, 1), D(2021, 3, 1)),
        (D(2021, 4, 1), None),
        (D(2022, 1, 1), None),
    ]:
        MonthlyReportPageFactory(parent=report_index, period_start=start, period_end=end or start)
    html = client.get("/reports/").content.decode()
    text = text_of(html)
    assert text.index("2022年") < text.index("2021年")
    assert text.index("进展情况月报（2021年4月）") < text.index("进展情况月报（2021年1-3月）")
    assert text.index("2022年") < text.index("进展情况月报（2022年1月）") < text.index("2021年")


def test_report_limited_to_logged_in_members(client, report_index, django_user_model):
    report = MonthlyReportPageFactory(parent=report_index, period_start=D(2021, 5, 1))
    PageViewRestriction.objects.create(page=report, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(report.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "进展情况月报（2021年5月）" not in client.get("/reports/").content.decode()
    docx = client.get(report.url + "report.docx")
    assert docx.status_code == 302

    member = django_user_model.objects.create_user("member", password="pw-123456")
    client.force_login(member)
    assert client.get(report.url).status_code == 200
    assert "进展情况月报（2021年5月）" in client.get("/reports/").content.decode()


def test_login_page_is_in_chinese(client, report_index):
    html = client.get("/accounts/login/").content.decode()
    assert "用户名" in html and "密码" in html


# One bound per view, the same at 10 and at 1,000 entries or reports.
# 13, plus the breadcrumbs' ancestors and the previous/next reports (issue 11 §9).
REPORT_MAX_QUERIES = 15
INDEX_MAX_QUERIES = 10


@pytest.mark.parametrize("size", [10, 1000])
def test_report_page_queries_do_not_grow_with_entries(
    client, report_index, news_index, workstreams, size, django_assert_max_num_queries
):
    report = MonthlyReportPageFactory(parent=report_index, period_start=D(2021, 6, 1))
    add_entries(report, workstreams, size, "progress")
    add_entries(report, workstreams, size, "plan")
    news = add_children(news_index, [NewsPageFactory.build() for _i in range(size // 5)])
    PressRelease.objects.bulk_create(
        PressRelease(page=report, news_page=page, sort_order=i) for i, page in enumerate(news)
    )
    client.get(report.url)  # warm caches (site root, settings) as a running server has them
    with django_assert_max_num_queries(REPORT_MAX_QUERIES):
        response = client.get(report.url)
    html = response.content.decode()
    assert html.count('class="entry"') == 2 * size
    assert f"第{size}项工作" in html
    titles = re.findall(r'<li><h3>\d+\.<a href="[^"]+">([^<]+)</a></h3>', html)
    assert titles == [page.title for page in news]


# A thousand reports take about five seconds to create on SQLite, ten on PostgreSQL.
@pytest.mark.parametrize("size", [10, 1000])
def test_report_index_queries_do_not_grow(
    client, report_index, size, django_assert_max_num_queries
):
    reports = add_reports(report_index, size)
    client.get("/reports/")
    with django_assert_max_num_queries(INDEX_MAX_QUERIES):
        response = client.get("/reports/")
    html = response.content.decode()
    assert html.count("进展情况月报（") == size
    # Newest first, grouped by year.
    newest = reports[-1]
    first_year = re.search(r'<h2 id="year-(\d+)">.*?<a href="([^"]+)">([^<]+)</a>', html, re.S)
    assert first_year.groups() == (
        str(newest.period_start.year),
        newest.url,
        newest.title,
    )


def test_unpublished_press_release_is_not_linked_publicly(client, report, news_index):
    draft = NewsPageFactory(parent=news_index, title="尚未发布的新闻稿", live=False)
    PressRelease.objects.create(page=report, news_page=draft, sort_order=5)
    html = client.get("/reports/2021-01-03/").content.decode()
    assert "尚未发布的新闻稿" not in html
    assert "联合体二届三次主席团（扩大）会议召开" in html
