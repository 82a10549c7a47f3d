import datetime

import factory
import wagtail_factories

from activities.models import ActivitiesIndexPage, ActivityPage, Feed, SocietyActivitiesPage
from tests.cms.bulk_pages import add_children, values


class ActivitiesIndexPageFactory(wagtail_factories.PageFactory):
    title = "成员学会活动"
    slug = "activities"

    class Meta:
        model = ActivitiesIndexPage


class SocietyActivitiesPageFactory(wagtail_factories.PageFactory):
    title = factory.LazyAttribute(lambda o: o.society.name)
    slug = factory.LazyAttribute(lambda o: o.society.abbreviation.lower())

    class Meta:
        model = SocietyActivitiesPage


class ActivityPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"智能制造论坛第{n}期")
    start_date = factory.Sequence(lambda n: datetime.date(2021, 7, 1) + datetime.timedelta(days=n))
    summary = "论坛在潍坊召开，交流智能制造发展经验。"
    place = "山东潍坊"
    kind = "forum"

    class Meta:
        model = ActivityPage


class FeedFactory(factory.django.DjangoModelFactory):
    url = factory.Sequence(lambda n: f"https://news.example.org/feed{n}.xml")
    title = factory.Sequence(lambda n: f"学会新闻{n}")

    class Meta:
        model = Feed


def add_activities(society_page, count, **fields):
    """`count` live activities from the factory under `society_page`, saved in bulk (see
    tests/cms/bulk_pages.py). Every field in `fields` goes to each activity; a callable one is
    called with the activity's number (0, 1, …) for its value."""
    activities = [ActivityPageFactory.build(**values(fields, n)) for n in range(count)]
    return add_children(society_page, activities)
