"""The page cache's admin page, in place of wagtail-cache's own views: wagtail-cache empties the
whole cache on a GET of `/admin/cache/clearcache` for anyone with admin access, so that a society
account (or an image tag on any page an editor opens) could flush every cached page. Here only
the office may see the page or empty the cache, and only by a POST with its CSRF token.

The URLs are registered ahead of wagtail-cache's (`cms.wagtail_hooks`, hook order -1) at the same
paths, so `reverse("wagtailcache_admin:clearcache")` and its menu item lead here."""

from django.contrib import messages
from django.core.cache import caches
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtailcache.settings import wagtailcache_settings

from cms.caching import clear_page_cache
from cms.office_only import refused
from cms.roles import is_office


def _refusal(request):
    return refused(request, _("只有联合体秘书处可以查看或清空页面缓存。"))


@require_GET
def cache_index(request):
    if not is_office(request.user):
        return _refusal(request)
    keyring = caches[wagtailcache_settings.WAGTAIL_CACHE_BACKEND].get("keyring", {})
    return render(request, "wagtailcache/index.html", {"keyring": keyring})


@require_POST
def cache_clear(request):
    if not is_office(request.user):
        return _refusal(request)
    clear_page_cache()
    messages.success(request, _("页面缓存已清空。"))
    return redirect("lianhe_cache_index")


def admin_urls():
    return [
        path("cache/", cache_index, name="lianhe_cache_index"),
        path("cache/clearcache", cache_clear, name="lianhe_cache_clear"),
    ]
