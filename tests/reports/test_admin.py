"""Editors work in the Wagtail admin: the report form, its sections and its errors."""

import datetime

import pytest
from django.urls import reverse

from reports.models import MonthlyReportPage, ProgressEntry
from tests.reports.factories import MonthlyReportPageFactory
from tests.reports.helpers import add_url, report_form

D = datetime.date


@pytest.fixture
def editor_client(client, users):
    client.force_login(users["editor"])
    return client


def test_editor_sees_the_three_sections(editor_client, federation):
    response = editor_client.get(add_url(federation["report_index"]))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "一、当月总体进展情况",
        "二、重点推进情况（新闻稿）",
        "三、下月工作计划",
        "起始月份",
    ):
        assert heading in html


def test_editor_creates_a_report_with_derived_title(editor_client, federation, workstreams):
    data = report_form(
        "2021-07-01",
        "2021-07-01",
        progress=[(workstreams[0], "研究**双十**申报方案。"), (workstreams[2], "走访潍坊企业。")],
        plans=[(workstreams[7], "完成宣传册修订。")],
    )
    response = editor_client.post(add_url(federation["report_index"]), data)
    assert response.status_code == 302, response.context["form"].errors
    report = MonthlyReportPage.objects.get()
    assert report.title == "进展情况月报（2021年7月）"
    assert report.slug == "2021-07"
    assert not report.live  # a draft until the secretary-general approves
    latest = report.get_latest_revision_as_object()
    assert [e.workstream.name for e in latest.progress_entries.all()] == ["战略咨询", "产学融合"]


def test_overlapping_period_shows_the_error_and_creates_nothing(
    editor_client, federation, workstreams
):
    existing = MonthlyReportPageFactory(
        parent=federation["report_index"], period_start=D(2021, 1, 1), period_end=D(2021, 3, 1)
    )
    before = MonthlyReportPage.objects.count()
    data = report_form("2021-03-01", "2021-04-01", progress=[(workstreams[0], "内容。")])
    response = editor_client.post(add_url(federation["report_index"]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "重叠" in errors["period_start"][0] and existing.title in errors["period_start"][0]
    assert MonthlyReportPage.objects.count() == before


def test_markdown_with_script_is_refused_and_nothing_is_saved(
    editor_client, federation, workstreams
):
    data = report_form(
        "2021-08-01",
        "2021-08-01",
        progress=[
            (workstreams[0], "进展 <script>alert('x')</script> 与 [链接](javascript:alert(1))")
        ],
    )
    response = editor_client.post(add_url(federation["report_index"]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "正文不能包含脚本" in html and "&lt;script&gt; 标签" in html and "javascript 链接" in html
    )
    assert not MonthlyReportPage.objects.exists()
    assert not ProgressEntry.objects.exists()


def test_snippets_are_listed_in_chinese(client, users, federation):
    client.force_login(users["admin"])
    response = client.get(reverse("wagtailsnippets_cms_membersociety:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "中国机械工程学会" in html and "中国仿真学会" in html and "成员学会" in html
    response = client.get(reverse("wagtailsnippets_cms_workstream:list"))
    assert "国际智能制造联盟（筹）" in response.content.decode()


def test_admin_is_in_simplified_chinese(client, users, federation):
    client.force_login(users["editor"])
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode().lower()
    assert "控制面板" in response.content.decode()
