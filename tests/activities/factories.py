import datetime

import factory
import wagtail_factories
from django.utils import timezone

from activities.models import (
    ActivitiesIndexPage,
    ActivityPage,
    Feed,
    FeedEntry,
    SocietyActivitiesPage,
)
from tests.cms.bulk_pages import add_children, values
from tests.cms.factories import MemberSocietyFactory


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
    society = factory.SubFactory(MemberSocietyFactory)
    url = factory.Sequence(lambda n: f"https://news.example.org/feed{n}.xml")
    title = factory.Sequence(lambda n: f"学会新闻{n}")

    class Meta:
        model = Feed

    class Params:
        healthy = factory.Trait(
            status="ok",
            last_fetched_at=factory.LazyFunction(timezone.now),
            last_success_at=factory.LazyFunction(timezone.now),
            last_status_code=200,
        )
        failing = factory.Trait(
            status="error",
            last_fetched_at=factory.LazyFunction(timezone.now),
            last_status_code=500,
            last_error="HTTP 500",
            consecutive_failures=3,
        )


def add_activities(society_page, count, **fields):
    """`count` live activities from the factory under `society_page`, saved in bulk (see
    tests/cms/bulk_pages.py). Every field in `fields` goes to each activity; a callable one is
    called with the activity's number (0, 1, …) for its value."""
    activities = [ActivityPageFactory.build(**values(fields, n)) for n in range(count)]
    return add_children(society_page, activities)


class FeedEntryFactory(factory.django.DjangoModelFactory):
    feed = factory.SubFactory(FeedFactory)
    key = factory.Sequence(lambda n: f"{n:064x}")
    guid = factory.Sequence(lambda n: f"urn:entry:{n}")
    link = factory.Sequence(lambda n: f"https://news.example.org/posts/{n}.html")
    title = factory.Sequence(lambda n: f"学会举办智能制造论坛{n}")
    published = datetime.date(2021, 7, 1)

    class Meta:
        model = FeedEntry
