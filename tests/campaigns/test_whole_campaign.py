"""One campaign from the call to the showcase, through the pages people use.

The call is built like the open demo campaign, with its dates around today; "today" then moves on
the way `test_notice` moves it (a patched `django.utils.timezone.now`, Asia/Shanghai dates):

* T0 (today): six nominations applied for and submitted on the site with real files (.docx form,
  MP4, PDF); the society endorses them and the office passes five and rejects one in the admin.
* T0+66…T0+70: the first round (three experts, one chair, one expert excluded from a nomination of
  their own organisation) scores on the /review/ pages; the office closes it (first too early,
  seeing the missing sheet), the chair confirms; the top 3 go on, the first is forwarded.
* T0+81…T0+85: the final round, its justification rule (a total above 99 needs a reason); the top
  2 are selected.
* T0+90…T0+96: the public notice; a society user objects to the second item, the office upholds
  it and the third moves up (递补); `run_periodic_jobs` closes the notice the day after its period.
* T0+98: the office publishes the result: draft China items in rank order, not live.

At each stage the test reads what its users see: the applicant's 我的申报, the experts' lists, the
ranking, the chair's confirmation, the notice page, and finally the monthly reports of the months
involved (milestones, the month's figures and the 完成初评 / 完成终评 stages), kept in step by the
reports' own signals and sync."""

import datetime
import io
import logging
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from campaigns.demo import build_campaign, demo_open_campaign
from campaigns.demo.showcase import ensure_index
from campaigns.models import (
    AchievementPage,
    Nomination,
    NominationStatus,
    Objection,
    PanelMember,
    PublicNotice,
    ReviewRound,
    RoundEntry,
    ShowcaseListKind,
    ShowcaseYearPage,
)
from campaigns.models.milestones import MilestoneKind
from campaigns.models.review import ObjectionStatus, RoundKind, RoundStatus, RuleScope
from campaigns.tally import verify_result
from cms.models import MemberSociety
from reports.models import MonthlyReportPage
from tests.campaigns.nomination_helpers import (
    apply_url,
    complete_files,
    file_url,
    form_data,
    nomination_url,
    page_text,
    prepare_site,
    review_url,
)
from tests.campaigns.review_helpers import make_expert, sheet_post, sheet_url

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.timedelta(days=1)

# Project name → (applicant organisation, first-round scores, final-round scores); the scores
# are 创新性 (40), 引领性 (30), 应用性 (30). The last one is rejected in formal review.
PROJECTS = {
    "高端数控机床智能运维系统": ("华北精密机床有限公司", (36, 27, 27), (35, 27, 26)),
    "离散制造数字孪生产线": ("华中智能装备有限公司", (34, 26, 25), (33, 25, 25)),
    "工业大模型质量检测平台": ("华南工业软件有限公司", (32, 24, 24), (38, 28, 28)),
    "柔性装配机器人集群": ("西南机器人有限公司", (30, 22, 23), None),
    "流程工业智能优化控制": ("华东智能装备有限公司", (28, 21, 21), None),
    "材料不全的申报": ("东北某公司", None, None),
}
N1, N2, N3, N4, N5, N6 = PROJECTS


# --- time, clients, pages ---------------------------------------------------------------------


@contextmanager
def on(day, hour=10, minute=0):
    """`day` at `hour:minute` in Shanghai is now (for `timezone.now` and `localdate`)."""
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def login(user):
    """A client logged in now (sessions expire, and "now" moves by months in this test)."""
    client = Client()
    client.force_login(user)
    return client


def rows_of(response, css_class):
    """The text of each `<tr class=css_class>` of the page, cells joined by " | "."""
    tree = lxml_html.fromstring(response.content.decode())
    return [
        " | ".join(" ".join(td.text_content().split()) for td in tr.xpath("./td"))
        for tr in tree.xpath(f"//tr[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    ]


def my_nominations(client):
    """{project: status} as the applicant's 我的申报 lists them."""
    response = client.get(reverse("my_nominations"))
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    result = {}
    for tr in tree.xpath("//table[contains(@class, 'nominations')]/tbody/tr"):
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        result[cells[0]] = cells[4]
    return result


def cn(day):
    return f"{day.year}年{day.month}月{day.day}日"


def cn_range(start, end):
    if not end:
        return cn(start)
    if end.year != start.year:
        return f"{cn(start)}至{cn(end)}"
    if end.month != start.month:
        return f"{cn(start)}至{end.month}月{end.day}日"
    return f"{cn(start)}至{end.day}日"


def first_of_month(day):
    return day.replace(day=1)


def report_bodies(report):
    """The progress entries of the report's latest revision (what its editors see)."""
    latest = MonthlyReportPage.objects.get(pk=report.pk).get_latest_revision_as_object()
    return [entry.body for entry in latest.progress_entries.all()]


def scores(values):
    return dict(zip(("创新性", "引领性", "应用性"), (str(v) for v in values), strict=True))


@pytest.fixture
def synced(django_capture_on_commit_callbacks, caplog):
    """`with synced():` runs what the block leaves for after its commit — the reports' sync — as a
    real transaction would; a sync that fails (it only logs) fails the test."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
        assert not errors, errors[0].getMessage()

    return run


# --- the campaign -----------------------------------------------------------------------------


def test_a_whole_campaign_from_the_call_to_the_showcase(federation, users, synced):
    t0 = timezone.localdate()
    first_opens, first_confirmed = t0 + 66 * DAY, t0 + 70 * DAY
    final_opens, final_confirmed = t0 + 81 * DAY, t0 + 85 * DAY
    notice_starts = t0 + 90 * DAY
    notice_ends = notice_starts + 6 * DAY
    published_on = t0 + 98 * DAY

    office_user, society_user, applicant_user = (
        users["editor"],
        users["society"],
        users["applicant"],
    )
    cmes = MemberSociety.objects.get(abbreviation="CMES")
    assert society_user.groups.filter(pk=cmes.group_id).exists()

    # The call, as the open demo campaign builds it, with the steps of its schedule as milestones.
    with on(t0, 9), synced():
        index = prepare_site(federation)
        showcase_index = ensure_index(federation["home"])
        spec = demo_open_campaign(t0)
        year, title = spec["year"], spec["title"]
        milestones = [
            (
                MilestoneKind.CALL_OPENS,
                t0 - 30 * DAY,
                None,
                f"“{year}中国智能制造科技进展”申报通道开通",
            ),
            (
                MilestoneKind.SUBMISSIONS_CLOSE,
                t0 + 60 * DAY,
                None,
                f"“{year}中国智能制造科技进展”申报截止",
            ),
            (
                MilestoneKind.FIRST_ROUND,
                first_confirmed,
                None,
                "第一轮遴选（初评）会议，选出 3 项进入终评",
            ),
            (MilestoneKind.FINAL_ROUND, final_confirmed, None, "第二轮遴选（终评）会议，评出 2 项"),
            (MilestoneKind.PUBLIC_NOTICE, notice_starts, notice_ends, "入选结果公示"),
        ]
        spec.update(milestones=milestones, quotas=[])
        campaign, created = build_campaign(index, spec)
        assert created and campaign.live
        # A monthly report for every month the campaign touches, made before the campaign's work.
        days = [t0, *(date for _kind, date, _end, _title in milestones)]
        reports = {}
        for month in sorted({first_of_month(day) for day in days}):
            report = MonthlyReportPage(period_start=month, period_end=month, live=False)
            federation["report_index"].add_child(instance=report)
            report.save_revision()
            reports[month] = report

    def report_of(day):
        return reports[first_of_month(day)]

    # --- T0: the applicant applies on the site, with real files -------------------------------
    with on(t0), synced():
        applicant = login(applicant_user)
        for position, (name, (organisation, _first, _final)) in enumerate(PROJECTS.items()):
            files = complete_files()
            if position == 0:  # a draft first, submitted from its own page
                data = form_data(campaign, cmes, "save", files, project_name=name,
                                 applicant_organisation=organisation)  # fmt: skip
            else:
                data = form_data(campaign, cmes, "submit", files, project_name=name,
                                 applicant_organisation=organisation)  # fmt: skip
            response = applicant.post(apply_url(campaign), data)
            assert response.status_code == 302, page_text(response)
        draft = Nomination.objects.get(project_name=N1)
        assert my_nominations(applicant)[N1] == "草稿"
        assert "共 1,200 字" in page_text(applicant.get(nomination_url(draft)))
        response = applicant.post(
            nomination_url(draft),
            form_data(campaign, cmes, "submit", project_name=N1,
                      applicant_organisation=PROJECTS[N1][0]),
        )  # fmt: skip
        assert response.status_code == 302, page_text(response)
        nominations = {n.project_name: n for n in Nomination.objects.filter(campaign=campaign)}
        assert set(nominations) == set(PROJECTS)
        for nomination in nominations.values():
            kinds = {f.slot_code: f.check_ok for f in nomination.files.all()}
            assert kinds == {"文件1": True, "文件2": True, "文件3": True}
        assert set(my_nominations(applicant).values()) == {"已提交，待学会推荐"}

        # The society recommends, in the admin.
        society = login(society_user)
        for nomination in nominations.values():
            response = society.post(review_url(nomination), {"action": "endorse", "reason": ""})
            assert response.status_code == 302, page_text(response)
        assert set(my_nominations(applicant).values()) == {"学会已推荐，待形式审查"}

        # The office's formal review: five pass, one does not.
        office = login(office_user)
        for name, nomination in nominations.items():
            if name == N6:
                decision = {"action": "reject", "reason": "推荐表与承诺书不是同一项目。"}
            else:
                decision = {"action": "pass", "reason": "材料齐全，通过形式审查。"}
            response = office.post(review_url(nomination), decision)
            assert response.status_code == 302, page_text(response)
        statuses = my_nominations(applicant)
        assert statuses == {**dict.fromkeys(PROJECTS, "通过形式审查"), N6: "未通过形式审查"}
        assert Nomination.objects.filter(status=NominationStatus.PASSED).count() == 5
        assert Nomination.objects.get(project_name=N6).status == NominationStatus.REJECTED

    # --- the first round ----------------------------------------------------------------------
    with on(first_opens), synced():
        chair = make_expert("expert_chair", organisation="某工业大学")
        second = make_expert("expert_second", organisation="某研究院")
        # Works where one of the nominations comes from: excluded from it automatically.
        third = make_expert("expert_third", organisation=PROJECTS[N5][0])
        experts = [chair, second, third]
        first = ReviewRound.objects.create(
            campaign=campaign,
            kind=RoundKind.FIRST,
            opens_on=first_opens,
            closes_on=first_confirmed,
            advance_count=3,
            forward_count=1,
        )
        for expert in experts:
            PanelMember.objects.create(round=first, expert=expert, is_chair=expert == chair)
        office = login(office_user)
        response = office.post(reverse("reviewround:inspect", args=[first.pk]), {"action": "open"})
        assert response.status_code == 302
        first.refresh_from_db()
        assert [c["name"] for c in first.criteria] == ["创新性", "引领性", "应用性"]
        assert set(first.entries.values_list("nomination__project_name", flat=True)) == {
            N1, N2, N3, N4, N5
        }  # fmt: skip

        # What the experts see: their nominations (the third one not N5) and the files.
        home = page_text(login(third).get(reverse("review:home")))
        assert all(name in home for name in (N1, N2, N3, N4)) and N5 not in home
        assert N6 not in home
        assert login(third).get(sheet_url(first, nominations[N5])).status_code == 404
        video = login(second).get(
            file_url(nominations[N1], "文件2"), headers={"range": "bytes=0-99"}
        )
        assert video.status_code == 206 and video["Content-Range"].startswith("bytes 0-99/")

    with on(first_opens + DAY), synced():
        for position, expert in enumerate(experts):
            client = login(expert)
            for name, (_org, values, _final) in PROJECTS.items():
                if values is None or (expert == third and name == N5):
                    continue
                if expert == second and name == N4:
                    continue  # still to come
                # Each expert a little apart, the order of the nominations the same.
                varied = (values[0] - position, values[1], values[2])
                response = client.post(
                    sheet_url(first, nominations[name]),
                    sheet_post(first, scores(varied), action="submit"),
                )
                assert response.status_code == 302, page_text(response)
        assert "已提交" in page_text(login(chair).get(reverse("review:home")))

    with on(first_confirmed), synced():
        office = login(office_user)
        # Too early: one sheet is missing, and the office sees which.
        response = office.post(reverse("campaign_ranking:close", args=[first.pk]))
        assert response.status_code == 400
        text = page_text(response)
        assert "还有 1 份评分表未提交" in text and f"expert_second × {N4}" in text
        # The expert is reminded and submits (the window is still open on its last day).
        response = login(second).post(
            sheet_url(first, nominations[N4]),
            sheet_post(first, scores((29, 22, 23)), action="submit"),
        )
        assert response.status_code == 302, page_text(response)
        response = office.post(reverse("campaign_ranking:close", args=[first.pk]))
        assert response.status_code == 302

        ranking = rows_of(
            office.get(reverse("campaign_ranking:ranking", args=[first.pk])), "ranking-row"
        )
        assert [row.split(" | ")[:2] for row in ranking] == [
            ["1", N1], ["2", N2], ["3", N3], ["4", N4], ["5", N5]
        ]  # fmt: skip
        assert "进入终评" in ranking[2] and "进入终评" not in ranking[3]
        assert "推荐参加世界智能制造十大科技进展评选" in ranking[0]
        assert "推荐参加" not in ranking[1]
        # N5 was scored by two experts only: the third is excluded, and does not count.
        assert ranking[4].split(" | ")[7] == "2"

        # The chair confirms on the site.
        chair_client = login(chair)
        page = chair_client.get(reverse("round_confirm", args=[first.pk]))
        assert page.status_code == 200 and "确认评审结果" in page_text(page)
        assert [row.split(" | ")[1] for row in rows_of(page, "ranking-row")] == [N1, N2, N3, N4, N5]
        response = chair_client.post(reverse("round_confirm", args=[first.pk]))
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.status == RoundStatus.CONFIRMED and verify_result(first)
        assert "评审组长 expert_chair 已于" in page_text(
            chair_client.get(reverse("round_confirm", args=[first.pk]))
        )

    # --- the final round ----------------------------------------------------------------------
    with on(final_opens), synced():
        final = ReviewRound.objects.create(
            campaign=campaign,
            kind=RoundKind.FINAL,
            opens_on=final_opens,
            closes_on=final_confirmed,
            advance_count=2,
            forward_count=0,
        )
        for expert in experts:
            PanelMember.objects.create(round=final, expert=expert, is_chair=expert == chair)
        final.rules.create(scope=RuleScope.TOTAL, above=99, below=50)
        office = login(office_user)
        response = office.post(reverse("reviewround:inspect", args=[final.pk]), {"action": "open"})
        assert response.status_code == 302
        final.refresh_from_db()
        assert set(final.entries.values_list("nomination__project_name", flat=True)) == {
            N1, N2, N3
        }  # fmt: skip

        for position, expert in enumerate(experts):
            client = login(expert)
            for name in (N1, N2, N3):
                values = PROJECTS[name][2]
                varied = (values[0] - position, values[1], values[2])
                total_reason = ""
                if expert == chair and name == N3:
                    varied = (40, 30, 30)  # 100: above 99, needs its reason
                    response = client.post(
                        sheet_url(final, nominations[name]),
                        sheet_post(final, scores(varied), action="submit"),
                    )
                    assert response.status_code == 400
                    assert "总分：100 分高于 99 分，须填写高分理由。" in page_text(response)
                    total_reason = "关键技术国际领先，已在多家企业规模应用。"
                response = client.post(
                    sheet_url(final, nominations[name]),
                    sheet_post(final, scores(varied), total_reason=total_reason, action="submit"),
                )
                assert response.status_code == 302, page_text(response)

    with on(final_confirmed), synced():
        office = login(office_user)
        response = office.post(reverse("campaign_ranking:close", args=[final.pk]))
        assert response.status_code == 302
        ranking = rows_of(
            office.get(reverse("campaign_ranking:ranking", args=[final.pk])), "ranking-row"
        )
        assert [row.split(" | ")[:2] for row in ranking] == [["1", N3], ["2", N1], ["3", N2]]
        assert "入选" in ranking[1] and "入选" not in ranking[2]
        response = login(chair).post(reverse("round_confirm", args=[final.pk]))
        assert response.status_code == 302
        final.refresh_from_db()
        assert final.status == RoundStatus.CONFIRMED and verify_result(final)

    # --- the public notice --------------------------------------------------------------------
    notice_url = f"{campaign.url}notice/"
    with on(notice_starts), synced():
        response = login(office_user).post(
            reverse("publicnotice:add"),
            {"campaign": campaign.pk, "starts_on": notice_starts.isoformat()},
        )
        assert response.status_code == 302
        notice = PublicNotice.objects.get(campaign=campaign)
        assert notice.ends_on == notice_ends
        text = page_text(Client().get(notice_url))
        assert f"公示期：{cn(notice_starts)}至{cn(notice_ends)}" in text
        assert N3 in text and N1 in text and N2 not in text
        assert text.index(N3) < text.index(N1)
        assert text.count("提出异议") == 2

    with on(notice_starts + 2 * DAY), synced():
        target = RoundEntry.objects.get(round=final, nomination=nominations[N1])
        response = login(society_user).post(
            f"{notice_url}objection/{target.pk}/", {"reason": "应用数据与公开报道不符。"}
        )
        assert response.status_code == 302
        objection = Objection.objects.get()
        assert objection.filed_by == society_user and objection.nomination == nominations[N1]

    with on(notice_starts + 3 * DAY), synced():
        office = login(office_user)
        response = office.post(
            reverse("objection:inspect", args=[objection.pk]),
            {
                "decision": ObjectionStatus.UPHELD,
                "reason": "经核实，应用数据不实。",
                "promote_next": "on",
            },
        )
        assert response.status_code == 302
        response = Client().get(notice_url)
        text = page_text(response)
        assert f"{N1} 取消入选 取消理由：经核实，应用数据不实。" in text
        assert f"{N2} 递补" in text
        assert text.index(N3) < text.index(N1) < text.index(N2)
        assert text.count("提出异议") == 2  # not against the disqualified item
        tree = lxml_html.fromstring(response.content.decode())
        rows = tree.xpath("//table[@class='notice-items']/tbody/tr")
        assert [tr.get("class") for tr in rows] == [
            "", "disqualified", "promoted"
        ]  # fmt: skip
        # The filer sees the decision on the notice page.
        assert "异议成立，经核实，应用数据不实。" in page_text(login(society_user).get(notice_url))
        # Publishing is refused while the notice runs.
        response = office.get(reverse("campaigns_publish_showcase", args=(campaign.pk,)))
        assert "公示尚未结束" in page_text(response)

    # The periodic job: still open on the last day, closed just after it.
    with on(notice_ends, 23, 59), synced():
        call_command("run_periodic_jobs", stdout=io.StringIO())
        notice.refresh_from_db()
        assert notice.closed_at is None
    with on(notice_ends + DAY, 0, 5) as moment, synced():
        call_command("run_periodic_jobs", stdout=io.StringIO())
        notice.refresh_from_db()
        assert notice.closed_at == moment
        text = page_text(Client().get(notice_url))
        assert f"公示已于 {cn(notice_ends)} 结束" in text and "提出异议" not in text
        assert f"{N1} 取消入选" in text and f"{N2} 递补" in text

    # --- the showcase -------------------------------------------------------------------------
    with on(published_on), synced():
        office = login(office_user)
        preview = page_text(office.get(reverse("campaigns_publish_showcase", args=(campaign.pk,))))
        assert N3 in preview and N2 in preview
        response = office.post(reverse("campaigns_publish_showcase", args=(campaign.pk,)))
        assert response.status_code == 302
        year_page = ShowcaseYearPage.objects.get(year=campaign.year)
        assert year_page.get_parent().pk == showcase_index.pk and not year_page.live
        items = list(AchievementPage.objects.child_of(year_page).order_by("rank"))
        assert [(i.title, i.rank, i.list) for i in items] == [
            (N3, 1, ShowcaseListKind.CHINA),
            (N2, 2, ShowcaseListKind.CHINA),
        ]
        assert [i.organisations for i in items] == [PROJECTS[N3][0], PROJECTS[N2][0]]
        assert all(not i.live and i.recommender_society == cmes for i in items)
        assert Client().get(f"{showcase_index.url}{year_page.slug}/").status_code == 404

    # The applicant's list still shows the formal review's status.
    with on(published_on):
        statuses = my_nominations(login(applicant_user))
    assert statuses[N3] == statuses[N1] == "通过形式审查"

    # --- the monthly reports of the months involved -------------------------------------------
    for _kind, date, end, milestone_title in milestones:
        when = cn_range(date, end)
        assert f"{when}：{milestone_title}。" in report_bodies(report_of(date)), (date, when)
    figure = f"“{title}”：本月共收到申报材料 6 份，通过形式审查 5 份。"
    assert figure in report_bodies(report_of(t0))
    first_stage = (
        f"{cn(first_confirmed)}，“{title}”完成初评，3 项进入终评，"
        f"前 1 项推荐参加“世界智能制造十大科技进展”评选。"
    )
    assert first_stage in report_bodies(report_of(first_confirmed))
    top_list = title.replace("科技进展", "十大科技进展", 1)
    final_stage = f"{cn(final_confirmed)}，“{title}”完成终评，评出 2 项入选“{top_list}”。"
    assert final_stage in report_bodies(report_of(final_confirmed))
    # Each entry in its own month only.
    for month, report in reports.items():
        bodies = report_bodies(report)
        assert (figure in bodies) == (month == first_of_month(t0))
        assert (first_stage in bodies) == (month == first_of_month(first_confirmed))
        assert (final_stage in bodies) == (month == first_of_month(final_confirmed))
