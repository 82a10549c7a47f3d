"""Issue 11 §7 (the federation's face) and §9 (a designed public site): the logo and favicon on
the site and in the admin, the Chinese 404 and 500 pages in the demo's settings, 关于联合体, the
双十 item pages, report navigation with print and share."""

import datetime
import importlib
import io

import pytest
from django.test import Client, override_settings
from django.urls import path
from lxml import html as lxml_html

from cms.models import MemberSociety
from tests.reports.factories import MonthlyReportPageFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def tree_of(response, status=200):
    assert response.status_code == status, response.status_code
    return lxml_html.fromstring(response.content.decode())


def text_of(element):
    return " ".join(element.text_content().split())


# --- the demo's settings: DEBUG off, a Chinese 404, static files still served -------------------


@pytest.fixture
def demo_settings(monkeypatch):
    """cms.settings.dev as `make run` reads it (no DEBUG in the environment)."""
    monkeypatch.delenv("DEBUG", raising=False)
    dev = importlib.reload(importlib.import_module("cms.settings.dev"))
    overrides = {
        name: getattr(dev, name)
        for name in ("DEBUG", "MIDDLEWARE", "WHITENOISE_USE_FINDERS", "WHITENOISE_AUTOREFRESH")
    }
    return dev, overrides


def test_the_demo_runs_without_debug_and_serves_static_files(demo_settings, federation):
    dev, overrides = demo_settings
    assert dev.DEBUG is False
    with override_settings(**overrides):
        response = Client().get("/static/css/site.css")
        assert response.status_code == 200
        assert b".site-header" in b"".join(response.streaming_content)
        assert Client().get("/static/img/emblem.svg").status_code == 200


def test_an_unknown_address_in_the_demo_answers_the_chinese_404_page(demo_settings, federation):
    _dev, overrides = demo_settings
    with override_settings(**overrides):
        response = Client().get("/no-such-page/")
    tree = tree_of(response, status=404)
    assert text_of(tree.xpath("//h1")[0]) == "页面不存在"
    html = response.content.decode()
    assert "Page not found" not in html and "URLconf" not in html
    # The site's own frame: header with the emblem, a search box, the way home.
    assert tree.xpath("//header//img[contains(@src,'img/emblem.svg')]")
    assert tree.xpath("//main//form[@action='/search/']")
    assert tree.xpath("//main//a[@href='/' and contains(., '返回首页')]")


def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", failing_view)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_answers_the_chinese_500_page(federation):
    response = Client(raise_request_exception=False).get("/boom/")
    tree = tree_of(response, status=500)
    assert text_of(tree.xpath("//h1")[0]) == "服务器错误"
    assert "中国科协智能制造学会联合体" in text_of(tree.xpath("//header")[0])
    assert "Server Error" not in response.content.decode()


# --- the logo and favicon, on the site and in the admin ------------------------------------------


def test_every_public_page_has_the_logo_and_the_favicon(client, federation):
    tree = tree_of(client.get("/about/"))
    assert tree.xpath("//link[@rel='icon' and contains(@href,'img/favicon.svg')]")
    logo = tree.xpath("//header//a[@class='site-name']")[0]
    assert logo.xpath(".//img[contains(@src,'img/emblem.svg')]")
    assert "中国科协智能制造学会联合体" in text_of(logo)


def test_the_admin_wears_the_federations_logo(client, users):
    tree = tree_of(client.get("/admin/login/"))
    assert text_of(tree.xpath("//h1")[0]) == "登录联合体管理后台"
    assert tree.xpath("//img[contains(@src,'img/logo.svg')]")
    assert tree.xpath("//link[@rel='icon' and contains(@href,'img/favicon.svg')]")
    assert "中国科协智能制造学会联合体" in text_of(tree.xpath("//title")[0])
    client.force_login(users["editor"])
    html = client.get("/admin/").content.decode()
    assert "img/emblem.svg" in html and "wagtailadmin/images/favicon.ico" not in html


def test_the_logo_files_are_drawn_for_the_project():
    from django.conf import settings

    for name in ("logo.svg", "emblem.svg", "favicon.svg"):
        svg = (settings.BASE_DIR / "static" / "img" / name).read_text()
        assert svg.startswith("<svg") and "<image" not in svg  # vector, nothing embedded
    assert "中国科协智能制造学会联合体" in (settings.BASE_DIR / "static/img/logo.svg").read_text()


# --- 关于联合体 -----------------------------------------------------------------------------------


def test_the_about_page_lists_the_member_societies_and_the_contacts(client, federation):
    tree = tree_of(client.get("/about/"))
    grid = tree.xpath("//ol[@class='society-grid']")[0]
    societies = [text_of(s) for s in grid.xpath(".//*[@class='society-name']")]
    active = MemberSociety.objects.filter(active=True)
    assert societies == list(active.values_list("name", flat=True))
    assert len(societies) == 15 and societies[0] == "中国机械工程学会"
    contacts = text_of(tree.xpath("//section[@class='contact-card']")[0])
    assert "010-68799025" in contacts and "imac@cmes.org" in contacts
    assert "秘书处设在中国机械工程学会" in text_of(tree.xpath("//div[@class='prose']")[0])
    assert [text_of(li) for li in tree.xpath("//nav[@class='breadcrumbs']//li")] == [
        "首页",
        "关于联合体",
    ]


def test_a_society_that_left_is_not_listed(client, federation):
    MemberSociety.objects.filter(abbreviation="CSF").update(active=False)
    html = client.get("/about/").content.decode()
    assert "中国仿真学会" not in html and "中国宇航学会" in html


# --- 双十 item pages ------------------------------------------------------------------------------


@pytest.fixture
def showcase(federation):
    from campaigns.demo.showcase import load

    context = dict(federation)
    load(context, io.StringIO())
    return context["showcase_index"]


def facts(tree):
    dl = tree.xpath("//dl[contains(@class,'achievement-facts')]")[0]
    return {text_of(dt): text_of(dt.getnext()) for dt in dl.xpath("./dt")}


def test_a_twin_top10_item_shows_every_fact_and_what_is_not_public(client, showcase):
    from campaigns.models import AchievementPage

    page = AchievementPage.objects.get(title="小型工业机器人 IRB 1010")
    tree = tree_of(client.get(page.url))
    assert facts(tree) == {
        "榜单": "世界智能制造十大科技进展（排序未公布）",
        "类别": "未公布",
        "完成单位": "ABB",
        "推荐单位": "未公布",
    }
    source = tree.xpath("//p[@class='source']")[0]
    assert "科技日报 2023-12-09" in text_of(source)
    assert source.xpath(".//a/@href") == ["http://imac-cast.org.cn/TwinsShow.aspx"]
    crumbs = [text_of(li) for li in tree.xpath("//nav[@class='breadcrumbs']//li")]
    assert crumbs[-1] == "小型工业机器人 IRB 1010" and "2023 年智能制造“双十”科技进展" in crumbs


def test_a_ranked_item_with_a_linked_source(client, showcase):
    from campaigns.models import AchievementPage

    page = AchievementPage.objects.get(title="小型工业机器人 IRB 1010")
    page.rank, page.category = 3, "智能装备"
    page.summary = "面向 3C 行业的小型六轴工业机器人。"
    page.source = "科技日报 https://www.stdaily.com/2023-12-09/item.html"
    page.save_revision().publish()
    tree = tree_of(client.get(page.url))
    assert facts(tree)["榜单"] == "世界智能制造十大科技进展（第 3 项）"
    assert facts(tree)["类别"] == "智能装备"
    assert "面向 3C 行业的小型六轴工业机器人" in text_of(tree.xpath("//section")[0])
    links = tree.xpath("//p[@class='source']//a/@href")
    assert links[0] == "https://www.stdaily.com/2023-12-09/item.html"


def test_demo_sources_read_in_chinese(client, showcase):
    from campaigns.models import AchievementPage

    sources = set(AchievementPage.objects.values_list("source", flat=True))
    assert not [s for s in sources if "citing" in s or "public" in s]


# --- reports: breadcrumbs, previous/next, print, share ----------------------------------------


@pytest.fixture
def three_reports(federation):
    index = federation["report_index"]
    return [MonthlyReportPageFactory(parent=index, period_start=D(2021, m, 1)) for m in (1, 2, 4)]


def test_a_report_links_the_previous_and_next_reports(client, three_reports):
    january, february, april = three_reports
    tree = tree_of(client.get(february.url))
    nav = tree.xpath("//nav[@class='prev-next']")[0]
    assert nav.xpath("./a[@rel='prev']/@href") == [january.url]
    assert nav.xpath("./a[@rel='next']/@href") == [april.url]
    assert "上一期" in text_of(nav) and "下一期" in text_of(nav)
    first = tree_of(client.get(january.url)).xpath("//nav[@class='prev-next']")[0]
    assert not first.xpath("./a[@rel='prev']") and first.xpath("./a[@rel='next']/@href") == [
        february.url
    ]


def test_a_draft_report_is_never_offered_as_the_next_one(client, three_reports):
    _january, february, april = three_reports
    april.unpublish()
    tree = tree_of(client.get(february.url))
    assert not tree.xpath("//nav[@class='prev-next']/a[@rel='next']")


def test_a_private_report_is_never_offered_as_the_next_one(client, three_reports):
    from wagtail.models import PageViewRestriction

    _january, february, april = three_reports
    PageViewRestriction.objects.create(page=april, restriction_type="login")
    tree = tree_of(client.get(february.url))
    assert not tree.xpath("//nav[@class='prev-next']/a[@rel='next']")


def test_a_report_has_a_print_button_and_a_share_box_with_a_qr_code(client, three_reports):
    report = three_reports[0]
    tree = tree_of(client.get(report.url))
    assert tree.xpath("//button[@data-print and normalize-space()='打印']")
    share = tree.xpath("//aside[@class='share-box']")[0]
    address = share.xpath(".//input[@class='share-address']/@value")[0]
    assert address == f"http://testserver{report.url}"
    assert share.xpath(".//button[@data-copy-target and normalize-space()='复制链接']")
    # The QR code is drawn on the server: an inline SVG with the modules as a path, no image URL.
    qr = share.xpath(".//div[@class='share-qr']/svg")[0]
    assert qr.xpath(".//path/@d")[0].startswith("M")
    assert not share.xpath(".//img")


def test_the_qr_code_encodes_the_pages_address(client, three_reports):
    import segno

    report = three_reports[0]
    tree = tree_of(client.get(report.url))
    drawn = tree.xpath("//div[@class='share-qr']/svg//path[@class='qrline']/@d")[0]
    expected = segno.make(f"http://testserver{report.url}", error="m", micro=False)
    other = segno.make("http://testserver/reports/other/", error="m", micro=False)
    assert f'd="{drawn}"' in expected.svg_inline(scale=4, border=2)
    assert f'd="{drawn}"' not in other.svg_inline(scale=4, border=2)
