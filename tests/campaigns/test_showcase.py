"""The twin-top-10 showcase (双十科技进展): the public index, year and item pages with their filters
and the 演示数据（虚构） badge, the demo data, query counts that do not grow with the items, and the
office's "发布结果，生成双十条目" that turns a confirmed final round into draft China items."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from campaigns.demo.showcase import ensure_index
from campaigns.models import (
    AchievementPage,
    Nomination,
    NominationStatus,
    PublicNotice,
    ReviewRound,
    RoundEntry,
    ShowcaseIndexPage,
    ShowcaseListKind,
    ShowcaseYearPage,
)
from campaigns.models.review import RoundKind, RoundStatus
from campaigns.nomination_errors import ActionRefused
from campaigns.showcase import create_china_items
from cms.models import MemberSociety
from tests.campaigns.factories import add_achievements
from tests.campaigns.nomination_helpers import open_campaign, prepare_site

pytestmark = pytest.mark.django_db

BADGE = "演示数据（虚构）"


# --- helpers ----------------------------------------------------------------------------------


def text_of(response):
    assert response.status_code == 200, response.status_code
    return " ".join(lxml_html.fromstring(response.content.decode()).text_content().split())


def tree_of(response):
    assert response.status_code == 200, response.status_code
    return lxml_html.fromstring(response.content.decode())


def titles(response):
    """The titles of the items listed, in page order."""
    links = tree_of(response).xpath("//li[contains(@class, 'achievement')]/h3/a")
    return [a.text_content().strip() for a in links]


def add_year(index, year, **fields):
    page = ShowcaseYearPage(title=f"{year} 年智能制造“双十”科技进展", slug=str(year), year=year,
                            **fields)  # fmt: skip
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_item(year_page, title, publish=True, **fields):
    fields.setdefault("list", ShowcaseListKind.CHINA)
    fields.setdefault("organisations", "某大学")
    page = AchievementPage(
        title=title, slug=f"item-{AchievementPage.objects.count() + 1}", **fields
    )
    page.live = publish
    year_page.add_child(instance=page)
    return page


@pytest.fixture
def societies(federation):
    return {s.abbreviation: s for s in MemberSociety.objects.all()}


@pytest.fixture
def index(federation):
    return ensure_index(federation["home"])


@pytest.fixture
def showcase(index, societies):
    """Two years with items in both lists, categories, societies and one synthetic item."""
    y2021 = add_year(index, 2021)
    y2023 = add_year(
        index,
        2023,
        release_event="2023世界智能制造大会",
        release_date=datetime.date(2023, 12, 6),
        release_place="南京",
    )
    add_item(
        y2021,
        "智能加工机器人技术及应用",
        organisations="天津大学",
        rank=1,
        category="智能产品",
        recommender_society=societies["CMES"],
    )
    add_item(
        y2021,
        "（演示）世界示例条目",
        list=ShowcaseListKind.WORLD,
        synthetic=True,
        category="智能制造技术",
    )
    add_item(
        y2023,
        "增材制造产线全流程自动化成套装备",
        rank=2,
        category="智能生产",
        recommender_society=societies["CAA"],
    )
    add_item(
        y2023,
        "活体细胞精准操作机器人技术及系统",
        rank=1,
        category="智能产品",
        recommender_society=societies["CMES"],
    )
    add_item(y2023, "小型工业机器人 IRB 1010", list=ShowcaseListKind.WORLD, organisations="ABB")
    add_item(y2023, "未发布的草稿条目", publish=False, category="智能产品")
    return {"index": index, 2021: y2021, 2023: y2023}  # fmt: skip


# --- public pages -----------------------------------------------------------------------------


def test_index_lists_years_newest_first_with_counts(client, showcase):
    tree = tree_of(client.get(showcase["index"].url))
    years = tree.xpath("//ul[contains(@class,'showcase-years')]/li")
    assert [y.xpath(".//h2/a")[0].text_content() for y in years] == [
        "2023 年智能制造“双十”科技进展",
        "2021 年智能制造“双十”科技进展",
    ]
    first, second = (" ".join(y.text_content().split()) for y in years)
    assert "世界智能制造十大科技进展 1 项 · 中国智能制造十大科技进展 2 项" in first  # no draft
    assert "2023世界智能制造大会 · 2023年12月6日 · 南京" in first
    assert BADGE not in first
    assert "世界智能制造十大科技进展 1 项 · 中国智能制造十大科技进展 1 项" in second
    assert "其中演示数据（虚构）1 项" in second


def test_year_page_shows_both_lists_by_rank_with_release_info(client, showcase):
    response = client.get(showcase[2023].url)
    tree = tree_of(response)
    world, china = tree.xpath("//section[contains(@class,'twin-list')]")
    assert world.xpath("h2")[0].text_content() == "世界智能制造十大科技进展"
    assert china.xpath("h2")[0].text_content() == "中国智能制造十大科技进展"
    assert [a.text_content() for a in china.xpath(".//h3/a")] == [
        "活体细胞精准操作机器人技术及系统",
        "增材制造产线全流程自动化成套装备",
    ]
    assert [a.text_content() for a in world.xpath(".//h3/a")] == ["小型工业机器人 IRB 1010"]
    text = text_of(response)
    assert "发布：2023世界智能制造大会 · 2023年12月6日 · 南京" in text
    assert "未发布的草稿条目" not in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2021", ["（演示）世界示例条目", "智能加工机器人技术及应用"]),
        ("list=world", ["小型工业机器人 IRB 1010", "（演示）世界示例条目"]),
        ("category=智能产品", ["活体细胞精准操作机器人技术及系统", "智能加工机器人技术及应用"]),
        ("year=2023&category=智能产品", ["活体细胞精准操作机器人技术及系统"]),
    ],
)
def test_index_filters(client, showcase, query, expected):
    # Across years: newest year first, the world list before the China list, then by rank.
    assert titles(client.get(f"{showcase['index'].url}?{query}")) == expected


def test_index_filters_by_member_society(client, showcase, societies):
    url = showcase["index"].url
    assert titles(client.get(f"{url}?society={societies['CMES'].pk}")) == [
        "活体细胞精准操作机器人技术及系统",
        "智能加工机器人技术及应用",
    ]
    assert titles(client.get(f"{url}?society={societies['CAA'].pk}")) == [
        "增材制造产线全流程自动化成套装备"
    ]


def test_filter_selects_are_built_from_the_published_items(client, showcase, societies):
    tree = tree_of(client.get(showcase["index"].url))
    options = {
        name: [o.get("value") for o in tree.xpath(f"//select[@name='{name}']/option")]
        for name in ("year", "list", "category", "society")
    }
    assert options["year"] == ["", "2023", "2021"]
    assert options["list"] == ["", ShowcaseListKind.WORLD, ShowcaseListKind.CHINA]
    # The draft's category is its own only once published.
    assert options["category"] == ["", "智能产品", "智能制造技术", "智能生产"]
    assert sorted(options["society"][1:]) == sorted(
        [str(societies["CMES"].pk), str(societies["CAA"].pk)]
    )


def test_filter_without_result_says_so(client, showcase, societies):
    text = text_of(client.get(f"{showcase['index'].url}?year=2021&list=world&category=智能产品"))
    assert "筛选结果：0 项" in text
    assert "没有符合筛选条件的科技进展" in text


def test_bad_filter_value_is_named_and_ignored(client, showcase):
    response = client.get(f"{showcase['index'].url}?year=abc&list=moon")
    text = text_of(response)
    assert "年度：“abc”不在可选范围内，已忽略这一条件。" in text
    assert "榜单：“moon”不在可选范围内，已忽略这一条件。" in text
    # Nothing valid is left: the overview of the years is shown.
    assert "2023 年智能制造“双十”科技进展" in text and "筛选结果" not in text


def test_year_page_filters(client, showcase, societies):
    url = showcase[2023].url
    tree = tree_of(client.get(f"{url}?list=world"))
    assert [h.text_content() for h in tree.xpath("//section/h2")] == ["世界智能制造十大科技进展"]
    assert titles(client.get(f"{url}?category=智能生产")) == ["增材制造产线全流程自动化成套装备"]
    assert titles(client.get(f"{url}?society={societies['CMES'].pk}")) == [
        "活体细胞精准操作机器人技术及系统"
    ]
    text = text_of(client.get(f"{url}?list=world&category=智能生产"))
    assert "没有符合筛选条件的条目。" in text


def test_synthetic_items_are_badged_wherever_they_are_shown(client, showcase):
    synthetic = AchievementPage.objects.get(synthetic=True)
    for url in (showcase[2021].url, f"{showcase['index'].url}?list=world"):
        tree = tree_of(client.get(url))
        item = tree.xpath("//li[contains(@class,'synthetic')]")
        assert len(item) == 1
        assert "（演示）世界示例条目" in item[0].text_content()
        assert BADGE in item[0].text_content()
        # Real items carry no badge.
        real = "//li[contains(@class,'achievement')][not(contains(@class,'synthetic'))]"
        for element in tree.xpath(real):
            assert BADGE not in element.text_content()
    text = text_of(client.get(synthetic.url))
    assert BADGE in text and "并非真实的入选成果" in text
    real = AchievementPage.objects.get(title="智能加工机器人技术及应用")
    assert BADGE not in text_of(client.get(real.url))


def test_achievement_page_shows_everything(client, showcase, societies):
    page = AchievementPage.objects.get(title="活体细胞精准操作机器人技术及系统")
    page.organisations = "南开大学、南开大学深圳研究院、天津市农业科学院"
    page.recommender = "中国机械工程学会"
    page.summary = "实现活体细胞的精准操作。"
    page.body = [{"type": "paragraph", "value": "<p>正文段落：显微操作。</p>"}]
    page.video_url = "https://video.example.org/cell.mp4"
    page.source = "科技日报 2023-12-09"
    page.keywords.add("微操作", "机器人")
    page.save_revision().publish()
    response = client.get(page.url)
    tree = tree_of(response)
    facts = dict(
        zip(
            (" ".join(dt.text_content().split()) for dt in tree.xpath("//dl/dt")),
            (" ".join(dd.text_content().split()) for dd in tree.xpath("//dl/dd")),
            strict=True,
        )
    )
    assert facts == {
        "榜单": "中国智能制造十大科技进展（第 1 项）",
        "完成单位": "南开大学、南开大学深圳研究院、天津市农业科学院",
        "推荐单位": "中国机械工程学会",
        "类别": "智能产品",
        "关键词": "微操作机器人",
        "视频": "观看视频",
    }
    assert tree.xpath("//dd/a[@href='https://video.example.org/cell.mp4']")
    text = text_of(response)
    for expected in (
        "活体细胞精准操作机器人技术及系统",
        "2023 年智能制造“双十”科技进展 · 中国智能制造十大科技进展 · 第 1 项",
        "实现活体细胞的精准操作。",
        "正文段落：显微操作。",
        "信息来源：科技日报 2023-12-09",
    ):
        assert expected in text, expected


# --- demo data --------------------------------------------------------------------------------


@pytest.mark.demo
def test_load_demo_builds_the_showcase_with_the_verified_items(client):
    call_command("load_demo")
    index = ShowcaseIndexPage.objects.get(slug="twin-top10")
    assert index.title == "双十科技进展" and index.live and index.show_in_menus
    assert sorted(ShowcaseYearPage.objects.values_list("year", flat=True)) == [2018, 2021, 2023]
    y2023 = ShowcaseYearPage.objects.get(year=2023)
    assert (y2023.release_event, y2023.release_date, y2023.release_place) == (
        "2023世界智能制造大会",
        datetime.date(2023, 12, 6),
        "南京",
    )
    verified = AchievementPage.objects.filter(synthetic=False)
    assert verified.count() == 8
    item = verified.get(title="活体细胞精准操作机器人技术及系统")
    assert item.organisations == "南开大学、南开大学深圳研究院、天津市农业科学院"
    assert (
        item.source == "科技日报 2023-12-09" and item.list == ShowcaseListKind.CHINA and item.live
    )
    # Every synthetic item says so in its title and its data; every list of every year has items.
    for page in AchievementPage.objects.filter(synthetic=True):
        assert page.title.startswith("（演示）") and "虚构" in page.source
    for year_page in ShowcaseYearPage.objects.all():
        lists = set(AchievementPage.objects.child_of(year_page).values_list("list", flat=True))
        assert lists == {ShowcaseListKind.WORLD, ShowcaseListKind.CHINA}, year_page.year

    text = text_of(client.get(y2023.url))
    assert "小型工业机器人 IRB 1010" in text and "aspenONE V14" in text
    assert "2023年12月6日" in text
    assert "演示数据（虚构）" in text_of(client.get(ShowcaseYearPage.objects.get(year=2018).url))
    assert "双十科技进展" in text_of(client.get("/"))  # in the menu

    # Loading again adds nothing.
    from campaigns.demo.showcase import load

    counts = (ShowcaseYearPage.objects.count(), AchievementPage.objects.count())
    load({"home": index.get_parent().specific}, _NullOut())
    assert (ShowcaseYearPage.objects.count(), AchievementPage.objects.count()) == counts


class _NullOut:
    def write(self, *args):
        pass


# --- query counts -----------------------------------------------------------------------------


def bulk_items(year_page, count, societies):
    return add_achievements(
        year_page,
        count,
        title=lambda i: f"批量条目{i}",
        list=lambda i: (ShowcaseListKind.WORLD, ShowcaseListKind.CHINA)[i % 2],
        rank=lambda i: i + 1,
        category=lambda i: ("智能产品", "智能生产")[i % 2],
        recommender_society=lambda i: societies[("CMES", "CAA")[i % 2]],
        synthetic=lambda i: i % 3 == 0,
    )


# One bound per view, the same at 10 and at 1,000 items: nothing is queried per item.
INDEX_MAX_QUERIES = 15
YEAR_MAX_QUERIES = 16


# A thousand items take about five seconds to create on SQLite, ten on PostgreSQL.
@pytest.mark.parametrize("count", [10, 1000])
def test_query_counts_do_not_grow_with_the_items(client, index, societies, count,
                                                 django_assert_max_num_queries):  # fmt: skip
    year_page = add_year(index, 2023)
    bulk_items(year_page, count, societies)
    world = [f"批量条目{i}" for i in range(0, count, 2)]  # 智能产品, in rank order
    china = [f"批量条目{i}" for i in range(1, count, 2)]  # 智能生产
    synthetic = {f"批量条目{i}" for i in range(0, count, 3)}

    def get(url, bound):
        client.get(url)  # warm the caches (site root paths, content types)
        with django_assert_max_num_queries(bound):
            return tree_of(client.get(url))

    def badged(tree):
        return {
            a.text_content().strip()
            for a in tree.xpath("//h3[span[contains(@class, 'synthetic-badge')]]/a")
        }

    tree = get(index.url, INDEX_MAX_QUERIES)
    (year,) = tree.xpath("//ul[contains(@class,'showcase-years')]/li")
    assert " ".join(year.text_content().split()) == (
        f"2023 年智能制造“双十”科技进展 世界智能制造十大科技进展 {len(world)} 项 · "
        f"中国智能制造十大科技进展 {len(china)} 项 · 其中演示数据（虚构）{len(synthetic)} 项"
    )

    tree = get(f"{index.url}?year=2023&category=智能产品", INDEX_MAX_QUERIES)
    listed = [a.text_content().strip() for a in tree.xpath("//li/h3/a")]
    assert listed == world
    assert badged(tree.xpath("//ul[contains(@class,'showcase-results')]")[0]) == (
        synthetic & set(world)
    )

    tree = get(year_page.url, YEAR_MAX_QUERIES)
    sections = tree.xpath("//section[contains(@class,'twin-list')]")
    assert [[a.text_content() for a in s.xpath(".//h3/a")] for s in sections] == [world, china]
    assert badged(tree) == synthetic


# --- publishing a campaign's result -----------------------------------------------------------


@pytest.fixture
def campaign(federation):
    return open_campaign(prepare_site(federation), slug="result-call")


def final_round(campaign, status=RoundStatus.CONFIRMED):
    today = timezone.localdate()
    return ReviewRound.objects.create(
        campaign=campaign,
        kind=RoundKind.FINAL,
        opens_on=today,
        closes_on=today,
        advance_count=3,
        status=status,
    )


def nomination(campaign, users, name, society):
    return Nomination.objects.create(
        campaign=campaign,
        project_name=name,
        category="智能产品",
        recommender_type="成员学会",
        recommender_society=society,
        applicant_organisation=f"{name}的完成单位",
        contact_person="张三",
        phone="010-1",
        email="z@example.com",
        applicant=users["applicant"],
        status=NominationStatus.PASSED,
    )


@pytest.fixture
def result(campaign, users, societies, index):
    """A confirmed final round: ranks 1–5, rank 2 disqualified after the notice, 5 not selected."""
    round_ = final_round(campaign)
    names = ["第一名项目", "被取消项目", "第三名项目", "第四名项目", "第五名项目"]
    for rank, name in enumerate(names, start=1):
        RoundEntry.objects.create(
            round=round_,
            nomination=nomination(campaign, users, name, societies["CMES"]),
            rank=rank,
            advanced=rank <= 4,
            disqualified=rank == 2,
            disqualified_reason="异议成立" if rank == 2 else "",
        )
    return round_


def snapshot():
    return (
        ShowcaseYearPage.objects.count(),
        list(AchievementPage.objects.order_by("pk").values_list("pk", "title", "rank")),
    )


def test_create_china_items_makes_drafts_in_rank_order(campaign, users, result, index, societies):
    outcome = create_china_items(campaign, users["editor"])
    year_page = outcome.year_page
    assert outcome.year_page_created and year_page.year == campaign.year
    assert not year_page.live and year_page.campaign_id == campaign.pk
    assert year_page.get_parent().pk == index.pk
    items = list(AchievementPage.objects.child_of(year_page).order_by("rank"))
    assert [(i.title, i.rank) for i in items] == [
        ("第一名项目", 1),
        ("第三名项目", 2),
        ("第四名项目", 3),
    ]
    first = items[0]
    assert first.list == ShowcaseListKind.CHINA and not first.live and first.has_unpublished_changes
    assert first.organisations == "第一名项目的完成单位"
    assert first.recommender == "中国机械工程学会"
    assert first.recommender_society == societies["CMES"]
    assert first.category == "智能产品"
    assert first.nomination.project_name == "第一名项目"
    assert first.latest_revision is not None
    assert first.latest_revision.user == users["editor"]
    # Drafts are for the editors: the public sees neither the year nor the items.
    assert Client().get(f"{index.url}{year_page.slug}/").status_code == 404


def test_create_china_items_is_idempotent(campaign, users, result):
    create_china_items(campaign, users["editor"])
    before = snapshot()
    again = create_china_items(campaign, users["secretary"])
    assert not again.year_page_created and again.created == [] and len(again.existing) == 3
    assert snapshot() == before


def test_create_china_items_uses_an_existing_year_page(campaign, users, result, index):
    year_page = add_year(index, campaign.year)
    outcome = create_china_items(campaign, users["editor"])
    assert outcome.year_page.pk == year_page.pk and not outcome.year_page_created
    assert AchievementPage.objects.child_of(year_page).count() == 3


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_round", "还没有终评轮次"),
        ("only_first_round", "还没有终评轮次"),
        ("not_confirmed", "终评结果尚未由评审组长确认（当前状态：已结束，待组长确认）"),
        ("notice_open", "公示尚未结束"),
        ("all_disqualified", "终评没有入选项目"),
    ],
)
def test_create_china_items_refuses_without_a_confirmed_result(campaign, users, index, societies,
                                                               case, message):  # fmt: skip
    today = timezone.localdate()
    if case == "only_first_round":
        ReviewRound.objects.create(
            campaign=campaign,
            kind=RoundKind.FIRST,
            opens_on=today,
            closes_on=today,
            advance_count=15,
            status=RoundStatus.CONFIRMED,
        )
    if case in ("not_confirmed", "notice_open", "all_disqualified"):
        round_ = final_round(
            campaign, RoundStatus.CLOSED if case == "not_confirmed" else RoundStatus.CONFIRMED
        )
        RoundEntry.objects.create(
            round=round_,
            nomination=nomination(campaign, users, "某项目", societies["CMES"]),
            rank=1,
            advanced=True,
            disqualified=case == "all_disqualified",
        )
    if case == "notice_open":
        PublicNotice.objects.create(campaign=campaign, starts_on=today,
                                    ends_on=today + datetime.timedelta(days=6))  # fmt: skip
    before = snapshot()
    with pytest.raises(ActionRefused) as refusal:
        create_china_items(campaign, users["editor"])
    assert message in refusal.value.reason
    assert snapshot() == before


@pytest.mark.parametrize("username", ["applicant", "society", "expert"])
def test_create_china_items_is_for_the_office_only(campaign, users, result, username):
    before = snapshot()
    with pytest.raises(ActionRefused) as refusal:
        create_china_items(campaign, users[username])
    assert "只有联合体秘书处" in refusal.value.reason
    assert snapshot() == before


# --- the admin action -------------------------------------------------------------------------


def action_url(campaign):
    return reverse("campaigns_publish_showcase", args=(campaign.pk,))


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        (None, False),
        ("applicant", False),
        ("society", False),
        ("expert", False),
        ("editor", True),
        ("secretary", True),
    ],
)
def test_admin_action_permission_matrix(campaign, users, result, username, allowed):
    client = Client()
    if username:
        client.force_login(users[username])
    before = snapshot()
    get = client.get(action_url(campaign))
    post = client.post(action_url(campaign))
    if not allowed:
        # Without admin access: to the login page; with it but not the office (a society): the
        # admin turns the refusal into a redirect to its dashboard with "no permission".
        for response in (get, post):
            assert response.status_code == 302
            if username == "society":
                assert response["Location"] == reverse("wagtailadmin_home")
            else:
                assert "login" in response["Location"]
        assert snapshot() == before
        return
    assert get.status_code == 200
    assert "第一名项目" in text_of(get) and "将生成草稿" in text_of(get)
    year_page = ShowcaseYearPage.objects.get(year=campaign.year)
    assert post.status_code == 302
    assert post["Location"] == reverse("wagtailadmin_explore", args=(year_page.pk,))
    assert AchievementPage.objects.child_of(year_page).count() == 3


def test_admin_action_explains_a_refusal_and_changes_nothing(campaign, users, index):
    final_round(campaign, RoundStatus.CLOSED)
    client = Client()
    client.force_login(users["editor"])
    text = text_of(client.get(action_url(campaign)))
    assert "终评结果尚未由评审组长确认" in text
    before = snapshot()
    response = client.post(action_url(campaign), follow=False)
    assert response.status_code == 400
    assert "终评结果尚未由评审组长确认" in response.content.decode()
    assert snapshot() == before


def test_campaign_page_header_has_the_button_for_the_office(campaign, users):
    editor = Client()
    editor.force_login(users["editor"])
    edit = reverse("wagtailadmin_pages:edit", args=(campaign.pk,))
    assert action_url(campaign) in editor.get(edit).content.decode()
