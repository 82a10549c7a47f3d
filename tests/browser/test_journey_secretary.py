"""The monthly report's way out: the editor (`editor`) opens the demo's published report, rewrites
an entry and submits it; the secretary-general (`secretary`) finds it waiting on the dashboard,
reads it as a Word file (下载 Word 稿: a real .docx named after the report), approves it, and the
public page shows the change. The live server never answers 5xx on the way."""

import io
import re

import pytest
from docx import Document

from tests.browser.conftest import ARTIFACTS
from tests.browser.expect import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "进展情况月报（2021年1-3月）"
ADDED = "秘书处于 3 月底完成了本季度工作小结。"
SHOTS = ARTIFACTS / "journeys"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"secretary-{name}.png", full_page=True)


def open_more_actions(page):
    page.locator("footer .w-dropdown-button .w-dropdown__toggle").first.click()


def editor_rewrites_and_submits(page, login, report):
    login("editor")
    page.goto(f"/admin/pages/{report.get_parent().pk}/")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(re.compile(rf"/admin/pages/{report.pk}/edit/$"))
    body = page.locator("#id_progress_entries-0-body")
    body.fill(f"{body.input_value().rstrip()}\n\n{ADDED}")
    open_more_actions(page)
    expect(page.locator("footer").get_by_role("link", name="下载 Word 稿")).to_be_visible()
    shot(page, "editor-actions")
    page.locator("button[name=action-submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/(edit/)?$"))
    expect(page.locator(".messages")).to_contain_text(re.compile("提交审核|提交进行审核"))
    page.context.clear_cookies()


def test_editor_submits_and_the_secretary_reads_the_word_file_and_approves(
    page, demo, login, downloads_dir, server_errors
):
    from reports.models import MonthlyReportPage

    report = MonthlyReportPage.objects.get(slug="2021-01-03")
    editor_rewrites_and_submits(page, login, report)
    report.refresh_from_db()
    assert report.workflow_in_progress
    assert ADDED not in page.context.request.get(report.url).text()

    login("secretary")
    page.goto("/admin/")
    panel = page.locator("#reports-awaiting-review-section")
    expect(panel).to_contain_text(TITLE)
    row = panel.locator("tr", has_text=TITLE)
    shot(page, "dashboard")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载 Word 稿").click()
    download = download_info.value
    assert download.suggested_filename == f"{TITLE}.docx"
    target = downloads_dir / download.suggested_filename
    download.save_as(target)
    document = Document(io.BytesIO(target.read_bytes()))
    assert document.core_properties.title == TITLE
    assert document.core_properties.author == "中国科协智能制造学会联合体"
    assert ADDED in [p.text for p in document.paragraphs]

    # The compare view (live against the submitted draft) offers each side as Word too.
    page.goto(f"/admin/pages/{report.pk}/revisions/compare/live...{report.latest_revision_id}/")
    expect(page.get_by_role("link", name="下载 Word 稿（已发布版本）")).to_be_visible()
    expect(page.get_by_role("link", name="下载 Word 稿（较新版本）")).to_be_visible()
    assert "False" not in page.locator("main table").inner_text()
    shot(page, "compare")

    page.goto("/admin/")
    review = page.locator("#awaiting-review-section tr", has_text=TITLE)
    review.locator(".w-dropdown__toggle").click()
    review.get_by_role("button", name="批准", exact=True).click()
    # The dashboard reloads without the report: nothing waits for the secretary-general now.
    expect(page.locator("#awaiting-review-section tr", has_text=TITLE)).to_have_count(0)
    expect(page.locator("#reports-awaiting-review-section")).not_to_contain_text(TITLE)
    shot(page, "approved")

    report.refresh_from_db()
    assert report.live and not report.workflow_in_progress
    assert not report.has_unpublished_changes
    page.goto(report.url)
    expect(page.locator("main")).to_contain_text(ADDED)
    shot(page, "published")
