"""The public side of member-society activities: the filtered list, the society and activity pages,
the month calendar; only live, public pages anywhere; query counts that do not grow."""

import datetime

import feedparser
import icalendar
import pytest
import wagtail_factories
from django.utils import timezone
from lxml import html as lxml_html
from wagtail.models import PageViewRestriction

from activities.month_calendar import month_grid
from activities.views import ACTIVITIES_PER_PAGE
from cms.cn_dates import cn_date_range
from cms.models import Workstream
from cms.periods import month_bounds, shift_month
from cms.syndication import FEED_LENGTH
from tests.activities.factories import ActivityPageFactory, add_activities

pytestmark = pytest.mark.django_db

D = datetime.date


def parse(response):
    assert response.status_code == 200, response.status_code
    return lxml_html.fromstring(response.content.decode())


def text_of(element):
    return " ".join(element.text_content().split())


def listed_titles(tree):
    return [text_of(a) for a in tree.xpath("//ul[contains(@class,'activity-list')]//h2/a")]


def image_body(image, caption="与会代表合影"):
    return [
        {"type": "heading", "value": "会议议程"},
        {"type": "paragraph", "value": "<p>会议由联合体秘书长主持。</p>"},
        {"type": "image", "value": {"image": image.pk, "caption": caption}},
    ]


@pytest.fixture
def strategy(federation):
    return Workstream.objects.get(name="战略咨询")


@pytest.fixture
def exchange(federation):
    return Workstream.objects.get(name="学术交流")


@pytest.fixture
def sample(society_pages, strategy, exchange):
    """A handful of activities of two societies, one of them over two months."""
    cmes, other = society_pages["CMES"], next(p for a, p in society_pages.items() if a != "CMES")
    return {
        "forum": ActivityPageFactory(
            parent=cmes,
            title="智能制造发展论坛",
            start_date=D(2021, 7, 9),
            end_date=D(2021, 7, 10),
            kind="forum",
            workstream=exchange,
            place="山东潍坊",
            summary="论坛在潍坊召开，交流智能制造发展经验。",
        ),
        "training": ActivityPageFactory(
            parent=cmes,
            title="智能制造工程师培训班",
            start_date=D(2021, 6, 29),
            end_date=D(2021, 7, 2),
            kind="training",
            workstream=strategy,
            place="北京",
            summary="培训班跨月举办。",
        ),
        "visit": ActivityPageFactory(
            parent=other,
            title="走访智能工厂",
            start_date=D(2021, 8, 3),
            kind="visit",
            workstream=strategy,
            place="上海",
            summary="调研智能工厂建设情况。",
        ),
        "other_society": other,
    }


def index_url(activities_index):
    return activities_index.url


# --- the list ----------------------------------------------------------------------------------


def test_index_lists_newest_first_with_all_facts(client, activities_index, sample):
    tree = parse(client.get("/activities/"))
    assert len(tree.xpath("//h1")) == 1
    assert listed_titles(tree) == ["走访智能工厂", "智能制造发展论坛", "智能制造工程师培训班"]
    forum = tree.xpath("//li[.//a[text()='智能制造发展论坛']]")[0]
    text = text_of(forum)
    assert "2021年7月9日至10日" in text
    assert "中国机械工程学会" in text
    assert "论坛" in text and "山东潍坊" in text
    assert "交流智能制造发展经验" in text
    assert forum.xpath(".//a/@href")[0] == sample["forum"].url
    assert "2021年6月29日至7月2日" in text_of(
        tree.xpath("//li[.//a[text()='智能制造工程师培训班']]")[0]
    )
    # Every filter control has its label.
    for control in tree.xpath(
        "//form[contains(@class,'activity-filter')]//select|//form[contains(@class,'activity-filter')]//input"
    ):
        assert tree.xpath(f"//label[@for='{control.get('id')}']")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("society=CMES", ["智能制造发展论坛", "智能制造工程师培训班"]),
        ("kind=forum", ["智能制造发展论坛"]),
        ("month=2021-07", ["智能制造发展论坛", "智能制造工程师培训班"]),  # June–July overlaps
        ("month=2021-06", ["智能制造工程师培训班"]),
        ("month=2021-08", ["走访智能工厂"]),
        ("month=2021-09", []),
    ],
)
def test_filters(client, activities_index, sample, query, expected):
    tree = parse(client.get(f"/activities/?{query}"))
    assert listed_titles(tree) == expected
    assert not tree.xpath("//ul[@class='filter-notes']")
    if not expected:
        assert "没有符合条件的活动" in text_of(tree)


def test_filters_combine(client, activities_index, sample, strategy):
    tree = parse(client.get(f"/activities/?society=CMES&workstream={strategy.pk}&month=2021-07"))
    assert listed_titles(tree) == ["智能制造工程师培训班"]
    tree = parse(client.get(f"/activities/?workstream={strategy.pk}"))
    assert listed_titles(tree) == ["走访智能工厂", "智能制造工程师培训班"]
    tree = parse(client.get("/activities/?society=CMES&kind=visit"))
    assert listed_titles(tree) == []


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("society=NOPE", "成员学会：“NOPE”不在可选范围内"),
        ("workstream=abc", "工作板块：“abc”不在可选范围内"),
        ("workstream=999999", "工作板块：“999999”不在可选范围内"),
        ("month=2021-13", "月份：“2021-13”应写作“年-月”"),
        ("month=July", "月份：“July”应写作“年-月”"),
        ("month=" + "9" * 50, "月份"),
        ("kind=party", "活动类型：“party”不在可选范围内"),
    ],
)
def test_invalid_filters_are_ignored_with_a_note(client, activities_index, sample, query, note):
    tree = parse(client.get(f"/activities/?{query}&page=abc"))
    notes = text_of(tree.xpath("//ul[@class='filter-notes']")[0])
    assert note in notes
    assert "已忽略这一条件" in notes
    assert len(listed_titles(tree)) == 3


def test_an_invalid_filter_leaves_the_valid_ones(client, activities_index, sample):
    tree = parse(client.get("/activities/?society=CMES&kind=party"))
    assert listed_titles(tree) == ["智能制造发展论坛", "智能制造工程师培训班"]
    assert "活动类型" in text_of(tree.xpath("//ul[@class='filter-notes']")[0])


def test_pagination_keeps_the_filters(client, society_pages):
    cmes = society_pages["CMES"]
    for n in range(ACTIVITIES_PER_PAGE + 3):
        ActivityPageFactory(parent=cmes, start_date=D(2021, 3, 1) + datetime.timedelta(days=n))
    tree = parse(client.get("/activities/?society=CMES"))
    assert len(listed_titles(tree)) == ACTIVITIES_PER_PAGE
    next_link = tree.xpath("//nav[@class='pagination']//a[@rel='next']/@href")[0]
    assert "society=CMES" in next_link and "page=2" in next_link
    tree = parse(client.get("/activities/" + next_link))
    assert len(listed_titles(tree)) == 3
    assert "第 2 页，共 2 页" in text_of(tree)
    # A page number out of range shows the first page, never an error.
    assert len(listed_titles(parse(client.get("/activities/?page=99")))) == ACTIVITIES_PER_PAGE


# --- only live, public pages -----------------------------------------------------------------


@pytest.fixture
def hidden(society_pages, sample):
    """A draft, a private activity, and one under an unpublished society page."""
    cmes = society_pages["CMES"]
    draft = ActivityPageFactory(
        parent=cmes, title="草稿活动", start_date=D(2021, 7, 12), live=False
    )
    private = ActivityPageFactory(parent=cmes, title="内部活动", start_date=D(2021, 7, 13))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    hidden_society = next(
        p for a, p in society_pages.items() if a != "CMES" and p.pk != sample["other_society"].pk
    )
    orphan = ActivityPageFactory(
        parent=hidden_society, title="未发布学会的活动", start_date=D(2021, 7, 14)
    )
    hidden_society.unpublish()
    return [draft, private, orphan]


def test_drafts_private_and_unpublished_never_leak(client, activities_index, society_pages, hidden):
    pages = [
        "/activities/",
        "/activities/?month=2021-07",
        "/activities/?society=CMES",
        society_pages["CMES"].url,
        "/activities/calendar/2021/07/",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        for title in ("草稿活动", "内部活动", "未发布学会的活动"):
            assert title not in body, (url, title)
        assert "智能制造发展论坛" in body
    private = hidden[1]
    assert client.get(private.url).status_code == 302  # to the login page
    assert client.get(hidden[0].url).status_code == 404


# --- society and activity pages ---------------------------------------------------------------


def test_society_page_lists_its_own_activities(client, society_pages, sample):
    cmes = society_pages["CMES"]
    cmes.refresh_from_db()  # the fixture's copy predates the activities
    cmes.intro = "<p>中国机械工程学会的活动。</p>"
    cmes.save_revision().publish()
    tree = parse(client.get(cmes.url))
    assert text_of(tree.xpath("//h1")[0]) == "中国机械工程学会"
    assert "中国机械工程学会的活动。" in text_of(tree.xpath("//div[@class='intro']")[0])
    assert listed_titles(tree) == ["智能制造发展论坛", "智能制造工程师培训班"]
    assert tree.xpath("//link[@rel='alternate' and @type='application/rss+xml']/@href")[0].endswith(
        "/activities/rss/?society=CMES"
    )
    assert tree.xpath("//a[text()='返回全部成员学会活动']/@href") == ["/activities/"]


def test_activity_page_shows_everything(client, society_pages, exchange):
    image = wagtail_factories.ImageFactory(title="合影")
    activity = ActivityPageFactory(
        parent=society_pages["CMES"],
        title="智能制造标准研讨会",
        start_date=D(2021, 12, 30),
        end_date=D(2022, 1, 2),
        place="浙江杭州",
        kind="meeting",
        workstream=exchange,
        participants="成员学会代表等 35 人",
        summary="研讨智能制造标准体系。",
        body=image_body(image),
        source_url="https://www.cmes.org/news/1.html",
    )
    tree = parse(client.get(activity.url))
    assert [text_of(h) for h in tree.xpath("//h1")] == ["智能制造标准研讨会"]
    facts = text_of(tree.xpath("//dl[@class='activity-facts']")[0])
    for expected in (
        "2021年12月30日至2022年1月2日",
        "浙江杭州",
        "会议",
        "学术交流",
        "中国机械工程学会",
        "成员学会代表等 35 人",
    ):
        assert expected in facts
    assert tree.xpath("//dd/a[text()='中国机械工程学会']/@href") == [society_pages["CMES"].url]
    assert "研讨智能制造标准体系。" in text_of(tree)
    assert tree.xpath("//figure//img") and "与会代表合影" in text_of(tree.xpath("//figure")[0])
    assert tree.xpath("//a[text()='原文链接']/@href") == ["https://www.cmes.org/news/1.html"]
    assert "订阅源导入" not in text_of(tree)
    assert tree.xpath("//p[@class='back-link']//a[text()='返回全部成员学会活动']/@href") == [
        "/activities/"
    ]


def test_activity_from_a_feed_says_so(client, society_pages):
    activity = ActivityPageFactory(
        parent=society_pages["CMES"], source="feed", source_url="https://news.example.org/1"
    )
    tree = parse(client.get(activity.url))
    text = text_of(tree.xpath("//p[@class='activity-source']")[0])
    assert "来源：订阅源导入" in text and "原文链接" in text


# --- templates with nothing and with everything -------------------------------------------------


def test_templates_render_empty(client, activities_index, society_pages):
    tree = parse(client.get("/activities/"))
    assert "暂无活动。" in text_of(tree)
    tree = parse(client.get(society_pages["CMES"].url))
    assert "暂无活动。" in text_of(tree)
    tree = parse(client.get("/activities/calendar/2021/07/"))
    assert "2021年7月：0 项活动" in text_of(tree.xpath("//caption")[0])
    bare = ActivityPageFactory(parent=society_pages["CMES"], place="", summary="简讯。", body=[])
    tree = parse(client.get(bare.url))
    assert len(tree.xpath("//h1")) == 1
    assert not tree.xpath("//p[@class='activity-source']")


def test_templates_render_full(client, activities_index, society_pages, sample):
    image = wagtail_factories.ImageFactory(title="会场")
    activities_index.refresh_from_db()  # the fixture's copy predates the society pages
    activities_index.intro = "<p>成员学会的<b>活动</b>。</p>"
    activities_index.save_revision().publish()
    ActivityPageFactory(
        parent=society_pages["CMES"],
        title="带图片的活动",
        start_date=D(2021, 7, 20),
        body=image_body(image, caption="会场全景"),
        source="feed",
        source_url="https://news.example.org/2",
    )
    tree = parse(client.get("/activities/"))
    assert "成员学会的活动。" in text_of(tree.xpath("//div[@class='intro']")[0])
    hrefs = tree.xpath("//link[@rel='alternate']/@href")
    assert any(h.endswith("/activities/rss/") for h in hrefs)
    assert any(h.endswith("/activities/atom/") for h in hrefs)
    assert any(h.endswith("/activities/ical/") for h in hrefs)
    assert "带图片的活动" in listed_titles(tree)
    page = tree.xpath("//a[text()='带图片的活动']/@href")[0]
    tree = parse(client.get(page))
    assert "会场全景" in text_of(tree.xpath("//figure")[0])
    assert tree.xpath("//figure//img/@src")
    tree = parse(client.get("/activities/calendar/2021/07/"))
    assert tree.xpath("//td//a[text()='带图片的活动']")


def test_activities_index_in_the_site_navigation(client, activities_index):
    activities_index.refresh_from_db()
    activities_index.show_in_menus = True
    activities_index.save_revision().publish()
    tree = parse(client.get("/activities/"))
    nav = tree.xpath("//nav[@aria-label='主导航']//a[@aria-current='page']")
    assert [text_of(a) for a in nav] == ["成员学会活动"]


# --- the month calendar -------------------------------------------------------------------------


def calendar_cells(tree):
    return {
        cell.xpath(".//time/@datetime")[0]: cell
        for cell in tree.xpath("//table[@class='activity-calendar']//td")
    }


def test_calendar_month_grid(client, activities_index, sample):
    tree = parse(client.get("/activities/calendar/2021/07/"))
    table = tree.xpath("//table[@class='activity-calendar']")[0]
    assert "2021年7月" in text_of(table.xpath("caption")[0])
    assert [text_of(th) for th in table.xpath(".//thead//th[@scope='col']")] == list(
        "一二三四五六日"
    )
    cells = calendar_cells(tree)
    assert min(cells) == "2021-06-28"  # the Monday of the first week
    assert max(cells) == "2021-08-01"
    titles = {day: [text_of(a) for a in cell.xpath(".//li/a")] for day, cell in cells.items()}
    assert titles["2021-07-09"] == ["智能制造发展论坛"]
    assert titles["2021-07-10"] == ["智能制造发展论坛"]  # on each day of a multi-day activity
    assert titles["2021-07-11"] == []
    assert titles["2021-07-01"] == ["智能制造工程师培训班"]
    assert titles["2021-07-02"] == ["智能制造工程师培训班"]
    assert titles["2021-06-29"] == []  # days of the neighbouring months show no activities
    assert "other-month" in cells["2021-06-28"].get("class")
    nav = tree.xpath("//nav[@class='month-nav']")[0]
    assert nav.xpath(".//a[@rel='prev']/@href") == ["/activities/calendar/2021/06/"]
    assert nav.xpath(".//a[@rel='next']/@href") == ["/activities/calendar/2021/08/"]
    assert "上个月（2021年6月）" in text_of(nav)
    # June shows the training's first two days.
    tree = parse(client.get("/activities/calendar/2021/06/"))
    titles = {
        day: [text_of(a) for a in c.xpath(".//li/a")] for day, c in calendar_cells(tree).items()
    }
    assert titles["2021-06-29"] == titles["2021-06-30"] == ["智能制造工程师培训班"]
    assert titles["2021-07-01"] == []


@pytest.mark.parametrize(
    "today",
    [
        D(2026, 12, 1),  # a Tuesday: November's grid ends with 1-6 December
        D(2026, 11, 30),  # a Monday: December's grid starts with it
        D(2026, 12, 31),  # the year's last day, in January 2027's first week
        D(2027, 1, 1),  # the year's first day, in December 2026's last week
        D(2028, 2, 29),
        D(2026, 12, 16),  # a day no other month shows
    ],
)
def test_calendar_marks_today_in_its_own_month_only(
    client, activities_index, society_pages, travel, today
):
    travel(today)
    ActivityPageFactory(parent=society_pages["CMES"], title="今天的活动", start_date=today)
    tree = parse(client.get("/activities/calendar/"))
    assert f"{today.year}年{today.month}月" in text_of(tree.xpath("//caption")[0])
    current = tree.xpath("//td[@aria-current='date']")
    assert len(current) == 1
    assert current[0].xpath(".//time/@datetime") == [today.isoformat()]
    assert [text_of(a) for a in current[0].xpath(".//li/a")] == ["今天的活动"]
    # The neighbouring months may show today as a padding day: muted, empty, not today.
    for delta in (-1, 1):
        year, month = shift_month(today.year, today.month, delta)
        tree = parse(client.get(f"/activities/calendar/{year:04d}/{month:02d}/"))
        assert not tree.xpath("//td[@aria-current='date']")
        assert not tree.xpath("//*[contains(@class, 'today-label')]")
        shown = tree.xpath(f"//td[.//time/@datetime='{today.isoformat()}']")
        for cell in shown:
            assert "other-month" in cell.get("class")
            assert not cell.xpath(".//li")


def test_calendar_today_follows_beijing_time_not_utc(client, activities_index, travel):
    # 00:30 on 1 December in Beijing is still 30 November in UTC.
    travel(D(2026, 12, 1), hour=0, minute=30)
    tree = parse(client.get("/activities/calendar/"))
    assert "2026年12月" in text_of(tree.xpath("//caption")[0])
    assert tree.xpath("//td[@aria-current='date']//time/@datetime") == ["2026-12-01"]


@pytest.mark.parametrize(
    "url",
    [
        "/activities/calendar/2021/13/",
        "/activities/calendar/2021/00/",
        "/activities/calendar/0000/01/",
        "/activities/calendar/9999/12/",
        "/activities/calendar/2021/7/",
        "/activities/calendar/abcd/07/",
    ],
)
def test_calendar_invalid_month_is_404(client, activities_index, url):
    assert client.get(url).status_code == 404


def test_month_grid_is_monday_first():
    activity = ActivityPageFactory.build(start_date=D(2021, 2, 27), end_date=D(2021, 3, 2), pk=1)
    grid = month_grid(2021, 3, [activity], today=D(2021, 3, 1))
    assert grid.weeks[0][0].date == D(2021, 3, 1)  # a Monday
    assert all(week[0].date.weekday() == 0 for week in grid.weeks)
    covered = [day.date for week in grid.weeks for day in week if day.activities]
    assert covered == [D(2021, 3, 1), D(2021, 3, 2)]
    assert grid.weeks[0][0].is_today
    assert grid.activity_count == 1


def test_date_ranges():
    assert cn_date_range(D(2021, 7, 9), None) == "2021年7月9日"
    assert cn_date_range(D(2021, 7, 9), D(2021, 7, 10)) == "2021年7月9日至10日"
    assert cn_date_range(D(2021, 7, 30), D(2021, 8, 2)) == "2021年7月30日至8月2日"


# --- query counts -------------------------------------------------------------------------------


def make_activities(society_pages, count, workstream):
    """`count` activities of every kind spread over the societies (CMES first, so that it has
    one even among ten), lasting one to three days and starting within two weeks of today, so
    that the .ics feed holds them all; every society's first one is a meeting today."""
    today = timezone.localdate()
    kinds = ["meeting", "forum", "training", "visit", "class", "other"]
    pages = sorted(society_pages.values(), key=lambda p: p.society.abbreviation != "CMES")

    def start(n):
        return today + datetime.timedelta(days=(n + 14) % 28 - 14)

    activities = []
    for k, society_page in enumerate(pages):
        activities += add_activities(
            society_page,
            len(range(k, count, len(pages))),
            start_date=start,
            end_date=lambda n: start(n) + datetime.timedelta(days=n % 3),
            kind=lambda n: kinds[n % len(kinds)],
            workstream=workstream,
        )
    return activities


def newest_first(activities):
    return sorted(activities, key=lambda a: (a.start_date, a.pk), reverse=True)


def in_month(activities, first):
    last = month_bounds(first.year, first.month)[1]
    return [a for a in activities if a.start_date <= last and a.last_day >= first]


def caption_count(tree):
    caption = text_of(tree.xpath("//table[contains(@class,'activity-calendar')]/caption")[0])
    return int(caption.split("：")[1].split()[0])


# One ceiling per view, the same for ten activities and for a thousand: every public view of the
# activities costs a constant number of queries, however much it lists.
INDEX_MAX_QUERIES = 13
SOCIETY_MAX_QUERIES = 15
CALENDAR_MAX_QUERIES = 10
FEED_MAX_QUERIES = 11


# A thousand activities take about five seconds to create on SQLite, ten on PostgreSQL.
@pytest.mark.parametrize("count", [10, 1000])
def test_query_count_does_not_grow(
    client, society_pages, strategy, django_assert_max_num_queries, count
):
    activities = make_activities(society_pages, count, strategy)
    cmes = society_pages["CMES"]
    of_cmes = [a for a in activities if a.society_id == cmes.society_id]
    this_month = timezone.localdate().replace(day=1)
    earliest = min(a.start_date for a in activities).replace(day=1)

    def get(url, ceiling):
        client.get(url)  # warm the caches every request shares (site root paths)
        with django_assert_max_num_queries(ceiling):
            response = client.get(url)
        assert response.status_code == 200, url
        return response

    def first_page(activities):
        return [a.title for a in newest_first(activities)[:ACTIVITIES_PER_PAGE]]

    tree = parse(get("/activities/", INDEX_MAX_QUERIES))
    assert listed_titles(tree) == first_page(activities)
    assert f"共 {count} 项活动" in text_of(tree)

    query = f"society=CMES&kind=meeting&month={this_month:%Y-%m}&workstream={strategy.pk}"
    tree = parse(get(f"/activities/?{query}", INDEX_MAX_QUERIES))
    meetings = [a for a in in_month(of_cmes, this_month) if a.kind == "meeting"]
    assert meetings and listed_titles(tree) == first_page(meetings)

    tree = parse(get(cmes.url, SOCIETY_MAX_QUERIES))
    assert listed_titles(tree) == first_page(of_cmes)

    for url, first in (
        ("/activities/calendar/", this_month),
        (f"/activities/calendar/{earliest:%Y/%m}/", earliest),
    ):
        tree = parse(get(url, CALENDAR_MAX_QUERIES))
        shown = in_month(activities, first)
        assert shown and caption_count(tree) == len(shown)
        links = {text_of(a) for a in tree.xpath("//table//li/a")}
        assert links == {a.title for a in shown}

    def newest(activities):
        return [a.title for a in newest_first(activities)[:FEED_LENGTH]]

    feed = feedparser.parse(get("/activities/rss/", FEED_MAX_QUERIES).content)
    assert [e.title for e in feed.entries] == newest(activities)
    feed = feedparser.parse(get("/activities/atom/?society=CMES", FEED_MAX_QUERIES).content)
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == newest(of_cmes)

    calendar = icalendar.Calendar.from_ical(get("/activities/ical/", FEED_MAX_QUERIES).content)
    events = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert sorted(events) == sorted(a.title for a in activities)
