"""The page cache's admin page (cms/cache_admin.py): only the office sees it or empties the cache,
and only by a POST with its CSRF token; a society's GET (or an image tag pointing there) changes
nothing."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

CLEAR = "/admin/cache/clearcache"


@pytest.fixture
def cached_pages(settings):
    settings.WAGTAIL_CACHE = True
    cache = caches["pages"]
    for number in range(9):
        cache.set(f"page-{number}", f"<html>{number}</html>")
    cache.set("keyring", {"http://localhost/": ["page-0"]})
    return cache


def kept(cache):
    return sum(cache.get(f"page-{number}") is not None for number in range(9))


def login(user, enforce_csrf=False):
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def test_the_clear_url_is_the_projects(activities_index):
    assert reverse("wagtailcache_admin:clearcache") == CLEAR
    assert reverse("lianhe_cache_clear") == CLEAR


def test_a_societys_get_or_post_empties_nothing(activities_index, users, cached_pages):
    society = login(users["society"])
    assert society.get("/admin/").status_code == 200  # it has admin access
    response = society.get(CLEAR)
    assert response.status_code == 405
    assert kept(cached_pages) == 9
    response = society.post(CLEAR)
    assert response.status_code == 403
    assert "只有联合体秘书处可以查看或清空页面缓存" in response.content.decode()
    assert kept(cached_pages) == 9
    # Nor may it read which addresses are cached.
    response = society.get("/admin/cache/")
    assert response.status_code == 403 and "http://localhost/" not in response.content.decode()


def test_the_office_gets_405_for_a_get_and_empties_by_post(activities_index, users, cached_pages):
    for username in ("editor", "admin"):
        assert login(users[username]).get(CLEAR).status_code == 405
    assert kept(cached_pages) == 9
    editor = login(users["editor"], enforce_csrf=True)
    page = editor.get("/admin/cache/")
    content = page.content.decode()
    assert page.status_code == 200
    assert f'<form method="post" action="{CLEAR}">' in content
    assert 'name="csrfmiddlewaretoken"' in content and f'href="{CLEAR}"' not in content
    # Without the token (another site's form), refused.
    assert editor.post(CLEAR).status_code == 403
    assert kept(cached_pages) == 9
    token = page.context["csrf_token"]
    response = editor.post(CLEAR, {"csrfmiddlewaretoken": str(token)}, follow=True)
    assert response.status_code == 200 and "页面缓存已清空" in response.content.decode()
    assert kept(cached_pages) == 0


def test_visitors_and_applicants_are_sent_to_the_login(activities_index, users, cached_pages):
    for client in (Client(), login(users["applicant"])):
        assert client.post(CLEAR).status_code == 302
    assert kept(cached_pages) == 9
