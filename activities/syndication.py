"""RSS and Atom feeds of member-society activities (`/activities/rss/`, `/activities/atom/`).

The latest live, public activities, newest first; the list's filters apply, so
`/activities/rss/?society=CMES` is one society's feed. An invalid condition is ignored, as on the
list."""

from django.utils.translation import gettext as _

from activities.views import filtered_activities
from cms.syndication import FEED_LENGTH, AtomMixin, PageFeed, day_start


class ActivitiesRssFeed(PageFeed):
    def description(self, obj):
        return _("%(name)s成员学会的最新活动") % {"name": self.federation_name()}

    def items(self, obj):
        _form, _filters, activities = filtered_activities(obj, self.request.GET)
        return activities[:FEED_LENGTH]

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return day_start(item.start_date)

    def item_updateddate(self, item):
        return item.last_published_at or day_start(item.start_date)

    def item_categories(self, item):
        categories = [item.get_kind_display()]
        if item.society_id:
            categories.append(item.society.name)
        return categories

    def item_author_name(self, item):
        return item.society.name if item.society_id else None


class ActivitiesAtomFeed(AtomMixin, ActivitiesRssFeed):
    pass
