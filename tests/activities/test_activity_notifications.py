"""What a member society is told about its activities and feeds (`activities.notifications`),
each event made through what people use — the admin's workflow actions as a reviewer, the feed
ingestion against a real local HTTP server (the periodic job, the admin's 立即抓取) — and received
by a real SMTP server (tests/smtp_server.py): who got what, and who did not (another society's
people, the reviewers, who have Wagtail's own mails, in Chinese)."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from activities.ingest import ingest_due_feeds
from activities.models import ActivityPage, FeedStatus
from activities.notifications import (
    ACTIVITY_APPROVED,
    ACTIVITY_RETURNED,
    FEED_GONE,
    FEED_UNHEALTHY,
)
from cms.models import MessageState, Notification, OutboxMessage
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    FIXTURES,
    feed_server_fixture,
    local_feeds_fixture,
)
from tests.activities.helpers import activity_form, add_url, approve_url, make_society_user
from tests.cms.admin_walk import english_words

pytestmark = pytest.mark.django_db

TITLE = "仪器仪表学会智能制造论坛"
NOW = datetime.datetime(2021, 7, 22, 2, 0, tzinfo=datetime.UTC)
CIS_PEOPLE = ["cis@example.org", "cis2@example.org"]
# Another society's people: the demo's CMES account and one more.
OTHERS = ["cmes@example.org", "society@imac.example.org"]


@pytest.fixture
def people(society_pages):
    return {
        "cis": make_society_user("cis", society_pages["CIS"].society),
        "cis2": make_society_user("cis2", society_pages["CIS"].society),
        "cmes": make_society_user("cmes", society_pages["CMES"].society),
    }


@pytest.fixture
def submitted(client, smtp_server, people, society_pages):
    """CIS's activity, submitted to the secretariat by its person cis in the admin."""
    client.force_login(people["cis"])
    response = client.post(add_url(society_pages["CIS"]), activity_form(**{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return ActivityPage.objects.get(title=TITLE)


def ours(server, address=None):
    """The messages of the outbox (they carry an unsubscribe link), to `address` if given."""
    messages = server.to(address) if address else server.messages
    return [m for m in messages if m["List-Unsubscribe"]]


def wagtails(server, address):
    """Wagtail's own moderation mails to `address` (marked Auto-Submitted)."""
    return [m for m in server.to(address) if m["Auto-Submitted"] == "auto-generated"]


def text(message):
    return message.get_body(("plain",)).get_content()


def subject(message):
    # A long encoded subject is folded onto its own line: the parsed value starts with a space.
    return str(message["Subject"]).strip()


def review(client, editor, page, action, comment, on_commit):
    client.force_login(editor)
    with on_commit():
        response = client.post(approve_url(page, action), {"comment": comment})
    assert response.status_code in (200, 302)
    client.logout()


# --- moderation ---------------------------------------------------------------------------------


def test_an_approval_is_told_to_the_societys_people_with_the_comment(
    client, smtp_server, users, submitted, on_commit
):
    review(client, users["editor"], submitted, "approve", "同意发布，内容完整。", on_commit)
    submitted.refresh_from_db()
    assert submitted.live

    for address in CIS_PEOPLE:
        (message,) = ours(smtp_server, address)
        assert subject(message) == f"活动已通过审核：{TITLE}"
        body = text(message)
        assert f"中国仪器仪表学会提交的活动“{TITLE}”" in body
        assert "已通过秘书处审核" in body and "同意发布，内容完整。" in body
        assert f"http://testserver/admin/pages/{submitted.pk}/edit/" in body
        assert "中国科协智能制造学会联合体" in body
    for address in [*OTHERS, users["editor"].email, users["secretary"].email]:
        assert ours(smtp_server, address) == [], address
    rows = OutboxMessage.objects.filter(kind=ACTIVITY_APPROVED)
    assert set(rows.values_list("address", flat=True)) == set(CIS_PEOPLE)
    assert set(rows.values_list("state", flat=True)) == {MessageState.SENT}
    assert Notification.objects.filter(kind=ACTIVITY_APPROVED).count() == 2


def test_sent_back_twice_the_society_hears_each_time_with_its_comment(
    client, smtp_server, users, people, submitted, on_commit
):
    review(client, users["editor"], submitted, "reject", "请补充活动照片。", on_commit)
    submitted.refresh_from_db()
    assert not submitted.live
    for address in CIS_PEOPLE:
        (message,) = ours(smtp_server, address)
        assert subject(message) == f"活动被退回修改：{TITLE}"
        body = text(message)
        assert "被秘书处退回修改" in body and "修改意见：请补充活动照片。" in body
        assert f"http://testserver/admin/pages/{submitted.pk}/edit/" in body

    # cis resubmits in the admin; the secretariat sends it back again, for another reason.
    client.force_login(people["cis"])
    data = activity_form(slug=submitted.slug, **{"action-submit": "1"})
    response = client.post(reverse("wagtailadmin_pages:edit", args=(submitted.pk,)), data)
    assert response.status_code == 302
    assert WorkflowState.objects.get(object_id=str(submitted.pk)).status == "in_progress"
    review(client, users["editor"], submitted, "reject", "请注明参会人数。", on_commit)

    for address in CIS_PEOPLE:
        first, second = ours(smtp_server, address)
        assert "请补充活动照片。" in text(first) and "请注明参会人数。" in text(second)
    for address in OTHERS:
        assert ours(smtp_server, address) == [], address
    assert OutboxMessage.objects.filter(kind=ACTIVITY_RETURNED).count() == 4


def test_a_bouncing_address_never_stops_the_approval(
    client, smtp_server, users, submitted, on_commit
):
    smtp_server.refuse("cis2@example.org", 550)
    review(client, users["editor"], submitted, "approve", "同意", on_commit)
    submitted.refresh_from_db()
    assert submitted.live
    assert WorkflowState.objects.get(object_id=str(submitted.pk)).status == "approved"
    assert len(ours(smtp_server, "cis@example.org")) == 1
    assert ours(smtp_server, "cis2@example.org") == []
    bounced = OutboxMessage.objects.get(kind=ACTIVITY_APPROVED, address="cis2@example.org")
    assert bounced.state == MessageState.BOUNCED
    assert "SMTP 550" in bounced.last_error and "User unknown" in bounced.last_error
    assert list(bounced.attempt_log.values_list("outcome", flat=True)) == ["bounced"]


def test_wagtails_own_moderation_mails_stay_and_speak_chinese(
    client, smtp_server, users, submitted, on_commit
):
    """The reviewers hear of the submission from Wagtail alone (no mail of ours); the submitter
    gets Wagtail's note of the outcome besides ours. Every one in Chinese."""
    editor = users["editor"]
    (submission,) = wagtails(smtp_server, editor.email)
    assert ours(smtp_server, editor.email) == []
    review(client, editor, submitted, "reject", "请补充活动照片。", on_commit)
    (rejection,) = wagtails(smtp_server, "cis@example.org")
    assert "请补充活动照片。" in text(rejection)
    assert wagtails(smtp_server, "cis2@example.org") == []  # Wagtail tells the submitter only
    for message in (submission, rejection):
        assert TITLE in subject(message)
        for words in (subject(message), text(message)):
            assert not english_words(words), words
    assert ours(smtp_server, editor.email) == []


# --- feeds --------------------------------------------------------------------------------------


def run_due_feeds(times, moment, on_commit):
    """The periodic job, `times` runs, each when the feed is next due; the moment after."""
    for _run in range(times):
        with on_commit():
            (result,) = ingest_due_feeds(now=moment)
        moment = result.feed.next_fetch_at
    return moment


def test_a_feed_turning_unhealthy_is_told_once_and_again_after_a_recovery(
    smtp_server, people, society_pages, local_feeds, on_commit
):
    local_feeds.documents["flaky"] = 503
    feed = FeedFactory(society=society_pages["CIS"].society, url=local_feeds.url("/doc/flaky"))
    moment = run_due_feeds(4, NOW, on_commit)
    assert ours(smtp_server) == []  # failing, not yet unhealthy
    moment = run_due_feeds(1, moment, on_commit)
    feed.refresh_from_db()
    assert feed.status == FeedStatus.UNHEALTHY
    for address in CIS_PEOPLE:
        (message,) = ours(smtp_server, address)
        assert subject(message) == f"订阅源多次抓取失败：{feed.title}"
        body = text(message)
        assert "已连续 5 次抓取失败" in body and "最近错误：HTTP 503" in body
        assert feed.url in body
        assert f"http://testserver/admin/activities/feeds/edit/{feed.pk}/" in body
    moment = run_due_feeds(2, moment, on_commit)  # still unhealthy: nothing more
    assert len(ours(smtp_server)) == 2

    local_feeds.documents["flaky"] = ((FIXTURES / "atom.xml").read_bytes(), "application/atom+xml")
    moment = run_due_feeds(1, moment, on_commit)
    feed.refresh_from_db()
    assert feed.healthy
    # Its two new drafts reach the reviewers by Wagtail's mail, sent outside any request.
    submissions = wagtails(smtp_server, "editor@imac.example.org")
    assert len(submissions) == 2
    for message in submissions:
        assert not english_words(subject(message) + text(message)), subject(message)
    local_feeds.documents["flaky"] = 500
    run_due_feeds(5, moment, on_commit)
    for address in CIS_PEOPLE:
        first, second = ours(smtp_server, address)
        assert "HTTP 503" in text(first) and "HTTP 500" in text(second)
    for address in OTHERS:
        assert ours(smtp_server, address) == [], address
    assert OutboxMessage.objects.filter(kind=FEED_UNHEALTHY).count() == 4


def test_a_feed_answering_410_is_told_once_as_stopped(
    client, smtp_server, people, society_pages, local_feeds, on_commit
):
    feed = FeedFactory(society=society_pages["CIS"].society, url=local_feeds.url("/status/410"))
    client.force_login(people["cis"])
    fetch = reverse("activities_feed:fetch", args=(feed.pk,))
    with on_commit():
        assert client.post(fetch).status_code == 302  # 立即抓取
    feed.refresh_from_db()
    assert feed.status == FeedStatus.GONE and not feed.active
    with on_commit():
        client.post(fetch)  # stopped: not fetched, nothing told
    for address in CIS_PEOPLE:
        (message,) = ours(smtp_server, address)
        assert subject(message) == f"订阅源已停止抓取：{feed.title}"
        body = text(message)
        assert "已失效（HTTP 410），系统已停止抓取" in body
        assert "最近错误：订阅源已失效（HTTP 410），已停止抓取" in body
    for address in OTHERS:
        assert ours(smtp_server, address) == [], address
    assert OutboxMessage.objects.filter(kind=FEED_GONE).count() == 2


def test_only_the_societys_people_are_told(people, society_pages, users):
    """Its group without the member-society role (an office account put there) is not enough,
    nor the role without its group."""
    from activities.notifications import society_people

    cis = society_pages["CIS"].society
    users["editor"].groups.add(cis.group)
    found = set(society_people(cis.pk).values_list("username", flat=True))
    assert found == {"cis", "cis2"}
