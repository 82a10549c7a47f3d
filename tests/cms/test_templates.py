"""Every public page type, empty and with full content, renders accessible HTML: landmarks
(header, nav, main, footer), a skip link to the main content, exactly one h1, heading levels that
never skip, and alt text on every picture."""

import datetime
import itertools
import re

import pytest
from lxml import html as lxml_html

from tests.cms.factories import NewsPageFactory, StandardPageFactory
from tests.cms.site_content import add_item, add_year, full_site, picture_body

pytestmark = pytest.mark.django_db

D = datetime.date


def accessibility_problems(content):
    """What is wrong with a page, as readable sentences (empty when all is well)."""
    tree = lxml_html.fromstring(content)
    problems = []
    for landmark in ("header", "nav", "main", "footer"):
        if not tree.xpath(f"//{landmark}"):
            problems.append(f"no <{landmark}>")
    mains = tree.xpath("//main[@id]")
    target = mains[0].get("id") if mains else None
    skip = tree.xpath("//body//a[1]")
    if not target or not skip or skip[0].get("href") != f"#{target}":
        problems.append("the first link is not a skip link to <main>")
    headings = [int(h.tag[1]) for h in tree.iter() if re.fullmatch(r"h[1-6]", str(h.tag))]
    if headings.count(1) != 1:
        problems.append(f"{headings.count(1)} <h1> instead of one")
    if headings and headings[0] != 1:
        problems.append(f"the first heading is h{headings[0]}, not h1")
    for before, after in itertools.pairwise(headings):
        if after > before + 1:
            problems.append(f"h{before} followed by h{after}")
    for img in tree.xpath("//img"):
        if not (img.get("alt") or "").strip():
            problems.append(f"<img src={img.get('src')}> without alt text")
    if tree.get("lang") != "zh-Hans":
        problems.append("the page language is not zh-Hans")
    return problems


def test_the_checker_finds_the_problems():
    page = (
        "<html><body><a href='#x'>跳到正文</a><header><nav></nav></header><main id='main'>"
        "<h1>甲</h1><h3>乙</h3><h1>丙</h1><img src='a.png' alt=''></main></body></html>"
    )
    assert accessibility_problems(page) == [
        "no <footer>",
        "the first link is not a skip link to <main>",
        "2 <h1> instead of one",
        "h1 followed by h3",
        "<img src=a.png> without alt text",
        "the page language is not zh-Hans",
    ]


@pytest.fixture
def indexes(federation, activities_index):
    from campaigns.demo.showcase import ensure_index
    from tests.campaigns.nomination_helpers import prepare_site

    return {
        "campaigns": prepare_site(federation),
        "showcase": ensure_index(federation["home"]),
        "activities": activities_index,
    }


def empty_pages(federation, indexes, society_pages):
    """Each page type with as little as it can have."""
    from tests.activities.factories import ActivityPageFactory
    from tests.campaigns.factories import published_campaign
    from tests.reports.factories import MonthlyReportPageFactory

    home = federation["home"]
    year = add_year(indexes["showcase"], 2024)

    achievement = add_item(year, "空白条目", list="china")
    return {
        "home": "/",
        "standard": StandardPageFactory(parent=home, slug="about-test").url,
        "news index": "/news/",
        "news": NewsPageFactory(parent=federation["news_index"], lead="", body=[]).url,
        "report index": "/reports/",
        "report": MonthlyReportPageFactory(parent=federation["report_index"]).url,
        "campaign index": "/campaigns/",
        "campaign": published_campaign(indexes["campaigns"], slug="empty-call").url,
        "showcase index": indexes["showcase"].url,
        "showcase year": year.url,
        "achievement": achievement.url,
        "activities index": "/activities/",
        "society": society_pages["CMES"].url,
        "activity": ActivityPageFactory(parent=society_pages["CMES"], slug="empty").url,
        "calendar": "/activities/calendar/2021/07/",
    }


def full_pages(federation, society_pages):
    site = full_site(federation, society_pages)
    home = federation["home"]
    image = site["image"]
    return {
        "home": "/",
        "standard": StandardPageFactory(
            parent=home, slug="about-test", body=picture_body(image)
        ).url,
        "news index": "/news/",
        "news index by tag": "/news/?tag=标准",
        "news": site["news"][0].url,
        "report index": "/reports/",
        "report": site["report"].url,
        "campaign index": "/campaigns/",
        "campaign": site["campaign"].url,
        "showcase index": site["showcase_index"].url,
        "showcase year": site["year"].url,
        "achievement": site["achievement"].url,
        "activities index": "/activities/",
        "society": site["society_page"].url,
        "activity": site["activities"][0].url,
        "calendar": "/activities/calendar/2021/07/",
    }


def check_all(client, pages):
    problems = {}
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            problems[name] = [f"{url}: status {response.status_code}"]
            continue
        found = accessibility_problems(response.content.decode())
        if found:
            problems[name] = [url, *found]
    assert problems == {}


def test_empty_pages_are_accessible(client, federation, indexes, society_pages):
    check_all(client, empty_pages(federation, indexes, society_pages))


def test_full_pages_are_accessible(client, federation, society_pages):
    pages = full_pages(federation, society_pages)
    check_all(client, pages)
    # The pictures are there, so their alt text was checked.
    for name in ("news", "activity", "achievement", "standard"):
        assert "<img" in client.get(pages[name]).content.decode(), name


def test_full_pages_are_accessible_when_signed_in(client, federation, society_pages, users):
    """Signed-in visitors get more header links and the Wagtail user bar."""
    pages = full_pages(federation, society_pages)
    client.force_login(users["editor"])
    check_all(client, pages)


def test_print_stylesheet_prints_a_report_like_the_paper_one(client, federation):
    """A4 with the GB/T 9704 margins, 仿宋 body and 黑体 headings as in the Word export, no site
    chrome, headings kept with what follows."""
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in css
    assert re.search(r"\nbody \{ font: 16pt/[\d.]+ \"FangSong\"[^}]*\"仿宋\"", css)
    assert re.search(r"\nh1, h2 \{ font-family: \"SimHei\"[^}]*\"黑体\"", css)
    hidden = css.split("{ display: none !important; }")[0]
    for selector in (".site-header", ".site-footer", ".skip-link", ".actions", "wagtail-userbar"):
        assert selector in hidden
    assert "break-after: avoid" in css
    tree = lxml_html.fromstring(client.get("/reports/").content.decode())
    assert tree.xpath("//link[@rel='stylesheet'][@media='print'][contains(@href, 'print.css')]")
