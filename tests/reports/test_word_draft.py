"""下载 Word 稿: whoever writes or approves a report reads the Word file of the revision in front
of them (edit view, dashboard, compare view, the preview's link); nobody else gets it."""

import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document

from cms.docx_cjk import DOCX_CONTENT_TYPE
from reports.models import MonthlyReportPage
from tests.reports.helpers import add_url, form_data, report_form

pytestmark = pytest.mark.django_db

TITLE = "进展情况月报（2021年7月）"


def texts(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    return [p.text for p in Document(io.BytesIO(response.content)).paragraphs]


def filename_of(response):
    match = re.search(r"filename\*=UTF-8''([^;]+)", response["Content-Disposition"])
    return unquote(match.group(1))


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def word_url(page, revision="latest"):
    return reverse("reports_word_draft", args=(page.pk, str(revision)))


@pytest.fixture
def draft(client, users, federation, workstreams):
    """The editor's July report, saved as a draft through the admin."""
    client.force_login(users["editor"])
    data = report_form("2021-07-01", "2021-07-01", progress=[(workstreams[0], "研究申报方案。")])
    assert client.post(add_url(federation["report_index"]), data).status_code == 302
    client.logout()
    return MonthlyReportPage.objects.get()


def submit(client, page):
    data = form_data(client.get(edit_url(page)).content.decode())
    data["action-submit"] = "1"
    assert client.post(edit_url(page), data).status_code == 302


@pytest.fixture
def submitted(client, users, draft):
    """The July report, submitted for moderation (the page is locked for its editors now)."""
    client.force_login(users["editor"])
    submit(client, draft)
    client.logout()
    return MonthlyReportPage.objects.get()


def save_draft(client, page, workstreams, body):
    """The editor rewrites the first entry in the edit form as rendered and saves a draft."""
    data = form_data(client.get(edit_url(page)).content.decode())
    data["progress_entries-0-body"] = body
    data.pop("action-submit", None)
    data.pop("action-publish", None)
    assert client.post(edit_url(page), data).status_code == 302


def test_edit_view_offers_the_latest_draft_as_word(client, users, draft, workstreams):
    submitted = draft
    client.force_login(users["editor"])
    save_draft(client, submitted, workstreams, "修改后的申报方案。")

    html = client.get(edit_url(submitted)).content.decode()
    assert "下载 Word 稿" in html
    assert f'href="{word_url(submitted)}"' in html

    response = client.get(word_url(submitted))
    body = texts(response)
    assert "修改后的申报方案。" in body
    assert "研究申报方案。" not in body
    assert filename_of(response) == f"{TITLE}.docx"
    assert 'filename="report-2021-07.docx"' in response["Content-Disposition"]
    doc = Document(io.BytesIO(client.get(word_url(submitted)).content))
    assert doc.core_properties.title == TITLE


def test_secretary_finds_the_submitted_revision_on_the_dashboard(
    client, users, submitted, workstreams
):
    submitted_revision = submitted.latest_revision_id
    client.force_login(users["secretary"])
    save_draft(client, submitted, workstreams, "提交之后又改了一稿。")
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "待您审核的月报" in html
    link = word_url(submitted, submitted_revision)
    assert f'href="{link}"' in html

    # The revision submitted, not the editor's later draft.
    body = texts(client.get(link))
    assert "研究申报方案。" in body
    assert "提交之后又改了一稿。" not in body


def test_compare_view_offers_each_revision_and_speaks_chinese(client, users, draft, workstreams):
    submitted = draft
    first = submitted.latest_revision_id
    client.force_login(users["editor"])
    save_draft(client, submitted, workstreams, "第二稿。")
    second = MonthlyReportPage.objects.get().latest_revision_id
    submit(client, submitted)
    client.logout()

    client.force_login(users["secretary"])
    url = reverse("wagtailadmin_pages:revisions_compare", args=(submitted.pk, first, second))
    html = client.get(url).content.decode()

    assert "Word 稿" in html
    assert f'href="{word_url(submitted, first)}"' in html
    assert f'href="{word_url(submitted, second)}"' in html
    assert "研究申报方案。" in texts(client.get(word_url(submitted, first)))
    assert "第二稿。" in texts(client.get(word_url(submitted, second)))
    # Booleans of the entries (隐藏) read as words, not as Python's False/True.
    comparison = html[html.index("<tbody>") : html.rindex("</tbody>")]
    assert "隐藏" in comparison
    assert "否" in comparison
    assert "False" not in comparison
    assert "True" not in comparison


def test_society_user_and_visitor_get_no_draft(client, users, submitted):
    client.force_login(users["society"])
    refused = client.get(word_url(submitted))
    # Wagtail's admin answers a refusal with its dashboard and a message.
    assert refused.status_code in (302, 403)
    assert refused["Content-Type"] != DOCX_CONTENT_TYPE
    if refused.status_code == 302:
        assert refused["Location"] == reverse("wagtailadmin_home")
    assert "下载 Word 稿" not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.logout()

    response = client.get(word_url(submitted))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_unknown_revision_is_not_found(client, users, submitted):
    client.force_login(users["editor"])
    assert client.get(word_url(submitted, 999999)).status_code == 404
    assert client.get(word_url(submitted, "9" * 40)).status_code == 404
    assert client.get(word_url(submitted, "newest")).status_code == 404


def test_preview_link_gives_reviewers_the_draft(client, users, submitted):
    """The preview's 下载 Word 版 points at the page's address + report.docx: a draft that was
    never published has no live page there, so its reviewers get the draft."""
    link = f"{submitted.url}report.docx"
    assert client.get(link).status_code == 404

    client.force_login(users["society"])
    assert client.get(link).status_code == 404

    client.force_login(users["editor"])
    response = client.get(link)
    assert "研究申报方案。" in texts(response)
    assert filename_of(response) == f"{TITLE}.docx"


def test_preview_of_a_published_report_offers_the_drafts_word_file(client, users, draft):
    """The public address serves the published file; a preview shows a draft, so the page
    it renders links to the draft's Word file in the admin."""
    client.force_login(users["editor"])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(draft.pk,))
    data = form_data(client.get(edit_url(draft)).content.decode())
    assert client.post(url, data).json()["is_valid"]

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["draft_docx_url"] == word_url(draft)
    # The button the reviewer clicks in the preview is that link, not the published file's.
    assert f'href="{word_url(draft)}" download' in response.content.decode()
    assert "研究申报方案。" in texts(client.get(response.context["draft_docx_url"]))
