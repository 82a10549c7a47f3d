"""A member society's day: sign in, post activities under its own page choosing a 工作板块 in the
chooser and submitting at once, then change a draft's 工作板块 and submit again at once; the
live server (threads on a SQLite file, as in the demo) never answers 5xx, no page is created
twice, and the editor sends no background request against a create form."""

import re

import pytest

from tests.browser.expect import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAUSE_MS = 1200


def choose_workstream(page, name):
    page.locator("#id_workstream-chooser [data-chooser-action-choose]").click()
    page.locator(".modal-content a[data-chooser-modal-choice]", has_text=name).click()
    expect(page.locator("#id_workstream-title")).to_have_text(name)


def open_more_actions(page):
    page.locator("footer .w-dropdown-button .w-dropdown__toggle").first.click()


def submit_for_moderation(page):
    open_more_actions(page)
    page.locator("button[name=action-submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/(edit/)?$"))
    expect(page.locator(".messages")).to_contain_text(re.compile("提交审核|提交进行审核"))


def test_society_posts_activities_choosing_a_workstream_and_submitting_at_once(
    page, demo, login, requests_seen
):
    from activities.models import ActivityPage, SocietyActivitiesPage

    cmes = SocietyActivitiesPage.objects.get(society__abbreviation="CMES")
    before = set(ActivityPage.objects.values_list("pk", flat=True))
    login("society")
    titles = [f"智能制造标准研讨会（第 {n} 场）" for n in range(1, 4)]
    for title in titles:
        page.goto(f"/admin/pages/{cmes.pk}/")
        page.get_by_role("link", name=re.compile("添加子页面")).first.click()
        page.wait_for_url(re.compile(r"/admin/pages/add/activities/activitypage/\d+/"))
        # At a person's pace: pauses longer than the editor waits before it saves in the
        # background (WAGTAIL_AUTOSAVE_INTERVAL, 500 ms), so that it would have saved by now.
        page.locator("#id_title").press_sequentially(title, delay=60)
        page.wait_for_timeout(PAUSE_MS)
        page.locator("#id_start_date").fill("2026-11-20")
        page.locator("#id_summary").press_sequentially("学会在潍坊召开研讨会。", delay=60)
        page.wait_for_timeout(PAUSE_MS)
        choose_workstream(page, "学术交流")
        # And at once after the chooser's change: the click and that change's save race.
        submit_for_moderation(page)

    created = list(ActivityPage.objects.exclude(pk__in=before).order_by("pk"))
    assert [a.title for a in created] == titles  # each once, none twice
    for activity in created:
        latest = activity.get_latest_revision_as_object()
        assert latest.workstream.name == "学术交流"
        assert activity.get_parent().pk == cmes.pk
        assert not activity.live and activity.workflow_in_progress
    add_posts = [r for r in requests_seen if r[1] == "POST" and "/pages/add/" in r[2]]
    assert [status for status, _, _ in add_posts] == [302, 302, 302]

    # A draft of its own, not yet submitted: another workstream saved at once, then another
    # one submitted at once, while the editor's autosave of the change may be on its way.
    page.goto(f"/admin/pages/{cmes.pk}/")
    page.get_by_role("link", name=re.compile("添加子页面")).first.click()
    page.locator("#id_title").fill("智能制造人才培训班（草稿）")
    page.wait_for_timeout(PAUSE_MS)
    page.locator("#id_start_date").fill("2026-12-10")
    page.locator("#id_summary").fill("学会举办人才培训班。")
    choose_workstream(page, "学术交流")
    page.locator("footer button.action-save").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    draft = ActivityPage.objects.get(title="智能制造人才培训班（草稿）")
    for name, submit in (("产学融合", False), ("人才培养", True)):
        page.goto(f"/admin/pages/{draft.pk}/edit/")
        page.locator("#id_place").press_sequentially("潍坊", delay=60)
        page.wait_for_timeout(PAUSE_MS)
        toggle = page.locator("#id_workstream-chooser .w-dropdown__toggle")
        toggle.focus()
        toggle.press("Enter")
        # The menu opens over the panel, which takes a mouse click: keyboard, as people do too.
        page.locator("#id_workstream-chooser [data-chooser-action-choose]").first.press("Enter")
        page.locator(".modal-content a[data-chooser-modal-choice]", has_text=name).click()
        expect(page.locator("#id_workstream-title")).to_have_text(name)
        if submit:
            submit_for_moderation(page)
        else:
            page.locator("footer button.action-save").click()
            page.wait_for_url(re.compile(rf"/admin/pages/{draft.pk}/edit/$"))
            expect(page.locator(".messages")).to_contain_text("已被更新")
        draft.refresh_from_db()
        assert draft.get_latest_revision_as_object().workstream.name == name
    assert draft.workflow_in_progress
    assert ActivityPage.objects.filter(title="智能制造人才培训班（草稿）").count() == 1
    refused = [r for r in requests_seen if r[1] == "POST" and 400 <= r[0] < 500]
    assert refused == []
