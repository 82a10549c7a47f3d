"""A person's inbox (通知) on the site and in the admin: the unread count in the header and the
menu, marking read one or all (POST), nobody else's items; the preferences page; the signed
one-click unsubscribe link."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import Mode, Notification, NotificationPreference
from cms.notifications.preferences import preferences_of, unsubscribe_path
from tests.cms.factories import UserFactory
from tests.cms.notification_helpers import send_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(federation, notice_kind):
    return UserFactory(username="wangwu", email="wangwu@example.com")


def badge(content):
    found = re.search(r'class="unread-badge"[^>]*>.*?</span>(\d+)</span>', content)
    return int(found.group(1)) if found else 0


def test_the_header_shows_the_unread_count_and_the_inbox_lists_them(client, person):
    send_notice(person, key="a")
    send_notice(person, key="b")
    client.force_login(person)
    response = client.get("/notifications/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>通知</h1>" in content
    assert badge(content) == 2
    assert "2 条未读" in content
    assert content.count("申报已获学会推荐") == 2
    assert "已获中国机械工程学会推荐" in content
    assert 'href="http://testserver/campaigns/2024/"' in content
    # Dates as the site writes them.
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", content)


def test_mark_one_read_then_all(client, person):
    first, _second, _third = (send_notice(person, key=k)[0].notifications.get() for k in "abc")
    client.force_login(person)
    assert client.get(f"/notifications/{first.pk}/read/").status_code == 405
    response = client.post(f"/notifications/{first.pk}/read/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert badge(client.get("/").content.decode()) == 2
    response = client.post("/notifications/read-all/", follow=True)
    content = response.content.decode()
    assert "已将 2 条通知标为已读" in content
    assert "没有未读通知" in content and badge(content) == 0
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()


def test_nobody_reads_or_marks_another_persons_notifications(client, person):
    (message,) = send_notice(person)
    item = message.notifications.get()
    other = UserFactory()
    send_notice(other, key="theirs")
    client.force_login(other)
    assert client.post(f"/notifications/{item.pk}/read/").status_code == 404
    item.refresh_from_db()
    assert item.read_at is None
    assert "您的申报“数字孪生产线”" in client.get("/notifications/").content.decode()
    assert Notification.objects.filter(recipient=other).count() == 1
    client.post("/notifications/read-all/")
    item.refresh_from_db()
    assert item.read_at is None


def test_the_inbox_needs_a_signed_in_person(client, federation):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/notifications/read-all/").status_code == 302


def queries_of_inbox(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    return len(queries)


def test_the_inbox_page_costs_the_same_queries_for_3_or_30_items(client, person):
    client.force_login(person)
    for number in range(3):
        send_notice(person, key=f"few-{number}")
    client.get("/notifications/")  # the session, the site and the count are cached from here
    few = queries_of_inbox(client)
    for number in range(27):
        send_notice(person, key=f"many-{number}")
    client.get("/notifications/")
    assert queries_of_inbox(client) == few


def test_the_preferences_page_sets_each_kind(client, person):
    client.force_login(person)
    response = client.get("/notifications/preferences/")
    content = response.content.decode()
    assert "通知设置" in content and "测试通知" in content
    assert "每日汇总" in content and "不发邮件" in content
    # The account's own mails (verification) cannot be turned off.
    assert "邮箱验证" not in content
    # The whole form, as a browser sends it: every app's kinds, each as the page shows it.
    shown = {kind.code: mode for kind, mode in preferences_of(person)}
    data = {**shown, "tests.notice": "digest"}
    response = client.post("/notifications/preferences/", data, follow=True)
    assert "通知设置已保存" in response.content.decode()
    chosen = NotificationPreference.objects.filter(user=person, kind="tests.notice")
    assert chosen.get().mode == Mode.DIGEST
    response = client.post("/notifications/preferences/", {**shown, "tests.notice": "loud"})
    assert response.status_code == 200
    assert chosen.get().mode == Mode.DIGEST


def test_the_unsubscribe_link_turns_the_kind_off_without_signing_in(client, person):
    path = unsubscribe_path(person, "tests.notice")
    response = client.get(path)
    assert response.status_code == 200
    assert "确认不再接收“测试通知”类通知的邮件" in response.content.decode()
    assert not NotificationPreference.objects.exists()  # a look changes nothing
    # The mail program's one-click POST (RFC 8058) carries no session and no CSRF token.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "已退订" in response.content.decode()
    assert NotificationPreference.objects.get(user=person, kind="tests.notice").mode == Mode.OFF
    # What follows comes to the inbox only.
    (message,) = send_notice(person, key="after") or [None]
    assert message is None
    assert Notification.objects.filter(recipient=person, key="after").exists()


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(client, person):
    other = UserFactory()
    path = unsubscribe_path(person, "tests.notice")
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = unsubscribe_path(other, "tests.notice").rstrip("/").rsplit("/", 1)[1]
    # Another person's payload with this signature, and this one altered.
    tampered = [forged.split(":")[0] + token[token.index(":") :], token[:-2] + "xx"]
    for bad in tampered:
        response = client.post(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "退订链接无效或已被改动，您的通知设置没有任何更改" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def menu_label(user):
    """The label of the admin's 通知 menu item (the sidebar is drawn from JSON)."""
    from django.test import RequestFactory

    from cms.notifications.admin import inbox_menu_item

    request = RequestFactory().get("/admin/")
    request.user = user
    return str(inbox_menu_item().render_component(request).label)


def test_the_admin_shows_the_count_in_the_menu_a_dashboard_panel_and_the_inbox(client, users):
    from cms.notifications.kinds import Kind, register_kind, unregister_kind

    register_kind(Kind("tests.notice", "测试通知"))
    try:
        editor = users["editor"]
        send_notice(editor, key="a")
        send_notice(editor, key="b")
        client.force_login(editor)
        dashboard = client.get("/admin/").content.decode()
        assert menu_label(editor) == "通知（2）"
        assert "我的通知" in dashboard and "您有 2 条未读通知" in dashboard
        inbox = client.get("/admin/notifications/")
        content = inbox.content.decode()
        assert inbox.status_code == 200
        assert "2 条未读" in content and "全部标为已读" in content
        assert 'href="/notifications/preferences/"' in content
        response = client.post("/notifications/read-all/", {"next": "/admin/notifications/"})
        assert response["Location"] == "/admin/notifications/"
        assert menu_label(editor) == "通知"
        assert "没有未读通知" in client.get("/admin/").content.decode()
    finally:
        unregister_kind("tests.notice")


def test_each_person_is_offered_only_the_kinds_sent_to_their_roles(client):
    from cms.roles import Role

    applicant = UserFactory(username="firm", roles=[Role.APPLICANT])
    society = UserFactory(username="cmes", roles=[Role.MEMBER_SOCIETY])
    offered = {
        user.username: {kind.code for kind, _mode in preferences_of(user)}
        for user in (applicant, society)
    }
    assert "campaigns.review_round_result" in offered["firm"]
    assert "activities.feed_unhealthy" not in offered["firm"]
    assert "reports.report_due" not in offered["firm"]
    assert "activities.feed_unhealthy" in offered["cmes"]
    assert "campaigns.review_assigned" not in offered["cmes"]
    client.force_login(applicant)
    page = client.get("/notifications/preferences/").content.decode()
    assert "评审结果" in page and "订阅源多次抓取失败" not in page
