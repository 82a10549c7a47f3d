"""Content for the public-page tests: news in bulk, and a site with something in every section
(news with tags and pictures, an open and a closed call, a 双十 year, a report, activities)."""

import datetime

import wagtail_factories
from django.utils import timezone
from wagtail.models import Site

from campaigns.models import ShowcaseListKind
from tests.cms.bulk_pages import add_children
from tests.cms.factories import NewsPageFactory

D = datetime.date


def picture_body(image, caption="与会代表合影"):
    return [
        {"type": "heading", "value": "会议情况"},
        {"type": "paragraph", "value": "<p>会议由联合体秘书长主持。</p>"},
        {"type": "image", "value": {"image": image.pk, "caption": caption}},
        # No caption: the picture's title is the alt text.
        {"type": "image", "value": {"image": image.pk, "caption": ""}},
    ]


def add_year(index, year, **fields):
    from campaigns.models import ShowcaseYearPage

    page = ShowcaseYearPage(title=f"{year} 年智能制造“双十”科技进展", slug=str(year), year=year,
                            **fields)  # fmt: skip
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_item(year_page, title, **fields):
    from campaigns.models import AchievementPage

    fields.setdefault("organisations", "某大学")
    page = AchievementPage(
        title=title, slug=f"item-{AchievementPage.objects.count() + 1}", **fields
    )
    year_page.add_child(instance=page)
    return page


NEWS_START = D(2020, 1, 1)


def add_news(index, count, tags=(), start=NEWS_START):
    """`count` live news under `index`, one a day from `start`, each tagged with `tags`; saved in
    bulk and left out of the search index, as listings are under test (tests/cms/bulk_pages.py)."""
    pages = [NewsPageFactory.build(date=start + datetime.timedelta(days=n)) for n in range(count)]
    for page in pages:
        page.tags.add(*tags)
    return add_children(index, pages)


def full_site(federation, society_pages):
    """Something in every home-page section and a page of every public type."""
    from campaigns.demo.showcase import ensure_index
    from campaigns.models import Milestone
    from cms.models import FederationSettings, Workstream
    from tests.activities.factories import ActivityPageFactory
    from tests.campaigns.nomination_helpers import closed_campaign, open_campaign, prepare_site
    from tests.reports.factories import MonthlyReportPageFactory, add_entries

    home = federation["home"]
    site_settings = FederationSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.address = "北京市海淀区西三环北路 100 号"
    site_settings.phone = "010-68000000"
    site_settings.email = "imac@example.org"
    site_settings.save()

    image = wagtail_factories.ImageFactory(title="会场全景")
    news_index = federation["news_index"]
    news = [
        NewsPageFactory(
            parent=news_index,
            title="联合体召开年度工作会议",
            date=D(2021, 7, 9),
            body=picture_body(image),
        ),
        NewsPageFactory(parent=news_index, title="智能制造标准研讨会召开", date=D(2021, 7, 1)),
        NewsPageFactory(parent=news_index, title="联合体秘书处走访成员学会", date=D(2021, 6, 1)),
    ]
    news[0].tags.add("工作会议", "标准")
    news[0].save()
    news[1].tags.add("标准")
    news[1].save()

    campaign_index = prepare_site(federation)
    campaign = open_campaign(campaign_index)
    closed_campaign(campaign_index)

    showcase_index = ensure_index(home)
    year = add_year(
        showcase_index,
        2023,
        release_event="2023世界智能制造大会",
        release_date=D(2023, 12, 6),
        release_place="南京",
    )
    achievement = add_item(
        year, "活体细胞精准操作机器人技术及系统", rank=1, category="智能产品",
        list=ShowcaseListKind.CHINA, body=picture_body(image, caption="机器人系统"),
    )  # fmt: skip
    add_item(year, "小型工业机器人 IRB 1010", list=ShowcaseListKind.WORLD, organisations="ABB")

    workstreams = list(Workstream.objects.order_by("order"))
    report = MonthlyReportPageFactory(
        parent=federation["report_index"], period_start=D(2021, 1, 1), period_end=D(2021, 3, 31)
    )
    add_entries(report, workstreams, 4)
    add_entries(report, workstreams, 2, section="plan")

    cmes = society_pages["CMES"]
    activities = [
        ActivityPageFactory(
            parent=cmes,
            title=f"智能制造发展论坛第{n}期",
            start_date=D(2021, 7, 1) + datetime.timedelta(days=n),
            body=picture_body(image),
        )
        for n in range(6)
    ]
    today = timezone.localdate()
    next_milestone = next(
        m
        for m in Milestone.objects.filter(campaign=campaign).order_by("date", "pk")
        if (m.end_date or m.date) >= today
    )
    return {
        "image": image,
        "news": news,
        "campaign": campaign,
        "next_milestone": next_milestone,
        "showcase_index": showcase_index,
        "year": year,
        "achievement": achievement,
        "report": report,
        "activities": activities,
        "society_page": cmes,
        "site_settings": site_settings,
    }
