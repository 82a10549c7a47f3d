"""RSS and Atom feeds served by pages, the news feeds, iCalendar helpers, and page files with a
dotted name.

A feed is built per request by a route of the page that owns it (`NewsIndexPage.rss_feed`,
`ActivitiesIndexPage.rss_feed`, …), so it is served through Wagtail's page serving and the page's
privacy applies to it. Items are live, public pages with their stream fields deferred; dates are
midnight of the item's day in the site's time zone (Asia/Shanghai)."""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page

from cms.models.site_settings import FederationSettings
from cms.restrictions import public_q

FEED_LENGTH = 50


def day_start(day):
    """Midnight at the start of `day` in the site's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


class PageFeed(Feed):
    """A feed of the pages below `page`. Subclasses give `items` (and the item details); one
    instance serves one request, so the request is kept for building full URLs."""

    feed_type = Rss201rev2Feed

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.request = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return self.page

    def federation_name(self):
        settings = FederationSettings.for_request(self.request)
        return settings.federation_name

    def title(self, obj):
        return f"{obj.title} - {self.federation_name()}"

    def link(self, obj):
        return obj.get_full_url(self.request)

    def feed_url(self, obj):
        return self.request.build_absolute_uri()

    def author_name(self, obj):
        return self.federation_name()

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_full_url(self.request)


class AtomMixin:
    """Atom says in `subtitle` what RSS says in `description`."""

    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class NewsRssFeed(PageFeed):
    def description(self, obj):
        return _("%(name)s发布的最新新闻") % {"name": self.federation_name()}

    def items(self, obj):
        from cms.models import NewsPage

        return (
            NewsPage.objects.live()
            .filter(public_q())
            .child_of(obj)
            .defer_streamfields()
            .order_by("-date", "-pk")[:FEED_LENGTH]
        )

    def item_description(self, item):
        return item.lead or item.search_description or item.title

    def item_pubdate(self, item):
        return day_start(item.date)

    def item_updateddate(self, item):
        return item.last_published_at or day_start(item.date)


class NewsAtomFeed(AtomMixin, NewsRssFeed):
    pass


# iCalendar ------------------------------------------------------------------------------------

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def new_calendar(name, description=""):
    """An iCalendar with the names calendar apps show for a subscription."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//IMAC//Lianhe//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_default_timezone_name())
    if description:
        calendar.add("x-wr-caldesc", description)
    return calendar


def uid_host(page, request):
    """The host part of event UIDs: the page's site, so that UIDs stay the same whichever
    address a client used."""
    return urlsplit(page.get_full_url(request) or "").hostname or request.get_host().split(":")[0]


def all_day_event(
    *, uid, first, last, summary, url, stamp, location="", description="", categories=()
):
    """A VEVENT over the whole days [first, last]; DTEND is the day after (exclusive)."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    event.add("dtend", (last or first) + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")  # a day's activity does not make anyone busy
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if description:
        event.add("description", description)
    if categories:
        event.add("categories", list(categories))
    return event


def calendar_response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# Dotted page files ----------------------------------------------------------------------------


def serve_page_file(request, path, filename):
    """`<page path><filename>` for a page whose `file_routes` names the route that makes the file
    (e.g. `/activities/calendar.ics`): Wagtail's page URLs cannot contain a dot. The page is
    routed like `wagtail.views.serve` does it and the same serve hooks run (page privacy — login,
    groups, password — lives in them).

    Wire it in the project's URLs before Wagtail's own::

        re_path(r"^(?P<path>(?:[\\w\\-]+/)*)(?P<filename>[\\w\\-]+\\.ics)$", serve_page_file)
    """
    route = Page.route_for_request(request, path)
    if route is None:
        raise Http404
    page, _args, _kwargs = route
    route_name = getattr(page, "file_routes", {}).get(filename)
    if route_name is None or not page.live:
        raise Http404
    view, args, kwargs = page.resolve_subpage("/" + page.reverse_subpage(route_name))

    def serve(page, request, args, kwargs):
        return page.serve(request, view, args, kwargs)

    chain = serve
    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        chain = wrap(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)
