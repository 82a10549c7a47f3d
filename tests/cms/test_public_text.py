"""Issue 11 §8: no text printed twice, nothing unreadable, on the public pages a visitor reads."""

import datetime
import re

import pytest
from lxml import html as lxml_html

from cms.models import MemberSociety, NewsPage
from reports.models import ProgressEntry
from tests.activities.factories import ActivityPageFactory
from tests.cms.factories import news_body
from tests.reports.factories import MonthlyReportPageFactory

pytestmark = pytest.mark.django_db

D = datetime.date
FEDERATION = "中国科协智能制造学会联合体"


def tree_of(response):
    assert response.status_code == 200, response.status_code
    return lxml_html.fromstring(response.content.decode())


def visible_text(element):
    """The text a sighted reader sees: without screen-reader-only parts and scripts."""
    for hidden in element.xpath(
        ".//*[contains(concat(' ', @class, ' '), ' visually-hidden ')] | .//script | .//style"
    ):
        hidden.drop_tree()
    return " ".join(element.text_content().split())


def publish(parent, page):
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_an_imported_news_page_says_its_first_sentence_once(client, federation):
    # As the report importer makes them: the lead is the body's first sentence.
    first = "2021年1月7日，联合体二届三次主席团（扩大）会议在线召开。"
    page = publish(
        federation["news_index"],
        NewsPage(
            title="联合体主席团会议召开",
            date=D(2021, 1, 7),
            lead=first,
            body=news_body([first + "会议由主席主持。", "会议审议了年度工作计划。"]),
        ),
    )
    text = visible_text(tree_of(client.get(page.url)).xpath("//main")[0])
    assert text.count("联合体二届三次主席团（扩大）会议在线召开") == 1
    assert "会议审议了年度工作计划" in text


def test_a_lead_cut_short_with_an_ellipsis_is_not_printed_above_the_body(client, federation):
    sentence = "联合体秘书处组织成员学会赴潍坊高新区走访十余家智能制造企业并召开座谈会。"
    page = publish(
        federation["news_index"],
        NewsPage(title="走访企业", lead=sentence[:20] + "…", body=news_body([sentence])),
    )
    text = visible_text(tree_of(client.get(page.url)).xpath("//main")[0])
    assert text.count(sentence[:20]) == 1


def test_a_lead_of_its_own_is_still_printed(client, federation):
    page = publish(
        federation["news_index"],
        NewsPage(title="会议召开", lead="会议在线召开。", body=news_body(["会议由秘书长主持。"])),
    )
    tree = tree_of(client.get(page.url))
    assert [p.text_content() for p in tree.xpath("//p[@class='lead']")] == ["会议在线召开。"]


def test_search_snippets_do_not_repeat_the_lead(client, federation):
    first = "2021年2月1日，联合体召开第一次秘书长工作会议。"
    publish(
        federation["news_index"],
        NewsPage(
            title="秘书长工作会议",
            date=D(2021, 2, 1),
            lead=first,
            body=news_body([first + "会议总结了智能制造科技进展遴选工作。"]),
        ),
    )
    tree = tree_of(client.get("/search/", {"q": "秘书长工作会议"}))
    excerpts = [" ".join(p.text_content().split()) for p in tree.xpath("//p[@class='excerpt']")]
    assert excerpts, "the news page is found"
    assert excerpts[0].count("联合体召开第一次秘书长工作会议") == 1


def test_the_activity_page_prints_its_summary_once(client, society_pages):
    summary = "（演示数据）论坛交流智能传感与检测技术在智能制造中的应用。"
    activity = ActivityPageFactory(
        parent=society_pages["CIS"],
        title="智能仪器仪表论坛",
        start_date=D(2026, 12, 10),
        summary=summary,
        body=[{"type": "paragraph", "value": f"<p>{summary}</p>"}],
    )
    text = visible_text(tree_of(client.get(activity.url)).xpath("//main")[0])
    assert text.count("论坛交流智能传感与检测技术") == 1


def test_the_calendar_names_societies_in_chinese(client, activities_index, society_pages, travel):
    travel(D(2026, 12, 3))
    for abbreviation in ("CIS", "CAA"):
        ActivityPageFactory(
            parent=society_pages[abbreviation],
            title=f"{abbreviation} 的论坛",
            start_date=D(2026, 12, 10),
            summary="论坛。",
        )
    tree = tree_of(client.get(activities_index.url + "calendar/2026/12/"))
    labels = [s.text_content() for s in tree.xpath("//table//span[@class='society']")]
    assert sorted(labels) == ["仪器仪表学会", "自动化学会"]
    assert "CIS" not in labels and "CAA" not in labels


def test_every_society_has_a_chinese_short_name(federation):
    names = dict(MemberSociety.objects.values_list("abbreviation", "short_name"))
    assert names["CAA"] == "自动化学会" and names["CMES"] == "机械工程学会"
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", name) for name in names.values())


def test_a_society_without_a_short_name_shows_its_full_name(federation):
    society = MemberSociety.objects.create(name="中国测试学会", abbreviation="CTS")
    assert society.display_short_name == "中国测试学会"


def test_the_home_page_names_the_federation_once_above_its_sections(client, federation):
    from cms.demo import load_core_demo

    load_core_demo()  # the demo's home page, as `make run` leaves it
    tree = tree_of(client.get("/"))
    headings = [h.text_content() for h in tree.xpath("//h1")]
    header = visible_text(tree.xpath("//header[@role='banner']")[0])
    main = visible_text(tree.xpath("//main")[0])
    assert header.count(FEDERATION) == 1
    assert FEDERATION not in main.split("最新动态")[0]
    assert headings == [FEDERATION]  # still the page's heading, for screen readers


def test_a_home_intro_that_only_repeats_the_name_is_left_out(client, federation):
    home = federation["home"]
    home.intro = f"<p>{FEDERATION}</p>"
    home.save_revision().publish()
    main = visible_text(tree_of(client.get("/")).xpath("//main")[0])
    assert FEDERATION not in main.split("最新动态")[0]


def test_a_linked_report_entry_ends_with_a_link_not_a_stray_word(client, federation, workstreams):
    report = MonthlyReportPageFactory(parent=federation["report_index"], period_start=D(2021, 3, 1))
    ProgressEntry.objects.create(
        page=report,
        workstream=workstreams[0],
        body="2021年3月26日：举办“制造业企业如何迈入互联网时代”系列研讨会。",
        synced_body="2021年3月26日：举办“制造业企业如何迈入互联网时代”系列研讨会。",
        origin="activity",
        origin_key="activity:1",
        link_url="/activities/cmes/internet-era-seminar-2021-03-26/",
    )
    report.save_revision().publish()
    tree = tree_of(client.get(report.url))
    entry = tree.xpath("//div[contains(@class,'entry--linked')]")[0]
    assert "关联" not in visible_text(entry)
    links = entry.xpath(".//a")
    assert [" ".join(a.text_content().split()) for a in links] == ["查看详情 ›"]
    assert links[0].get("href") == "/activities/cmes/internet-era-seminar-2021-03-26/"
