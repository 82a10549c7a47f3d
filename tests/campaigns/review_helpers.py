"""Rounds, experts and nominations for the review tests, made by the factories.

Nominations enter a round only once they passed formal review; `passed_with_files` takes one
there through the real services (its files checked, the society endorses, the office passes)
when a test needs its files, `passed` writes one directly in the passed state when a test only
needs many of them. The campaigns work in an empty database as in the demo's (`society` finds
a society the demo made rather than making a second one)."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Assignment,
    NominationStatus,
    ReviewEvent,
    ReviewRound,
    RoundEntry,
    Score,
    ScoreSheet,
)
from campaigns.models.review import RoundKind
from campaigns.recommenders import SOCIETY_RECOMMENDER
from cms.accounts import mark_email_verified
from cms.models import MemberSociety
from cms.roles import Role
from tests.campaigns.factories import (
    CATEGORIES_2024,
    CRITERIA_2021,
    CRITERIA_2024,
    CampaignPageFactory,
    JustificationRuleFactory,
    NominationFactory,
    PanelMemberFactory,
    ReviewRoundFactory,
    slots_2024,
)
from tests.cms.factories import AccountProfileFactory, MemberSocietyFactory, UserFactory

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def login(user):
    client = Client()
    client.force_login(user)
    return client


def society(abbreviation, name):
    """The member society of that abbreviation, made if there is none."""
    return MemberSociety.objects.filter(abbreviation=abbreviation).first() or MemberSocietyFactory(
        abbreviation=abbreviation, name=name
    )


def make_user(username, *roles):
    return UserFactory(username=username, email=f"{username}@example.com", roles=roles)


def make_expert(username, organisation="", society=None, society_group=None):
    """An account in 评审专家 with its organisation and society (on its profile, or through the
    society's group)."""
    roles = [Role.EXPERT] if society_group is None else [Role.EXPERT, Role.MEMBER_SOCIETY]
    user = UserFactory(
        username=username,
        email=f"{username}@example.com",
        roles=roles,
        societies=[society_group] if society_group is not None else None,
    )
    AccountProfileFactory(user=user, organisation=organisation, society=society)
    return user


def _open_call(index, slug, criteria, societies):
    """A federation call of this year open today (opened 30 days ago, closing in 60), with the
    2024 categories and four files, recommended by CMES and CAA unless told otherwise."""
    year = today().year
    return CampaignPageFactory(
        parent=index,
        title=f"征集活动 {slug}",
        slug=slug,
        year=year,
        accepts_expert_recommenders=True,
        categories=CATEGORIES_2024,
        criteria=criteria,
        slots=slots_2024(year),
        societies=societies
        or [society("CMES", "中国机械工程学会"), society("CAA", "中国自动化学会")],
        open=True,
    )


def campaign_2021(index, slug="call-2021", societies=None):
    """A federation call with the six 2021 criteria, each on a 10-point scale."""
    return _open_call(index, slug, CRITERIA_2021, societies)


def campaign_2024(index, slug="call-2024", societies=None):
    """The 2024 scale: 创新性 40, 引领性 30, 应用性 30 — a total out of 100."""
    return _open_call(index, slug, CRITERIA_2024, societies)


def passed(campaign, applicant, name, organisation="某某智能装备有限公司", society=None,
           status=NominationStatus.PASSED):  # fmt: skip
    """A nomination written directly in a state (default: passed formal review)."""
    society = society or campaign.recommending_societies.first().society
    return NominationFactory(
        campaign=campaign,
        applicant=applicant,
        project_name=name,
        category=campaign.categories.first().name,
        recommender_type=SOCIETY_RECOMMENDER,
        recommender_society=society,
        applicant_organisation=organisation,
        contact_person="张三",
        phone="010-1",
        email="z@example.com",
        status=status,
    )


def passed_with_files(campaign, applicant, society_user, office, name, society):
    """A nomination made complete with real files that pass the checks, submitted by
    `applicant`, endorsed by `society_user` and passed by `office`, through the services."""
    mark_email_verified(applicant)
    return NominationFactory(
        campaign=campaign,
        applicant=applicant,
        project_name=name,
        recommender_society=society,
        applicant_organisation="某某大学",
        contact_person="李四",
        phone="010-12345678",
        email="lisi@example.com",
        passed=True,
        recommended_by=society_user,
        reviewed_by=office,
    )


def make_round(campaign, kind=RoundKind.FIRST, experts=(), chair=None, opens_on=None,
               closes_on=None, **fields):  # fmt: skip
    """A draft round scoring from yesterday to ten days on, with `experts` on its panel."""
    review_round = ReviewRoundFactory(
        campaign=campaign,
        kind=kind,
        opens_on=opens_on or today() - DAY,
        closes_on=closes_on or today() + 10 * DAY,
        advance_count=fields.pop("advance_count", 15 if kind == RoundKind.FIRST else 10),
        forward_count=fields.pop("forward_count", 5 if kind == RoundKind.FIRST else 0),
        **fields,
    )
    for expert in experts:
        PanelMemberFactory(round=review_round, expert=expert, is_chair=expert == chair)
    return review_round


def rules_2021(review_round):
    """Seed 000: a criterion scored above 9 or below 6 needs a reason."""
    return JustificationRuleFactory(round=review_round)


def rules_2024(review_round):
    """Seed 001: a total above 99 or below 50 needs a reason."""
    return JustificationRuleFactory(round=review_round, total=True)


def sheet_url(review_round, nomination):
    return reverse("review:sheet", args=[review_round.pk, nomination.pk])


def conflict_url(review_round, nomination):
    return reverse("review:conflict", args=[review_round.pk, nomination.pk])


def conflict_post(reason, confirm=True):
    """POST data for 声明回避, confirmed (as from its confirmation page) unless told otherwise."""
    return {"reason": reason, **({"confirm": "1"} if confirm else {})}


def sheet_post(review_round, values, reasons=None, total_reason="", action="save", confirm=True):
    """POST data for the score sheet: `values` and `reasons` map criterion names to text. A
    submission is confirmed (as from the confirmation page) unless `confirm` is false."""
    data = {"action": action, "total_reason": total_reason}
    if action == "submit" and confirm:
        data["confirm"] = "1"
    for index, criterion in enumerate(review_round.criteria):
        data[f"score_{index}"] = values.get(criterion["name"], "")
        data[f"reason_{index}"] = (reasons or {}).get(criterion["name"], "")
    return data


def review_snapshot():
    """What refused input must leave as it was."""
    return (
        list(ScoreSheet.objects.order_by("pk").values_list("pk", "status", "total_reason")),
        list(
            Score.objects.order_by("pk").values_list(
                "pk", "criterion", "value", "reason", "version"
            )
        ),
        list(Assignment.objects.order_by("pk").values_list("pk", "excluded", "exclusion_reason")),
        list(ReviewRound.objects.order_by("pk").values_list("pk", "status", "criteria")),
        RoundEntry.objects.count(),
        ReviewEvent.objects.count(),
    )
