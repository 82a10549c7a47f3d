"""Issue 15, the nominations' events, each made through the view a person uses (the applicant's
form on the site, the review page in the admin) and received by a real SMTP server
(tests/smtp_server.py): who is told what, with the project's name, the reason and the link to
act on — and who is not (another society's people, experts, another applicant)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Nomination, NominationStatus
from campaigns.nominations import SUBMIT, perform
from campaigns.tasks import remind_unsubmitted_drafts
from cms.accounts import mark_email_verified
from cms.cn_dates import cn_date
from cms.models import MessageState, OutboxMessage
from cms.roles import Role
from tests.campaigns.factories import CampaignPageFactory, MilestoneFactory, NominationFactory
from tests.campaigns.nomination_helpers import (
    apply_url,
    complete_files,
    form_data,
    login,
    nomination_url,
    review_url,
)
from tests.cms.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = "面向离散制造的数字孪生产线协同优化系统"
BASE = "http://testserver"


@pytest.fixture
def campaign(campaign_index, cmes, caa):
    """A 2024-style call open today (closing in 60 days, first round in 120), recommended by
    CMES and CAA, taking experts' recommendations too."""
    return CampaignPageFactory(
        parent=campaign_index,
        call_2024=True,
        societies=[cmes, caa],
        open=True,
        accepts_expert_recommenders=True,
    )


@pytest.fixture
def bystanders(cmes, caa, expert):
    """Who must hear nothing of a CMES nomination: CAA's person, an expert, a CMES person who
    is also an expert, and the applicant of another nomination."""
    return {
        "caa": UserFactory(username="caa_person", roles=[Role.MEMBER_SOCIETY], societies=[caa]),
        "expert": expert,
        "cmes_expert": UserFactory(
            username="cmes_expert", roles=[Role.MEMBER_SOCIETY, Role.EXPERT], societies=[cmes]
        ),
        "other_applicant": UserFactory(username="other_applicant", verified=True),
    }


@pytest.fixture
def colleague(cmes):
    """A second person of CMES."""
    return UserFactory(username="colleague", roles=[Role.MEMBER_SOCIETY], societies=[cmes])


def bodies(smtp_server, user):
    return [m.get_body(("plain",)).get_content() for m in smtp_server.to(user.email)]


def subjects(smtp_server, user):
    # A long Chinese subject is folded over two header lines; what a mail list shows is stripped.
    return [str(m["Subject"]).strip() for m in smtp_server.to(user.email)]


def assert_nothing_for(smtp_server, *users):
    for user in users:
        assert smtp_server.to(user.email) == [], user.username


def submitted(campaign, applicant, society, name=NAME):
    return NominationFactory(
        campaign=campaign,
        applicant=applicant,
        recommender_society=society,
        project_name=name,
        submitted=True,
    )


def decide(user, nomination, action, reason=""):
    response = login(user).post(review_url(nomination), {"action": action, "reason": reason})
    assert response.status_code == 302, response.content.decode()[:2000]
    nomination.refresh_from_db()
    return nomination


# --- the applicant submits ----------------------------------------------------------------------


def test_a_submission_sends_the_receipt_and_tells_the_recommending_society_only(
    campaign, applicant, society_member, colleague, office, secretary, bystanders, cmes,
    smtp_server, on_commit,
):  # fmt: skip
    data = form_data(campaign, cmes, "submit", files=complete_files(), project_name=NAME)
    with on_commit():
        response = login(applicant).post(apply_url(campaign), data)
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.status == NominationStatus.SUBMITTED

    assert subjects(smtp_server, applicant) == [f"申报已提交：{NAME}"]
    (receipt,) = bodies(smtp_server, applicant)
    receipt_link = BASE + reverse("nomination_receipt", args=[nomination.pk])
    assert receipt_link in receipt and "回执" in receipt and "下载" in receipt
    assert "等待推荐单位（中国机械工程学会）推荐" in receipt
    assert BASE + nomination_url(nomination) in receipt
    # The Word receipt is attached, and the link in the mail downloads it too.
    ((mail,),) = [smtp_server.to(applicant.email)]
    (attached,) = mail.iter_attachments()
    assert attached.get_filename() == f"申报回执-{campaign.year}-{nomination.pk:06d}.docx"
    assert attached.get_content().startswith(b"PK")
    download = login(applicant).get(receipt_link.removeprefix(BASE))
    assert download.status_code == 200 and download.content.startswith(b"PK")

    for person in (society_member, colleague):
        assert subjects(smtp_server, person) == [f"待推荐：{NAME}"]
        assert not list(smtp_server.to(person.email)[0].iter_attachments())
        (body,) = bodies(smtp_server, person)
        assert "等待中国机械工程学会推荐" in body and "某某智能装备有限公司" in body
        assert BASE + review_url(nomination) in body
    # The society decides first; then the office.
    assert_nothing_for(smtp_server, office, secretary, *bystanders.values())
    assert len(smtp_server.messages) == 3


def test_a_nomination_recommended_by_an_expert_waits_for_the_office(
    campaign, applicant, society_member, office, secretary, bystanders, smtp_server, on_commit
):
    data = form_data(
        campaign,
        action="submit",
        files=complete_files(),
        project_name=NAME,
        recommender="expert",
        recommender_name="王院士",
    )
    with on_commit():
        assert login(applicant).post(apply_url(campaign), data).status_code == 302
    nomination = Nomination.objects.get(recommender_society=None)
    for person in (office, secretary):
        assert subjects(smtp_server, person) == [f"待推荐：{NAME}"]
        assert BASE + review_url(nomination) in bodies(smtp_server, person)[0]
    assert subjects(smtp_server, applicant) == [f"申报已提交：{NAME}"]
    assert_nothing_for(smtp_server, society_member, *bystanders.values())


# --- the society decides ------------------------------------------------------------------------


def test_endorsed_tells_the_applicant_and_the_office(
    campaign, applicant, society_member, office, secretary, bystanders, cmes, smtp_server,
    on_commit,
):  # fmt: skip
    nomination = submitted(campaign, applicant, cmes)
    with on_commit():
        decide(society_member, nomination, "endorse")
    assert nomination.status == NominationStatus.ENDORSED
    assert subjects(smtp_server, applicant) == [f"申报已获推荐：{NAME}"]
    assert "已获中国机械工程学会推荐" in bodies(smtp_server, applicant)[0]
    for person in (office, secretary):
        assert subjects(smtp_server, person) == [f"待形式审查：{NAME}"]
        (body,) = bodies(smtp_server, person)
        assert "已获中国机械工程学会推荐，等待形式审查" in body
        assert BASE + review_url(nomination) in body
    assert_nothing_for(smtp_server, society_member, *bystanders.values())


def test_returned_tells_the_applicant_with_the_reason(
    campaign, applicant, society_member, office, bystanders, cmes, smtp_server, on_commit
):
    nomination = submitted(campaign, applicant, cmes)
    with on_commit():
        decide(society_member, nomination, "return", "请补充应用前后的数据对比。")
    assert subjects(smtp_server, applicant) == [f"申报被退回：{NAME}"]
    (body,) = bodies(smtp_server, applicant)
    assert "退回理由：请补充应用前后的数据对比。" in body
    assert BASE + nomination_url(nomination) in body
    assert_nothing_for(smtp_server, office, society_member, *bystanders.values())


# --- the office's formal review -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "subject", "words"),
    [
        ("pass", "形式审查通过", "已通过联合体秘书处的形式审查"),
        ("correct", "申报需修改", "修改意见：材料有误，请核对。"),
        ("reject", "形式审查未通过", "理由：材料有误，请核对。"),
    ],
)
def test_the_formal_review_tells_the_applicant_with_the_reason(
    campaign, applicant, society_member, office, secretary, bystanders, cmes, smtp_server,
    on_commit, action, subject, words,
):  # fmt: skip
    nomination = NominationFactory(
        campaign=campaign, applicant=applicant, project_name=NAME, endorsed=True
    )
    with on_commit():
        decide(office, nomination, action, "材料有误，请核对。")
    assert subjects(smtp_server, applicant) == [f"{subject}：{NAME}"]
    (body,) = bodies(smtp_server, applicant)
    assert words in body and "材料有误，请核对。" in body
    assert BASE + nomination_url(nomination) in body
    assert_nothing_for(smtp_server, society_member, office, secretary, *bystanders.values())


def test_a_correction_names_its_deadline_and_its_resubmission_goes_to_the_office(
    campaign, applicant, society_member, office, secretary, bystanders, cmes, smtp_server,
    on_commit,
):  # fmt: skip
    first_round = campaign.milestones.get(kind="first_round").date
    nomination = NominationFactory(
        campaign=campaign, applicant=applicant, project_name=NAME, endorsed=True
    )
    with on_commit():
        decide(office, nomination, "correct", "承诺书未签字。")
    (body,) = bodies(smtp_server, applicant)
    assert f"请在第一轮遴选开始（{cn_date(first_round)}）之前修改并重新提交" in body

    with on_commit():
        response = login(applicant).post(
            nomination_url(nomination), form_data(campaign, cmes, "submit", project_name=NAME)
        )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ENDORSED
    assert subjects(smtp_server, applicant)[1] == f"申报已提交：{NAME}"
    assert "回到形式审查" in bodies(smtp_server, applicant)[1]
    for person in (office, secretary):
        assert subjects(smtp_server, person) == [f"待形式审查：{NAME}"]
        assert "已按形式审查意见修改并重新提交" in bodies(smtp_server, person)[0]
    # The society's recommendation stands: it is not asked again.
    assert_nothing_for(smtp_server, society_member, *bystanders.values())


def test_a_correction_without_a_first_round_date_says_before_the_first_round(
    campaign, applicant, office, smtp_server, on_commit
):
    campaign.milestones.filter(kind="first_round").delete()
    nomination = NominationFactory(campaign=campaign, applicant=applicant, endorsed=True)
    with on_commit():
        decide(office, nomination, "correct", "推荐表缺少盖章。")
    assert "第一轮遴选开始后不能再修改" in bodies(smtp_server, applicant)[0]


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "error"),
    [("bounce@example.com", "SMTP 550"), ("not an address", "邮箱地址无效")],
)
def test_a_bouncing_or_invalid_address_keeps_the_change_and_records_the_error(
    campaign, applicant, society_member, cmes, smtp_server, on_commit, address, error
):
    applicant.email = address
    applicant.save(update_fields=["email"])
    mark_email_verified(applicant)  # the address the applicant verified, bouncing since
    smtp_server.refuse("bounce@example.com", 550)
    data = form_data(campaign, cmes, "submit", files=complete_files(), project_name=NAME)
    with on_commit():
        assert login(applicant).post(apply_url(campaign), data).status_code == 302
    assert Nomination.objects.get().status == NominationStatus.SUBMITTED
    (row,) = OutboxMessage.objects.filter(recipient=applicant)
    assert row.state == MessageState.BOUNCED and error in row.last_error
    assert row.attempt_log.get().error == row.last_error
    # The society is told all the same.
    assert subjects(smtp_server, society_member) == [f"待推荐：{NAME}"]


# --- the deadline reminders ---------------------------------------------------------------------


def test_drafts_are_reminded_three_days_and_one_day_before_the_deadline_once_each(
    campaign, applicant, bystanders, cmes, smtp_server, on_commit, travel
):
    closes = campaign.call_window()[1]
    draft = NominationFactory(campaign=campaign, applicant=applicant, project_name=NAME)
    other = bystanders["other_applicant"]
    submitted(campaign, other, cmes, "已提交的项目")  # nothing to remind
    later = CampaignPageFactory(parent=campaign.get_parent(), open=True)
    MilestoneFactory(campaign=later, deadline=True, date=closes + datetime.timedelta(days=30))
    NominationFactory(campaign=later, applicant=other)  # its deadline is far

    for days_before in (4, 3, 3, 2, 1, 1, 0):
        travel(closes - datetime.timedelta(days=days_before), hour=9)
        with on_commit():
            remind_unsubmitted_drafts()
    assert subjects(smtp_server, applicant) == [
        "申报还有 3 天截止，草稿未提交",
        "申报还有 1 天截止，草稿未提交",
    ]
    body = bodies(smtp_server, applicant)[0]
    assert NAME in body and cn_date(closes) in body
    assert BASE + nomination_url(draft) in body
    assert_nothing_for(smtp_server, other)


def test_the_reminder_dates_are_beijing_dates(campaign, applicant, smtp_server, on_commit, travel):
    closes = campaign.call_window()[1]
    NominationFactory(campaign=campaign, applicant=applicant, project_name=NAME)
    # 23:30 in Beijing four days before (15:30 UTC): four days left, no reminder yet.
    travel(closes - datetime.timedelta(days=4), hour=23, minute=30)
    with on_commit():
        remind_unsubmitted_drafts()
    assert smtp_server.messages == []
    # 0:30 in Beijing three days before, still the day before in UTC: the reminder is due.
    travel(closes - datetime.timedelta(days=3), hour=0, minute=30)
    with on_commit():
        remind_unsubmitted_drafts()
    assert subjects(smtp_server, applicant) == ["申报还有 3 天截止，草稿未提交"]


# --- measures -----------------------------------------------------------------------------------


def submit_queries(campaign, cmes, members):
    for _number in range(members):
        UserFactory(roles=[Role.MEMBER_SOCIETY], societies=[cmes])
    nomination = NominationFactory(campaign=campaign, recommender_society=cmes, files=True)
    with CaptureQueriesContext(connection) as queries:
        perform(nomination, SUBMIT, nomination.applicant)
    return len(queries)


def test_the_submission_queries_do_not_grow_with_the_societys_people(campaign, cmes, caa):
    submit_queries(campaign, cmes, 1)  # what is cached once (content types) is cached from here
    few = submit_queries(campaign, cmes, 2)
    many = submit_queries(campaign, cmes, 12)
    told = OutboxMessage.objects.filter(kind="campaigns.nomination_awaits_recommendation")
    assert told.count() == 1 + 3 + 15
    assert many == few
