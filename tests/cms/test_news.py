"""News: the index with its tag filter and pagination, tags on the items and the news page,
related news, pictures through renditions with alt text, and query counts that do not grow with
the number of news."""

import datetime

import pytest
import wagtail_factories
from django.core.cache import caches
from lxml import html as lxml_html
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from cms.models.pages import NEWS_PER_PAGE, NewsPageTag
from tests.cms.factories import NewsPageFactory
from tests.cms.site_content import add_news, picture_body

pytestmark = pytest.mark.django_db

D = datetime.date


def parse(response):
    assert response.status_code == 200, response.status_code
    return lxml_html.fromstring(response.content.decode())


def text_of(element):
    return " ".join(element.text_content().split())


def listed(tree):
    return [text_of(a) for a in tree.xpath("//main//ul[@class='item-list']/li/h2/a")]


def news(index, title, date, tags=(), **fields):
    page = NewsPageFactory(parent=index, title=title, date=date, **fields)
    if tags:
        page.tags.add(*tags)
        page.save_revision().publish()
    return page


def tag_all(pages, name):
    """Tag many news at once: rows straight into the through table, as the factory is slow."""
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": name})
    NewsPageTag.objects.bulk_create(NewsPageTag(content_object_id=p.pk, tag=tag) for p in pages)


@pytest.fixture
def tagged(news_index):
    return {
        "meeting": news(news_index, "联合体召开工作会议", D(2021, 7, 9), tags=["工作会议", "标准"]),
        "standards": news(news_index, "智能制造标准研讨会", D(2021, 7, 1), tags=["标准"]),
        "visit": news(news_index, "秘书处走访成员学会", D(2021, 6, 1), tags=["走访"]),
        "plain": news(news_index, "联合体网站上线", D(2021, 5, 1)),
    }


# --- tags on the index ------------------------------------------------------------------------


def test_index_lists_all_news_newest_first_with_their_tags(client, tagged):
    tree = parse(client.get("/news/"))
    assert listed(tree) == ["联合体召开工作会议", "智能制造标准研讨会", "秘书处走访成员学会",
                            "联合体网站上线"]  # fmt: skip
    first = tree.xpath("//main//ul[@class='item-list']/li")[0]
    links = {text_of(a): a.get("href") for a in first.xpath(".//ul[@class='tags']//a")}
    assert links == {"工作会议": "/news/?tag=%E5%B7%A5%E4%BD%9C%E4%BC%9A%E8%AE%AE",
                     "标准": "/news/?tag=%E6%A0%87%E5%87%86"}  # fmt: skip


def test_tag_filter_shows_the_tag_and_a_way_back(client, tagged):
    tree = parse(client.get("/news/", {"tag": "标准"}))
    assert listed(tree) == ["联合体召开工作会议", "智能制造标准研讨会"]
    status = tree.xpath("//p[@class='tag-filter']")[0]
    assert "标签：“标准”" in text_of(status)
    assert status.xpath(".//a")[0].get("href") == "/news/"


def test_unknown_tag_is_an_empty_list_with_a_message(client, tagged):
    tree = parse(client.get("/news/", {"tag": "不存在的标签<b>"}))
    assert listed(tree) == []
    assert "没有标签为“不存在的标签<b>”的新闻。" in text_of(tree.xpath("//main")[0])


def test_pagination_keeps_the_tag(client, news_index):
    pages = add_news(news_index, NEWS_PER_PAGE + 3)
    tag_all(pages[: NEWS_PER_PAGE + 2], "标准")
    tree = parse(client.get("/news/", {"tag": "标准"}))
    assert len(listed(tree)) == NEWS_PER_PAGE
    next_link = tree.xpath("//nav[@class='pagination']//a[@rel='next']")[0].get("href")
    assert next_link == "?tag=%E6%A0%87%E5%87%86&page=2"
    tree = parse(client.get("/news/" + next_link))
    assert len(listed(tree)) == 2
    assert "第 2 页，共 2 页" in text_of(tree.xpath("//nav[@class='pagination']")[0])


# --- the news page ----------------------------------------------------------------------------


def test_news_page_shows_its_tags_linking_to_the_filtered_index(client, tagged):
    tree = parse(client.get(tagged["meeting"].url))
    tags = tree.xpath("//article//ul[@class='tags']//a")
    assert [text_of(a) for a in tags] == ["工作会议", "标准"]
    assert tags[1].get("href") == "/news/?tag=%E6%A0%87%E5%87%86"


def related(tree):
    return [text_of(a) for a in tree.xpath("//aside[@aria-labelledby='related-news']//li/a")]


def test_related_news_share_tags_first_then_the_latest(client, tagged, news_index):
    # 工作会议 + 标准: the other 标准 news first, then the latest others.
    assert related(parse(client.get(tagged["meeting"].url))) == [
        "智能制造标准研讨会", "秘书处走访成员学会", "联合体网站上线"]  # fmt: skip
    # Most shared tags first.
    news(news_index, "标准工作会议纪要", D(2020, 1, 1), tags=["工作会议", "标准"])
    assert related(parse(client.get(tagged["standards"].url)))[:2] == [
        "联合体召开工作会议", "标准工作会议纪要"]  # fmt: skip
    assert related(parse(client.get(tagged["meeting"].url)))[0] == "标准工作会议纪要"


def test_related_news_leave_out_drafts_and_private_news(client, tagged):
    tagged["standards"].unpublish()
    PageViewRestriction.objects.create(page=tagged["visit"], restriction_type="login")
    assert related(parse(client.get(tagged["meeting"].url))) == ["联合体网站上线"]


def test_related_news_are_at_most_four(client, news_index, tagged):
    add_news(news_index, 6)
    assert len(related(parse(client.get(tagged["plain"].url)))) == 4


def test_pictures_are_renditions_with_alt_text(client, news_index):
    image = wagtail_factories.ImageFactory(title="会场全景", file__width=2000, file__height=1000)
    page = NewsPageFactory(parent=news_index, body=picture_body(image, caption="与会代表合影"))
    tree = parse(client.get(page.url))
    images = tree.xpath("//article//img")
    assert [img.get("alt") for img in images] == ["与会代表合影", "会场全景"]
    for img in images:
        assert "/images/" in img.get("src") and ".max-960x720." in img.get("src")
        assert img.get("width") == "960"
    assert [text_of(c) for c in tree.xpath("//figcaption")] == ["与会代表合影"]


# --- queries ----------------------------------------------------------------------------------

# Measured at 10 news: site, page routing, view restrictions, the news (with their tags
# prefetched), the settings, the navigation. The news page adds its tags and related news (one
# more query when the shared tags do not fill the list).
INDEX_MAX_QUERIES = 12
PAGE_MAX_QUERIES = 14


# A thousand news take a few seconds to create (tests/cms/bulk_pages.py).
@pytest.mark.parametrize("count", [10, 1000])
def test_queries_do_not_grow_with_the_news(
    client, news_index, count, django_assert_max_num_queries
):
    pages = add_news(news_index, count)
    tag_all(pages, "标准")
    tag_all(pages[::2], "工作会议")
    client.get("/news/")  # warm the per-process caches (content types, site root paths)
    for url in ("/news/", "/news/?tag=标准", "/news/?tag=工作会议&page=2", "/news/?tag=无此标签"):
        with django_assert_max_num_queries(INDEX_MAX_QUERIES):
            assert client.get(url).status_code == 200
    # Related by tag (the first query fills the list), and with no tag (the latest others).
    lonely = NewsPageFactory(parent=news_index, title="没有标签的新闻")
    for page in (pages[0], lonely):
        with django_assert_max_num_queries(PAGE_MAX_QUERIES):
            tree = parse(client.get(page.url))
        assert len(related(tree)) == 4


@pytest.mark.parametrize("pictures", [1, 12])
def test_a_news_page_costs_the_same_with_one_picture_or_twelve(
    client, news_index, pictures, django_assert_max_num_queries
):
    images = [wagtail_factories.ImageFactory(title=f"会场{n}") for n in range(pictures)]
    body = [
        {"type": "image", "value": {"image": image.pk, "caption": f"第{n + 1}张"}}
        for n, image in enumerate(images)
    ]
    page = NewsPageFactory(parent=news_index, body=body)
    client.get(page.url)  # makes the renditions
    caches["renditions"].clear()  # as after a restart: the renditions come from the database
    # Two more than a page without pictures: the pictures, and their renditions.
    with django_assert_max_num_queries(PAGE_MAX_QUERIES + 2):
        tree = parse(client.get(page.url))
    pictures_shown = tree.xpath("//article//img[contains(@src, '.max-960x720.')]")
    assert [img.get("alt") for img in pictures_shown] == [f"第{n + 1}张" for n in range(pictures)]
