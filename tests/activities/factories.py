import datetime

import factory
import wagtail_factories

from activities.models import ActivitiesIndexPage, ActivityPage, Feed, SocietyActivitiesPage


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
