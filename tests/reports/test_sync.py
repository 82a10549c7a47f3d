"""Milestones and nomination figures into the reports, automatically: signal → Celery task (eager)
→ idempotent sync, building on each report's latest revision and never changing a live page."""

import datetime
import io
import logging
import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from campaigns.models import Milestone, NominationEvent, NominationStatus
from campaigns.reporting import entries_for
from cms.periods import Period
from reports.docx_export import export_report
from reports.models import MonthlyReportPage, PlanEntry, ProgressEntry
from reports.views import compare_url
from tests.campaigns.factories import (
    CampaignIndexPageFactory,
    MilestoneFactory,
    NominationFactory,
    published_campaign,
)
from tests.reports.helpers import form_data

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = timezone.get_default_timezone()


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def committed(django_capture_on_commit_callbacks, caplog):
    """`with committed():` runs what the block leaves for after the commit (the sync), as a
    real transaction would; the test's own transaction never commits. A sync that fails (logged,
    since a failing sync must not fail the change that triggered it) fails the test."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
        assert not errors, errors[0].getMessage()

    return run


@pytest.fixture
def campaign(federation, workstreams):
    index = CampaignIndexPageFactory(parent=federation["home"])
    return published_campaign(index, title="2021 中国智能制造科技进展", slug="2021-progress")


@pytest.fixture
def make_report(federation, committed):
    def make(start, end=None, publish=False, user=None):
        report = MonthlyReportPage(period_start=start, period_end=end or start, live=False)
        with committed():
            federation["report_index"].add_child(instance=report)
            revision = report.save_revision(user=user)
            if publish:
                revision.publish(user=user)
        return fresh(report)

    return make


def fresh(report):
    return MonthlyReportPage.objects.get(pk=report.pk)


def latest(report):
    return fresh(report).get_latest_revision_as_object()


def entries(report, section="progress_entries", linked_only=True):
    items = list(getattr(latest(report), section).all())
    return [e for e in items if e.is_linked or not linked_only]


def bodies(report, section="progress_entries"):
    return [e.body for e in entries(report, section)]


def revisions(report):
    return Revision.page_revisions.filter(object_id=str(report.pk)).count()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_milestone_follows_its_date_title_and_existence_through_draft_reports(
    campaign, make_report, committed
):
    june, july, august = (make_report(D(2021, m, 1)) for m in (6, 7, 8))

    with committed():
        milestone = MilestoneFactory(
            campaign=campaign, date=D(2021, 7, 20), title="第一轮遴选（初评）会议"
        )
    [entry] = entries(july)
    assert entry.body == "2021年7月20日：第一轮遴选（初评）会议。"
    assert entry.workstream.name == "战略咨询"
    assert (entry.origin, entry.origin_key) == ("milestone", f"milestone:{milestone.pk}")
    assert entry.link_url == campaign.url == "/campaigns/2021-progress/"
    assert bodies(june, "plan_entries") == ["2021年7月20日：第一轮遴选（初评）会议。"]
    assert bodies(july, "plan_entries") == [] and bodies(august) == []

    # July → August: the entry moves between the two drafts, and the plans follow.
    with committed():
        milestone.date = D(2021, 8, 30)
        milestone.save()
    assert bodies(july) == []
    assert bodies(august) == ["2021年8月30日：第一轮遴选（初评）会议。"]
    assert bodies(june, "plan_entries") == []
    assert bodies(july, "plan_entries") == ["2021年8月30日：第一轮遴选（初评）会议。"]

    with committed():
        milestone.title = "第一轮遴选（初评）会议，选出 15 项进入终评"
        milestone.save()
    assert bodies(august) == ["2021年8月30日：第一轮遴选（初评）会议，选出 15 项进入终评。"]

    with committed():
        milestone.delete()
    assert bodies(august) == [] and bodies(july, "plan_entries") == []
    # Drafts only: nothing went live.
    assert not any(fresh(r).live for r in (june, july, august))


def test_the_milestone_uses_its_own_workstream_and_keeps_manual_entries(
    campaign, make_report, committed, workstreams
):
    july = make_report(D(2021, 7, 1))
    draft = latest(july)
    draft.progress_entries = [ProgressEntry(workstream=workstreams[2], body="走访潍坊企业。")]
    draft.save_revision()
    academic = workstreams[1]
    with committed():
        MilestoneFactory(
            campaign=campaign, date=D(2021, 7, 3), title="学术年会", workstream=academic
        )
    items = entries(july, linked_only=False)
    assert [(e.workstream.name, e.body) for e in items] == [
        ("产学融合", "走访潍坊企业。"),  # the editor's own entry, first as it was
        (academic.name, "2021年7月3日：学术年会。"),  # appended
    ]
    assert items[0].origin == "manual"


def test_repeated_syncs_create_no_duplicates_and_no_revisions(campaign, make_report, committed):
    with committed():
        for day in (5, 20):
            MilestoneFactory(campaign=campaign, date=D(2021, 7, day))
        MilestoneFactory(campaign=campaign, date=D(2021, 8, 2))
    july = make_report(D(2021, 7, 1))
    august = make_report(D(2021, 8, 1), publish=True)
    before = (revisions(july), revisions(august))
    out = io.StringIO()
    for _ in range(3):
        call_command("sync_reports", stdout=out)
    assert (revisions(july), revisions(august)) == before
    assert len(entries(july)) == 2 and len(entries(july, "plan_entries")) == 1
    keys = [e.origin_key for e in entries(july)]
    assert len(keys) == len(set(keys))
    assert "进展情况月报（2021年7月）：无变化" in out.getvalue()
    assert "新增" not in out.getvalue()


def test_the_command_reports_what_changed(campaign, make_report):
    july = make_report(D(2021, 7, 1))
    # Written without signals (as an import or a fixture would): the command catches up.
    Milestone.objects.bulk_create([Milestone(campaign=campaign, date=D(2021, 7, 9), title="会议")])
    out = io.StringIO()
    call_command("sync_reports", stdout=out)
    assert (
        "进展情况月报（2021年7月）：新增 1 条，更新 0 条，删除 0 条；已保存为草稿" in out.getvalue()
    )
    assert bodies(july) == ["2021年7月9日：会议。"]


def test_an_entry_rewritten_in_the_admin_survives_a_sync(
    campaign, make_report, committed, client, users
):
    with committed():
        milestone = MilestoneFactory(campaign=campaign, date=D(2021, 7, 20), title="初评会议")
    june, july = make_report(D(2021, 6, 1)), make_report(D(2021, 7, 1))
    client.force_login(users["editor"])
    edit_url = reverse("wagtailadmin_pages:edit", args=(july.pk,))
    response = client.get(edit_url)
    assert "关联条目（来源：征集活动里程碑）" in response.content.decode()

    data = form_data(response.content.decode())
    [prefix] = [
        key.removesuffix("-origin_key")
        for key, value in data.items()
        if key.endswith("-origin_key")
        and value == f"milestone:{milestone.pk}"
        and key.startswith("progress_entries-")
    ]
    assert data[f"{prefix}-body"] == "2021年7月20日：初评会议。"
    data[f"{prefix}-body"] = "7月20日召开初评会议，专家组审阅了 40 项申报材料。"
    with committed():
        response = client.post(edit_url, data)
    assert response.status_code == 302
    [entry] = entries(july)
    assert entry.edited and entry.origin == "milestone"
    assert entry.body == "7月20日召开初评会议，专家组审阅了 40 项申报材料。"

    with committed():
        milestone.title = "第一轮遴选（初评）会议"
        milestone.save()
    [entry] = entries(july)
    assert entry.body == "7月20日召开初评会议，专家组审阅了 40 项申报材料。"
    assert entry.edited
    # The same milestone in June's plans was not rewritten: it follows the new title.
    assert bodies(june, "plan_entries") == ["2021年7月20日：第一轮遴选（初评）会议。"]


def test_an_entry_rewritten_in_a_revision_survives_and_a_hidden_one_stays_hidden(
    campaign, make_report, committed, client, users
):
    with committed():
        first = MilestoneFactory(campaign=campaign, date=D(2021, 7, 5), title="征集开始")
        second = MilestoneFactory(campaign=campaign, date=D(2021, 7, 20), title="初评会议")
    july = make_report(D(2021, 7, 1))
    draft = latest(july)
    rewritten, hidden = draft.progress_entries.all()
    rewritten.body = "7月5日起开放申报通道，已有 12 家单位注册。"
    hidden.hidden = True
    draft.save_revision()

    with committed():
        first.title = "征集开始，申报通道开通"
        first.save()
        second.title = "第一轮遴选会议"
        second.save()
    rewritten, hidden = entries(july)
    assert rewritten.body == "7月5日起开放申报通道，已有 12 家单位注册。" and rewritten.edited
    assert hidden.hidden and hidden.origin_key == f"milestone:{second.pk}"
    assert len(entries(july)) == 2  # the hidden one was not added again

    with committed():
        latest(july).save_revision(user=users["secretary"]).publish(user=users["secretary"])
    html = client.get(fresh(july).url).content.decode()
    assert "已有 12 家单位注册" in html
    assert "初评会议" not in html and "第一轮遴选会议" not in html
    document = Document(io.BytesIO(export_report(fresh(july))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "已有 12 家单位注册" in text and "遴选会议" not in text and "初评会议" not in text


def test_linked_entries_are_marked_on_the_public_page(campaign, make_report, committed, client):
    with committed():
        MilestoneFactory(campaign=campaign, date=D(2021, 7, 20), title="初评会议")
    july = make_report(D(2021, 7, 1), publish=True)
    with committed():
        latest(july).save_revision().publish()  # the synced draft, approved
    html = client.get(fresh(july).url).content.decode()
    assert "2021年7月20日：初评会议。" in html
    assert '<a class="linked-marker" href="/campaigns/2021-progress/"' in html


def test_a_published_report_stays_as_approved_until_published_again(
    campaign, make_report, committed, client, users
):
    with committed():
        milestone = MilestoneFactory(campaign=campaign, date=D(2021, 7, 20), title="初评会议")
    july = make_report(D(2021, 7, 1))
    with committed():
        latest(july).save_revision(user=users["secretary"]).publish(user=users["secretary"])
    assert not fresh(july).source_changed
    live_revision = fresh(july).live_revision_id

    with committed():
        milestone.title = "第一轮遴选（初评）会议"
        milestone.save()
    report = fresh(july)
    # The live page is exactly as approved …
    assert report.live and report.live_revision_id == live_revision
    assert [e.body for e in ProgressEntry.objects.filter(page=report)] == [
        "2021年7月20日：初评会议。"
    ]
    assert "2021年7月20日：初评会议。" in client.get(report.url).content.decode()
    assert "第一轮遴选" not in client.get(report.url).content.decode()
    # … its latest revision carries the change, and the admin says so.
    assert bodies(july) == ["2021年7月20日：第一轮遴选（初评）会议。"]
    assert report.source_changed and report.has_unpublished_changes
    client.force_login(users["editor"])
    listing = client.get(reverse("wagtailadmin_explore", args=(report.get_parent().pk,)))
    assert "进展情况月报（2021年7月）【来源已变更】" in listing.content.decode()
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "来源已变更的月报" in dashboard
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(report.pk,))).content.decode()
    assert "来源已变更：本月报发布后" in edit and "放弃来源变更" in edit
    compare = client.get(compare_url(report))
    assert compare.status_code == 200 and "第一轮遴选" in compare.content.decode()

    # Nothing more changes: no further revision.
    count = revisions(july)
    call_command("sync_reports", stdout=io.StringIO())
    assert revisions(july) == count

    # The secretary-general approves the draft: the flag clears, the page shows the change.
    with committed():
        latest(july).save_revision(user=users["secretary"]).publish(user=users["secretary"])
    assert not fresh(july).source_changed
    client.logout()
    assert "第一轮遴选（初评）会议" in client.get(report.url).content.decode()
    assert "来源已变更的月报" not in dashboard_for(client, users["editor"])


def dashboard_for(client, user):
    client.force_login(user)
    return client.get(reverse("wagtailadmin_home")).content.decode()


def test_discarding_keeps_the_approved_report_until_the_sources_change_again(
    campaign, make_report, committed, client, users
):
    with committed():
        milestone = MilestoneFactory(campaign=campaign, date=D(2021, 7, 20), title="初评会议")
    july = make_report(D(2021, 7, 1))
    with committed():
        latest(july).save_revision().publish()
    with committed():
        milestone.title = "第一轮遴选（初评）会议"
        milestone.save()
    assert fresh(july).source_changed

    discard_url = reverse("reports_discard_source_changes", args=(july.pk,))
    client.force_login(users["society"])  # may not edit reports
    assert client.post(discard_url).status_code in (302, 403)
    assert fresh(july).source_changed

    client.force_login(users["editor"])
    assert "放弃来源变更" in client.get(discard_url).content.decode()
    response = client.post(discard_url)
    assert response.status_code == 302
    report = fresh(july)
    assert not report.source_changed and not report.has_unpublished_changes
    assert bodies(july) == ["2021年7月20日：初评会议。"]  # the latest is the live content
    assert report.dismissed_source_hash

    # The same sources do not bring the draft back …
    count = revisions(july)
    call_command("sync_reports", stdout=io.StringIO())
    with committed():
        milestone.save()
    assert revisions(july) == count and not fresh(july).source_changed

    # … a different change does.
    with committed():
        milestone.title = "第一轮遴选会议，选出 15 项进入终评"
        milestone.save()
    assert fresh(july).source_changed
    assert bodies(july) == ["2021年7月20日：第一轮遴选会议，选出 15 项进入终评。"]
    assert [e.body for e in ProgressEntry.objects.filter(page=july)] == [
        "2021年7月20日：初评会议。"
    ]


def test_a_source_changed_back_clears_the_flag(campaign, make_report, committed):
    with committed():
        milestone = MilestoneFactory(campaign=campaign, date=D(2021, 7, 20), title="初评会议")
    july = make_report(D(2021, 7, 1))
    with committed():
        latest(july).save_revision().publish()
    with committed():
        milestone.title = "改名"
        milestone.save()
    assert fresh(july).source_changed
    with committed():
        milestone.title = "初评会议"
        milestone.save()
    assert not fresh(july).source_changed


def test_a_report_created_after_its_milestones_gets_them(
    campaign, committed, client, users, federation, workstreams
):
    with committed():
        MilestoneFactory(campaign=campaign, date=D(2021, 9, 10), title="材料征集截止")
        MilestoneFactory(campaign=campaign, date=D(2021, 10, 30), title="终评会")
    client.force_login(users["editor"])
    data = nested_form_data(
        {
            "period_start": "2021-09-01",
            "period_end": "2021-09-01",
            "progress_entries": inline_formset(
                [{"workstream": workstreams[7].pk, "body": "换届。"}]
            ),
            "press_releases": inline_formset([]),
            "plan_entries": inline_formset([]),
        }
    )
    add_url = reverse(
        "wagtailadmin_pages:add",
        args=("reports", "monthlyreportpage", federation["report_index"].pk),
    )
    with committed():
        response = client.post(add_url, data)
    assert response.status_code == 302
    september = MonthlyReportPage.objects.get(slug="2021-09")
    assert bodies(september) == ["2021年9月10日：材料征集截止。"]
    assert entries(september, linked_only=False)[0].body == "换届。"
    assert bodies(september, "plan_entries") == ["2021年10月30日：终评会。"]
    assert fresh(september).has_unpublished_changes and not fresh(september).live

    # Created in code (an import, the demo), in one transaction: the same.
    october = MonthlyReportPage(period_start=D(2021, 10, 1), period_end=D(2021, 10, 1))
    with committed():
        federation["report_index"].add_child(instance=october)
    assert bodies(october) == ["2021年10月30日：终评会。"]


def test_a_campaign_published_later_brings_its_link(federation, make_report, committed):
    index = CampaignIndexPageFactory(parent=federation["home"])
    july = make_report(D(2021, 7, 1))
    from tests.campaigns.factories import CampaignPageFactory

    draft = CampaignPageFactory.build(title="2021 智能制造试点示范", slug="pilot")
    draft.live = False
    index.add_child(instance=draft)
    with committed():
        MilestoneFactory(campaign=draft, date=D(2021, 7, 1), title="申报开始")
    [entry] = entries(july)
    assert entry.link_url == ""
    with committed():
        draft.save_revision().publish()
    [entry] = entries(july)
    assert entry.link_url == "/campaigns/pilot/"


# Figures ---------------------------------------------------------------------------------------


def nominate(campaign, applicant, submitted_at, passed_at=None, **fields):
    nomination = NominationFactory(
        campaign=campaign,
        applicant=applicant,
        status=NominationStatus.SUBMITTED,
        submitted_at=submitted_at,
        **fields,
    )
    if passed_at:
        with mock.patch("django.utils.timezone.now", return_value=passed_at):
            NominationEvent.objects.create(
                nomination=nomination,
                action="formal_review",
                from_status=NominationStatus.ENDORSED,
                to_status=NominationStatus.PASSED,
            )
    return nomination


def test_monthly_figures_come_from_the_nominations(campaign, make_report, committed, users):
    august = make_report(D(2021, 8, 1))
    applicant = users["applicant"]
    with committed():
        # Shanghai months: 1 August 07:30 there is still 31 July in UTC.
        nominate(campaign, applicant, at(2021, 8, 1, 7, 30), passed_at=at(2021, 8, 20))
        nominate(campaign, applicant, at(2021, 8, 14), passed_at=at(2021, 8, 25))
        nominate(campaign, applicant, at(2021, 8, 31, 23, 50), passed_at=at(2021, 9, 2))
        nominate(campaign, applicant, at(2021, 7, 31, 23, 50))  # July
    [figure] = entries(august)
    assert (
        figure.body == "“2021 中国智能制造科技进展”：本月共收到申报材料 3 份，通过形式审查 2 份。"
    )
    assert figure.origin == "figure"
    assert figure.origin_key == f"figure:{campaign.pk}:2021-08"
    assert figure.workstream.name == "战略咨询"
    assert figure.link_url == "/campaigns/2021-progress/"
    assert bodies(august, "plan_entries") == []  # figures are progress, never plans

    count = revisions(august)
    call_command("sync_reports", stdout=io.StringIO())
    call_command("sync_reports", stdout=io.StringIO())
    assert revisions(august) == count
    assert len(entries(august)) == 1


def test_a_report_of_several_months_names_the_month_of_each_figure(campaign, users):
    nominate(campaign, users["applicant"], at(2021, 7, 3), passed_at=at(2021, 8, 4))
    nominate(campaign, users["applicant"], at(2021, 8, 3))
    found = entries_for(Period(D(2021, 7, 1), D(2021, 9, 30)))
    texts = [e.body for e in found if e.origin == "figure"]
    assert texts == [
        "“2021 中国智能制造科技进展”：2021年7月共收到申报材料 1 份，通过形式审查 0 份。",
        "“2021 中国智能制造科技进展”：2021年8月共收到申报材料 1 份，通过形式审查 1 份。",
    ]


def test_milestone_texts_name_their_dates(campaign):
    MilestoneFactory(
        campaign=campaign, date=D(2021, 12, 7), end_date=D(2021, 12, 10), title="发布成果"
    )
    MilestoneFactory(
        campaign=campaign, date=D(2021, 12, 30), end_date=D(2022, 1, 2), title="公示。"
    )
    assert [e.body for e in entries_for(Period(D(2021, 12, 1), D(2021, 12, 31)))] == [
        "2021年12月7日至10日：发布成果。",
        "2021年12月30日至2022年1月2日：公示。",
    ]


# Rendering cost --------------------------------------------------------------------------------


def _linked_report(report_index, workstreams, month, count):
    from tests.reports.factories import MonthlyReportPageFactory

    report = MonthlyReportPageFactory(parent=report_index, period_start=D(2021, month, 1))
    for i in range(count):
        for model in (ProgressEntry, PlanEntry):
            model.objects.create(
                page=report,
                workstream=workstreams[i % len(workstreams)],
                body=f"2021年{month}月{i + 1}日：第{i + 1}次会议。",
                synced_body=f"2021年{month}月{i + 1}日：第{i + 1}次会议。",
                origin="milestone",
                origin_key=f"milestone:{month * 1000 + i}",
                link_url="/campaigns/x/",
                hidden=i % 7 == 3,
                sort_order=i,
            )
    return report


def test_the_report_page_costs_the_same_queries_for_5_and_50_linked_entries(
    client, report_index, workstreams
):
    small = _linked_report(report_index, workstreams, 5, 5)
    large = _linked_report(report_index, workstreams, 6, 50)
    client.get(small.url)  # warm caches (site root paths, settings)
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.url).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = client.get(large.url)
    assert len(few) == len(many)
    html = response.content.decode()
    assert "第4次会议" not in html  # hidden
    assert html.count('class="linked-marker"') == 2 * (50 - len(range(3, 50, 7)))


# The demo ---------------------------------------------------------------------------------------


@pytest.mark.demo
def test_load_demo_twice_links_the_2021_milestones(client, committed):
    for _ in range(2):
        with committed():
            call_command("load_demo", stdout=io.StringIO())
    q1 = MonthlyReportPage.objects.get(slug="2021-01-03")
    # Synced before it was published: the live report is the seed's with the April milestones
    # of the 2021 campaign in its plans, and nothing is flagged.
    html = client.get(q1.url).content.decode()
    assert "潍坊" in html and "征集活动邀请函" in html
    plans = bodies(q1, "plan_entries")
    assert plans == [
        "2021年4月10日：发出“2021 中国智能制造科技进展”征集活动邀请函。",
        "2021年4月15日：“2021 中国智能制造科技进展”征集开始，申报通道开通。",
    ]
    assert not q1.source_changed
    manual_plans = [e for e in entries(q1, "plan_entries", linked_only=False) if not e.is_linked]
    assert manual_plans  # the seed's own plans are still there
    # The April draft, waiting for the secretary-general, has them in its progress section.
    april = MonthlyReportPage.objects.get(slug="2021-04")
    assert bodies(april) == plans
    assert not april.live and april.current_workflow_task.name == "秘书长审核"
    assert client.get("/reports/").status_code == 200


def test_the_periodic_job_runs_the_same_sync(campaign, make_report):
    from cms.jobs import all_jobs

    assert "sync_reports" in all_jobs()
    july = make_report(D(2021, 7, 1))
    Milestone.objects.bulk_create([Milestone(campaign=campaign, date=D(2021, 7, 9), title="会议")])
    call_command("run_periodic_jobs", "--only", "sync_reports", stdout=io.StringIO())
    assert bodies(july) == ["2021年7月9日：会议。"]
