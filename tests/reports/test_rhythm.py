"""The monthly rhythm: on the 1st the month's report appears as a draft already holding its linked
entries, once; a month already covered (a quarterly report) gets none; due days follow the
site setting."""

import datetime
import io

from django.core.management import call_command

from cms.models import FederationSettings
from cms.periods import Period
from cms.roles import Role
from reports.models import MonthlyReportPage
from reports.rhythm import due_date, ensure_month_report, reports_to_remind
from tests.campaigns.factories import CampaignIndexPageFactory, MilestoneFactory, published_campaign
from tests.cms.factories import UserFactory
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


def run_rhythm(capture):
    with capture(execute=True):
        call_command("run_periodic_jobs", "--only", "monthly_rhythm", stdout=io.StringIO())


def test_the_editors_are_told_of_the_new_draft_and_reminded_before_its_due_day(
    home, report_index, workstreams, smtp_server, travel, django_capture_on_commit_callbacks
):
    editors = [
        UserFactory(username=f"editor{n}", email=f"editor{n}@example.org", roles=[Role.EDITOR])
        for n in (1, 2)
    ]
    secretary = UserFactory(email="sg@example.org", roles=[Role.SECRETARY_GENERAL])
    society = UserFactory(email="society@example.org", roles=[Role.MEMBER_SOCIETY])
    campaign = published_campaign(
        CampaignIndexPageFactory(parent=home), title="2021 中国智能制造科技进展", slug="c2021"
    )
    MilestoneFactory(campaign=campaign, title="申报截止", date=D(2021, 7, 20), deadline=True)

    travel(D(2021, 7, 1), hour=0, minute=30)  # Beijing time: the 1st has begun
    run_rhythm(django_capture_on_commit_callbacks)
    run_rhythm(django_capture_on_commit_callbacks)  # an hour later: nothing new
    messages = smtp_server.messages
    assert sorted(m["To"] for m in messages) == ["editor1@example.org", "editor2@example.org"]
    # A long Chinese subject is folded into encoded words: the header's value starts on its own
    # line, which the parser keeps as a leading space.
    subject = messages[0]["Subject"].strip()
    assert subject == "进展情况月报（2021年7月）草稿已建立"
    body = messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "已自动列入 1 条进展" in body
    report = MonthlyReportPage.objects.get()
    assert f"/admin/pages/{report.pk}/edit/" in body
    assert not smtp_server.to(secretary.email) and not smtp_server.to(society.email)

    # On 1 August the August draft comes; July's due day is 5 August (the default): three days
    # before, the editors are reminded of July, once.
    for day in (1, 2, 3, 4):
        travel(D(2021, 8, day))
        run_rhythm(django_capture_on_commit_callbacks)
    subjects = sorted((m["To"], m["Subject"].strip()) for m in smtp_server.messages[2:])
    assert subjects == [
        (editor.email, subject)
        for editor in editors
        for subject in (
            "进展情况月报（2021年7月）将于2021年8月5日到期",
            "进展情况月报（2021年8月）草稿已建立",
        )
    ]
    assert {m["To"] for m in smtp_server.messages} == {e.email for e in editors}


def test_the_secretary_general_is_told_when_a_report_waits_too_long_for_approval(
    home, report_index, smtp_server, travel, django_capture_on_commit_callbacks
):
    editor = UserFactory(email="editor@example.org", roles=[Role.EDITOR], admin=True)
    secretary = UserFactory(email="sg@example.org", roles=[Role.SECRETARY_GENERAL], admin=True)
    travel(D(2021, 9, 8))
    report = MonthlyReportPageFactory(
        parent=report_index, period_start=D(2021, 8, 1), period_end=D(2021, 8, 1), live=False
    )
    report.save_revision(user=editor)
    report.get_workflow().start(report, editor)

    travel(D(2021, 9, 10))  # two days: not yet
    run_rhythm(django_capture_on_commit_callbacks)
    assert not smtp_server.to(secretary.email)
    travel(D(2021, 9, 11), hour=11)  # three days and an hour
    run_rhythm(django_capture_on_commit_callbacks)
    run_rhythm(django_capture_on_commit_callbacks)
    waiting = smtp_server.to(secretary.email)
    assert len(waiting) == 1
    assert waiting[0]["Subject"].strip() == "进展情况月报（2021年8月）等待您审批"
    body = waiting[0].get_body(preferencelist=("plain",)).get_content()
    assert "自2021年9月8日提交审批" in body
    # No reminder of the due day: the report is in moderation (the editor only hears of
    # September's new draft).
    told = [m["Subject"].strip() for m in smtp_server.to(editor.email)]
    assert told == ["进展情况月报（2021年9月）草稿已建立"]
