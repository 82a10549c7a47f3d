import datetime

import factory
import wagtail_factories
from django.utils import timezone

from campaigns.models import (
    AchievementPage,
    Assignment,
    CampaignIndexPage,
    CampaignPage,
    Milestone,
    Nomination,
    Objection,
    PanelMember,
    PublicNotice,
    Quota,
    ReviewRound,
    Score,
    ScoreSheet,
    ShowcaseListKind,
)
from cms.roles import Role
from tests.cms.bulk_pages import add_children, values
from tests.cms.factories import UserFactory, WorkstreamFactory


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    title = "征集活动"
    slug = "campaigns"

    class Meta:
        model = CampaignIndexPage


class CampaignPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"2021 中国智能制造科技进展{n}")
    year = 2021
    # Saved even when the page is only built (published_campaign, add_campaigns save it later).
    workstream = factory.LazyFunction(lambda: WorkstreamFactory(name="战略咨询"))

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
    campaign = factory.SubFactory(CampaignPageFactory)
    title = factory.Sequence(lambda n: f"第{n}次遴选会议")
    date = datetime.date(2021, 7, 20)

    class Meta:
        model = Milestone


class NominationFactory(factory.django.DjangoModelFactory):
    campaign = factory.SubFactory("tests.campaigns.factories.CampaignPageFactory")
    applicant = factory.SubFactory(UserFactory, roles=[Role.APPLICANT])
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
    list = ShowcaseListKind.CHINA
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


# --- the review: rounds, panels, assignments, score sheets, notices and objections ------------
# States are the models' status values as stored; a trait sets the fields that state implies.


class QuotaFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(CampaignPageFactory)
    recommender_type_name = "成员学会"
    category_name = "智能制造技术"
    limit = 2

    class Meta:
        model = Quota


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    """A first round, a draft until a trait says otherwise: `open`, `closed`, `confirmed`."""

    campaign = factory.SubFactory(CampaignPageFactory)
    kind = "first"
    advance_count = 15
    opens_on = datetime.date(2021, 8, 1)
    closes_on = datetime.date(2021, 8, 15)

    class Meta:
        model = ReviewRound

    class Params:
        open = factory.Trait(status="open", opened_at=factory.LazyFunction(timezone.now))
        closed = factory.Trait(
            status="closed",
            opened_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
            closed_by=factory.SubFactory(UserFactory),
        )
        confirmed = factory.Trait(
            closed=True,
            status="confirmed",
            confirmed_at=factory.LazyFunction(timezone.now),
            confirmed_by=factory.SubFactory(UserFactory),
        )


def expert():
    return factory.SubFactory(UserFactory, roles=[Role.EXPERT])


def nomination_of_the_round():
    return factory.SubFactory(
        "tests.campaigns.factories.NominationFactory",
        campaign=factory.SelfAttribute("..round.campaign"),
    )


class PanelMemberFactory(factory.django.DjangoModelFactory):
    round = factory.SubFactory(ReviewRoundFactory)
    expert = expert()

    class Meta:
        model = PanelMember

    class Params:
        chair = factory.Trait(is_chair=True)


class AssignmentFactory(factory.django.DjangoModelFactory):
    round = factory.SubFactory(ReviewRoundFactory)
    nomination = nomination_of_the_round()
    expert = expert()

    class Meta:
        model = Assignment

    class Params:
        recused = factory.Trait(excluded=True, exclusion_reason="与申报单位有合作关系")


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    """A draft sheet; `submitted=True` for one the expert has sent."""

    round = factory.SubFactory(ReviewRoundFactory, open=True)
    nomination = nomination_of_the_round()
    expert = expert()

    class Meta:
        model = ScoreSheet

    class Params:
        submitted = factory.Trait(
            status="submitted", submitted_at=factory.LazyFunction(timezone.now)
        )


class ScoreFactory(factory.django.DjangoModelFactory):
    sheet = factory.SubFactory(ScoreSheetFactory)
    criterion = "创新性"
    value = 20
    recorded_by = factory.SelfAttribute("sheet.expert")

    class Meta:
        model = Score


class PublicNoticeFactory(factory.django.DjangoModelFactory):
    """A notice being published; `closed=True` for one whose period is over."""

    campaign = factory.SubFactory(CampaignPageFactory)
    starts_on = datetime.date(2021, 9, 1)
    ends_on = datetime.date(2021, 9, 7)

    class Meta:
        model = PublicNotice

    class Params:
        closed = factory.Trait(closed_at=factory.LazyFunction(timezone.now))


class ObjectionFactory(factory.django.DjangoModelFactory):
    """A pending objection; `upheld=True` or `dismissed=True` for a decided one."""

    notice = factory.SubFactory(PublicNoticeFactory)
    nomination = factory.SubFactory(
        "tests.campaigns.factories.NominationFactory",
        campaign=factory.SelfAttribute("..notice.campaign"),
    )
    filed_by = factory.SubFactory(UserFactory)
    reason = "项目数据与实际不符。"

    class Meta:
        model = Objection

    class Params:
        upheld = factory.Trait(
            status="upheld",
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
            decision_reason="经核实，异议成立。",
        )
        dismissed = factory.Trait(
            status="dismissed",
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
            decision_reason="经核实，异议不成立。",
        )
