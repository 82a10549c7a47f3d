"""The monthly rhythm: on the 1st the month's report appears as a draft already holding its linked
entries, once; a month already covered (a quarterly report) gets none; due days follow the
site setting."""

import datetime

from cms.models import FederationSettings
from cms.periods import Period
from reports.models import MonthlyReportPage
from reports.rhythm import due_date, ensure_month_report, reports_to_remind
from tests.campaigns.factories import CampaignIndexPageFactory, MilestoneFactory, published_campaign
from tests.reports.factories import MonthlyReportPageFactory

D = datetime.date


def test_the_first_of_the_month_creates_the_draft_with_its_linked_entries(
    home, report_index, workstreams
):
    campaign = published_campaign(
        CampaignIndexPageFactory(parent=home), title="2021 中国智能制造科技进展", slug="c2021"
    )
    MilestoneFactory(campaign=campaign, title="申报截止", date=D(2021, 7, 20), deadline=True)

    report = ensure_month_report(today=D(2021, 7, 1))

    assert report is not None
    report.refresh_from_db()
    assert (report.title, report.slug) == ("进展情况月报（2021年7月）", "2021-07")
    assert not report.live
    assert report.get_parent().pk == report_index.pk
    draft = report.get_latest_revision_as_object()
    assert any("申报截止" in entry.body for entry in draft.progress_entries.all())
    # An hour later (the job runs hourly), or on any later day of July: nothing more.
    assert ensure_month_report(today=D(2021, 7, 1)) is None
    assert ensure_month_report(today=D(2021, 7, 15)) is None
    assert MonthlyReportPage.objects.count() == 1


def test_a_month_already_covered_gets_no_report_of_its_own(report_index):
    MonthlyReportPageFactory(
        parent=report_index, period_start=D(2021, 1, 1), period_end=D(2021, 3, 1)
    )
    assert ensure_month_report(today=D(2021, 2, 1)) is None
    assert MonthlyReportPage.objects.count() == 1


def test_no_report_index_no_report(home):
    assert ensure_month_report(today=D(2021, 7, 1)) is None
    assert not MonthlyReportPage.objects.exists()


def test_the_due_day_and_the_reminder_window_follow_the_site_setting(home, report_index):
    settings = FederationSettings.for_site(home.get_site())
    settings.report_due_day, settings.report_reminder_days = 10, 3
    settings.save()
    july = Period.of(D(2021, 7, 1))
    assert due_date(july) == D(2021, 8, 10)
    assert due_date(Period.of(D(2021, 12, 1))) == D(2022, 1, 10)
    report = MonthlyReportPageFactory(
        parent=report_index, period_start=july.start, period_end=july.start, live=False
    )
    assert reports_to_remind(today=D(2021, 8, 6)) == []
    assert reports_to_remind(today=D(2021, 8, 7)) == [(report, D(2021, 8, 10))]
    assert reports_to_remind(today=D(2021, 8, 10)) == [(report, D(2021, 8, 10))]
    assert reports_to_remind(today=D(2021, 8, 11)) == []
    # Published: nothing to remind.
    report.save_revision().publish()
    assert reports_to_remind(today=D(2021, 8, 8)) == []
