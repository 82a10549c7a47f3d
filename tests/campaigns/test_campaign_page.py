"""The public campaign page: scope, criteria, the timeline with today's phase, the call's state,
the downloads, the quotas of a government call, and a query count that does not grow; the index
of the campaigns, whose query count does not grow either."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html as lxml_html

from campaigns.demo import (
    CAMPAIGNS,
    SECTIONS_2024,
    build_campaign,
    demo_open_campaign,
    ensure_campaign_index,
    federation_slots,
)
from campaigns.models import CampaignKind, CampaignPage, PublicNotice
from campaigns.models.milestones import MilestoneKind
from campaigns.timeline import CURRENT, FUTURE, PAST, CallStatus, call_state, timeline_for
from cms.demo import ensure_societies
from tests.campaigns.factories import add_campaigns

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


def cn(date):
    return f"{date.year}年{date.month}月{date.day}日"


def parse(response):
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def text_of(element):
    return " ".join(element.text_content().split())


def timeline_steps(tree):
    return tree.xpath("//ol[@class='timeline']/li")


@pytest.fixture
def campaign_index(home, workstreams):
    ensure_societies()
    return ensure_campaign_index(home)


@pytest.fixture
def build(campaign_index):
    def build(spec):
        return build_campaign(campaign_index, spec)[0]

    return build


@pytest.fixture
def open_campaign(build):
    """A call open today, its milestones created out of date order around the real today."""
    today = timezone.localdate()
    spec = demo_open_campaign(today)
    spec["milestones"] = [
        (MilestoneKind.FIRST_ROUND, today + 120 * DAY, None, "第一轮遴选（初评）"),
        (MilestoneKind.CALL_OPENS, today - 30 * DAY, None, "申报通道开通"),
        (MilestoneKind.SUBMISSIONS_CLOSE, today + 60 * DAY, None, "申报截止"),
        (MilestoneKind.OTHER, today - 60 * DAY, None, "发出征集活动邀请函"),
    ]
    return build(spec)


# --- the timeline, with fixed dates ---------------------------------------------------------------


def test_timeline_marks_the_phase_of_a_fixed_day(build):
    campaign = build(CAMPAIGNS[0])  # 2021: 4/10, 4/15, 8/15, 8/30, 10/30, 12/7–12/10

    def states(today):
        return [(s.milestone.date, s.state) for s in timeline_for(campaign, today)]

    dates = [D(2021, 4, 10), D(2021, 4, 15), D(2021, 8, 15), D(2021, 8, 30), D(2021, 10, 30),
             D(2021, 12, 7)]  # fmt: skip
    assert [d for d, _state in states(D(2021, 1, 1))] == dates
    assert {state for _d, state in states(D(2021, 1, 1))} == {FUTURE}  # nothing begun yet
    # The latest milestone already begun is the current phase.
    assert states(D(2021, 9, 1)) == [
        (dates[0], PAST), (dates[1], PAST), (dates[2], PAST), (dates[3], CURRENT),
        (dates[4], FUTURE), (dates[5], FUTURE),
    ]  # fmt: skip
    assert [s for _d, s in states(D(2021, 4, 15))][1] == CURRENT  # on the day itself
    # Inside a milestone's range (the release, 12/7–12/10) that milestone is current.
    assert [s for _d, s in states(D(2021, 12, 9))] == [PAST] * 5 + [CURRENT]
    assert [s for _d, s in states(D(2021, 12, 10))] == [PAST] * 5 + [CURRENT]
    # After the last step the call is over: no step is current.
    assert [s for _d, s in states(D(2021, 12, 11))] == [PAST] * 6
    assert [s for _d, s in states(D(2026, 12, 2))] == [PAST] * 6


@pytest.mark.parametrize(
    ("today", "status", "days_left"),
    [
        (D(2021, 4, 14), CallStatus.UPCOMING, None),  # invitation sent, call not yet open
        (D(2021, 4, 15), CallStatus.OPEN, 122),
        (D(2021, 8, 14), CallStatus.OPEN, 1),
        (D(2021, 8, 15), CallStatus.OPEN, 0),  # the deadline is inclusive
        (D(2021, 8, 16), CallStatus.REVIEWING, None),
        (D(2021, 12, 10), CallStatus.REVIEWING, None),  # the release's last day
        (D(2021, 12, 11), CallStatus.FINISHED, None),
        (D(2026, 12, 2), CallStatus.FINISHED, None),
    ],
)
def test_call_state_of_the_2021_call_on_fixed_days(build, today, status, days_left):
    campaign = build(CAMPAIGNS[0])
    state = call_state(campaign, today)
    assert (state.status, state.days_left) == (status, days_left)
    assert state.closes == D(2021, 8, 15)


def test_call_is_under_public_notice_while_its_notice_runs(build):
    campaign = build(CAMPAIGNS[0])
    PublicNotice.objects.create(campaign=campaign, starts_on=D(2022, 1, 5), ends_on=D(2022, 1, 11))
    campaign = CampaignPage.objects.get(pk=campaign.pk)  # the notice, as a listing reads it
    assert call_state(campaign, D(2022, 1, 4)).status == CallStatus.REVIEWING
    assert call_state(campaign, D(2022, 1, 5)).status == CallStatus.NOTICE
    assert call_state(campaign, D(2022, 1, 11)).status == CallStatus.NOTICE
    assert call_state(campaign, D(2022, 1, 12)).status == CallStatus.FINISHED
    assert [s.state for s in timeline_for(campaign, D(2022, 1, 8))] == [PAST] * 6


@pytest.mark.demo
def test_demo_calls_that_ended_years_ago_show_no_current_phase(client, federation, travel):
    from campaigns.demo import load

    travel(D(2026, 12, 2))
    load(federation, io.StringIO())
    index = parse(client.get(ensure_campaign_index(federation["home"]).url))
    items = {
        text_of(li.xpath(".//h2")[0]): li
        for li in index.xpath("//li[contains(@class, 'campaign-item')]")
    }
    ended = [title for title in items if not title.endswith("（演示）")]
    assert len(ended) == 3  # 2021, 2024 and the MIIT call
    for title in ended:
        assert (
            text_of(items[title].xpath(".//*[contains(@class, 'call-status-badge')]")[0])
            == "已结束"
        )
        assert not items[title].xpath(".//*[contains(@class, 'call-deadline')]")
        page = CampaignPage.objects.get(title=title)
        tree = parse(client.get(page.url))
        assert not tree.xpath("//li[@aria-current='step']")
        assert "当前阶段" not in text_of(tree)
        assert "已结束" in text_of(tree.xpath("//p[@class='meta']")[0])


# --- the page of an open call --------------------------------------------------------------------


def test_open_call_shows_timeline_with_today_marked_and_apply_button(client, open_campaign):
    today = timezone.localdate()
    tree = parse(client.get(open_campaign.url))

    steps = timeline_steps(tree)
    dates = [step.xpath(".//time/@datetime")[0] for step in steps]
    assert dates == sorted(dates)
    assert dates == [(today + n * DAY).isoformat() for n in (-60, -30, 60, 120)]
    current = [step for step in steps if step.get("aria-current") == "step"]
    assert len(current) == 1
    assert "申报通道开通" in text_of(current[0])
    assert "当前阶段" in text_of(current[0])
    assert [step.get("class").split()[-1] for step in steps] == [PAST, CURRENT, FUTURE, FUTURE]

    status = text_of(tree.xpath("//section[contains(@class, 'call-status')]")[0])
    assert f"申报通道开放中，截止日期：{cn(today + 60 * DAY)}。还剩 60 天。" in status
    buttons = tree.xpath("//section[contains(@class, 'call-status')]//a")
    assert [text_of(a) for a in buttons] == ["在线申报"]
    assert "截止，不再接受新的申报" not in status


# --- the page of a closed call -------------------------------------------------------------------


def test_closed_call_shows_scope_criteria_timeline_and_closed_message(client, build):
    campaign = build(CAMPAIGNS[0])
    tree = parse(client.get(campaign.url))
    page = text_of(tree)

    status = text_of(tree.xpath("//section[contains(@class, 'call-status')]")[0])
    assert "申报已于 2021年8月15日 截止" in status
    assert not tree.xpath("//section[contains(@class, 'call-status')]//a")
    assert "在线申报" not in page

    scope = [text_of(dt) for dt in tree.xpath("//dl[@class='scope']/dt")]
    assert scope == ["智能制造领域科技突破", "智能制造领域产业应用"]
    assert "高档数控机床与工业机器人" in page
    criteria = [text_of(li) for li in tree.xpath("//ol[@class='criteria']/li")]
    assert [c.split("：")[0] for c in criteria] == [
        "创新性", "引领性", "应用性", "经济效益或社会效益", "未来发展预期", "知识产权",
    ]  # fmt: skip
    assert criteria[5].endswith("推荐的科技进展必须无知识产权争议。")

    steps = timeline_steps(tree)
    assert [s.xpath(".//time/@datetime")[0] for s in steps] == [
        "2021-04-10", "2021-04-15", "2021-08-15", "2021-08-30", "2021-10-30", "2021-12-07",
    ]  # fmt: skip
    # Long past: every step is past, none is current, and the call is over.
    assert not [s for s in steps if s.get("aria-current") == "step"]
    assert {s.get("class").split()[-1] for s in steps} == {PAST}
    assert "2021年12月7日—2021年12月10日" in text_of(steps[-1])
    assert "已结束" in text_of(tree.xpath("//p[@class='meta']")[0])

    downloads = [text_of(a) for a in tree.xpath("//ul[@class='downloads']//a")]
    assert downloads == [
        "下载模板：文件1 “2021中国智能制造科技进展”推荐表（Word）",
        "下载模板：文件3 承诺书（Word，签字盖章后扫描成 PDF 上传）",
    ]
    assert "14 家推荐单位" in page


def test_government_call_shows_its_quotas(client, build):
    campaign = build(CAMPAIGNS[2])
    tree = parse(client.get(campaign.url))
    rows = [
        tuple(text_of(td) for td in tr.xpath("./td"))
        for tr in tree.xpath("//table[@class='quotas']/tbody/tr")
    ]
    assert rows == [
        ("省（区、市）", "智能制造优秀场景", "20"),
        ("省（区、市）", "智能制造示范工厂", "10"),
        ("计划单列市", "智能制造优秀场景", "10"),
        ("计划单列市", "智能制造示范工厂", "5"),
        ("新疆生产建设兵团", "智能制造优秀场景", "10"),
        ("新疆生产建设兵团", "智能制造示范工厂", "5"),
        ("中央企业", "智能制造优秀场景", "6"),
        ("中央企业", "智能制造示范工厂", "3"),
    ]
    status = text_of(tree.xpath("//section[contains(@class, 'call-status')]")[0])
    assert "申报已于 2021年11月23日 截止" in status
    downloads = tree.xpath("//ul[@class='downloads']//a")
    assert [text_of(a) for a in downloads] == [
        "下载模板：文件1 智能制造优秀场景申报书（Word）",
        "下载模板：文件1 智能制造示范工厂申报书（Word）",
    ]
    assert all("category=" in a.get("href") for a in downloads)


# --- queries -------------------------------------------------------------------------------------


def sized_spec(slug, count):
    """An open call with `count` milestones, scope categories and criteria."""
    today = timezone.localdate()
    spec = demo_open_campaign(today)
    kinds = [
        MilestoneKind.CALL_OPENS,
        MilestoneKind.SUBMISSIONS_CLOSE,
        MilestoneKind.FIRST_ROUND,
        MilestoneKind.FINAL_ROUND,
        MilestoneKind.RELEASE,
    ]
    spec.update(
        slug=slug,
        title=f"规模测试 {count}",
        slots=federation_slots(today.year, SECTIONS_2024, False),
        scope=[(f"类别{n}", f"类别{n}的说明") for n in range(count)],
        criteria=[(f"标准{n}", f"标准{n}的说明", 10) for n in range(count)],
        milestones=[
            (kinds[n % len(kinds)], today + (n - count // 2) * 7 * DAY, None, f"节点{n}")
            for n in range(count)
        ],
    )
    return spec


def test_page_queries_do_not_grow_with_milestones_and_categories(
    client, build, django_assert_max_num_queries
):
    small = build(sized_spec("queries-5", 5))
    large = build(sized_spec("queries-50", 50))
    client.get(small.url)  # warm the per-process caches (site root paths, content types)
    client.get(large.url)

    with CaptureQueriesContext(connection) as small_queries:
        assert len(timeline_steps(parse(client.get(small.url)))) == 5
    with django_assert_max_num_queries(len(small_queries)):
        tree = parse(client.get(large.url))
    assert len(timeline_steps(tree)) == 50
    assert len(tree.xpath("//dl[@class='scope']/dt")) == 50
    assert len(tree.xpath("//ol[@class='criteria']/li")) == 50
    # And a sane absolute bound for the page as a whole.
    with django_assert_max_num_queries(22):
        client.get(small.url)


def test_page_queries_do_not_grow_with_recommending_societies(client, build):
    few = sized_spec("societies-2", 5)
    few["societies"] = few["societies"][:2]
    many = sized_spec("societies-15", 5)
    few_page, many_page = build(few), build(many)
    client.get(few_page.url)
    client.get(many_page.url)
    with CaptureQueriesContext(connection) as few_queries:
        client.get(few_page.url)
    with CaptureQueriesContext(connection) as many_queries:
        client.get(many_page.url)
    assert len(many_queries) <= len(few_queries)


# --- the index ----------------------------------------------------------------------------------

# 11: the campaigns' milestones come in one more query, for each call's status.
INDEX_MAX_QUERIES = 11


# A thousand campaigns take about five seconds to create on SQLite, ten on PostgreSQL.
@pytest.mark.parametrize("count", [10, 1000])
def test_index_queries_do_not_grow_with_the_campaigns(
    client, campaign_index, workstreams, count, django_assert_max_num_queries
):
    campaigns = add_campaigns(
        campaign_index,
        count,
        title=lambda n: f"智能制造科技进展征集{n:04d}",
        year=lambda n: 2024 - n % 8,
        kind=lambda n: (CampaignKind.FEDERATION, CampaignKind.GOVERNMENT)[n % 2],
        workstream=workstreams[0],
    )
    client.get(campaign_index.url)  # warm the per-process caches (site root paths)
    with django_assert_max_num_queries(INDEX_MAX_QUERIES):
        tree = parse(client.get(campaign_index.url))
    items = tree.xpath("//ul[@class='item-list']/li")
    newest_first = sorted(campaigns, key=lambda c: (-c.year, c.title))
    assert [text_of(li.xpath("h2/a")[0]) for li in items] == [c.title for c in newest_first]
    meta = text_of(items[0].xpath("p")[0])
    assert meta == "2024 · 联合体科技进展征集 · 中国科协智能制造学会联合体"


def test_index_shows_each_calls_status_and_the_days_left_while_open(
    client, campaign_index, build, travel
):
    travel(D(2026, 12, 2))
    build(CAMPAIGNS[0])
    open_call = build(demo_open_campaign(D(2026, 12, 2)))
    tree = parse(client.get(campaign_index.url))
    items = {
        text_of(li.xpath(".//h2")[0]): li
        for li in tree.xpath("//li[contains(@class, 'campaign-item')]")
    }

    def badge(title):
        return text_of(items[title].xpath(".//*[contains(@class, 'call-status-badge')]")[0])

    assert badge(open_call.title) == "征集中"
    closes = call_state(open_call, D(2026, 12, 2)).closes
    deadline = text_of(items[open_call.title].xpath(".//p[@class='call-deadline']")[0])
    assert deadline == f"申报截止：{cn(closes)}（还剩 {(closes - D(2026, 12, 2)).days} 天）"
    assert badge(CAMPAIGNS[0]["title"]) == "已结束"
    travel(closes)
    tree = parse(client.get(campaign_index.url))
    assert "（今天截止）" in text_of(tree.xpath("//p[@class='call-deadline']")[0])
