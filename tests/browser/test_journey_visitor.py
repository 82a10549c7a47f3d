"""A public visitor's walk through the demo, as `make run` leaves it: home → news → an activity →
the calendar → search 智能制造 → a campaign → the 双十 list and an item → a report (print, share)
→ 关于联合体, and a mistyped address. Every page type is kept as a screenshot at 1366 and 390 px
in test-artifacts/visitor/ (look at them), nothing is printed twice, and the live server never
answers 5xx (`server_errors`)."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.expect import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = ARTIFACTS / "visitor"
WIDTHS = (1366, 390)
FEDERATION = "中国科协智能制造学会联合体"


def shoot(page, name):
    """The page at both widths, whole; back at the desktop width afterwards."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def no_horizontal_scroll(page):
    """At 390 px nothing is wider than the screen."""
    page.set_viewport_size({"width": 390, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    assert width <= 390, f"{page.url}: {width} px wide at 390 px"


def main_text(page):
    return " ".join(page.locator("main").inner_text().split())


def test_a_visitor_walks_the_public_site(page, demo, server_errors):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # Home: the emblem and the name once in the header, the intro, the sections.
    page.goto("/")
    header = page.locator("header[role=banner]")
    expect(header.locator("img.site-emblem")).to_be_visible()
    assert header.inner_text().count(FEDERATION) == 1
    # The page's h1 is for screen readers only (1 px); the banner under the header says what
    # the federation is instead of naming it again.
    assert page.locator("main h1").bounding_box()["width"] <= 1
    assert FEDERATION not in page.locator(".home-hero").inner_text()
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).ok
    no_horizontal_scroll(page)
    shoot(page, "01-home")

    # News: the lead is not read twice.
    page.locator("#latest-news ~ ul a").first.click()
    expect(page.locator("nav.breadcrumbs")).to_contain_text("新闻动态")
    lead_text = main_text(page)
    assert lead_text.count("会议在线举行") <= 1 and lead_text.count("在线上召开") <= 1
    shoot(page, "02-news")

    # An activity: its summary once, breadcrumbs back to the society.
    page.goto("/activities/")
    page.get_by_role("link", name=re.compile("智能仪器仪表与智能制造论坛")).first.click()
    expect(page.locator("h1")).to_contain_text("智能仪器仪表与智能制造论坛")
    assert main_text(page).count("论坛交流智能传感与检测技术") == 1
    shoot(page, "03-activity")

    # The calendar: societies by their Chinese short names; the caption on one line on a phone.
    page.goto("/activities/calendar/")
    societies = page.locator("table.activity-calendar .society").all_inner_texts()
    assert societies and all(re.fullmatch(r"[\u4e00-\u9fff]+", s) for s in societies), societies
    page.set_viewport_size({"width": 390, "height": 900})
    caption = page.locator("table.activity-calendar caption")
    line = float(caption.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert caption.bounding_box()["height"] < 1.8 * line, "the caption breaks over lines"
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    no_horizontal_scroll(page)
    shoot(page, "04-calendar")

    # Search from the header's box.
    page.locator("#site-search-q").fill("智能制造")
    page.locator("form.site-search button").click()
    expect(page.locator("main [role=status]")).to_contain_text("智能制造")
    for excerpt in page.locator(".search-group .excerpt").all_inner_texts():
        first = excerpt.strip("…").split("。")[0]
        assert len(first) < 8 or excerpt.count(first) == 1, excerpt
    shoot(page, "05-search")

    # A campaign: the listing's status badges, then the open call.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="征集活动").click()
    badges = page.locator(".call-status-badge")
    expect(badges.first).to_be_visible()
    assert badges.first.evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    shoot(page, "06-campaigns")
    page.get_by_role("link", name=re.compile(r"2026 中国智能制造科技进展（演示）")).click()
    expect(page.locator(".call-status-badge")).to_have_text("征集中")
    shoot(page, "07-campaign")

    # 双十: the year's two lists, then an item with every fact or 未公布 and its source.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="双十科技进展").click()
    shoot(page, "08-showcase")
    page.get_by_role("link", name=re.compile("2023 年智能制造")).first.click()
    shoot(page, "09-showcase-year")
    page.get_by_role("link", name="小型工业机器人 IRB 1010").click()
    facts = page.locator("dl.achievement-facts")
    for label in ("榜单", "类别", "完成单位", "推荐单位"):
        expect(facts).to_contain_text(label)
    expect(facts).to_contain_text("未公布")
    expect(page.locator("p.source a")).to_have_attribute("href", re.compile("^https?://"))
    shoot(page, "10-showcase-item")

    # A report: print and share (copy link, QR code drawn on the server).
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="进展情况月报").click()
    shoot(page, "11-reports")
    page.get_by_role("link", name=re.compile(r"进展情况月报（2021年1-3月）")).first.click()
    expect(page.locator("nav.breadcrumbs")).to_contain_text("进展情况月报")
    # A trailing value: Playwright calls an expression that evaluates to a function.
    page.evaluate("window.__printed = 0; window.print = () => { window.__printed += 1; }; 0")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    share = page.locator("aside.share-box")
    expect(share.locator("div.share-qr svg")).to_be_visible()
    share.get_by_role("button", name="复制链接").click()
    expect(share.locator(".copy-status")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    assert page.locator(".entry--linked", has_text=re.compile(r"关联\s*$")).count() == 0
    no_horizontal_scroll(page)
    shoot(page, "12-report")
    # On paper: the report alone, without the site's furniture or the share box.
    page.emulate_media(media="print")
    expect(share).to_be_hidden()
    expect(page.locator("nav.main-nav")).to_be_hidden()
    expect(page.locator(".report-title h1")).to_be_visible()
    page.pdf(path=SHOTS / "12-report-print.pdf")
    page.emulate_media(media="screen")

    # 关于联合体: the member societies and the contacts.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="关于联合体").click()
    expect(page.locator(".society-grid li")).to_have_count(15)
    expect(page.locator(".contact-card")).to_contain_text("010-68799025")
    shoot(page, "13-about")

    # A mistyped address: the federation's Chinese 404 page, not Django's.
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.get_by_role("link", name="返回首页")).to_be_visible()
    shoot(page, "14-not-found")
    assert not server_errors
