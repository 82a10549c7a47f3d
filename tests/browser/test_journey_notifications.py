"""Issue 15 in a real browser: a signed-in applicant sees the unread count beside 通知 in the
site header, opens the inbox, marks everything read, and the count is gone."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.expect import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = ARTIFACTS / "journey_notifications"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def endorsed_kind():
    from cms.notifications.kinds import Kind, register_kind, unregister_kind

    kind = register_kind(Kind("tests.endorsed", "申报推荐结果", audience="申报单位"))
    yield kind
    unregister_kind(kind.code)


def test_the_unread_count_goes_when_all_are_read(page, demo, login, endorsed_kind):
    from django.contrib.auth import get_user_model

    from cms.notifications import notify
    from cms.notifications.inbox import mark_all_read

    applicant = get_user_model().objects.get(username="applicant")
    # What the demo told the applicant (its receipts, its endorsements) was read before.
    mark_all_read(applicant)
    for name, society in [
        ("数字孪生产线协同优化系统", "中国机械工程学会"),
        ("工业大模型平台", "中国自动化学会"),
    ]:
        notify(
            applicant,
            endorsed_kind.code,
            {"subject": f"“{name}”已获推荐", "message": f"您的申报“{name}”已获{society}推荐。"},
            "/accounts/nominations/",
            key=f"browser:{name}",
        )

    login("applicant", path="/accounts/login/")
    page.goto("/")
    header_link = page.locator(".account-links").get_by_role("link", name="通知")
    expect(header_link.locator(".unread-badge")).to_have_text("未读：2")
    header_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知")
    expect(page.locator(".inbox-summary")).to_have_text("2 条未读")
    expect(page.locator(".inbox-item.unread")).to_have_count(2)
    expect(page.get_by_text("您的申报“工业大模型平台”已获中国自动化学会推荐。")).to_be_visible()
    shot(page, "1-inbox-unread")

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_role("status")).to_have_text("已将 2 条通知标为已读。")
    expect(page.locator(".inbox-summary")).to_have_text("没有未读通知")
    expect(page.locator(".inbox-item.unread")).to_have_count(0)
    expect(page.locator(".account-links .unread-badge")).to_have_count(0)
    shot(page, "2-inbox-read")


def test_an_editor_sees_the_count_in_the_admin_menu_and_reads_the_inbox(
    page, demo, login, endorsed_kind
):
    from django.contrib.auth import get_user_model

    from cms.notifications import notify
    from cms.notifications.inbox import mark_all_read

    editor = get_user_model().objects.get(username="editor")
    mark_all_read(editor)  # the demo's own notifications, read before
    notify(
        editor,
        endorsed_kind.code,
        {
            "subject": "有 1 项申报待形式审查",
            "message": "“工业大模型平台”已获学会推荐，待形式审查。",
        },
        "/admin/",
        key="browser:admin",
    )
    login("editor")
    expect(page.locator("#wagtail-sidebar")).to_contain_text("通知（1）")
    expect(page.get_by_role("heading", name="我的通知")).to_be_visible()
    expect(page.get_by_text("您有 1 条未读通知。")).to_be_visible()
    page.get_by_role("link", name="查看全部通知").click()
    expect(page.locator(".inbox-summary")).to_have_text("1 条未读")
    shot(page, "3-admin-inbox")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".inbox-summary")).to_have_text("没有未读通知")
    expect(page.locator("#wagtail-sidebar")).not_to_contain_text("通知（1）")
    # The office's 发件箱 lists the mail that went out with it.
    page.goto("/admin/outbox/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("发件箱")
    expect(page.get_by_role("table")).to_contain_text("有 1 项申报待形式审查")
    expect(page.get_by_role("table")).to_contain_text("已发送")
    shot(page, "4-outbox")
