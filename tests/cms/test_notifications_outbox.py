"""The outbox (cms.notifications) against a real SMTP server (tests/smtp_server.py): a message
is written in the caller's transaction and sent once after it commits; the server down, a
temporary or a permanent refusal are recorded, retried or not, and never sent twice."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from cms.models import DeliveryAttempt, MessageState, Mode, Notification, OutboxMessage
from cms.notifications import notify
from cms.notifications.delivery import MAX_ATTEMPTS, send_due, wait_after
from cms.notifications.digest import send_daily_digests
from cms.notifications.kinds import UnknownKind
from cms.notifications.preferences import set_mode
from cms.roles import Role
from tests.cms.factories import UserFactory
from tests.cms.notification_helpers import rows_of, send_notice

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_sends_nothing_and_a_committed_one_sends_once(
    smtp_server, notice_kind
):
    applicant = UserFactory(email="firm@example.com")
    with pytest.raises(Rollback), transaction.atomic():
        send_notice(applicant, key="nomination:1:endorsed")
        assert OutboxMessage.objects.count() == 1
        raise Rollback
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()
    assert smtp_server.messages == []

    with transaction.atomic():
        send_notice(applicant, key="nomination:1:endorsed")
        # Nothing leaves before the change is committed.
        assert smtp_server.messages == []
    assert len(smtp_server.messages) == 1
    message = rows_of(applicant)[0]
    assert message.state == MessageState.SENT and message.attempts == 1
    assert list(message.attempt_log.values_list("outcome", flat=True)) == ["sent"]
    # The retry job finds nothing more to send.
    send_due(timezone.now() + datetime.timedelta(days=1))
    assert len(smtp_server.messages) == 1


def test_the_mail_is_chinese_multipart_with_the_link_and_one_click_unsubscribe(
    smtp_server, notice_kind, on_commit
):
    applicant = UserFactory(email="firm@example.com")
    with on_commit():
        send_notice(applicant)
    (received,) = smtp_server.messages
    assert received["Subject"] == "申报已获学会推荐"
    assert received["To"] == "firm@example.com"
    assert (
        str(received["List-Unsubscribe"])
        .strip()
        .startswith("<http://testserver/notifications/unsubscribe/")
    )
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    for body in (text, html):
        assert "中国科协智能制造学会联合体" in body
        assert "已获中国机械工程学会推荐" in body
        assert "http://testserver/campaigns/2024/" in body
        assert "不再接收此类邮件" in body


def test_the_server_down_keeps_the_message_and_the_job_sends_it_once_later(
    smtp_server, notice_kind, on_commit
):
    applicant = UserFactory(email="firm@example.com")
    smtp_server.stop()
    with on_commit():
        send_notice(applicant)
    (message,) = rows_of(applicant)
    assert message.state == MessageState.DEFERRED
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > timezone.now()
    # Not yet due: the job leaves it.
    send_due()
    assert OutboxMessage.objects.get().attempts == 1

    smtp_server.start()
    later = timezone.now() + wait_after(1) + datetime.timedelta(seconds=1)
    send_due(later)
    send_due(later + datetime.timedelta(hours=1))
    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.attempts == 2
    assert list(message.attempt_log.values_list("outcome", flat=True)) == ["deferred", "sent"]


def test_a_451_is_retried_and_a_550_bounces_for_good(smtp_server, notice_kind, on_commit):
    busy = UserFactory(email="busy@example.com")
    gone = UserFactory(email="gone@example.com")
    smtp_server.refuse("busy@example.com", 451)
    smtp_server.refuse("gone@example.com", 550)
    with on_commit():
        send_notice([busy, gone])
    (deferred,), (bounced,) = rows_of(busy), rows_of(gone)
    assert deferred.state == MessageState.DEFERRED and "SMTP 451" in deferred.last_error
    assert bounced.state == MessageState.BOUNCED
    assert "SMTP 550" in bounced.last_error and "User unknown" in bounced.last_error

    smtp_server.accept("busy@example.com")
    send_due(timezone.now() + datetime.timedelta(days=1))
    assert [m["To"] for m in smtp_server.messages] == ["busy@example.com"]
    bounced.refresh_from_db()
    assert bounced.attempts == 1  # never tried again
    # Both still have their inbox item.
    assert Notification.objects.filter(recipient__in=[busy, gone]).count() == 2


def test_a_message_is_given_up_after_its_last_attempt(smtp_server, notice_kind, on_commit):
    applicant = UserFactory(email="firm@example.com")
    smtp_server.stop()
    with on_commit():
        send_notice(applicant)
    moment = timezone.now()
    for _attempt in range(MAX_ATTEMPTS):
        moment += datetime.timedelta(days=1)
        send_due(moment)
    message = OutboxMessage.objects.get()
    assert message.state == MessageState.FAILED and message.attempts == MAX_ATTEMPTS
    assert DeliveryAttempt.objects.filter(message=message).count() == MAX_ATTEMPTS


def test_two_claims_on_one_message_send_it_once(smtp_server, notice_kind):
    from cms.notifications.delivery import claim, deliver

    applicant = UserFactory(email="firm@example.com")
    (message,) = send_notice(applicant)  # the test's transaction never commits: not sent yet
    now = timezone.now()
    assert claim(message.pk, now)
    # A second worker (or the job) finds it taken.
    assert deliver(message.pk, now) is None
    assert smtp_server.messages == []


def test_a_repeated_key_sends_one_mail(smtp_server, notice_kind, on_commit):
    applicant = UserFactory(email="firm@example.com")
    with on_commit():
        send_notice(applicant, key="nomination:12:endorsed")
        send_notice(applicant, key="nomination:12:endorsed")
        send_notice([applicant], key="nomination:12:endorsed")
    assert len(smtp_server.messages) == 1
    assert Notification.objects.filter(recipient=applicant).count() == 1
    with on_commit():
        send_notice(applicant, key="nomination:12:returned")
    assert len(smtp_server.messages) == 2


def test_bad_addresses_never_stop_the_change(smtp_server, notice_kind, on_commit):
    invalid = UserFactory(email="not-an-address")
    nobody = UserFactory(email="")
    with on_commit(), transaction.atomic():
        send_notice([invalid, nobody])
        UserFactory(username="the-change")  # the caller's own change
    assert smtp_server.messages == []
    (message,) = rows_of(invalid)
    assert message.state == MessageState.BOUNCED
    assert message.last_error == "邮箱地址无效：not-an-address"
    assert not rows_of(nobody)
    assert Notification.objects.filter(recipient=nobody).exists()


def test_an_unknown_kind_is_a_programming_error(db):
    with pytest.raises(UnknownKind):
        notify(UserFactory(), "tests.nothing", {}, "/")


def test_kind_off_gives_the_inbox_item_but_no_mail(smtp_server, notice_kind, on_commit):
    applicant = UserFactory(email="firm@example.com")
    set_mode(applicant, notice_kind.code, Mode.OFF)
    with on_commit():
        send_notice(applicant)
    assert smtp_server.messages == []
    assert not rows_of(applicant)
    assert Notification.objects.get(recipient=applicant).mode == Mode.OFF


def test_the_daily_digest_is_one_mail_for_several(smtp_server, notice_kind, on_commit, travel):
    applicant = UserFactory(email="firm@example.com")
    other = UserFactory(email="other@example.com")
    set_mode(applicant, notice_kind.code, Mode.DIGEST)
    travel(datetime.date(2026, 5, 11), hour=9)
    with on_commit():
        for number in range(3):
            send_notice([applicant, other], key=f"event:{number}")
    assert [m["To"] for m in smtp_server.messages] == ["other@example.com"] * 3
    # The same day: nothing yet.
    with on_commit():
        send_daily_digests()
    assert len(smtp_server.messages) == 3

    travel(datetime.date(2026, 5, 12), hour=8)
    with on_commit():
        send_daily_digests()
        send_daily_digests()  # run twice: still one
    digests = smtp_server.to("firm@example.com")
    assert len(digests) == 1
    assert digests[0]["Subject"] == "2026年5月11日通知汇总（3 条）"
    text = digests[0].get_body(("plain",)).get_content()
    assert text.count("【测试通知】申报已获学会推荐") == 3
    assert Notification.objects.filter(recipient=applicant, message__isnull=True).count() == 0


def test_the_outbox_listing_shows_a_bounce_with_its_error(
    client, users, smtp_server, notice_kind, on_commit
):
    gone = UserFactory(email="gone@example.com")
    smtp_server.refuse("gone@example.com", 550)
    with on_commit():
        send_notice(gone)
    client.force_login(users["editor"])
    response = client.get("/admin/outbox/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "发件箱" in content
    assert "gone@example.com" in content and "被拒收" in content
    assert "SMTP 550" in content and "User unknown" in content
    message = OutboxMessage.objects.get()
    assert f'href="/admin/outbox/inspect/{message.pk}/"' in content
    # Filtered by state, kind and recipient.
    for query in (
        "state=bounced",
        f"kind={notice_kind.code}",
        f"recipient={gone.pk}",
    ):
        assert "gone@example.com" in client.get(f"/admin/outbox/?{query}").content.decode()
    assert "gone@example.com" not in client.get("/admin/outbox/?state=sent").content.decode()
    inspect = client.get(f"/admin/outbox/inspect/{message.pk}/").content.decode()
    assert "发送记录" in inspect and "SMTP 550" in inspect


def test_the_outbox_is_the_offices_alone_and_read_only(client, users, notice_kind):
    (message,) = send_notice(UserFactory(email="firm@example.com"))
    client.force_login(users["society"])
    assert client.get("/admin/outbox/").status_code in (302, 403)
    assert client.get(f"/admin/outbox/inspect/{message.pk}/").status_code in (302, 403)
    client.force_login(users["editor"])
    assert client.get("/admin/outbox/").status_code == 200
    for path in (f"/admin/outbox/edit/{message.pk}/", f"/admin/outbox/delete/{message.pk}/"):
        assert client.get(path).status_code == 404


def test_notify_takes_a_user_a_list_or_a_queryset(notice_kind):
    experts = [UserFactory(roles=[Role.EXPERT]) for _number in range(3)]
    from cms.roles import users_with_role

    assert len(send_notice(experts[0])) == 1
    assert len(send_notice(experts, key="b")) == 3
    assert len(send_notice(users_with_role(Role.EXPERT), key="c")) == 3


def test_a_title_with_html_characters_reads_as_it_is(smtp_server, notice_kind, on_commit):
    applicant = UserFactory(email="firm@example.com")
    with on_commit():
        notify(
            applicant,
            notice_kind.code,
            {"subject": "“R&D <平台>”已获推荐", "message": "“R&D <平台>”已获推荐。"},
            "/",
        )
    (received,) = smtp_server.messages
    assert received["Subject"] == "“R&D <平台>”已获推荐"
    assert "“R&D <平台>”已获推荐。" in received.get_body(("plain",)).get_content()
    assert "R&amp;D &lt;平台&gt;" in received.get_body(("html",)).get_content()


def test_a_message_whose_worker_was_lost_is_sent_by_the_job(smtp_server, notice_kind):
    from cms.notifications.delivery import STALE_CLAIM, claim

    applicant = UserFactory(email="firm@example.com")
    (message,) = send_notice(applicant)
    start = timezone.now()
    assert claim(message.pk, start)  # … and the worker is killed
    send_due(start + datetime.timedelta(minutes=1))
    assert smtp_server.messages == []  # still its worker's, for all the job knows
    later = start + STALE_CLAIM + datetime.timedelta(minutes=1)
    send_due(later)
    send_due(later + wait_after(1) + datetime.timedelta(seconds=1))
    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    outcomes = list(message.attempt_log.values_list("outcome", flat=True))
    assert outcomes == ["deferred", "sent"]
