"""Editors write, the secretary-general approves: the "秘书长审核" workflow end to end."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from reports.models import MonthlyReportPage
from tests.reports.helpers import add_url, report_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client, users, federation, workstreams):
    """A report the editor wrote and submitted for moderation through the admin."""
    client.force_login(users["editor"])
    data = report_form("2021-07-01", "2021-07-01", progress=[(workstreams[0], "研究申报方案。")])
    data["action-submit"] = "1"
    response = client.post(add_url(federation["report_index"]), data)
    assert response.status_code == 302
    client.logout()
    return MonthlyReportPage.objects.get()


def approve_url(page):
    state = WorkflowState.objects.get(object_id=str(page.pk))
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, "approve", state.current_task_state.pk),
    )


def test_reports_index_is_under_the_secretary_general_workflow(federation):
    assert federation["report_index"].get_workflow().name == "秘书长审核"
    report_tasks = federation["report_index"].get_workflow().tasks.all()
    assert [t.name for t in report_tasks] == ["秘书长审核"]
    assert [g.name for g in report_tasks[0].specific.groups.all()] == ["秘书长"]


def test_editor_cannot_publish(users, federation):
    report = MonthlyReportPage(
        period_start=datetime.date(2021, 7, 1), period_end=datetime.date(2021, 7, 1)
    )
    federation["report_index"].add_child(instance=report)
    assert not report.permissions_for_user(users["editor"]).can_publish()
    assert report.permissions_for_user(users["editor"]).can_edit()
    assert report.permissions_for_user(users["secretary"]).can_publish()


def test_submitted_report_waits_for_the_secretary_general(submitted, client, users):
    state = WorkflowState.objects.get(object_id=str(submitted.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "秘书长审核"
    assert not MonthlyReportPage.objects.get().live
    # The public cannot see it yet.
    assert client.get("/reports/2021-07/").status_code == 404


def test_editor_cannot_approve_their_own_submission(submitted, client, users):
    client.force_login(users["editor"])
    response = client.post(approve_url(submitted), {})
    assert response.status_code in (302, 403)
    assert not MonthlyReportPage.objects.get().live


def test_secretary_general_approves_and_the_report_goes_live(submitted, client, users):
    state = WorkflowState.objects.get(object_id=str(submitted.pk))
    client.force_login(users["secretary"])
    response = client.post(approve_url(submitted), {"comment": "同意发布"})
    assert response.status_code in (200, 302)
    report = MonthlyReportPage.objects.get()
    assert report.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    client.logout()
    response = client.get("/reports/2021-07/")
    assert response.status_code == 200
    assert "研究申报方案。" in response.content.decode()


def test_scheduled_publishing_runs_from_run_periodic_jobs(users, federation, workstreams):
    report = MonthlyReportPage(
        period_start=datetime.date(2021, 9, 1), period_end=datetime.date(2021, 9, 1), live=False
    )
    federation["report_index"].add_child(instance=report)
    go_live = timezone.now() + datetime.timedelta(hours=1)
    report.go_live_at = go_live
    revision = report.save_revision(user=users["secretary"])
    revision.publish(user=users["secretary"])
    report.refresh_from_db()
    assert not report.live  # scheduled, not yet live

    call_command("run_periodic_jobs")
    report.refresh_from_db()
    assert not report.live  # its time has not come

    # Let the scheduled time pass: move it into the past on the approved revision.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("run_periodic_jobs")
    report.refresh_from_db()
    assert report.live


def test_approving_a_report_publishes_its_draft_press_releases(users, federation, workstreams):
    from reports.models import PressRelease
    from tests.cms.factories import NewsPageFactory

    news_index = federation["news_index"]
    draft = NewsPageFactory(parent=news_index, title="新闻稿草稿", live=False)
    draft.save_revision(user=users["editor"])
    live_news = NewsPageFactory(parent=news_index, title="已发布的新闻")
    live_revision = live_news.latest_revision_id
    report = MonthlyReportPage(
        period_start=datetime.date(2021, 10, 1), period_end=datetime.date(2021, 10, 1), live=False
    )
    federation["report_index"].add_child(instance=report)
    PressRelease.objects.create(page=report, news_page=draft, sort_order=0)
    PressRelease.objects.create(page=report, news_page=live_news, sort_order=1)
    report.refresh_from_db()
    report.save_revision(user=users["secretary"]).publish(user=users["secretary"])

    draft.refresh_from_db()
    live_news.refresh_from_db()
    assert draft.live
    assert live_news.latest_revision_id == live_revision  # untouched
