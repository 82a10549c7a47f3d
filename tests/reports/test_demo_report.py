"""The demo's reports on first load: the published January–March 2021 report is in step with its
sources, so a fresh install shows no 来源已变更; a second `load_demo` changes nothing."""

import io
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Revision

from reports.models import MonthlyReportPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


@pytest.fixture
def load_demo(django_capture_on_commit_callbacks, caplog):
    """`load_demo` as `make run` runs it: what waits for the commit (the syncs, the exports)
    runs too, and nothing it does is logged as an error."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo", stdout=io.StringIO())
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, errors[0].getMessage()

    return run


def state():
    """Everything a second load could change about the reports."""
    pages = MonthlyReportPage.objects.order_by("pk")
    return [
        (
            page.pk,
            page.title,
            page.live,
            page.has_unpublished_changes,
            page.source_changed,
            page.live_revision_id,
            page.latest_revision_id,
        )
        for page in pages
    ], Revision.objects.count()


def test_fresh_demo_report_is_not_flagged_and_holds_its_sources(load_demo, client, users):
    load_demo()

    report = MonthlyReportPage.objects.get(slug="2021-01-03")
    assert not report.source_changed
    assert not report.has_unpublished_changes
    assert "来源已变更" not in report.get_admin_display_title()
    # The 2021 call's April milestones are in the published plans, not in a pending draft.
    html = client.get(report.url).content.decode()
    assert "征集活动邀请函" in html
    assert "潍坊" in html

    client.force_login(users["editor"])
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "来源已变更的月报" not in dashboard
    assert "【来源已变更】" not in dashboard
    listing = client.get(reverse("wagtailadmin_explore", args=(report.get_parent().pk,)))
    assert "【来源已变更】" not in listing.content.decode()


def test_second_load_changes_nothing(load_demo):
    load_demo()
    before = state()

    load_demo()

    assert state() == before
    assert not MonthlyReportPage.objects.filter(source_changed=True).exists()
