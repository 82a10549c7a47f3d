import datetime

import factory
import wagtail_factories

from campaigns.models import (
    AchievementPage,
    CampaignIndexPage,
    CampaignPage,
    Milestone,
    Nomination,
)
from campaigns.models.showcase import CHINA
from cms.models import Workstream
from tests.cms.bulk_pages import add_children, values


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    title = "征集活动"
    slug = "campaigns"

    class Meta:
        model = CampaignIndexPage


class CampaignPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"2021 中国智能制造科技进展{n}")
    year = 2021
    workstream = factory.LazyFunction(lambda: Workstream.objects.get(name="战略咨询"))

    class Meta:
        model = CampaignPage


def published_campaign(index, **fields):
    """A campaign page published the way editors do it (a revision, then publish)."""
    campaign = CampaignPageFactory.build(**fields)
    campaign.live = False
    index.add_child(instance=campaign)
    campaign.save_revision().publish()
    campaign.refresh_from_db()
    return campaign


class MilestoneFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"第{n}次遴选会议")
    date = datetime.date(2021, 7, 20)

    class Meta:
        model = Milestone


class NominationFactory(factory.django.DjangoModelFactory):
    project_name = factory.Sequence(lambda n: f"智能产线项目{n}")
    category = "智能制造技术"
    applicant_organisation = "某智能装备公司"
    contact_person = "张三"
    phone = "010-12345678"
    email = "apply@example.org"

    class Meta:
        model = Nomination


class AchievementPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"智能制造关键技术{n}")
    slug = factory.Sequence(lambda n: f"achievement-{n}")
    list = CHINA
    organisations = "某大学"

    class Meta:
        model = AchievementPage


def add_achievements(year_page, count, **fields):
    """`count` live 双十 items from the factory under `year_page`, saved in bulk (see
    tests/cms/bulk_pages.py). Every field in `fields` goes to each item; a callable one is called
    with the item's number (0, 1, …) for its value."""
    return add_children(
        year_page, [AchievementPageFactory.build(**values(fields, n)) for n in range(count)]
    )


def add_campaigns(index, count, **fields):
    """`count` live campaigns from the factory under `index`, saved in bulk like
    `add_achievements`."""
    return add_children(
        index, [CampaignPageFactory.build(**values(fields, n)) for n in range(count)]
    )
