"""The result of a review round: aggregation against hand-computed rankings (weights, mean and
trimmed mean, ties on the first criterion then the next), conflicts of interest, closing by the
office, confirmation by the chair with the result hash, the exports, the Word result sheet, the
stage entries in the monthly report, who may see what, and the ranking view's query count.

Rounds, sheets and scores are made with the factories, not through the scoring pages: those are
tested on their own."""

import csv
import datetime
import io
import logging
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from campaigns import rounds, tally
from campaigns.models import (
    Assignment,
    Nomination,
    NominationStatus,
    ReviewRound,
    RoundEntry,
    Score,
    ScoreSheet,
)
from campaigns.models.review import Aggregation, RoundKind, RoundStatus, SheetStatus
from campaigns.reporting import entries_for
from campaigns.result_sheet import result_sheet_docx, result_sheet_title
from cms.cn_dates import cn_date
from cms.periods import Period
from cms.roles import Role
from reports.models import MonthlyReportPage
from tests.campaigns.factories import (
    AssignmentFactory,
    CampaignRecommenderFactory,
    NominationFactory,
    PanelMemberFactory,
    ReviewRoundFactory,
    RoundEntryFactory,
    ScoreFactory,
    ScoreSheetFactory,
    published_campaign,
)
from tests.cms.factories import UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
A, B, C = "创新性", "引领性", "应用性"
CRITERIA = [
    {"name": A, "explanation": "", "weight": "2", "max_score": "10"},
    {"name": B, "explanation": "", "weight": "1", "max_score": "10"},
    {"name": C, "explanation": "", "weight": "1", "max_score": "10"},
]


# --- building a round -------------------------------------------------------------------------
# With the factories; the places and people come from tests/campaigns/conftest.py.


@pytest.fixture
def users(people):
    """The office (editor, secretary), the applicant, CMES's person (society), an expert on no
    panel (expert)."""
    return people


@pytest.fixture
def campaign(campaign_index, cmes):
    campaign = published_campaign(
        campaign_index, title="2024 中国智能制造科技进展", slug="progress-2024", year=2024
    )
    CampaignRecommenderFactory(page=campaign, society=cmes)
    return campaign


def make_expert(username, chair_of=None):
    user = UserFactory(username=username, roles=[Role.EXPERT])
    if chair_of is not None:
        PanelMemberFactory(round=chair_of, expert=user, chair=True)
    return user


@pytest.fixture
def experts(db):
    return [make_expert(f"e{i}") for i in range(1, 5)]


def make_round(
    campaign, experts, kind=RoundKind.FIRST, aggregation=Aggregation.MEAN, advance=3, forward=1
):
    review_round = ReviewRoundFactory(
        campaign=campaign,
        kind=kind,
        opens_on=datetime.date(2024, 9, 1),
        closes_on=datetime.date(2024, 10, 15),
        aggregation=aggregation,
        advance_count=advance,
        forward_count=forward,
        open=True,
        criteria=CRITERIA,
    )
    for index, expert in enumerate(experts):
        PanelMemberFactory(round=review_round, expert=expert, is_chair=index == 0)
    return review_round


def add_nomination(review_round, name, applicant, experts, excluded=()):
    """A nomination that passed formal review (written in that state; the campaign's society
    recommends it), entered in the round and assigned to `experts`; a nomination of that name
    made before is entered again."""
    nomination = Nomination.objects.filter(
        campaign=review_round.campaign, project_name=name
    ).first() or NominationFactory(
        campaign=review_round.campaign,
        project_name=name,
        category="智能制造技术",
        applicant_organisation=f"{name}公司",
        contact_person="张三",
        phone="010-1",
        email="a@example.org",
        applicant=applicant,
        status=NominationStatus.PASSED,
    )
    RoundEntryFactory(round=review_round, nomination=nomination)
    for expert in experts:
        if expert in excluded:
            AssignmentFactory(
                round=review_round,
                nomination=nomination,
                expert=expert,
                recused=True,
                exclusion_reason="申报单位回避",
            )
        else:
            AssignmentFactory(round=review_round, nomination=nomination, expert=expert)
    return nomination


def give(review_round, nomination, expert, a, b, c, status=SheetStatus.SUBMITTED, reasons=None):
    sheet = ScoreSheetFactory(
        round=review_round,
        nomination=nomination,
        expert=expert,
        submitted=status == SheetStatus.SUBMITTED,
    )
    reasons = reasons or {}
    for name, value in ((A, a), (B, b), (C, c)):
        ScoreFactory(sheet=sheet, criterion=name, value=D(str(value)), reason=reasons.get(name, ""))
    return sheet


@pytest.fixture
def scored(campaign, experts, users):
    """Three nominations scored by e1–e3; e4 is excluded from P and its (wild) sheet must not
    count. Totals (A×2 + B + C):
      P: e1 8,6,0 → 22   e2 7,9,0 → 23   e3 9,5,0 → 23    mean 22.67, trimmed (e2) 23
      Q: e1 9,9,0 → 27   e2 6,6,0 → 18   e3 8,7,0 → 23    mean 22.67, trimmed (e3) 23
      R: e1 10,10,0 → 30 e2 10,10,0 → 30 e3 2,2,0 → 6    mean 22,    trimmed (e2) 30
    Mean: P and Q tie on 22.67; A decides (P 8.00 > Q 7.67): P, Q, R.
    Trimmed: R 30; Q and P tie on 23; A over the kept sheets decides (Q 8 > P 7): R, Q, P."""

    def build(aggregation=Aggregation.MEAN, kind=RoundKind.FIRST, advance=3, forward=1):
        e1, e2, e3, e4 = experts
        review_round = make_round(campaign, experts, kind, aggregation, advance, forward)
        applicant = users["applicant"]
        p = add_nomination(review_round, "P项目", applicant, experts, excluded=[e4])
        q = add_nomination(review_round, "Q项目", applicant, [e1, e2, e3])
        r = add_nomination(review_round, "R项目", applicant, [e1, e2, e3])
        give(review_round, p, e1, 8, 6, 0, reasons={A: "创新突出"})
        give(review_round, p, e2, 7, 9, 0)
        give(review_round, p, e3, 9, 5, 0)
        give(review_round, p, e4, 0, 0, 0)  # excluded: never counts
        give(review_round, q, e1, 9, 9, 0)
        give(review_round, q, e2, 6, 6, 0)
        give(review_round, q, e3, 8, 7, 0)
        give(review_round, r, e1, 10, 10, 0)
        give(review_round, r, e2, 10, 10, 0)
        give(review_round, r, e3, 2, 2, 0, reasons={A: "缺乏数据支撑"})
        return review_round, {"P": p, "Q": q, "R": r}

    return build


def names(rows):
    return [row.nomination.project_name[0] for row in rows]


# --- aggregation ------------------------------------------------------------------------------


def test_mean_with_weights_and_a_tie_broken_on_the_first_criterion(scored):
    review_round, _noms = scored(Aggregation.MEAN)
    rows = tally.tally(review_round)
    assert names(rows) == ["P", "Q", "R"]
    p, q, r = rows
    assert [row.rank for row in rows] == [1, 2, 3]
    assert p.score == q.score == D(68) / 3
    assert r.score == D(22)
    assert p.criterion_scores[A] == D(8) and q.criterion_scores[A] == D(23) / 3
    assert [sheet.total for sheet in p.experts] == [D(22), D(23), D(23)]
    assert p.sheet_count == 3  # e4 is excluded
    assert "e4" not in [sheet.expert_name for sheet in p.experts]
    # Population standard deviation of 22, 23, 23: sqrt(2/9).
    assert round_to(p.std) == D("0.4714")
    assert round_to(r.std) == D("11.3137")  # 30, 30, 6: sqrt(128)
    assert p.experts[0].reasons[A] == "创新突出"
    assert not any(row.tied for row in rows)


def round_to(value, places="0.0001"):
    return value.quantize(D(places))


def test_trimmed_mean_drops_one_highest_and_one_lowest(scored):
    review_round, _noms = scored(Aggregation.TRIMMED_MEAN)
    rows = tally.tally(review_round)
    assert names(rows) == ["R", "Q", "P"]
    r, q, p = rows
    assert (r.score, q.score, p.score) == (D(30), D(23), D(23))
    assert q.criterion_scores[A] == D(8) and p.criterion_scores[A] == D(7)
    assert all(row.trimmed for row in rows)
    # The mean and standard deviation shown are those of all the counted totals.
    assert r.mean == D(22)


def test_trimmed_mean_with_fewer_than_three_sheets_falls_back_to_the_mean(campaign, experts, users):
    e1, e2, *_rest = experts
    review_round = make_round(campaign, experts, aggregation=Aggregation.TRIMMED_MEAN)
    nomination = add_nomination(review_round, "两份项目", users["applicant"], [e1, e2])
    give(review_round, nomination, e1, 8, 8, 8)  # 32
    give(review_round, nomination, e2, 6, 6, 6)  # 24
    [row] = tally.tally(review_round)
    assert row.score == D(28) and row.fell_back and not row.trimmed
    assert "不足 3 份" in row.notes[0] and "按平均分计算" in row.notes[0]


def test_ties_go_to_the_next_criterion_and_full_ties_share_the_rank(campaign, experts, users):
    e1 = experts[0]
    review_round = make_round(campaign, experts)
    applicant = users["applicant"]
    for name, scores in (
        ("S项目", (5, 7, 3)),  # 10 + 7 + 3 = 20
        ("T项目", (5, 6, 4)),  # 20: A equal, B lower
        ("U项目", (5, 7, 3)),  # identical to S
        ("V项目", (6, 1, 1)),  # 14
    ):
        nomination = add_nomination(review_round, name, applicant, [e1])
        give(review_round, nomination, e1, *scores)
    rows = tally.tally(review_round)
    assert names(rows) == ["S", "U", "T", "V"]
    assert [row.rank for row in rows] == [1, 1, 3, 4]
    assert [row.tied for row in rows] == [True, True, False, False]
    assert "并列" in rows[0].notes[-1]


def test_the_current_version_counts(scored, users):
    review_round, noms = scored(Aggregation.MEAN)
    sheet = ScoreSheet.objects.get(round=review_round, nomination=noms["R"], expert__username="e3")
    ScoreFactory(
        sheet=sheet,
        criterion=A,
        value=D("10"),
        version=2,
        recorded_by=users["editor"],
        amendment_reason="录入错误",
    )
    rows = tally.tally(review_round)
    r = next(row for row in rows if row.nomination == noms["R"])
    assert r.score == D(82) / 3  # e3: 10×2 + 2 + 0 = 22; 30 + 30 + 22
    assert names(rows) == ["R", "P", "Q"]


def test_a_disqualified_entry_is_not_ranked(scored):
    review_round, noms = scored(Aggregation.MEAN)
    RoundEntry.objects.filter(round=review_round, nomination=noms["P"]).update(
        disqualified=True, disqualified_reason="异议成立"
    )
    assert names(tally.tally(review_round)) == ["Q", "R"]


# --- closing ----------------------------------------------------------------------------------


def entry_state(review_round):
    return list(
        RoundEntry.objects.filter(round=review_round)
        .order_by("pk")
        .values_list("rank", "score", "advanced", "forwarded")
    )


def test_close_is_refused_while_sheets_are_missing_and_names_them(scored, experts, users):
    review_round, noms = scored(Aggregation.MEAN)
    ScoreSheet.objects.filter(nomination=noms["Q"], expert=experts[1]).update(
        status=SheetStatus.DRAFT
    )
    ScoreSheet.objects.filter(nomination=noms["R"], expert=experts[2]).delete()
    before = entry_state(review_round)
    with pytest.raises(rounds.RoundRefused) as refused:
        rounds.close_round(review_round, users["editor"])
    assert "还有 2 份评分表未提交" in refused.value.reason
    assert "e2 × Q项目" in refused.value.reason and "e3 × R项目" in refused.value.reason
    assert [str(item) for item in refused.value.missing] == ["e2 × Q项目", "e3 × R项目"]
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN and review_round.closed_at is None
    assert entry_state(review_round) == before


def test_only_the_office_closes(scored, experts, users):
    review_round, _noms = scored(Aggregation.MEAN)
    for user in (users["society"], users["expert"], experts[0], users["applicant"]):
        with pytest.raises(rounds.RoundRefused) as refused:
            rounds.close_round(review_round, user)
        assert "秘书处" in refused.value.reason
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN


def test_close_marks_the_first_rounds_finalists_and_forwarded(campaign, experts, users):
    e1 = experts[0]
    review_round = make_round(campaign, experts, advance=3, forward=1)
    for index, a in enumerate((9, 7, 8, 5, 6)):
        nomination = add_nomination(review_round, f"项目{index}", users["applicant"], [e1])
        give(review_round, nomination, e1, a, 5, 5)
    rounds.close_round(review_round, users["editor"])
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.CLOSED and review_round.closed_by == users["editor"]
    entries = list(review_round.entries.order_by("rank").select_related("nomination"))
    assert [e.nomination.project_name for e in entries] == [
        "项目0",
        "项目2",
        "项目1",
        "项目4",
        "项目3",
    ]
    assert [e.rank for e in entries] == [1, 2, 3, 4, 5]
    assert [e.score for e in entries] == [D(28), D(26), D(24), D(22), D(20)]
    assert [e.advanced for e in entries] == [True, True, True, False, False]
    assert [e.forwarded for e in entries] == [True, False, False, False, False]


def test_close_selects_the_final_rounds_top(campaign, experts, users):
    e1 = experts[0]
    review_round = make_round(campaign, experts, kind=RoundKind.FINAL, advance=2, forward=0)
    for index, a in enumerate((5, 9, 7)):
        nomination = add_nomination(review_round, f"终评{index}", users["applicant"], [e1])
        give(review_round, nomination, e1, a, 5, 5)
    rounds.close_round(review_round, users["editor"])
    entries = list(review_round.entries.order_by("rank").select_related("nomination"))
    assert [e.nomination.project_name for e in entries] == ["终评1", "终评2", "终评0"]
    assert [e.advanced for e in entries] == [True, True, False]
    assert not any(e.forwarded for e in entries)


# --- confirming -------------------------------------------------------------------------------


def test_only_the_chair_confirms_a_closed_round(scored, experts, users):
    review_round, _noms = scored(Aggregation.MEAN)
    chair = experts[0]
    with pytest.raises(rounds.RoundRefused) as refused:
        rounds.confirm_round(review_round, chair)
    assert "秘书处结束本轮评审后" in refused.value.reason
    rounds.close_round(review_round, users["editor"])
    for user in (users["editor"], experts[1], users["expert"], users["society"]):
        with pytest.raises(rounds.RoundRefused) as refused:
            rounds.confirm_round(review_round, user)
        assert "只有本轮评审组长" in refused.value.reason
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.CLOSED and not review_round.result_hash

    rounds.confirm_round(review_round, chair)
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.CONFIRMED and review_round.confirmed_by == chair
    assert len(review_round.result_hash) == 64
    scores = [row for row in review_round.result_rows if row["kind"] == "score"]
    ranks = [row for row in review_round.result_rows if row["kind"] == "rank"]
    assert len(scores) == 10 * 3 and len(ranks) == 3
    assert {row["nomination"]: row["rank"] for row in ranks} == {"P项目": 1, "Q项目": 2, "R项目": 3}
    assert any(row["reason"] == "缺乏数据支撑" for row in scores)


def test_the_hash_is_stable_and_changes_with_any_score_row(scored, experts, users):
    review_round, noms = scored(Aggregation.MEAN)
    rounds.close_round(review_round, users["editor"])
    rounds.confirm_round(review_round, experts[0])
    review_round.refresh_from_db()
    assert tally.verify_result(review_round)
    assert tally.hash_rows(tally.result_rows_of(review_round)) == review_round.result_hash

    score = Score.objects.filter(sheet__nomination=noms["Q"], criterion=B).first()
    original = score.value
    Score.objects.filter(pk=score.pk).update(value=original + D("0.01"))
    assert not tally.verify_result(review_round)
    Score.objects.filter(pk=score.pk).update(value=original)
    assert tally.verify_result(review_round)

    Score.objects.filter(pk=score.pk).update(reason="补写的理由")
    assert not tally.verify_result(review_round)
    Score.objects.filter(pk=score.pk).update(reason="")
    assert tally.verify_result(review_round)

    RoundEntry.objects.filter(round=review_round, nomination=noms["R"]).update(rank=2)
    assert not tally.verify_result(review_round)
    RoundEntry.objects.filter(round=review_round, nomination=noms["R"]).update(rank=3)

    # A stored sheet changed behind the hash's back is caught too.
    review_round.result_rows[0]["value"] = "9.99"
    assert not tally.verify_result(review_round)


def test_a_confirmed_round_refuses_changes(scored, experts, users):
    review_round, _noms = scored(Aggregation.MEAN)
    rounds.close_round(review_round, users["editor"])
    rounds.confirm_round(review_round, experts[0])
    review_round.refresh_from_db()
    before = (entry_state(review_round), review_round.result_hash, review_round.confirmed_at)
    allowed, reason = tally.can_change_scores(review_round)
    assert not allowed and "已由评审组长确认" in reason
    with pytest.raises(rounds.RoundRefused) as refused:
        rounds.close_round(review_round, users["editor"])
    assert "已由评审组长确认" in refused.value.reason
    with pytest.raises(rounds.RoundRefused) as refused:
        rounds.confirm_round(review_round, experts[0])
    assert "不能重复确认" in refused.value.reason
    review_round.refresh_from_db()
    assert (
        entry_state(review_round),
        review_round.result_hash,
        review_round.confirmed_at,
    ) == before


def test_closing_and_confirming_are_logged_and_refusals_are_not(scored, experts, users):
    review_round, noms = scored(Aggregation.MEAN)
    ScoreSheet.objects.filter(nomination=noms["Q"], expert=experts[1]).update(
        status=SheetStatus.DRAFT
    )
    with pytest.raises(rounds.RoundRefused):
        rounds.close_round(review_round, users["editor"])
    with pytest.raises(rounds.RoundRefused):
        rounds.close_round(review_round, experts[0])
    assert not rounds.round_events(review_round).exists()
    ScoreSheet.objects.filter(nomination=noms["Q"], expert=experts[1]).update(
        status=SheetStatus.SUBMITTED
    )
    rounds.close_round(review_round, users["editor"])
    rounds.close_round(review_round, users["secretary"])  # closed again: the result written anew
    with pytest.raises(rounds.RoundRefused):
        rounds.confirm_round(review_round, users["editor"])
    rounds.confirm_round(review_round, experts[0])
    review_round.refresh_from_db()
    assert [
        (event.action, event.actor.username, event.from_status, event.to_status)
        for event in rounds.round_events(review_round)
    ] == [
        ("close", "editor", "open", "closed"),
        ("close", "secretary", "closed", "closed"),
        ("confirm", "e1", "closed", "confirmed"),
    ]
    assert rounds.round_events(review_round).last().at >= review_round.confirmed_at


def test_the_marks_before_and_after_closing_are_the_same_rule(campaign, experts, users):
    from campaigns.views.ranking import mark_of

    e1 = experts[0]
    for kind, advance, forward in (
        (RoundKind.FIRST, 3, 1),
        (RoundKind.FINAL, 2, 0),
        (RoundKind.FIRST, 1, 2),
    ):
        RoundEntry.objects.all().delete()
        ReviewRound.objects.all().delete()
        review_round = make_round(campaign, experts, kind=kind, advance=advance, forward=forward)
        for index, a in enumerate((9, 7, 8, 5)):
            nomination = add_nomination(
                review_round, f"{kind}项目{index}", users["applicant"], [e1]
            )
            give(review_round, nomination, e1, a, 5, 5)
        before = [
            (row.nomination_id, mark_of(review_round, row)) for row in tally.tally(review_round)
        ]
        rounds.close_round(review_round, users["editor"])
        review_round.refresh_from_db()
        after = [
            (row.nomination_id, mark_of(review_round, row)) for row in tally.tally(review_round)
        ]
        assert before == after, kind
        assert [mark for _pk, mark in before].count("") == (4 - max(advance, forward))


# --- downloads --------------------------------------------------------------------------------


def login(user):
    client = Client()
    client.force_login(user)
    return client


def url(name, review_round):
    return reverse(f"campaign_ranking:{name}", args=[review_round.pk])


def test_xlsx_and_csv_read_back_with_the_same_numbers(scored, users):
    review_round, _noms = scored(Aggregation.MEAN)
    rows = tally.tally(review_round)
    client = login(users["editor"])

    response = client.get(url("xlsx", review_round))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    header = lines[0]
    assert header[:10] == (
        "名次",
        "项目名称",
        "申报单位",
        "推荐单位",
        "得分",
        "平均分",
        "标准差",
        "评分表数",
        "结果",
        "专家",
    )
    assert header[10:16] == (A, f"{A}理由", B, f"{B}理由", C, f"{C}理由")
    assert len(lines) == 1 + 9  # three experts for each of three nominations
    first = lines[1]
    assert first[:2] == (1, "P项目")
    assert first[4] == pytest.approx(float(rows[0].score.quantize(D("0.01"))))
    assert first[6] == pytest.approx(0.47)
    assert first[7] == 3
    assert first[8] == "进入终评；推荐参加世界智能制造十大科技进展评选"
    assert (first[9], first[10], first[11], first[16]) == ("e1", 8, "创新突出", 22)

    response = client.get(url("csv", review_round))
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == [str(value) for value in header]
    assert len(table) == len(lines)
    for xlsx_line, csv_line in zip(lines[1:], table[1:], strict=True):
        assert csv_line[1] == xlsx_line[1]
        assert D(csv_line[4]) == D(str(xlsx_line[4])).quantize(D("0.01"))
        assert D(csv_line[16]) == D(str(xlsx_line[16]))
    assert table[1][4] == "22.67" and table[7][4] == "22.00"


def test_the_docx_result_sheet(scored, experts, users):
    review_round, _noms = scored(Aggregation.MEAN)
    chair = experts[0]
    chair.first_name, chair.last_name = "明", "李"
    chair.save()
    rounds.close_round(review_round, users["editor"])
    rounds.confirm_round(review_round, chair)
    review_round.refresh_from_db()
    document = Document(io.BytesIO(result_sheet_docx(review_round)))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert (
        texts[0]
        == "“2024 中国智能制造科技进展”第一轮遴选结果表"
        == result_sheet_title(review_round)
    )
    [table] = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["名次", "项目名称", "申报单位", "推荐单位", "得分", "结果"]
    assert [row[:2] for row in cells[1:]] == [["1", "P项目"], ["2", "Q项目"], ["3", "R项目"]]
    assert cells[1][2] == "P项目公司" and cells[1][4] == "22.67"
    assert cells[1][5] == "进入终评；推荐参加世界智能制造十大科技进展评选"
    assert cells[3][5] == "进入终评"
    chair_line = next(text for text in texts if text.startswith("评审组长确认"))
    assert chair.get_full_name() in chair_line and cn_date(review_round.confirmed_at) in chair_line
    assert any(review_round.result_hash in text for text in texts)
    section = document.sections[0]
    assert round_to(D(section.page_width.mm), "1") == 210

    response = login(users["editor"]).get(url("docx", review_round))
    assert response.status_code == 200 and response.content[:2] == b"PK"


# --- the monthly report -----------------------------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks, caplog):
    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
        assert not errors, errors[0].getMessage()

    return run


def test_stage_entries_reach_the_report_of_the_month_of_confirmation(
    scored, experts, users, report_index, committed
):
    today = timezone.localdate()
    report = MonthlyReportPage(period_start=today.replace(day=1), period_end=today, live=False)
    with committed():
        report_index.add_child(instance=report)
        report.save_revision()

    first, _noms = scored(Aggregation.MEAN, advance=2, forward=1)
    with committed():
        rounds.close_round(first, users["editor"])
    with committed():
        rounds.confirm_round(first, experts[0])
    first.refresh_from_db()

    latest = MonthlyReportPage.objects.get(pk=report.pk).get_latest_revision_as_object()
    linked = [entry for entry in latest.progress_entries.all() if entry.is_linked]
    stage = [entry for entry in linked if entry.origin_key == f"stage:{first.pk}"]
    assert len(stage) == 1
    assert stage[0].body == (
        f"{cn_date(first.confirmed_at)}，“2024 中国智能制造科技进展”完成初评，2 项进入终评，"
        "前 1 项推荐参加“世界智能制造十大科技进展”评选。"
    )
    assert stage[0].workstream.name == "战略咨询"

    # The final round, straight from the entries of the period.
    final = make_round(first.campaign, experts[:1], kind=RoundKind.FINAL, advance=1, forward=0)
    nomination = Nomination.objects.get(project_name="P项目")
    RoundEntryFactory(round=final, nomination=nomination)
    AssignmentFactory(round=final, nomination=nomination, expert=experts[0])
    give(final, nomination, experts[0], 9, 9, 9)
    with committed():
        rounds.close_round(final, users["editor"])
        rounds.confirm_round(final, experts[0])
    bodies = {e.origin_key: e.body for e in entries_for(Period(today.replace(day=1), today))}
    assert bodies[f"stage:{final.pk}"].endswith(
        "“2024 中国智能制造科技进展”完成终评，评出 1 项入选“2024 中国智能制造十大科技进展”。"
    )
    # Another month knows nothing of it.
    earlier = today.replace(day=1) - datetime.timedelta(days=40)
    keys = [e.origin_key for e in entries_for(Period(earlier, earlier))]
    assert not [key for key in keys if key.startswith("stage:")]


# --- permissions ------------------------------------------------------------------------------


ADMIN_VIEWS = ("index", "ranking", "xlsx", "csv", "docx")


def admin_url(name, review_round):
    if name == "index":
        return reverse("campaign_ranking:index")
    return url(name, review_round)


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, 302),  # to the login page
        ("applicant", 302),  # no admin access
        ("expert", 302),
        ("society", 302),  # admin access, but not the office: Wagtail sends it to the dashboard
        ("editor", 200),
    ],
)
def test_permission_matrix_of_the_admin_views(scored, users, username, expected):
    review_round, _noms = scored(Aggregation.MEAN)
    client = login(users[username]) if username else Client()
    for name in ADMIN_VIEWS:
        response = client.get(admin_url(name, review_round))
        assert response.status_code == expected, name
        if expected != 200:
            assert "P项目".encode() not in response.content
            assert response["Location"].startswith(("/admin/", "/accounts/login/"))
    response = client.post(url("close", review_round))
    assert response.status_code == 302
    if expected != 200:
        assert not response["Location"].startswith(url("ranking", review_round))
    review_round.refresh_from_db()
    assert review_round.status == (RoundStatus.CLOSED if expected == 200 else RoundStatus.OPEN)


def test_close_in_the_admin_shows_the_missing_sheets(scored, experts, users):
    review_round, noms = scored(Aggregation.MEAN)
    ScoreSheet.objects.filter(nomination=noms["Q"], expert=experts[1]).delete()
    client = login(users["editor"])
    response = client.post(url("close", review_round))
    assert response.status_code == 400
    content = response.content.decode()
    assert "还有 1 份评分表未提交" in content and "e2 × Q项目" in content
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN


def test_ranking_page_shows_every_experts_scores_and_reasons(scored, users):
    review_round, _noms = scored(Aggregation.MEAN)
    response = login(users["editor"]).get(url("ranking", review_round))
    content = response.content.decode()
    for text in ("P项目", "e1", "e2", "e3", "创新突出", "缺乏数据支撑", "22.67", "0.47", "11.31"):
        assert text in content, text
    assert ">e4<" not in content


def test_the_chairs_confirmation_page(scored, experts, users):
    review_round, _noms = scored(Aggregation.MEAN)
    rounds.close_round(review_round, users["editor"])
    confirm = reverse("round_confirm", args=[review_round.pk])
    docx = reverse("round_result_docx", args=[review_round.pk])

    assert Client().get(confirm).status_code == 302
    for user in (users["applicant"], users["society"], users["expert"], experts[1]):
        client = login(user)
        response = client.post(confirm)
        assert response.status_code == 403
        assert "只有本轮评审组长" in response.content.decode()
        assert client.get(docx).status_code == 403
    # The office sees the result but cannot confirm it.
    response = login(users["editor"]).post(confirm)
    assert response.status_code == 400 and "只有本轮评审组长" in response.content.decode()
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.CLOSED

    chair = login(experts[0])
    response = chair.get(confirm)
    assert response.status_code == 200 and "确认评审结果" in response.content.decode()
    assert chair.get(docx).status_code == 200
    response = chair.post(confirm, follow=True)
    assert response.status_code == 200 and "评审结果已确认" in response.content.decode()
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.CONFIRMED
    response = chair.post(confirm)
    assert response.status_code == 400 and "不能重复确认" in response.content.decode()


def test_the_chair_sees_no_score_before_the_round_is_closed_and_never_an_excluded_one(
    scored, experts, users
):
    review_round, noms = scored(Aggregation.MEAN)
    # The chair (e1) declares a conflict with Q: from then on nothing of Q reaches e1.
    Assignment.objects.filter(round=review_round, nomination=noms["Q"], expert=experts[0]).update(
        excluded=True, exclusion_reason="本人申报"
    )
    confirm = reverse("round_confirm", args=[review_round.pk])
    docx = reverse("round_result_docx", args=[review_round.pk])
    chair = login(experts[0])

    # Open round: the chair's page does not exist yet; the sheet is refused.
    response = chair.get(confirm)
    content = response.content.decode()
    assert response.status_code == 404
    for text in ("P项目", "Q项目", "R项目", "22.67", "30.00"):
        assert text not in content, text
    response = chair.get(docx)
    assert response.status_code == 403
    assert "P项目".encode() not in response.content
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN

    # Closed: the ranking, without Q (its rank, name, organisation and score).
    rounds.close_round(review_round, users["editor"])
    q_entry = RoundEntry.objects.get(round=review_round, nomination=noms["Q"])
    assert q_entry.rank is not None
    content = chair.get(confirm).content.decode()
    assert "P项目" in content and "R项目" in content
    assert "Q项目" not in content and noms["Q"].applicant_organisation not in content
    assert "另有 1 项您已回避的项目未列出" in content
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(chair.get(docx).content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "P项目" in text and "Q项目" not in text
    # The office's sheet has every row.
    office_docx = login(users["editor"]).get(docx).content
    office_text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(office_docx)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Q项目" in office_text
    assert "Q项目" in login(users["editor"]).get(confirm).content.decode()


def test_a_round_confirmed_by_a_deleted_account_still_shows(scored, experts, users):
    review_round, _noms = scored(Aggregation.MEAN)
    rounds.close_round(review_round, users["editor"])
    rounds.confirm_round(review_round, experts[0])
    # The chair's account is deleted (its membership and sheets first, as the admin would).
    ReviewRound.objects.filter(pk=review_round.pk).update(confirmed_by=None)
    response = login(users["editor"]).get(url("ranking", review_round))
    assert response.status_code == 200
    assert "评审组长 （账号已删除） 已于" in response.content.decode()
    response = login(users["editor"]).get(reverse("round_confirm", args=[review_round.pk]))
    assert response.status_code == 200 and "（账号已删除）" in response.content.decode()
    assert login(users["editor"]).get(url("docx", review_round)).status_code == 200


# --- query count ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 30])
def test_ranking_view_queries(campaign, experts, users, count, django_assert_max_num_queries):
    review_round = make_round(campaign, experts[:3])
    for index in range(count):
        nomination = add_nomination(review_round, f"批量{index}", users["applicant"], experts[:3])
        for offset, expert in enumerate(experts[:3]):
            give(review_round, nomination, expert, (index + offset) % 10, 5, 5)
    client = login(users["editor"])
    client.get(url("ranking", review_round))
    # 20: the admin's reports menu asks once whether the user is the office (cms.site_reports).
    with django_assert_max_num_queries(20):
        response = client.get(url("ranking", review_round))
    assert response.status_code == 200
    assert response.content.decode().count('class="ranking-row"') == count
