"""Member societies' activities in the monthly reports: suggested on the report's edit view,
included by an editor with one click, then kept in step by the sync like a milestone — and never
added by the sync on its own."""

import datetime
import io
import logging
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import ActivityPage
from activities.reporting import entries_for
from cms.linked_entries import LinkedEntry
from cms.models import Workstream
from cms.periods import Period
from reports.models import MonthlyReportPage, ProgressEntry
from reports.sync import discard_source_changes
from tests.activities.factories import ActivityPageFactory
from tests.reports.helpers import form_data

pytestmark = pytest.mark.django_db

D = datetime.date
FORUM_TEXT = (
    "2021年7月9日，中国机械工程学会在山东潍坊举办“智能制造论坛”。"
    "论坛在潍坊召开，交流智能制造发展经验。"
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks, caplog):
    """`with committed():` runs the syncs the block leaves for after the commit; a sync that
    failed (logged, not raised) fails the test."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
        assert not errors, errors[0].getMessage()

    return run


@pytest.fixture
def make_report(federation, committed):
    def make(start, publish=False):
        report = MonthlyReportPage(period_start=start, period_end=start, live=False)
        with committed():
            federation["report_index"].add_child(instance=report)
            revision = report.save_revision()
            if publish:
                revision.publish()
        return fresh(report)

    return make


@pytest.fixture
def cmes(society_pages, workstreams):
    return society_pages["CMES"]


@pytest.fixture
def make_activity(cmes, committed):
    """A published activity of CMES (`live=False`: a draft never published)."""

    def make(live=True, parent=None, **fields):
        page = ActivityPageFactory(parent=parent or cmes, live=False, **fields)
        if live:
            page = publish(page, committed)
        return page

    return make


def publish(page, committed, **changes):
    page = ActivityPage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    with committed():
        page.save_revision().publish()
    return ActivityPage.objects.get(pk=page.pk)


def fresh(report):
    return MonthlyReportPage.objects.get(pk=report.pk)


def latest(report):
    return fresh(report).get_latest_revision_as_object()


def activity_entries(report):
    return [e for e in latest(report).progress_entries.all() if e.origin == "activity"]


def edit_url(report):
    return reverse("wagtailadmin_pages:edit", args=(report.pk,))


@pytest.fixture
def editor(client, users):
    client.force_login(users["editor"])
    return client


def include(client, report, activity_id, committed, change=None):
    """Click 收入月报 of `activity_id` on the report's edit view (after `change(data)`)."""
    data = form_data(client.get(edit_url(report)).content.decode())
    if change:
        change(data)
    data["include_activity"] = str(activity_id)
    with committed():
        return client.post(edit_url(report), data)


def suggestions_html(client, report):
    html = client.get(edit_url(report)).content.decode()
    start = html.index("成员学会活动（建议收入）")
    return html[start : html.index("二、重点推进情况（新闻稿）", start)]


def forum(make_activity, **fields):
    values = {
        "title": "智能制造论坛",
        "start_date": D(2021, 7, 9),
        "place": "山东潍坊",
        "kind": "forum",
        "summary": "论坛在潍坊召开，交流智能制造发展经验。",
    }
    return make_activity(**{**values, **fields})


# What the activities say about a period -----------------------------------------------------


def test_entries_name_date_society_place_and_summary(make_activity, workstreams):
    talent = Workstream.objects.get(name="人才培养")
    page = forum(make_activity, workstream=talent)
    forum(make_activity, title="草稿活动", live=False)
    forum(make_activity, title="八月的活动", start_date=D(2021, 8, 2))
    spanning = forum(
        make_activity,
        title="走访调研",
        kind="visit",
        place="",
        start_date=D(2021, 6, 28),
        end_date=D(2021, 7, 2),
        summary="走访企业 12 家",
    )
    assert page.url.startswith("/activities/cmes/")
    assert entries_for(Period(D(2021, 7, 1), D(2021, 7, 31))) == [
        LinkedEntry(
            origin="activity",
            origin_key=f"activity:{spanning.pk}",
            workstream=Workstream.objects.match("学术交流"),  # none chosen: the default
            body="2021年6月28日至7月2日，中国机械工程学会开展“走访调研”。走访企业 12 家。",
            link_url=spanning.url,
            date=D(2021, 6, 28),
        ),
        LinkedEntry(
            origin="activity",
            origin_key=f"activity:{page.pk}",
            workstream=talent,
            body=FORUM_TEXT,
            link_url=page.url,
            date=D(2021, 7, 9),
        ),
    ]


def test_a_society_text_stays_plain_in_the_report(make_activity):
    page = forum(make_activity, summary="见 <script>alert(1)</script> 与 *重点* [链接](x)\n- 项")
    [entry] = entries_for(Period(D(2021, 7, 1), D(2021, 7, 31)))
    assert entry.origin_key == f"activity:{page.pk}"
    assert "<" not in entry.body and "\n" not in entry.body
    assert r"\*重点\*" in entry.body and r"\[链接\]" in entry.body


def test_entries_cost_the_same_queries_for_3_and_12_activities(make_activity):
    def count(total):
        ActivityPage.objects.all().delete()
        for day in range(total):
            forum(make_activity, title=f"活动{day}", start_date=D(2021, 7, 1 + day))
        entries_for(Period(D(2021, 7, 1), D(2021, 7, 31)))  # site root paths cached
        with CaptureQueriesContext(connection) as queries:
            entries = entries_for(Period(D(2021, 7, 1), D(2021, 7, 31)))
        assert len(entries) == total
        return len(queries)

    # The view restrictions (for `public()`), the activities, the default workstream.
    assert count(3) == count(12) <= 3


# Suggestions on the edit view, one click to include -----------------------------------------


def test_the_edit_view_suggests_the_published_activities_of_the_period(
    make_activity, make_report, editor
):
    july = make_report(D(2021, 7, 1))
    page = forum(make_activity)
    forum(make_activity, title="尚未发布的活动", live=False)
    forum(make_activity, title="八月的活动", start_date=D(2021, 8, 2))
    html = suggestions_html(editor, july)
    assert "学术交流" in html and "2021年7月9日" in html and "中国机械工程学会" in html
    assert f'<a href="{page.url}" target="_blank" rel="noopener">智能制造论坛</a>' in html
    assert f'name="include_activity" value="{page.pk}"' in html and "收入月报" in html
    assert "尚未发布的活动" not in html and "八月的活动" not in html
    # Nothing was added by showing it: activities are opt-in.
    assert activity_entries(july) == []


def test_the_create_view_asks_to_save_first(editor, federation, cmes):
    url = reverse("wagtailadmin_pages:add", args=("reports", "monthlyreportpage", 0))
    url = url.replace("/0/", f"/{federation['report_index'].pk}/")
    html = editor.get(url).content.decode()
    assert "成员学会活动（建议收入）" in html and "请先保存月报" in html


def test_one_click_includes_the_activity_as_a_linked_entry_in_a_draft(
    make_activity, make_report, editor, committed, workstreams
):
    july = make_report(D(2021, 7, 1))
    page = forum(make_activity)
    revisions = july.revisions.count()

    def rewrite_manual(data):  # the editor's unsaved work is saved with the click
        data["progress_entries-TOTAL_FORMS"] = "1"
        data["progress_entries-0-workstream"] = str(workstreams[0].pk)
        data["progress_entries-0-body"] = "秘书处编写宣传册。"
        data["progress_entries-0-ORDER"] = "1"

    response = include(editor, july, page.pk, committed, change=rewrite_manual)
    assert response.status_code == 302
    report = fresh(july)
    assert not report.live and report.revisions.count() > revisions
    items = list(latest(july).progress_entries.all())
    assert [(e.origin, e.body) for e in items] == [
        ("manual", "秘书处编写宣传册。"),
        ("activity", FORUM_TEXT),
    ]
    entry = items[1]
    assert entry.origin_key == f"activity:{page.pk}" and entry.link_url == page.url
    assert entry.workstream.name == "学术交流" and not entry.edited
    # Linked like a milestone, and no longer suggested.
    html = editor.get(edit_url(july)).content.decode()
    assert "关联条目（来源：成员学会活动）" in html
    assert f'name="include_activity" value="{page.pk}"' not in html
    # The sync that followed the save found nothing to do; a second one neither.
    count = report.revisions.count()
    call_command("sync_reports", stdout=io.StringIO())
    assert fresh(july).revisions.count() == count


@pytest.mark.parametrize("which", ["draft", "other month", "unknown", "not a number"])
def test_a_wrong_activity_is_refused_with_a_message(
    which, make_activity, make_report, editor, committed
):
    july = make_report(D(2021, 7, 1))
    ids = {
        "draft": lambda: forum(make_activity, live=False).pk,
        "other month": lambda: forum(make_activity, start_date=D(2021, 8, 2)).pk,
        "unknown": lambda: 999999,
        "not a number": lambda: "1 or 1=1",
    }
    revisions = july.revisions.count()
    response = include(editor, july, ids[which](), committed)
    assert response.status_code == 200
    assert "所选活动不是本报告期内已发布的成员学会活动" in response.content.decode()
    assert fresh(july).revisions.count() == revisions and activity_entries(july) == []


def test_an_activity_is_included_once(make_activity, make_report, editor, committed):
    july = make_report(D(2021, 7, 1))
    page = forum(make_activity)
    include(editor, july, page.pk, committed)
    response = include(editor, july, page.pk, committed)
    assert response.status_code == 200 and "该活动已收入本月报" in response.content.decode()
    assert len(activity_entries(july)) == 1


# Kept in step by the sync -------------------------------------------------------------------


def test_an_included_activity_follows_its_page_until_unpublished(
    make_activity, make_report, editor, committed
):
    july = make_report(D(2021, 7, 1))
    page = forum(make_activity)
    include(editor, july, page.pk, committed)

    page = publish(page, committed, title="智能制造高峰论坛", summary="200 人参加。")
    [entry] = activity_entries(july)
    assert entry.body == (
        "2021年7月9日，中国机械工程学会在山东潍坊举办“智能制造高峰论坛”。200 人参加。"
    )
    assert entry.link_url == page.url

    with committed():
        page.unpublish()
    assert activity_entries(july) == []
    assert not fresh(july).live  # a draft report: drafts only


def test_a_deleted_activity_leaves_the_report(make_activity, make_report, editor, committed):
    july = make_report(D(2021, 7, 1))
    page = forum(make_activity)
    include(editor, july, page.pk, committed)
    with committed():
        ActivityPage.objects.get(pk=page.pk).delete()
    assert activity_entries(july) == []


def test_an_activity_moved_to_another_month_leaves_the_report(
    make_activity, make_report, editor, committed
):
    july, august = make_report(D(2021, 7, 1)), make_report(D(2021, 8, 1))
    page = forum(make_activity)
    include(editor, july, page.pk, committed)
    publish(page, committed, start_date=D(2021, 8, 3))
    assert activity_entries(july) == []
    assert activity_entries(august) == []  # suggested there, not added


def test_a_multi_month_activity_reaches_each_report_that_included_it(
    make_activity, make_report, editor, committed
):
    june, july, august = (make_report(D(2021, m, 1)) for m in (6, 7, 8))
    page = forum(make_activity, start_date=D(2021, 6, 28), end_date=D(2021, 8, 2))
    include(editor, june, page.pk, committed)
    include(editor, august, page.pk, committed)
    publish(page, committed, summary="展期延长。")
    for report in (june, august):
        [entry] = activity_entries(report)
        assert entry.body.startswith("2021年6月28日至8月2日") and entry.body.endswith("展期延长。")
    assert activity_entries(july) == []


def test_the_sync_never_adds_an_activity_by_itself(make_activity, make_report, committed):
    july = make_report(D(2021, 7, 1))
    august = make_report(D(2021, 8, 1), publish=True)
    page = forum(make_activity)
    forum(make_activity, start_date=D(2021, 8, 5))
    publish(page, committed, summary="再次发布。")
    call_command("sync_reports", stdout=io.StringIO())
    assert activity_entries(july) == [] and activity_entries(august) == []
    assert not fresh(august).source_changed


def test_a_rewritten_entry_keeps_its_text_and_a_hidden_one_stays_hidden(
    make_activity, make_report, editor, committed
):
    july = make_report(D(2021, 7, 1))
    first = forum(make_activity)
    second = forum(make_activity, title="云课堂", kind="class", start_date=D(2021, 7, 20))
    include(editor, july, first.pk, committed)
    include(editor, july, second.pk, committed)

    data = form_data(editor.get(edit_url(july)).content.decode())
    prefixes = {
        value: key.removesuffix("-origin_key")
        for key, value in data.items()
        if key.startswith("progress_entries-") and key.endswith("-origin_key")
    }
    data[f"{prefixes[f'activity:{first.pk}']}-body"] = "7月9日，机械学会举办论坛，300 人参加。"
    data[f"{prefixes[f'activity:{second.pk}']}-hidden"] = "on"
    with committed():
        assert editor.post(edit_url(july), data).status_code == 302

    publish(first, committed, summary="新的摘要。")
    publish(second, committed, summary="新的摘要。")
    rewritten, hidden = activity_entries(july)
    assert rewritten.edited and rewritten.body == "7月9日，机械学会举办论坛，300 人参加。"
    assert hidden.hidden and "新的摘要" not in hidden.body


def test_a_published_report_gets_a_draft_and_the_flag(
    make_activity, make_report, editor, committed, client
):
    july = make_report(D(2021, 7, 1), publish=True)
    page = forum(make_activity)
    include(editor, july, page.pk, committed)
    assert ProgressEntry.objects.filter(page=july, origin="activity").count() == 0  # a draft
    with committed():
        latest(july).save_revision().publish()
    assert ProgressEntry.objects.get(page=july, origin="activity").body == FORUM_TEXT
    live_revision = fresh(july).live_revision_id

    publish(page, committed, title="智能制造高峰论坛")
    report = fresh(july)
    assert report.source_changed and report.live_revision_id == live_revision
    assert ProgressEntry.objects.get(page=july, origin="activity").body == FORUM_TEXT
    [entry] = activity_entries(july)
    assert "智能制造高峰论坛" in entry.body

    # Discarding keeps the approved text, including the activity as it was approved.
    discard_source_changes(report)
    assert not fresh(july).source_changed
    [entry] = activity_entries(july)
    assert entry.body == FORUM_TEXT
    count = fresh(july).revisions.count()
    call_command("sync_reports", stdout=io.StringIO())
    assert fresh(july).revisions.count() == count


def test_enter_in_a_field_saves_without_including_an_activity(make_activity, make_report, editor):
    """A browser's implicit submission uses the form's first submit button."""
    from lxml import html as lxml_html

    july = make_report(D(2021, 7, 1))
    forum(make_activity)
    tree = lxml_html.fromstring(editor.get(edit_url(july)).content.decode())
    [form] = tree.xpath("//form[@id='page-edit-form']")
    buttons = form.xpath(".//button[not(@type) or @type='submit'] | .//input[@type='submit']")
    assert buttons[0].get("name") is None
    assert any(b.get("name") == "include_activity" for b in buttons)
