"""Caching of what visitors see, in two layers, and keeping both fresh.

1. The application's page cache (wagtail-cache, its own cache alias `pages`): anonymous GET and
   HEAD responses without a session. Emptied whole whenever anything public changes: publishing
   is rare, and the next visitor fills it again.
2. A front-end cache in nginx (deploy/nginx/), purged through Wagtail's frontend cache: the
   changed page, every page that lists it (its ancestors with their feeds and calendars), the
   pages that link to it and its siblings of the same type (related news, the other
   achievements of a year). A change seen on every page (site settings, snippets, a page in the
   menu) purges every live page.

Both keep a page until midnight at most (dates decide what pages show). Browsers get
`max-age=0` and an ETag: they ask again each time and are answered 304 when nothing changed,
so nobody sees an old page after publishing.
"""

import datetime
import logging
import math
import threading
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Page, ReferenceIndex

from cms.restrictions import public

logger = logging.getLogger(__name__)

SHAREABLE_STATUSES = {200, 301, 302, 404}
_pending = threading.local()


def has_session(request):
    """Signed-in people and visitors with a session (messages, a half-done registration) get
    pages of their own: nothing they are shown may be stored for others."""
    names = {settings.SESSION_COOKIE_NAME, "messages"}  # django.contrib.messages' cookie
    return bool(names & request.COOKIES.keys())


def is_request_cacheable(request, is_cacheable):
    """wagtail-cache hook: it already leaves out signed-in users and previews."""
    if has_session(request):
        return False
    return is_cacheable


def is_shareable(request, response):
    """May this response be kept and given to other visitors?"""
    user = getattr(request, "user", None)
    current = response.get("Cache-Control", "")
    return (
        request.method in ("GET", "HEAD")
        and response.status_code in SHAREABLE_STATUSES
        and not response.streaming
        and not response.cookies
        and not (user is not None and user.is_authenticated)
        and not has_session(request)
        and not any(word in current for word in ("private", "no-cache", "no-store"))
    )


def seconds_until_midnight(now=None):
    """Pages show today's phase of a campaign, the open calls, today in the calendar: what is
    kept may be kept until midnight in Shanghai at the latest."""
    zone = ZoneInfo(settings.TIME_ZONE)
    now = (now or timezone.now()).astimezone(zone)
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    return max(1, math.ceil((midnight - now).total_seconds()))


class ServerCacheLifetimeMiddleware:
    """Inside wagtail-cache's update middleware: how long the server's caches may keep a page
    (wagtail-cache reads max-age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_shareable(request, response):
            patch_cache_control(response, max_age=seconds_until_midnight())
        return response


class CacheHeadersMiddleware:
    """Outside wagtail-cache: the headers that leave the application, for a page just rendered
    or one from the page cache. Browsers revalidate every time (ETag, answered 304); shared
    caches keep a shareable page until midnight."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_shareable(request, response):
            del response["Expires"]
            # Standard s-maxage, read by nginx (deploy/nginx/) and any CDN.
            response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds_until_midnight()}"
        elif not any(word in response.get("Cache-Control", "") for word in ("private", "no-store")):
            del response["Expires"]
            response["Cache-Control"] = "private, no-cache"
        return response


# Which URLs to purge from the front-end cache -----------------------------------------------


def _page_urls(pages):
    """Each page's URL with its `get_cached_paths()`, as Wagtail's frontend cache builds them."""
    batch = PurgeBatch()
    batch.add_pages(pages)
    return batch.urls


def _is_site_wide(page):
    """A page in the menu appears in every page's navigation; the home page holds the footer."""
    return page.depth <= 3 and (page.depth == 2 or page.show_in_menus)


def affected_urls(page, old_url_path=None):
    """Every public URL whose content may change when `page` is published, unpublished, moved
    or deleted."""
    pages = [page]
    pages += page.get_ancestors().filter(depth__gt=1).live().specific()
    pages += Page.objects.live().sibling_of(page, inclusive=False).type(type(page.specific))
    referrers = ReferenceIndex.get_references_to(page).values_list("object_id", flat=True)
    pages += Page.objects.live().filter(pk__in=[int(pk) for pk in referrers if str(pk).isdigit()])
    urls = _page_urls(pages)
    if old_url_path:
        site = page.get_site()
        if site is not None:
            root = site.root_page.url_path
            if old_url_path.startswith(root):
                urls.add(site.root_url + "/" + old_url_path[len(root) :])
    return urls


def all_page_urls():
    return _page_urls(public(Page.objects.live()).filter(depth__gt=1).specific(defer=True))


# Clearing ------------------------------------------------------------------------------------


def clear_page_cache():
    from wagtailcache.cache import clear_cache

    try:
        clear_cache()
    except Exception:  # a cache server that is down must not stop publishing
        logger.exception("页面缓存无法清空")


def purge_urls(urls):
    """Wagtail's own purge runs as a django-tasks task, immediate here: the Celery task
    (cms.tasks.purge_frontend_cache) calls the backends instead, out of the request."""
    for backend in get_backends().values():
        backend.purge_batch(list(urls))


def public_content_changed(page=None, old_url_path=None, site_wide=False):
    """Collect the change; the caches are cleared once, after the transaction commits (deleting
    a society's area unpublishes hundreds of pages in one transaction)."""
    batch = getattr(_pending, "batch", None)
    connection = transaction.get_connection()
    if batch is not None and not any(entry[1] is _flush for entry in connection.run_on_commit):
        batch = None  # its transaction was rolled back
    new = batch is None
    if new:
        batch = _pending.batch = {"pages": {}, "site_wide": False}
    if site_wide or page is None:
        batch["site_wide"] = True
    else:
        batch["pages"][page.pk] = (page, old_url_path)
    if new:
        transaction.on_commit(_flush, robust=True)


def _flush():
    batch, _pending.batch = _pending.batch, None
    clear_page_cache()
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    if batch["site_wide"] or any(_is_site_wide(page) for page, _ in batch["pages"].values()):
        urls = all_page_urls()
    else:
        urls = set()
        for page, old_url_path in batch["pages"].values():
            urls |= affected_urls(page, old_url_path)
    if urls:
        from cms.tasks import purge_frontend_cache

        purge_frontend_cache.delay(sorted(urls))


# Signal receivers ----------------------------------------------------------------------------


def on_page_changed(sender, instance, **kwargs):
    public_content_changed(instance)


def on_page_moved(sender, instance, url_path_before=None, **kwargs):
    if instance.live:
        public_content_changed(instance, old_url_path=url_path_before)


def on_model_changed(sender, instance=None, **kwargs):
    public_content_changed(site_wide=True)


def watch_models(*models):
    """Models shown on public pages other than pages (settings, snippets, milestones...): any
    change to one of them may show anywhere, so it purges everything."""
    for model in models:
        uid = f"lianhe_cache_{model._meta.label_lower}"
        post_save.connect(on_model_changed, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(on_model_changed, sender=model, dispatch_uid=uid + "_delete")


def connect_page_signals():
    """Deleting a live page unpublishes it first (Wagtail's pre_delete receiver), so
    page_unpublished also stands for deletion."""
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(on_page_changed, dispatch_uid="lianhe_cache_published")
    page_unpublished.connect(on_page_changed, dispatch_uid="lianhe_cache_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="lianhe_cache_moved")
