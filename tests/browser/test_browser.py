"""The four paths of issue 6 in a real browser: a visitor searching, an editor writing a report
entry, a member society posting an activity, an applicant downloading a form template."""

import re

import pytest

from tests.browser.expect import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPORT_TITLE = "进展情况月报（2021年1-3月）"


def test_visitor_searches_weifang_and_opens_the_report(page, demo):
    page.goto("/")
    search = page.get_by_role("search")
    search.get_by_label("搜索").fill("潍坊")
    search.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    result = page.locator("main").get_by_role("link", name=REPORT_TITLE)
    result.first.click()
    page.wait_for_url("**/reports/2021-01-03/")
    assert page.title().startswith(REPORT_TITLE)
    assert "2021 年 1-3 月" in page.get_by_role("heading", level=1).inner_text()
    assert "潍坊" in page.locator("main").inner_text()


def open_more_actions(page):
    """The editor's footer: the primary action, and the others behind the dropdown toggle."""
    page.locator("footer .w-dropdown-button .w-dropdown__toggle").first.click()


def test_editor_writes_a_markdown_entry_and_submits_the_report(page, demo, login):
    from reports.models import MonthlyReportPage, ReportIndexPage

    index = ReportIndexPage.objects.get()
    before = MonthlyReportPage.objects.count()
    login("editor")
    page.goto(f"/admin/pages/add/reports/monthlyreportpage/{index.pk}/")
    page.locator("#id_period_start").fill("2021-07-01")
    page.locator("#id_period_end").fill("2021-07-01")
    page.locator("#id_progress_entries-ADD").click()
    page.locator("#id_progress_entries-0-workstream").select_option(label="产学融合")
    page.locator("#id_progress_entries-0-body").fill("**潍坊**服务中心走访企业。")
    open_more_actions(page)
    page.locator("button[name=action-submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/(edit/)?$"))
    expect(page.locator(".messages")).to_contain_text("已创建并提交审核")

    assert MonthlyReportPage.objects.count() == before + 1
    report = MonthlyReportPage.objects.get(slug="2021-07")
    assert report.title == "进展情况月报（2021年7月）"
    assert not report.live  # an editor cannot publish
    latest = report.get_latest_revision_as_object()
    assert [(e.workstream.name, e.body) for e in latest.progress_entries.all()] == [
        ("产学融合", "**潍坊**服务中心走访企业。")
    ]
    assert report.workflow_in_progress
    assert report.current_workflow_task.name == "秘书长审核"


def test_society_posts_an_activity_but_cannot_post_for_another_society(page, demo, login):
    from activities.models import ActivityPage, SocietyActivitiesPage

    cmes = SocietyActivitiesPage.objects.get(society__abbreviation="CMES")
    cis = SocietyActivitiesPage.objects.get(society__abbreviation="CIS")
    before = set(ActivityPage.objects.values_list("pk", flat=True))
    login("society")

    page.goto(f"/admin/pages/add/activities/activitypage/{cmes.pk}/")
    page.locator("#id_title").fill("智能制造标准研讨会（浏览器测试）")
    page.locator("#id_start_date").fill("2021-05-20")
    page.locator("#id_end_date").fill("2021-05-20")
    page.locator("#id_summary").fill("学会在潍坊召开智能制造标准研讨会。")
    open_more_actions(page)
    page.locator("button[name=action-submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/(edit/)?$"))
    expect(page.locator(".messages")).to_contain_text("已创建并提交审核")

    created = ActivityPage.objects.exclude(pk__in=before).get()
    assert created.title == "智能制造标准研讨会（浏览器测试）"
    assert created.get_parent().pk == cmes.pk
    assert not created.live and created.workflow_in_progress

    for url in (
        f"/admin/pages/add/activities/activitypage/{cis.pk}/",
        f"/admin/pages/{cis.pk}/edit/",
    ):
        page.goto(url)
        # Wagtail sends the user back to the dashboard with an error instead of the form.
        expect(page).to_have_url(re.compile(r"/admin/$"))
        expect(page.locator(".messages")).to_contain_text("没有权限")
        assert page.locator("#id_title").count() == 0, url
    assert ActivityPage.objects.exclude(pk__in=before).count() == 1


def test_applicant_downloads_a_form_template(page, demo, login, downloads_dir):
    import io

    import docx
    from django.utils import timezone

    year = timezone.localdate().year
    login("applicant", path="/accounts/login/")
    page.goto(f"/campaigns/{year}-china-progress-demo/")
    link = page.get_by_role("list", name="模板下载").get_by_role(
        "link", name=re.compile(r"下载模板：文件1")
    )
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"{year}-文件1-推荐表.docx"
    target = downloads_dir / download.suggested_filename
    download.save_as(target)
    document = docx.Document(io.BytesIO(target.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"“{year}中国智能制造科技进展”推荐表" in text
    assert "创新性" in text
