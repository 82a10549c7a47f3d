"""`cms.restrictions.public` keeps exactly the pages Wagtail's `.public()` keeps, nested private
sections and password restrictions included, in the page query itself (no query of its own)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from cms.restrictions import public
from tests.cms.factories import StandardPageFactory


def test_public_keeps_what_wagtail_keeps_in_one_query(home):
    open_section = StandardPageFactory(parent=home, title="公开栏目", slug="open")
    members = StandardPageFactory(parent=home, title="会员专区", slug="members")
    StandardPageFactory(parent=members, title="会员通知", slug="notice")
    deep = StandardPageFactory(parent=open_section, title="内部资料", slug="internal")
    StandardPageFactory(parent=deep, title="内部资料子页", slug="internal-child")
    StandardPageFactory(parent=open_section, title="公开子页", slug="open-child")
    # A sibling whose path merely starts like a restricted page's must stay public.
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(
        page=deep, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    expected = set(Page.objects.public().values_list("title", flat=True))
    with CaptureQueriesContext(connection) as queries:
        found = set(public(Page.objects.all()).values_list("title", flat=True))
    assert found == expected
    assert len(queries) == 1
    assert {"公开栏目", "公开子页", "首页"} <= found
    assert not found & {"会员专区", "会员通知", "内部资料", "内部资料子页"}


def test_without_any_restriction_every_page_is_public(home):
    StandardPageFactory(parent=home, title="关于我们", slug="about")
    assert public(Page.objects.all()).count() == Page.objects.count()
