"""The campaigns' part of the permission world (tests/permission_world.py): the open call with
applicant A's and applicant B's nominations and applicant A's draft, and the review: an open, a
closed and a confirmed round, the public notice and an objection."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from campaigns import rounds, scoring, sheets
from campaigns.demo.review import DEMO_EXPERT_ORGANISATION
from campaigns.models import (
    JustificationRule,
    Milestone,
    Nomination,
    NominationFile,
    NominationStatus,
    Objection,
    PanelMember,
    ReviewRound,
    RoundEntry,
)
from campaigns.models.milestones import MilestoneKind
from campaigns.models.review import RoundKind, RoundStatus, RuleScope
from campaigns.nominations import CREATE, log_event
from campaigns.notice import start_notice
from campaigns.recommenders import SOCIETY_RECOMMENDER
from cms.accounts import mark_email_verified
from cms.models import MemberSociety
from cms.roles import Role, group_for
from tests.campaigns.nomination_helpers import docx_form, mp4, open_campaign, pdf

DAY = datetime.timedelta(days=1)


def make_user(username, *groups, verified=False, **fields):
    user = get_user_model().objects.create_user(
        username, email=f"{username}@matrix.example.org", **fields
    )
    user.groups.add(*groups)
    if verified:
        mark_email_verified(user)
    return user


# --- files ------------------------------------------------------------------------------------


def png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _attach(nomination, code, name, data):
    return NominationFile.objects.create(
        nomination=nomination,
        slot_code=code,
        file=ContentFile(data, name=name),
        original_name=name,
        size=len(data),
        check_ok=True,
    )


# --- nominations ------------------------------------------------------------------------------


def _nomination(campaign, applicant, name, organisation, contact, society, status, **fields):
    return Nomination.objects.create(
        campaign=campaign,
        applicant=applicant,
        project_name=name,
        category=campaign.categories.first().name,
        recommender_type=SOCIETY_RECOMMENDER,
        recommender_society=society,
        applicant_organisation=organisation,
        contact_person=contact,
        phone="010-68799025",
        email=f"{applicant.username}@matrix.example.org",
        status=status,
        submitted_at=None if status == NominationStatus.DRAFT else timezone.now(),
        **fields,
    )


def applications(world, index, cmes, cis):
    """The open call with applicant A's and applicant B's submitted nominations (files and all,
    each recommended by its own society) and applicant A's draft."""
    campaign = open_campaign(index, slug="matrix-open-call")
    world["open_call"] = campaign
    word = docx_form(1200)
    a = _nomination(
        campaign,
        world.users["appA"],
        "甲方矩阵项目·数字孪生焊装线",
        "甲方矩阵装备有限公司",
        "甲方联系人矩阵",
        cmes,
        NominationStatus.SUBMITTED,
    )
    _attach(a, "文件1", "甲方推荐表矩阵.docx", word)
    _attach(a, "文件3", "甲方承诺书矩阵.pdf", pdf())
    b = _nomination(
        campaign,
        world.users["appB"],
        "乙方矩阵项目·柔性装配岛",
        "乙方矩阵科技股份公司",
        "乙方联系人矩阵",
        cis,
        NominationStatus.SUBMITTED,
    )
    _attach(b, "文件1", "乙方推荐表矩阵.docx", word)
    _attach(b, "文件3", "乙方承诺书矩阵.pdf", pdf())
    draft = _nomination(
        campaign,
        world.users["appA"],
        "甲方草稿矩阵·尚未提交",
        "甲方矩阵装备有限公司",
        "甲方联系人矩阵",
        cmes,
        NominationStatus.DRAFT,
    )
    _attach(draft, "文件2", "甲方草稿视频矩阵.mp4", mp4(60))
    for nomination, actor in ((a, "appA"), (b, "appB"), (draft, "appA")):
        log_event(nomination, CREATE, world.users[actor], "")
    world["nomination_a"], world["nomination_b"], world["draft_a"] = a, b, draft
    world["slot_word"] = campaign.document_slots.get(code="文件1")


def _closed_call(index, slug, title):
    today = timezone.localdate()
    campaign = open_campaign(
        index,
        slug=slug,
        milestones=[
            (MilestoneKind.CALL_OPENS, today - 90 * DAY, None, f"{title}申报通道开通"),
            (MilestoneKind.SUBMISSIONS_CLOSE, today - 30 * DAY, None, f"{title}申报截止"),
            (MilestoneKind.FIRST_ROUND, today - 10 * DAY, today + 10 * DAY, f"{title}初评"),
        ],
    )
    return campaign


def _round(campaign, kind, experts, chair, **fields):
    round_ = ReviewRound.objects.create(
        campaign=campaign,
        kind=kind,
        opens_on=fields.pop("opens_on", timezone.localdate() - 10 * DAY),
        closes_on=fields.pop("closes_on", timezone.localdate() + 10 * DAY),
        advance_count=fields.pop("advance_count", 1),
        forward_count=fields.pop("forward_count", 0),
        **fields,
    )
    for expert in experts:
        PanelMember.objects.create(round=round_, expert=expert, is_chair=expert == chair)
    JustificationRule.objects.create(round=round_, scope=RuleScope.TOTAL, above=99, below=50)
    return round_


def _scores(round_, nomination, expert, reason, submit):
    criteria = scoring.criteria_of(round_)
    values = {c.name: scoring.format_number(c.max_score * 8 / 10) for c in criteria}
    reasons = {criteria[0].name: reason}
    return sheets.save_sheet(
        round_, nomination, expert, values, reasons, total_reason=reason, submit=submit
    )


def review(world, index):
    """Three calls past their deadline: one with its first round open (both experts on the panel,
    expert A its chair and excluded from one nomination), one whose first round the office has
    closed (waiting for the chair), and one whose rounds are confirmed — the final one by a chair
    whose account has since been deleted — with its public notice and an objection."""
    owner = make_user("matrix-owner", verified=True)
    editor = world.users["editor"]
    expert_a, expert_b = world.users["expA"], world.users["expB"]
    caa = MemberSociety.objects.get(abbreviation="CAA")

    campaign = _closed_call(index, "matrix-review-call", "矩阵评审征集")
    one = _nomination(
        campaign,
        owner,
        "评审矩阵项目一·智能仓储",
        "某研究院（矩阵）",
        "张三",
        caa,
        NominationStatus.PASSED,
    )
    two = _nomination(
        campaign,
        owner,
        "评审矩阵项目二·回避项",
        DEMO_EXPERT_ORGANISATION,
        "李四",
        caa,
        NominationStatus.PASSED,
    )
    for nomination in (one, two):
        _attach(nomination, "文件1", f"评审材料{nomination.pk}.docx", docx_form(1200))
        _attach(nomination, "文件3", f"评审承诺书{nomination.pk}.pdf", pdf())
    open_round = _round(campaign, RoundKind.FIRST, [expert_a, expert_b], expert_a)
    rounds.open_round(open_round, editor)
    _scores(open_round, one, expert_a, "甲专家矩阵评语·未公开", submit=False)
    _scores(open_round, one, expert_b, "乙专家矩阵评语·未公开", submit=True)
    # Its final round is still in preparation: the only round the office may delete, with the
    # only panel and rule that may still change.
    draft_round = _round(
        campaign,
        RoundKind.FINAL,
        [expert_a],
        expert_a,
        opens_on=timezone.localdate() + 20 * DAY,
        closes_on=timezone.localdate() + 30 * DAY,
    )
    world["review_call"], world["open_round"], world["draft_round"] = (
        campaign,
        open_round,
        draft_round,
    )
    world["review_one"], world["review_two"] = one, two

    closed_call = _closed_call(index, "matrix-closed-call", "矩阵结束征集")
    three = _nomination(
        closed_call, owner, "结束矩阵项目三", "某工厂（矩阵）", "王五", caa, NominationStatus.PASSED
    )
    closed_round = _round(closed_call, RoundKind.FIRST, [expert_a, expert_b], expert_a)
    rounds.open_round(closed_round, editor)
    for expert in (expert_a, expert_b):
        _scores(closed_round, three, expert, "", submit=True)
    rounds.close_round(closed_round, editor)
    world["closed_call"], world["closed_round"] = closed_call, closed_round
    world["review_three"] = three

    notice_call = _closed_call(index, "matrix-notice-call", "矩阵公示征集")
    four = _nomination(
        notice_call, owner, "公示矩阵项目四", "某集团（矩阵）", "赵六", caa, NominationStatus.PASSED
    )
    chair = make_user("matrix-chair", group_for(Role.EXPERT))
    first = _round(notice_call, RoundKind.FIRST, [], None, status=RoundStatus.CONFIRMED)
    final = _round(
        notice_call,
        RoundKind.FINAL,
        [],
        None,
        status=RoundStatus.CONFIRMED,
        confirmed_by=chair,
        confirmed_at=timezone.now(),
    )
    for round_ in (first, final):
        RoundEntry.objects.create(round=round_, nomination=four, rank=1, score=90, advanced=True)
    chair.delete()  # the chair's account is gone: confirmed_by is now empty
    final.refresh_from_db()
    notice = start_notice(notice_call, editor, timezone.localdate() - DAY)
    objection = Objection.objects.create(
        notice=notice,
        nomination=four,
        filed_by=world.users["appA"],
        reason="甲方矩阵异议理由·附件在后",
        attachment=ContentFile(pdf(), name="objection.pdf"),
    )
    world["notice_call"], world["first_confirmed"], world["final_confirmed"] = (
        notice_call,
        first,
        final,
    )
    world["notice"], world["objection"] = notice, objection
    world["notice_entry"] = RoundEntry.objects.get(round=final, nomination=four)
    world["panel_member"] = PanelMember.objects.get(round=open_round, expert=expert_b)
    world["draft_panel_member"] = PanelMember.objects.get(round=draft_round)
    world["rule"] = open_round.rules.get()
    world["draft_rule"] = draft_round.rules.get()
    world["milestone"] = Milestone.objects.filter(campaign=world["open_call"]).first()
