"""The review's notifications (campaigns.review_notifications) against a real SMTP server: each
event made through the view a person uses (the office's round and notice admin, the expert's
score sheet, the chair's confirmation, the public objection form), then who received what — and
who did not: an expert excluded by a conflict never reads the name of that nomination, an
applicant never reads about another's. Jobs run twice send once; a bouncing address never stops
the change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import jobs
from campaigns.models import Objection, PublicNotice, ReviewRound, ScoreSheet
from campaigns.models.review import ObjectionStatus, RoundKind, RoundStatus
from cms.models import MessageState, OutboxMessage
from cms.notifications.kinds import all_kinds
from tests.campaigns.factories import ReviewRoundFactory, RoundEntryFactory
from tests.campaigns.review_helpers import (
    DAY,
    campaign_2024,
    conflict_post,
    conflict_url,
    login,
    make_expert,
    make_round,
    make_user,
    passed,
    sheet_post,
    sheet_url,
    today,
)

pytestmark = pytest.mark.django_db

FIRST, SECOND = "数字孪生产线", "智能焊接机器人"


@pytest.fixture
def campaign(campaign_index, cmes, caa):
    return campaign_2024(campaign_index, societies=[cmes, caa])


@pytest.fixture
def world(campaign, office, secretary, applicant, cmes, caa):
    """FIRST (the `applicant`'s, from 某某大学 via CMES) and SECOND (`other`'s, via CAA), passed;
    ann has no conflict, bob works at 某某大学 and is excluded from FIRST; a draft first round
    that lets one item advance."""
    other = make_user("other")
    n1 = passed(campaign, applicant, FIRST, organisation="某某大学", society=cmes)
    n2 = passed(campaign, other, SECOND, organisation="乙公司", society=caa)
    ann = make_expert("ann", organisation="甲大学")
    bob = make_expert("bob", organisation="某某大学")
    review_round = make_round(
        campaign, experts=[ann, bob], chair=ann, advance_count=1, closes_on=today() + 3 * DAY
    )
    return {
        "round": review_round,
        "n1": n1,
        "n2": n2,
        "ann": ann,
        "bob": bob,
        "applicant": applicant,
        "other": other,
        "office": [office, secretary],
    }


def mails(server, user):
    return server.to(user.email)


def subject(message):
    # A long Chinese subject arrives folded: its first line starts with the fold's space.
    return str(message["Subject"]).strip()


def text_of(message):
    return message.get_body(("plain",)).get_content()


def subjects(server, user):
    return [subject(message) for message in mails(server, user)]


def everything_to(server, user):
    return " ".join(subject(message) + text_of(message) for message in mails(server, user))


def open_through_the_admin(world, on_commit):
    with on_commit():
        response = login(world["office"][0]).post(
            reverse("reviewround:open", args=[world["round"].pk])
        )
    assert response.status_code == 302
    world["round"].refresh_from_db()
    return world["round"]


def submit(review_round, expert, nomination, on_commit, values=(35, 25, 20)):
    names = [c["name"] for c in review_round.criteria]
    data = sheet_post(
        review_round, dict(zip(names, map(str, values), strict=True)), action="submit"
    )
    with on_commit():
        response = login(expert).post(sheet_url(review_round, nomination), data)
    assert response.status_code == 302, response.content.decode()


def test_every_kind_is_registered_with_chinese_templates():
    codes = {code for code in all_kinds() if code.startswith("campaigns.")}
    assert {
        "campaigns.review_assigned",
        "campaigns.review_reminder",
        "campaigns.review_score_amended",
        "campaigns.review_round_complete",
        "campaigns.review_sheets_missing",
        "campaigns.review_round_result",
        "campaigns.notice_listed",
        "campaigns.notice_ended",
        "campaigns.objection_filed",
        "campaigns.objection_decided",
    } <= codes


# --- experts ----------------------------------------------------------------------------------


def test_opening_a_round_tells_each_expert_what_to_score_and_never_a_recused_item(
    world, smtp_server, on_commit
):
    review_round = open_through_the_admin(world, on_commit)
    end = f"{review_round.closes_on.year}年{review_round.closes_on.month}月"
    (to_ann,) = mails(smtp_server, world["ann"])
    assert subject(to_ann) == "评审任务：第一轮遴选（初评），2 个项目"
    body = text_of(to_ann)
    assert FIRST in body and SECOND in body and end in body
    assert "http://testserver/review/" in body and "中国科协智能制造学会联合体" in body
    (to_bob,) = mails(smtp_server, world["bob"])
    assert subject(to_bob) == "评审任务：第一轮遴选（初评），1 个项目"
    assert SECOND in text_of(to_bob) and FIRST not in everything_to(smtp_server, world["bob"])
    # Nobody else hears of it.
    for someone in (world["applicant"], world["other"], *world["office"]):
        assert mails(smtp_server, someone) == []
    assert len(smtp_server.messages) == 2


def test_a_bouncing_expert_address_is_recorded_and_the_round_still_opens(
    world, smtp_server, on_commit
):
    smtp_server.refuse(world["bob"].email, 550)
    review_round = open_through_the_admin(world, on_commit)
    assert review_round.status == RoundStatus.OPEN
    assert review_round.entries.count() == 2
    (bounced,) = OutboxMessage.objects.filter(recipient=world["bob"])
    assert bounced.state == MessageState.BOUNCED
    assert "SMTP 550" in bounced.last_error and "User unknown" in bounced.last_error
    assert bounced.attempt_log.get().outcome == MessageState.BOUNCED
    assert len(mails(smtp_server, world["ann"])) == 1 and mails(smtp_server, world["bob"]) == []


def test_reminders_3_days_and_1_day_before_the_end_for_unsubmitted_sheets_only(
    world, smtp_server, on_commit, travel
):
    review_round = open_through_the_admin(world, on_commit)
    submit(review_round, world["ann"], world["n1"], on_commit)
    before = len(smtp_server.messages)
    for _run in range(2):
        with on_commit():
            jobs.review_reminders()
    reminders = smtp_server.messages[before:]
    assert sorted(m["To"] for m in reminders) == [world["ann"].email, world["bob"].email]
    ann_reminder = next(m for m in reminders if m["To"] == world["ann"].email)
    assert "尚有 1 份未提交" in subject(ann_reminder)
    # ann submitted FIRST: only SECOND is left; bob never reads FIRST.
    assert SECOND in text_of(ann_reminder) and FIRST not in text_of(ann_reminder)
    assert FIRST not in everything_to(smtp_server, world["bob"])

    travel(review_round.closes_on - DAY)
    submit(review_round, world["bob"], world["n2"], on_commit)
    before = len(smtp_server.messages)
    for _run in range(2):
        with on_commit():
            jobs.review_reminders()
    # bob is done; ann still owes SECOND.
    assert [m["To"] for m in smtp_server.messages[before:]] == [world["ann"].email]


def test_missing_sheets_at_the_end_date_tell_the_office_once(world, smtp_server, on_commit, travel):
    review_round = open_through_the_admin(world, on_commit)
    submit(review_round, world["ann"], world["n1"], on_commit)
    travel(review_round.closes_on)
    with on_commit():
        jobs.review_reminders()  # the last day: experts may still score
    assert all(mails(smtp_server, person) == [] for person in world["office"])
    travel(review_round.closes_on + DAY)
    for _run in range(2):
        with on_commit():
            jobs.review_reminders()
    for person in world["office"]:
        (message,) = mails(smtp_server, person)
        assert subject(message).startswith("评分已截止，仍缺 2 份评分表")
        body = text_of(message)
        assert f"ann × {SECOND}" in body and f"bob × {SECOND}" in body
        assert f"/admin/rankings/{review_round.pk}/" in body
    assert FIRST not in everything_to(smtp_server, world["bob"])


def amend_url(review_round, sheet):
    return reverse("campaign_ranking:amend", args=[review_round.pk, sheet.pk])


def test_an_office_amendment_in_the_admin_tells_the_expert(world, smtp_server, on_commit):
    review_round = open_through_the_admin(world, on_commit)
    submit(review_round, world["ann"], world["n1"], on_commit)
    sheet = ScoreSheet.objects.get(expert=world["ann"], nomination=world["n1"])
    office = login(world["office"][0])
    # The ranking links each submitted sheet to its amendment form.
    ranking = office.get(reverse("campaign_ranking:ranking", args=[review_round.pk]))
    assert amend_url(review_round, sheet) in ranking.content.decode()
    form = office.get(amend_url(review_round, sheet)).content.decode()
    assert "修改评分" in form and "评分记录" in form and FIRST in form
    before = len(smtp_server.messages)
    with on_commit():
        response = office.post(
            amend_url(review_round, sheet),
            {"criterion": "创新性", "value": "38", "reason": "专家来函更正", "score_reason": ""},
            follow=True,
        )
    assert "已修改" in response.content.decode() and "并已通知该专家" in response.content.decode()
    (message,) = smtp_server.messages[before:]
    assert message["To"] == world["ann"].email
    assert subject(message) == f"您的评分已被修改：{FIRST}"
    assert "创新性 改为 38 分（第 2 版）" in text_of(message)
    assert "专家来函更正" in text_of(message)
    versions = sheet.scores.filter(criterion="创新性").order_by("version")
    assert [(v.version, v.value, v.amendment_reason) for v in versions][-1][0] == 2


def test_an_amendment_without_a_reason_or_beyond_the_maximum_changes_nothing(
    world, smtp_server, on_commit
):
    review_round = open_through_the_admin(world, on_commit)
    submit(review_round, world["ann"], world["n1"], on_commit)
    sheet = ScoreSheet.objects.get(expert=world["ann"], nomination=world["n1"])
    office = login(world["office"][0])
    before = (sheet.scores.count(), len(smtp_server.messages))
    cases = [
        ({"criterion": "创新性", "value": "38", "reason": ""}, "修改理由"),
        ({"criterion": "创新性", "value": "99", "reason": "笔误"}, "创新性"),
        ({"criterion": "创新性", "value": "abc", "reason": "笔误"}, "创新性"),
    ]
    for data, words in cases:
        with on_commit():
            response = office.post(amend_url(review_round, sheet), data)
        assert response.status_code == 400
        assert words in response.content.decode()
    assert (sheet.scores.count(), len(smtp_server.messages)) == before
    # Only the office amends: the expert's own account is refused.
    assert login(world["ann"]).get(amend_url(review_round, sheet)).status_code in (302, 403)


# --- the office and the applicants: closing and confirming ------------------------------------


def test_the_last_sheet_tells_the_office_once_and_the_confirmed_result_each_applicant(
    world, smtp_server, on_commit
):
    review_round = open_through_the_admin(world, on_commit)
    submit(review_round, world["ann"], world["n1"], on_commit, (38, 28, 28))
    submit(review_round, world["ann"], world["n2"], on_commit, (20, 20, 20))
    assert all(mails(smtp_server, person) == [] for person in world["office"])
    submit(review_round, world["bob"], world["n2"], on_commit, (20, 20, 20))
    for person in world["office"]:
        assert subjects(smtp_server, person) == [
            f"可结束评审：{review_round.campaign.title}第一轮遴选（初评）"
        ]

    office = login(world["office"][0])
    with on_commit():
        office.post(reverse("campaign_ranking:close", args=[review_round.pk]))
        # Closed again (as after an amendment): still no second mail, and no result yet.
        office.post(reverse("campaign_ranking:close", args=[review_round.pk]))
    assert ReviewRound.objects.get(pk=review_round.pk).status == RoundStatus.CLOSED
    assert all(len(mails(smtp_server, person)) == 1 for person in world["office"])
    assert mails(smtp_server, world["applicant"]) == mails(smtp_server, world["other"]) == []

    with on_commit():
        response = login(world["ann"]).post(reverse("round_confirm", args=[review_round.pk]))
    assert response.status_code == 302
    assert subjects(smtp_server, world["applicant"]) == [f"初评结果：“{FIRST}”晋级终评"]
    assert subjects(smtp_server, world["other"]) == [f"初评结果：“{SECOND}”未晋级"]
    assert SECOND not in everything_to(smtp_server, world["applicant"])
    assert FIRST not in everything_to(smtp_server, world["other"])
    assert "http://testserver/accounts/nominations/" in text_of(
        mails(smtp_server, world["applicant"])[0]
    )
    # The experts heard of nothing but their assignment.
    assert len(mails(smtp_server, world["ann"])) == len(mails(smtp_server, world["bob"])) == 1


# --- the public notice and its objections -----------------------------------------------------


@pytest.fixture
def final(world, campaign):
    """A confirmed final round: FIRST selected, SECOND next in line."""
    review_round = ReviewRoundFactory(
        campaign=campaign, kind=RoundKind.FINAL, confirmed=True, advance_count=1
    )
    first = RoundEntryFactory(round=review_round, nomination=world["n1"], advancing=True)
    RoundEntryFactory(round=review_round, nomination=world["n2"], rank=2, score=70)
    return {"round": review_round, "first": first}


def start_through_the_admin(world, campaign, on_commit):
    with on_commit():
        response = login(world["office"][0]).post(
            reverse("publicnotice:add"), {"campaign": campaign.pk}
        )
    assert response.status_code == 302
    return PublicNotice.objects.get(campaign=campaign)


def test_the_published_notice_tells_the_applicants_of_its_items_only(
    world, campaign, final, smtp_server, on_commit
):
    start_through_the_admin(world, campaign, on_commit)
    (message,) = mails(smtp_server, world["applicant"])
    assert subject(message) == f"项目进入公示：{FIRST}"
    assert "公示期：" in text_of(message) and f"http://testserver{campaign.url}notice/" in text_of(
        message
    )
    assert mails(smtp_server, world["other"]) == []
    assert len(smtp_server.messages) == 1


def test_objections_filed_and_decided(
    world, campaign, final, society_member, smtp_server, on_commit
):
    notice = start_through_the_admin(world, campaign, on_commit)
    objector = login(society_member)
    url = f"{campaign.url}notice/objection/{final['first'].pk}/"
    for reason in ("获奖情况不实。", "核心数据造假。"):
        with on_commit():
            assert objector.post(url, {"reason": reason}).status_code == 302
    dismissed, upheld = Objection.objects.filter(notice=notice).order_by("pk")
    for person in world["office"]:
        assert subjects(smtp_server, person) == [f"收到异议：{FIRST}"] * 2
        assert "核心数据造假。" in everything_to(smtp_server, person)
    assert mails(smtp_server, society_member) == []

    office = login(world["office"][0])
    decide = [
        (dismissed, {"decision": ObjectionStatus.DISMISSED, "reason": "材料齐全，数据属实。"}),
        (
            upheld,
            {"decision": ObjectionStatus.UPHELD, "reason": "应用数据不实。", "promote_next": "on"},
        ),
    ]
    for objection, data in decide:
        with on_commit():
            response = office.post(reverse("objection:inspect", args=[objection.pk]), data)
        assert response.status_code == 302
    assert subjects(smtp_server, world["applicant"]) == [
        f"项目进入公示：{FIRST}",
        f"异议不成立：{FIRST}",
        f"异议成立：{FIRST}",
    ]
    texts = [text_of(m) for m in mails(smtp_server, world["applicant"])]
    assert "处理意见：材料齐全，数据属实。" in texts[1] and "处理意见：应用数据不实。" in texts[2]
    # The next-ranked item moved up: its applicant is on the notice now.
    (promoted,) = mails(smtp_server, world["other"])
    assert subject(promoted) == f"递补入选公示：{SECOND}"
    assert FIRST not in everything_to(smtp_server, world["other"])


def test_the_end_of_the_notice_period_tells_the_office_once(
    world, campaign, final, smtp_server, on_commit, travel
):
    notice = start_through_the_admin(world, campaign, on_commit)
    before = len(smtp_server.messages)
    travel(notice.ends_on + DAY)
    for _run in range(2):
        with on_commit():
            jobs.close_notices()
    for person in world["office"]:
        (message,) = mails(smtp_server, person)
        assert subject(message) == f"公示期已结束：{campaign.title}"
        assert "没有待处理的异议" in text_of(message)
    assert len(smtp_server.messages) == before + 2


# --- what opening costs -----------------------------------------------------------------------


def test_opening_costs_a_constant_per_expert(campaign_index, office, cmes, caa):
    counts = {}
    client = login(office)
    for size in (2, 3, 5):
        campaign = campaign_2024(campaign_index, slug=f"call-{size}", societies=[cmes, caa])
        owner = make_user(f"owner{size}")
        for item in range(2):
            passed(campaign, owner, f"项目{size}-{item}", organisation=f"公司{item}", society=cmes)
        panel = [make_expert(f"e{size}-{i}", organisation="甲大学") for i in range(size)]
        review_round = make_round(campaign, experts=panel)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("reviewround:open", args=[review_round.pk]))
        assert response.status_code == 302
        counts[size] = len(queries)
    per_expert = counts[3] - counts[2]
    # Linear, and it must be: each expert's mail lists their own nominations, so `notify` is
    # called once per expert and writes per recipient (cms.notifications.outbox): the preference
    # read, the key's two checks, the inbox row, the outbox row, the row's link to it, the
    # outbox row read back for the reference index and its insert, and the savepoints around
    # each recipient. Opening itself (entries, assignments, conflicts) stays constant.
    assert counts[5] - counts[3] == 2 * per_expert
    assert per_expert <= 15


def test_a_conflict_declared_on_the_last_sheet_outstanding_completes_the_round(
    world, smtp_server, on_commit
):
    review_round = open_through_the_admin(world, on_commit)
    submit(review_round, world["ann"], world["n1"], on_commit)
    submit(review_round, world["ann"], world["n2"], on_commit)
    assert all(mails(smtp_server, person) == [] for person in world["office"])
    with on_commit():
        response = login(world["bob"]).post(
            conflict_url(review_round, world["n2"]), conflict_post("曾参与该项目的技术咨询")
        )
    assert response.status_code == 302
    for person in world["office"]:
        assert [s.startswith("可结束评审") for s in subjects(smtp_server, person)] == [True]
    # bob's only mail is his assignment, which never named FIRST.
    assert len(mails(smtp_server, world["bob"])) == 1
    assert FIRST not in everything_to(smtp_server, world["bob"])


def test_the_final_rounds_result_reads_selected_or_not(world, campaign):
    from cms.notifications.kinds import get_kind
    from cms.notifications.rendering import render

    final_round = ReviewRoundFactory(campaign=campaign, kind=RoundKind.FINAL, confirmed=True)
    kind = get_kind("campaigns.review_round_result")
    for advanced, words in ((True, "入选，将进入公示"), (False, "未入选")):
        entry = RoundEntryFactory(
            round=final_round, nomination=world["n1" if advanced else "n2"], advanced=advanced
        )
        context = {
            "round": final_round,
            "entry": entry,
            "nomination": entry.nomination,
            "final": True,
            "recipient": entry.nomination.applicant,
        }
        rendered = render(kind, context, "http://testserver/accounts/nominations/")
        assert rendered.subject.startswith("终评结果：") and words in rendered.text
