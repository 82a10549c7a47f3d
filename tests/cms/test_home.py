"""The home page: the latest news and the apps' sections (open calls with their next milestone,
the latest activities, the latest 双十 year, the latest public report) collected through the
`lianhe_home_sections` hook, the navigation, the contacts in the footer, and a number of queries
that does not grow with the content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html
from wagtail import hooks
from wagtail.models import PageViewRestriction

from cms.home_sections import HOME_SECTIONS_HOOK, HomeSection, home_sections
from tests.cms.site_content import add_news, full_site

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200, response.status_code
    return lxml_html.fromstring(response.content.decode())


def text_of(element):
    return " ".join(element.text_content().split())


def section(tree, heading_id):
    found = tree.xpath(f"//section[@aria-labelledby='{heading_id}']")
    assert found, f"no section {heading_id}"
    return found[0]


@pytest.fixture
def site(federation, society_pages):
    return full_site(federation, society_pages)


def test_empty_home_says_there_is_nothing_yet(client, federation):
    tree = parse(client.get("/"))
    assert "暂无新闻。" in text_of(section(tree, "latest-news"))
    assert "暂无已发布的月报。" in text_of(section(tree, "home-reports"))
    # No 双十 year yet: the section is left out rather than shown empty.
    assert not tree.xpath("//section[@aria-labelledby='home-showcase']")


def test_home_shows_every_section(client, site):
    tree = parse(client.get("/"))
    news = text_of(section(tree, "latest-news"))
    assert "联合体召开年度工作会议" in news and "2021年7月9日" in news

    campaigns = section(tree, "home-campaigns")
    titles = [text_of(a) for a in campaigns.xpath(".//li/a")]
    assert titles == [site["campaign"].title]  # the closed call is not listed
    assert site["next_milestone"].title in text_of(campaigns)

    activities = section(tree, "home-activities")
    listed = [text_of(a) for a in activities.xpath(".//li/a")]
    assert listed == [f"智能制造发展论坛第{n}期" for n in (5, 4, 3, 2, 1)]
    assert "中国机械工程学会" in text_of(activities)

    assert "2023 年智能制造“双十”科技进展" in text_of(section(tree, "home-showcase"))
    assert site["report"].title in text_of(section(tree, "home-reports"))

    order = [s.get("aria-labelledby") for s in tree.xpath("//main//section")]
    assert order == [
        "latest-news",
        "home-campaigns",
        "home-activities",
        "home-showcase",
        "home-reports",
    ]


def test_private_and_draft_pages_stay_off_the_home_page(client, site):
    report = site["report"]
    PageViewRestriction.objects.create(page=report, restriction_type="login")
    site["activities"][-1].unpublish()
    tree = parse(client.get("/"))
    assert "暂无已发布的月报。" in text_of(section(tree, "home-reports"))
    assert "智能制造发展论坛第5期" not in text_of(section(tree, "home-activities"))


def test_navigation_and_footer_contacts(client, site):
    for page in (site["showcase_index"], site["society_page"].get_parent()):
        page.show_in_menus = True
        page.save()
    tree = parse(client.get("/"))
    nav = [text_of(a) for a in tree.xpath("//header//nav//a")]
    for title in ("新闻动态", "进展情况月报", "征集活动", "双十科技进展", "成员学会活动"):
        assert title in nav
    footer = text_of(tree.xpath("//footer")[0])
    assert "地址：北京市海淀区西三环北路 100 号" in footer
    assert "电话：010-68000000" in footer
    assert tree.xpath("//footer//a[@href='mailto:imac@example.org']")


def test_sections_come_from_the_hook_in_order(rf, federation):
    def late(request, site):
        return HomeSection("late.html", {"n": 2}, order=900)

    def early(request, site):
        return HomeSection("early.html", {"n": 1}, order=1)

    def nothing(request, site):
        return None

    with (
        hooks.register_temporarily(HOME_SECTIONS_HOOK, late),
        hooks.register_temporarily(HOME_SECTIONS_HOOK, early),
        hooks.register_temporarily(HOME_SECTIONS_HOOK, nothing),
    ):
        sections = home_sections(rf.get("/"), None)
    names = [s.template_name for s in sections]
    assert names[0] == "early.html" and names[-1] == "late.html"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_home_page_costs_at_most_fifteen_queries(client, site):
    """Every section of the full site (news, open calls, activities, 双十, reports) and the
    header: the view restrictions are part of each page query, the index pages and the menu come
    from one query of the site's top-level pages (issue 16: 24 before, 26 cold)."""
    client.get("/")  # warm the per-process caches (content types, site root paths)
    assert count_queries(client, "/") <= 15


# 1,000 news take about ten seconds to create with the factory; the activities grow too.
@pytest.mark.parametrize("more", [10, 1000])
def test_home_queries_do_not_grow_with_the_news(client, site, django_assert_max_num_queries, more):
    from tests.activities.factories import ActivityPageFactory

    client.get("/")  # warm the per-process caches (content types, site root paths)
    baseline = count_queries(client, "/")
    add_news(site["news"][0].get_parent(), more)
    for n in range(min(more, 50)):
        ActivityPageFactory(parent=site["society_page"], title=f"另一项活动{n}", slug=f"more-{n}")
    with django_assert_max_num_queries(baseline):
        tree = parse(client.get("/"))
    assert len(section(tree, "latest-news").xpath(".//li/a")) == 6
