"""Expert review: opening a round (frozen criteria, eligible nominations, default assignments with
automatic conflict exclusion), the experts' pages and files, score sheets under both years'
justification rules, the window, locking, amendments as versions, and who may do what. Every
refused input leaves everything as it was."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from campaigns import review, rounds, scoring, sheets
from campaigns.demo import review as demo_review
from campaigns.models import (
    Assignment,
    Criterion,
    NominationStatus,
    PanelMember,
    ReviewEvent,
    ReviewRound,
    RoundEntry,
    Score,
    ScoreSheet,
)
from campaigns.models.review import AssignmentSource, RoundKind, RoundStatus, SheetStatus
from cms.roles import Role
from tests.campaigns.nomination_helpers import file_url, mp4
from tests.campaigns.review_helpers import (
    DAY,
    campaign_2021,
    campaign_2024,
    conflict_post,
    conflict_url,
    login,
    make_expert,
    make_round,
    make_user,
    passed,
    passed_with_files,
    review_snapshot,
    rules_2021,
    rules_2024,
    sheet_post,
    sheet_url,
    today,
)

pytestmark = pytest.mark.django_db

INNOVATION, LEADERSHIP, APPLICATION = "创新性", "引领性", "应用性"


# --- fixtures ---------------------------------------------------------------------------------
# The places and people come from tests/campaigns/conftest.py (`campaign_index`, `cmes`, `caa`,
# `people`), made by the factories.


@pytest.fixture
def index(campaign_index):
    return campaign_index


@pytest.fixture
def users(people):
    """The office (editor, secretary), the applicant, CMES's person (society), an expert."""
    return people


@pytest.fixture
def campaign(index, cmes, caa):
    return campaign_2024(index, societies=[cmes, caa])


@pytest.fixture
def experts(cmes, caa):
    """ann: no conflicts; bob: works at 某某大学, n1's applicant (typed with other spacing);
    cai: member of CAA on his profile; dan: in CMES's group."""
    return {
        "ann": make_expert("ann", organisation="甲大学"),
        "bob": make_expert("bob", organisation=" 某某 大学 "),
        "cai": make_expert("cai", organisation="乙研究院", society=caa),
        "dan": make_expert("dan", organisation="丙大学", society_group=cmes),
    }


@pytest.fixture
def world(campaign, users, experts, cmes, caa):
    """Two passed nominations (n1 from 某某大学 via CMES with real files, n2 via CAA),
    one draft and one endorsed (not eligible), a first round with all four experts, opened."""
    n1 = passed_with_files(
        campaign, users["applicant"], users["society"], users["editor"], "数字孪生产线", cmes
    )
    n2 = passed(campaign, users["applicant"], "智能焊接机器人", organisation="乙公司", society=caa)
    draft = passed(campaign, users["applicant"], "草稿项目", status=NominationStatus.DRAFT)
    endorsed = passed(campaign, users["applicant"], "待审项目", status=NominationStatus.ENDORSED)
    review_round = make_round(campaign, experts=experts.values(), chair=experts["ann"])
    rounds.open_round(review_round, users["editor"])
    return {
        "round": review_round,
        "n1": n1,
        "n2": n2,
        "draft": draft,
        "endorsed": endorsed,
        **experts,
    }


def scores(innovation, leadership, application):
    return {INNOVATION: str(innovation), LEADERSHIP: str(leadership), APPLICATION: str(application)}


def refused_message(excinfo):
    return (
        " ".join(excinfo.value.messages)
        if hasattr(excinfo.value, "messages")
        else str(excinfo.value.reason)
    )


# --- opening a round --------------------------------------------------------------------------


def test_open_round_freezes_criteria_and_later_edits_change_nothing(world, campaign, users):
    review_round = world["round"]
    assert review_round.status == RoundStatus.OPEN and review_round.opened_at
    assert review_round.criteria == [
        {"name": INNOVATION, "explanation": review_round.criteria[0]["explanation"], "weight": "1",
         "max_score": "40"},
        {"name": LEADERSHIP, "explanation": review_round.criteria[1]["explanation"], "weight": "1",
         "max_score": "30"},
        {"name": APPLICATION, "explanation": review_round.criteria[2]["explanation"], "weight": "1",
         "max_score": "30"},
    ]  # fmt: skip
    sheets.save_sheet(review_round, world["n1"], world["ann"], scores(35, 25, 20), submit=True)
    frozen = list(review_round.criteria)

    # The editors change the campaign's criteria afterwards.
    Criterion.objects.filter(page=campaign, name=INNOVATION).update(
        name="新颖性", max_score=10, weight=2
    )
    review_round.refresh_from_db()
    assert review_round.criteria == frozen
    sheet = ScoreSheet.objects.get(expert=world["ann"], nomination=world["n1"])
    assert scoring.sheet_total(sheet) == Decimal(80)
    # The frozen scale still applies: 35 on 创新性 (0–40) is accepted for another expert.
    sheets.save_sheet(review_round, world["n2"], world["ann"], scores(35, 25, 20))
    assert Score.objects.get(sheet__nomination=world["n2"], criterion=INNOVATION).value == 35


def test_first_round_takes_the_nominations_that_passed_formal_review(world):
    entries = set(
        RoundEntry.objects.filter(round=world["round"]).values_list("nomination", flat=True)
    )
    assert entries == {world["n1"].pk, world["n2"].pk}


def test_final_round_takes_the_first_rounds_advanced_entries(world, campaign, users, experts):
    first = world["round"]
    RoundEntry.objects.filter(round=first, nomination=world["n1"]).update(advanced=True, rank=1)
    final = make_round(campaign, kind=RoundKind.FINAL, experts=[experts["ann"]])
    snapshot = review_snapshot()
    with pytest.raises(review.ReviewRefused, match="尚未经评审组长确认"):
        rounds.open_round(final, users["editor"])
    assert review_snapshot() == snapshot
    ReviewRound.objects.filter(pk=first.pk).update(status=RoundStatus.CONFIRMED)
    rounds.open_round(final, users["editor"])
    assert list(final.entries.values_list("nomination", flat=True)) == [world["n1"].pk]
    assert final.assignments.count() == 1


def test_opening_is_refused_with_a_reason_and_changes_nothing(campaign, users, experts):
    empty = make_round(campaign, experts=[experts["ann"]])
    no_panel = make_round(campaign, kind=RoundKind.FINAL)
    snapshot = review_snapshot()
    with pytest.raises(review.ReviewRefused, match="没有可参评的项目"):
        rounds.open_round(empty, users["editor"])
    passed(campaign, users["applicant"], "项目甲")
    with pytest.raises(review.ReviewRefused, match="评选办公室"):
        rounds.open_round(empty, experts["ann"])
    with pytest.raises(review.ReviewRefused, match="请先为本轮添加评审专家"):
        rounds.open_round(no_panel, users["editor"])
    assert review_snapshot() == snapshot
    rounds.open_round(empty, users["editor"])
    with pytest.raises(review.ReviewRefused, match="不能再次开启"):
        rounds.open_round(empty, users["editor"])
    assert RoundEntry.objects.filter(round=empty).count() == 1


def test_default_assignments_exclude_conflicts_automatically(world):
    review_round = world["round"]
    assert review_round.assignments.count() == 2 * 4
    assert set(review_round.assignments.values_list("source", flat=True)) == {AssignmentSource.AUTO}
    excluded = {
        (a.expert.username, a.nomination_id): a.exclusion_reason
        for a in review_round.assignments.filter(excluded=True).select_related("expert")
    }
    assert set(excluded) == {
        ("bob", world["n1"].pk),  # the applicant's organisation
        ("dan", world["n1"].pk),  # CMES, the recommending society, through its group
        ("cai", world["n2"].pk),  # CAA, on his profile
    }
    assert "申报单位" in excluded[("bob", world["n1"].pk)]
    assert "中国机械工程学会" in excluded[("dan", world["n1"].pk)]
    assert "推荐学会" in excluded[("cai", world["n2"].pk)]


def test_excluded_expert_sees_nothing_of_the_nomination(world):
    review_round, n1 = world["round"], world["n1"]
    bob = login(world["bob"])
    listing = bob.get(reverse("review:home")).content.decode()
    assert "智能焊接机器人" in listing and "数字孪生产线" not in listing
    response = bob.get(sheet_url(review_round, n1))
    assert response.status_code == 404
    assert "数字孪生产线" not in response.content.decode()
    assert bob.get(file_url(n1, "文件2")).status_code == 404
    assert bob.get(file_url(n1, "文件1")).status_code == 404
    assert (
        bob.post(
            sheet_url(review_round, n1), sheet_post(review_round, scores(30, 20, 20))
        ).status_code
        == 404
    )
    assert not ScoreSheet.objects.filter(expert=world["bob"]).exists()
    with pytest.raises(review.ReviewRefused, match="回避"):
        sheets.save_sheet(review_round, n1, world["bob"], scores(30, 20, 20))

    ann = login(world["ann"])
    page = ann.get(sheet_url(review_round, n1)).content.decode()
    assert "数字孪生产线" in page
    assert f'<video controls preload="metadata" src="{quote(file_url(n1, "文件2"))}"' in page
    assert quote(file_url(n1, "文件1")) in page and quote(file_url(n1, "文件3")) in page
    assert ann.get(file_url(n1, "文件1")).status_code == 200


def test_declared_conflict_excludes_the_expert(world):
    review_round, n2 = world["round"], world["n2"]
    ann = login(world["ann"])
    snapshot = review_snapshot()
    for data in (conflict_post("  ", confirm=False), conflict_post("  ")):
        response = ann.post(conflict_url(review_round, n2), data)
        assert response.status_code == 400
        assert "回避理由：声明回避必须填写理由" in response.content.decode()
        assert review_snapshot() == snapshot

    # The first step only asks for confirmation; nothing changes until it is given.
    response = ann.post(
        conflict_url(review_round, n2), conflict_post("曾参与该项目的技术指导", False)
    )
    assert response.status_code == 200
    assert "确认声明回避" in response.content.decode()
    assert review_snapshot() == snapshot
    response = ann.post(conflict_url(review_round, n2), conflict_post("曾参与该项目的技术指导"))
    assert response.status_code == 302
    assignment = Assignment.objects.get(round=review_round, nomination=n2, expert=world["ann"])
    assert assignment.excluded
    assert assignment.exclusion_reason == "本人声明回避：曾参与该项目的技术指导"
    assert sheet_url(review_round, n2) not in ann.get(reverse("review:home")).content.decode()
    assert ann.get(sheet_url(review_round, n2)).status_code == 404
    assert ann.post(conflict_url(review_round, n2), conflict_post("再次")).status_code == 404


def test_conflict_cannot_be_declared_after_submitting(world):
    review_round, n2 = world["round"], world["n2"]
    sheets.save_sheet(review_round, n2, world["ann"], scores(30, 20, 20), submit=True)
    assignment = Assignment.objects.get(round=review_round, nomination=n2, expert=world["ann"])
    snapshot = review_snapshot()
    with pytest.raises(review.ReviewRefused, match="评分表已提交"):
        rounds.declare_conflict(assignment, world["ann"], "后来发现")
    with pytest.raises(review.ReviewRefused, match="本人"):
        rounds.declare_conflict(assignment, world["bob"], "代人声明")
    assert review_snapshot() == snapshot


# --- score sheets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("41", "创新性：41 分超出范围，请填写 0 到 40 之间的分数"),
        ("-1", "创新性：-1 分超出范围，请填写 0 到 40 之间的分数"),
        ("abc", "创新性：“abc”不是数字，请填写 0 到 40 之间的分数"),
        ("NaN", "创新性：“NaN”不是数字"),
        ("1e400", "创新性：1e400 分超出范围"),
        ("35.555", "创新性：35.555 分最多保留两位小数"),
    ],
)
def test_score_out_of_range_or_not_a_number(world, value, message):
    review_round, n2 = world["round"], world["n2"]
    snapshot = review_snapshot()
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.save_sheet(review_round, n2, world["ann"], {**scores(30, 20, 20), INNOVATION: value})
    assert message in refused_message(excinfo)
    response = login(world["ann"]).post(
        sheet_url(review_round, n2),
        sheet_post(review_round, {**scores(30, 20, 20), INNOVATION: value}),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert review_snapshot() == snapshot


def test_submitting_needs_every_criterion(world):
    review_round, n2 = world["round"], world["n2"]
    sheets.save_sheet(review_round, n2, world["ann"], {INNOVATION: "30"})  # a partial draft is fine
    snapshot = review_snapshot()
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.save_sheet(review_round, n2, world["ann"], {INNOVATION: "30"}, submit=True)
    assert "引领性：提交前必须填写分数（0 到 30 分）" in refused_message(excinfo)
    assert review_snapshot() == snapshot


def test_2021_rule_per_criterion_above_9_or_below_6(index, users, experts):
    campaign = campaign_2021(index)
    nomination = passed(campaign, users["applicant"], "项目二〇二一", organisation="丁公司")
    review_round = make_round(campaign, experts=[experts["ann"]])
    rules_2021(review_round)
    rounds.open_round(review_round, users["editor"])
    values = {c["name"]: "8" for c in review_round.criteria}
    snapshot = review_snapshot()
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.save_sheet(
            review_round, nomination, experts["ann"], {**values, "创新性": "9.5", "知识产权": "5"}
        )
    text = refused_message(excinfo)
    assert "创新性：9.5 分高于 9 分，须填写高分理由" in text
    assert "知识产权：5 分低于 6 分，须填写低分理由" in text
    assert review_snapshot() == snapshot
    # The thresholds themselves need no reason.
    sheets.save_sheet(
        review_round, nomination, experts["ann"], {**values, "创新性": "9", "知识产权": "6"}
    )
    sheets.save_sheet(
        review_round,
        nomination,
        experts["ann"],
        {**values, "创新性": "9.5", "知识产权": "5"},
        reasons={"创新性": "国际领先，指标数据充分", "知识产权": "专利尚未授权"},
        submit=True,
    )
    stored = dict(
        Score.objects.filter(sheet__round=review_round).values_list("criterion", "reason")
    )
    assert stored["创新性"] == "国际领先，指标数据充分"
    assert stored["知识产权"] == "专利尚未授权"
    assert stored["应用性"] == ""


def test_2021_rule_for_one_named_criterion(index, users, experts):
    campaign = campaign_2021(index)
    nomination = passed(campaign, users["applicant"], "项目单项", organisation="丁公司")
    review_round = make_round(campaign, experts=[experts["ann"]])
    review_round.rules.create(scope="criterion", criterion_name="知识产权", below=6)
    rounds.open_round(review_round, users["editor"])
    values = {c["name"]: "5" for c in review_round.criteria}
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.save_sheet(review_round, nomination, experts["ann"], values)
    assert refused_message(excinfo) == "知识产权：5 分低于 6 分，须填写低分理由。"


def test_2024_rule_on_the_total_above_99_or_below_50(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    rules_2024(review_round)
    snapshot = review_snapshot()
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.save_sheet(review_round, n2, ann, scores(40, 30, 30))
    assert refused_message(excinfo) == "总分：100 分高于 99 分，须填写高分理由。"
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.save_sheet(review_round, n2, ann, scores(20, 15, 10))
    assert refused_message(excinfo) == "总分：45 分低于 50 分，须填写低分理由。"
    response = login(ann).post(
        sheet_url(review_round, n2), sheet_post(review_round, scores(40, 30, 30))
    )
    assert response.status_code == 400
    assert "总分：100 分高于 99 分，须填写高分理由。" in response.content.decode()
    assert review_snapshot() == snapshot
    sheets.save_sheet(review_round, n2, ann, scores(40, 29, 30))  # 99 itself needs no reason
    # With the reason, accepted and stored.
    response = login(ann).post(
        sheet_url(review_round, n2),
        sheet_post(
            review_round, scores(40, 30, 30), total_reason="各项指标均为同类最优", action="submit"
        ),
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(round=review_round, nomination=n2, expert=ann)
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.total_reason == "各项指标均为同类最优"
    assert scoring.sheet_total(sheet) == 100


def test_weighted_total_uses_the_weights(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    review_round.criteria[0]["weight"] = "2"  # as if the campaign had weighted 创新性 double
    review_round.save()
    sheets.save_sheet(review_round, n2, ann, scores(10, 20, 30))
    sheet = ScoreSheet.objects.get(round=review_round, nomination=n2, expert=ann)
    assert scoring.sheet_total(sheet) == Decimal(70)


def test_scoring_outside_the_window(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    snapshot = review_snapshot()
    with pytest.raises(review.ReviewRefused, match="评分将于"):
        sheets.save_sheet(
            review_round, n2, ann, scores(30, 20, 20), today=review_round.opens_on - DAY
        )
    with pytest.raises(review.ReviewRefused, match="截止"):
        sheets.save_sheet(
            review_round, n2, ann, scores(30, 20, 20), today=review_round.closes_on + DAY
        )
    # The closing day (Asia/Shanghai) counts.
    ReviewRound.objects.filter(pk=review_round.pk).update(closes_on=today() - DAY)
    response = login(ann).post(
        sheet_url(review_round, n2), sheet_post(review_round, scores(30, 20, 20))
    )
    assert response.status_code == 403
    assert "评分已于" in response.content.decode()
    assert review_snapshot() == snapshot
    sheets.save_sheet(review_round, n2, ann, scores(30, 20, 20), today=today() - DAY)
    assert ScoreSheet.objects.filter(expert=ann).count() == 1


def test_a_submitted_sheet_is_locked(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    client = login(ann)
    assert (
        client.post(
            sheet_url(review_round, n2),
            sheet_post(review_round, scores(30, 20, 20), action="submit"),
        ).status_code
        == 302
    )
    snapshot = review_snapshot()
    with pytest.raises(review.ReviewRefused, match="提交并锁定"):
        sheets.save_sheet(review_round, n2, ann, scores(31, 21, 21), submit=True)
    response = client.post(
        sheet_url(review_round, n2), sheet_post(review_round, scores(31, 21, 21), action="submit")
    )
    assert response.status_code == 403
    assert "提交并锁定，不能再修改" in response.content.decode()
    assert review_snapshot() == snapshot


def test_drafts_are_rewritten_until_submitted(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    sheets.save_sheet(review_round, n2, ann, scores(30, 20, 20))
    sheets.save_sheet(review_round, n2, ann, {INNOVATION: "31", LEADERSHIP: "21"})
    sheet = ScoreSheet.objects.get(expert=ann, nomination=n2)
    assert sheet.status == SheetStatus.DRAFT
    assert {c: s.value for c, s in scoring.current_scores(sheet).items()} == {
        INNOVATION: 31,
        LEADERSHIP: 21,
    }
    assert set(sheet.scores.values_list("version", flat=True)) == {1}


def test_another_experts_sheet_stays_hidden(world):
    review_round, n1, n2 = world["round"], world["n1"], world["n2"]
    sheets.save_sheet(
        review_round, n1, world["cai"], scores(33, 22, 11), reasons={INNOVATION: "蔡某的私人意见"}
    )
    cai_sheet = ScoreSheet.objects.get(expert=world["cai"])
    page = login(world["ann"]).get(sheet_url(review_round, n1)).content.decode()
    assert "蔡某的私人意见" not in page and 'value="33"' not in page
    assert review.can_score(world["ann"], cai_sheet)[0] is False
    assert "本人" in review.can_score(world["ann"], cai_sheet)[1]
    # An expert not assigned to a nomination (the office assigns by hand) cannot reach it.
    Assignment.objects.filter(expert=world["ann"], nomination=n2).delete()
    client = login(world["ann"])
    response = client.get(sheet_url(review_round, n2))
    assert response.status_code == 404 and "智能焊接机器人" not in response.content.decode()
    with pytest.raises(review.ReviewRefused, match="未分配"):
        sheets.save_sheet(review_round, n2, world["ann"], scores(30, 20, 20))


def test_office_amends_by_recording_versions(world, users):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    sheets.save_sheet(review_round, n2, ann, scores(30, 20, 20), submit=True)
    sheet = ScoreSheet.objects.get(expert=ann, nomination=n2)
    snapshot = review_snapshot()
    with pytest.raises(review.ReviewRefused, match="评选办公室"):
        sheets.amend_score(sheet, INNOVATION, "35", "录入错误", ann)
    with pytest.raises(review.InvalidSheet, match="修改理由"):
        sheets.amend_score(sheet, INNOVATION, "35", " ", users["editor"])
    with pytest.raises(review.InvalidSheet, match="0 到 40"):
        sheets.amend_score(sheet, INNOVATION, "45", "录入错误", users["editor"])
    with pytest.raises(review.InvalidSheet, match="不是本轮的评选标准"):
        sheets.amend_score(sheet, "新颖性", "35", "录入错误", users["editor"])
    assert review_snapshot() == snapshot

    sheets.amend_score(sheet, INNOVATION, "35", "专家现场更正：录入错误", users["editor"])
    sheets.amend_score(sheet, INNOVATION, "36", "再次更正", users["secretary"])
    versions = list(
        Score.objects.filter(sheet=sheet, criterion=INNOVATION).values_list(
            "version", "value", "amendment_reason", "recorded_by__username"
        )
    )
    assert versions == [
        (1, Decimal(30), "", "ann"),
        (2, Decimal(35), "专家现场更正：录入错误", "editor"),
        (3, Decimal(36), "再次更正", "secretary"),
    ]
    assert scoring.current_scores(sheet)[INNOVATION].version == 3
    assert scoring.sheet_total(sheet) == Decimal(76)
    page = login(ann).get(sheet_url(review_round, n2)).content.decode()
    assert "评选办公室已修改（第 3 版）：再次更正" in page


def test_an_amendment_is_held_to_the_rounds_rule_on_the_total(world, users):
    review_round, n2, ann, office = world["round"], world["n2"], world["ann"], users["editor"]
    rules_2024(review_round)
    sheets.save_sheet(
        review_round, n2, ann, scores(40, 29, 30), submit=True
    )  # 99: no reason needed
    sheet = ScoreSheet.objects.get(expert=ann, nomination=n2)
    snapshot = review_snapshot()
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.amend_score(sheet, LEADERSHIP, "30", "录入错误", office)
    assert refused_message(excinfo) == "不能修改为 30 分：总分：100 分高于 99 分，须填写高分理由。"
    assert review_snapshot() == snapshot
    assert scoring.sheet_total(sheet) == 99
    # Within the rule, the amendment is a new version as always; with the expert's total reason
    # on the sheet, so is 100.
    sheets.amend_score(sheet, LEADERSHIP, "28", "录入错误", office)
    assert scoring.sheet_total(sheet) == 98
    ScoreSheet.objects.filter(pk=sheet.pk).update(total_reason="各项指标均为同类最优")
    sheets.amend_score(sheet, LEADERSHIP, "30", "录入错误", office)
    assert scoring.sheet_total(sheet) == 100


def test_an_amendment_is_held_to_the_rounds_rule_per_criterion(index, users, experts):
    campaign = campaign_2021(index)
    nomination = passed(campaign, users["applicant"], "项目修改", organisation="丁公司")
    review_round = make_round(campaign, experts=[experts["ann"]])
    rules_2021(review_round)
    rounds.open_round(review_round, users["editor"])
    values = {c["name"]: "8" for c in review_round.criteria}
    values["应用性"] = "9.5"
    sheets.save_sheet(
        review_round,
        nomination,
        experts["ann"],
        values,
        reasons={"应用性": "应用广泛"},
        submit=True,
    )
    sheet = ScoreSheet.objects.get(round=review_round)
    snapshot = review_snapshot()
    # 9.5 on 创新性 needs a high-score reason, which the expert never wrote: refused.
    with pytest.raises(review.InvalidSheet) as excinfo:
        sheets.amend_score(sheet, "创新性", "9.5", "专家来函更正", users["editor"])
    assert refused_message(excinfo) == (
        "不能修改为 9.5 分：创新性：9.5 分高于 9 分，须填写高分理由。"
    )
    with pytest.raises(review.InvalidSheet, match="知识产权：5 分低于 6 分，须填写低分理由"):
        sheets.amend_score(sheet, "知识产权", "5", "专家来函更正", users["editor"])
    assert review_snapshot() == snapshot
    # The expert's reason on 应用性 stands for its amended score; a reason given with the
    # amendment (the expert's, sent with the correction) makes 9.5 on 创新性 acceptable.
    sheets.amend_score(sheet, "应用性", "9.8", "专家来函更正", users["editor"])
    amended = sheets.amend_score(
        sheet, "创新性", "9.5", "专家来函更正", users["editor"], score_reason="国际首创"
    )
    assert (amended.version, amended.value, amended.reason) == (2, Decimal("9.5"), "国际首创")
    current = scoring.current_scores(sheet)
    assert current["应用性"].reason == "应用广泛" and current["应用性"].value == Decimal("9.8")


def test_round_and_sheet_actions_are_logged(world, users, experts):
    review_round, n1, n2, ann, office = (
        world["round"], world["n1"], world["n2"], world["ann"], users["editor"]
    )  # fmt: skip
    sheets.save_sheet(review_round, n2, ann, scores(30, 20, 20))
    sheets.save_sheet(review_round, n2, ann, scores(31, 20, 20))  # a draft rewritten: no event
    sheets.save_sheet(review_round, n2, ann, scores(31, 20, 20), submit=True)
    sheet = ScoreSheet.objects.get(expert=ann, nomination=n2)
    sheets.amend_score(sheet, INNOVATION, "32", "专家现场更正", office)
    eve = make_expert("eve", organisation="戊大学")
    PanelMember.objects.create(round=review_round, expert=eve)
    rounds.assign(review_round, n2, eve, office)
    rounds.declare_conflict(
        Assignment.objects.get(round=review_round, nomination=n1, expert=ann), ann, "曾参与技术指导"
    )
    # Refused actions leave no trace.
    with pytest.raises(review.ReviewRefused):
        rounds.open_round(review_round, office)
    with pytest.raises(review.ReviewRefused):
        sheets.amend_score(sheet, INNOVATION, "33", "再改", ann)

    def log(subject, pk):
        return list(
            ReviewEvent.objects.filter(subject=subject, subject_id=pk)
            .order_by("pk")
            .values_list(
                "action", "actor__username", "from_status", "to_status", "reason", "nomination"
            )
        )

    assert log("round", review_round.pk) == [
        ("open", "editor", "draft", "open", "", None),
        ("assign", "editor", "open", "open", "手动分配评审专家：eve", n2.pk),
        ("declare_conflict", "ann", "open", "open", "曾参与技术指导", n1.pk),
    ]
    assert [event.action for event in rounds.round_events(review_round)] == [
        "open",
        "assign",
        "declare_conflict",
    ]
    assert log("sheet", sheet.pk) == [
        ("save", "ann", "", "draft", "", n2.pk),
        ("submit", "ann", "draft", "submitted", "", n2.pk),
        ("amend", "editor", "submitted", "submitted", "专家现场更正", n2.pk),
    ]
    assert set(ReviewEvent.objects.values_list("campaign", flat=True)) == {review_round.campaign_id}
    assert all(event.at for event in ReviewEvent.objects.all())


def test_counted_sheets_leave_out_excluded_experts(world):
    review_round, n2 = world["round"], world["n2"]
    sheets.save_sheet(review_round, n2, world["ann"], scores(30, 20, 20), submit=True)
    sheets.save_sheet(review_round, n2, world["dan"], scores(30, 20, 20), submit=True)
    Assignment.objects.filter(expert=world["dan"], nomination=n2).update(excluded=True)
    assert [s.expert.username for s in scoring.counted_sheets(review_round)] == ["ann"]


def test_manual_assignment(world, users, experts):
    review_round, n1, n2 = world["round"], world["n1"], world["n2"]
    Assignment.objects.filter(expert=experts["ann"], nomination=n2).delete()
    snapshot = review_snapshot()
    with pytest.raises(review.ReviewRefused, match="评选办公室"):
        rounds.assign(review_round, n2, experts["ann"], experts["ann"])
    with pytest.raises(review.ReviewRefused, match="已分配"):
        rounds.assign(review_round, n1, experts["ann"], users["editor"])
    with pytest.raises(review.ReviewRefused, match="须回避"):
        rounds.assign(review_round, n1, experts["bob"], users["editor"])
    with pytest.raises(review.ReviewRefused, match="不是本轮参评项目"):
        rounds.assign(review_round, world["draft"], experts["ann"], users["editor"])
    outsider = make_expert("eve")
    with pytest.raises(review.ReviewRefused, match="评审专家名单"):
        rounds.assign(review_round, n2, outsider, users["editor"])
    assert review_snapshot() == snapshot
    assignment = rounds.assign(review_round, n2, experts["ann"], users["editor"])
    assert assignment.source == AssignmentSource.MANUAL and not assignment.excluded
    # A conflict still excludes a hand-made assignment.
    Assignment.objects.filter(expert=experts["cai"], nomination=n2).delete()
    assert rounds.assign(review_round, n2, experts["cai"], users["editor"]).excluded


# --- the video: Range requests ----------------------------------------------------------------


def test_video_is_served_with_ranges_to_an_assigned_expert(world, users):
    n1 = world["n1"]
    data = mp4(600)
    url = file_url(n1, "文件2")
    ann = login(world["ann"])

    response = ann.get(url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == data[:100]
    assert response["Content-Range"] == f"bytes 0-99/{len(data)}"
    assert response["Content-Length"] == "100"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"

    response = ann.get(url, HTTP_RANGE="bytes=100-")
    assert b"".join(response.streaming_content) == data[100:]
    assert response["Content-Range"] == f"bytes 100-{len(data) - 1}/{len(data)}"
    response = ann.get(url, HTTP_RANGE="bytes=-16")
    assert b"".join(response.streaming_content) == data[-16:]
    response = ann.get(url, HTTP_RANGE=f"bytes=10-{len(data) + 500}")
    assert b"".join(response.streaming_content) == data[10:]

    for header in (f"bytes={len(data)}-", "bytes=50-10", "bytes=-0"):
        response = ann.get(url, HTTP_RANGE=header)
        assert response.status_code == 416, header
        assert response["Content-Range"] == f"bytes */{len(data)}"

    response = ann.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Accept-Ranges"] == "bytes"
    assert not response["Content-Disposition"].startswith("attachment")

    # Refused to the excluded, the unassigned and experts of a round not yet open.
    assert login(world["bob"]).get(url, HTTP_RANGE="bytes=0-99").status_code == 404
    assert login(make_expert("eve")).get(url, HTTP_RANGE="bytes=0-99").status_code == 404
    ReviewRound.objects.filter(pk=world["round"].pk).update(status="draft")
    assert ann.get(url, HTTP_RANGE="bytes=0-99").status_code == 404
    # The applicant still has it, with ranges too.
    response = login(users["applicant"]).get(url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == data[:10]


def test_a_range_of_thousands_of_digits_is_answered_not_a_500(world):
    """Python refuses to convert a number of more than 4,300 digits: such a header once gave a
    500. A huge start is beyond the end (416); a huge end is the end of the file."""
    data = mp4(600)
    url = file_url(world["n1"], "文件2")
    ann = login(world["ann"])
    huge = "9" * 4300
    response = ann.get(url, HTTP_RANGE=f"bytes={huge}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"
    response = ann.get(url, HTTP_RANGE=f"bytes=10-{huge}")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == data[10:]
    response = ann.get(url, HTTP_RANGE=f"bytes=-{huge}")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == data
    # Leading zeros are still small numbers.
    response = ann.get(url, HTTP_RANGE=f"bytes={'0' * 4300}5-{'0' * 4300}9")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == data[5:10]


def test_private_files_are_attachments_with_the_headers_of_production(world, monkeypatch):
    from django.test import override_settings

    from tests.production_settings import production_overrides

    with override_settings(**production_overrides(monkeypatch)):
        ann = login(world["ann"])
        url = file_url(world["n1"], "文件3")
        whole = ann.get(url, secure=True)
        part = ann.get(url, secure=True, HTTP_RANGE="bytes=0-9")
    for response in (whole, part):
        assert response.status_code in (200, 206)
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Strict-Transport-Security"].startswith("max-age=")
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "camera=()" in response["Permissions-Policy"]


# --- permissions ------------------------------------------------------------------------------


def _matrix_users(world, users, cmes):
    society = make_user("society2", Role.MEMBER_SOCIETY)
    society.groups.add(cmes.group)
    return {
        "anonymous": None,
        "applicant": users["applicant"],
        "society": society,
        "expert": world["ann"],
        "office": users["editor"],
    }


def test_permission_matrix_of_the_expert_pages(world, users, cmes):
    review_round, n2 = world["round"], world["n2"]
    pages = {
        "home": ("get", reverse("review:home"), {}),
        "sheet": ("get", sheet_url(review_round, n2), {}),
        "save": ("post", sheet_url(review_round, n2), sheet_post(review_round, scores(30, 20, 20))),
        "conflict": ("post", conflict_url(review_round, n2), conflict_post("x")),
    }
    expected = {
        "anonymous": {"home": 302, "sheet": 302, "save": 302, "conflict": 302},
        "applicant": {"home": 403, "sheet": 403, "save": 403, "conflict": 403},
        "society": {"home": 403, "sheet": 403, "save": 403, "conflict": 403},
        # The office runs rounds but does not score: it is on no panel.
        "office": {"home": 403, "sheet": 403, "save": 403, "conflict": 403},
        "expert": {"home": 200, "sheet": 200, "save": 302, "conflict": 302},
    }
    for who, user in _matrix_users(world, users, cmes).items():
        for name, (method, url, data) in pages.items():
            client = login(user) if user else Client()
            response = getattr(client, method)(url, data)
            assert response.status_code == expected[who][name], (who, name)
            if response.status_code != 200 and name == "sheet":
                assert "智能焊接机器人" not in response.content.decode()
    assert ScoreSheet.objects.filter(nomination=n2).count() == 1  # the expert's only


def test_permission_matrix_of_the_admin(world, users, cmes):
    review_round = world["round"]
    urls = [
        reverse("reviewround:index"),
        reverse("reviewround:add"),
        reverse("reviewround:inspect", args=[review_round.pk]),
        reverse("reviewround:edit", args=[review_round.pk]),
        reverse("panelmember:index"),
        reverse("panelmember:add"),
        reverse("justificationrule:index"),
        reverse("justificationrule:add"),
    ]
    for who, user in _matrix_users(world, users, cmes).items():
        client = login(user) if user else Client()
        for url in urls:
            response = client.get(url)
            if who == "office":
                assert response.status_code == 200, (who, url)
            else:
                # Wagtail sends those without access to the login page or the dashboard.
                assert response.status_code in (302, 403), (who, url)
        response = client.post(
            reverse("reviewround:inspect", args=[review_round.pk]), {"action": "open"}
        )
        assert response.status_code in ((400,) if who == "office" else (302, 403)), who


def test_office_opens_a_round_and_assigns_in_the_admin(campaign, users, experts):
    nomination = passed(campaign, users["applicant"], "后台项目", organisation="戊公司")
    review_round = make_round(campaign, experts=[experts["ann"]])
    client = login(users["editor"])
    url = reverse("reviewround:inspect", args=[review_round.pk])
    assert "开启评审" in client.get(url).content.decode()
    response = client.post(url, {"action": "open"})
    assert response.status_code == 302
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN
    assert review_round.assignments.get().nomination == nomination
    Assignment.objects.all().delete()
    response = client.post(
        url, {"action": "assign", "nomination": nomination.pk, "expert": experts["ann"].pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.get().source == AssignmentSource.MANUAL


def test_admin_forms_validate(campaign, users, experts):
    client = login(users["editor"])
    response = client.post(
        reverse("reviewround:add"),
        {
            "campaign": campaign.pk,
            "kind": RoundKind.FIRST,
            "opens_on": "2024-10-15",
            "closes_on": "2024-10-01",
            "aggregation": "mean",
            "advance_count": 15,
            "forward_count": 5,
        },
    )
    assert response.status_code == 200
    assert "评分截止日期不能早于评分开始日期" in response.content.decode()
    assert not ReviewRound.objects.exists()
    review_round = make_round(campaign)
    applicant_user = users["applicant"]
    response = client.post(
        reverse("panelmember:add"), {"round": review_round.pk, "expert": applicant_user.pk}
    )
    assert response.status_code == 200 and not PanelMember.objects.exists()
    response = client.post(
        reverse("panelmember:add"),
        {"round": review_round.pk, "expert": experts["ann"].pk, "is_chair": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("justificationrule:add"),
        {"round": review_round.pk, "scope": "total", "criterion_name": ""},
    )
    assert "至少填写一个分数界限" in response.content.decode()
    response = client.post(
        reverse("justificationrule:add"),
        {
            "round": review_round.pk,
            "scope": "total",
            "criterion_name": "",
            "above": "99",
            "below": "50",
        },
    )
    assert response.status_code == 302
    assert review_round.rules.get().above == 99


# --- queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
def test_review_listing_queries(campaign, users, experts, count, django_assert_max_num_queries):
    for i in range(count):
        passed(campaign, users["applicant"], f"批量项目{i}", organisation=f"单位{i}")
    passed(campaign, users["applicant"], "未通过项目", status=NominationStatus.REJECTED)
    review_round = make_round(campaign, experts=[experts["ann"], experts["bob"]])
    rounds.open_round(review_round, users["editor"])
    for nomination in list(review_round.entries.all()[:3]):
        sheets.save_sheet(review_round, nomination.nomination, experts["ann"], scores(30, 20, 20))
    client = login(experts["ann"])
    client.get(reverse("review:home"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("review:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("批量项目") == count
    assert page.count("草稿") == 3 and "未通过项目" not in page


def test_demo_expert_has_an_organisation(federation):
    profile = demo_review.ensure_demo_expert()
    assert profile.organisation == demo_review.DEMO_EXPERT_ORGANISATION
    assert Group.objects.get(name="评审专家").user_set.filter(pk=profile.user_id).exists()
