"""Wagtail's reports of the whole site are the office's (cms/site_reports.py): a society, whose
pages are its own activities, gets none of them, neither in the menu nor by address."""

import pytest
from django.test import Client
from wagtail.admin.menu import reports_menu
from wagtail.models import Page

pytestmark = pytest.mark.django_db

REPORTS = [
    "/admin/reports/locked/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/reports/page-types-usage/",
]


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(activities_index, users):
    """A page published by the editor: the aging pages report names it with its publisher."""
    news = Page.objects.get(slug="news").specific
    news.save_revision(user=users["secretary"]).publish(user=users["secretary"])
    return news


def test_a_society_gets_no_site_wide_report_and_the_office_every_one(published, users, rf):
    society = login(users["society"])
    for url in REPORTS:
        for address in (url, f"{url}results/", f"{url}?export=csv"):
            response = society.get(address)
            assert response.status_code == 403, address
            content = response.content.decode()
            assert "全站范围的报告只供联合体秘书处查看" in content
            assert published.title not in content and "secretary" not in content
    # The office keeps them (each report still asks Wagtail's own permission: the editor has no
    # "unlock", so the locked pages are the superuser's).
    superuser = login(users["admin"])
    for url in REPORTS:
        response = superuser.get(url)
        assert response.status_code == 200, url
    content = login(users["secretary"]).get("/admin/reports/aging-pages/").content.decode()
    assert published.title in content and "secretary" in content

    def items_for(user):
        request = rf.get("/admin/")
        request.user = user
        return {item.name for item in reports_menu.menu_items_for_request(request)}

    assert not items_for(users["society"]) & {"aging-pages", "site-history", "page-types-usage"}
    assert {"aging-pages", "site-history", "page-types-usage"} <= items_for(users["editor"])
