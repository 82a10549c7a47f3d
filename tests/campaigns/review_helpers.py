"""Rounds, experts and nominations for the review tests.

Nominations enter a round only once they passed formal review; the ones made here go through the
real services (apply with real files, the society endorses, the office passes) when a test needs
their files, and are written directly in the passed state when a test only needs many of them."""

import datetime

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.demo import CRITERIA_2021
from campaigns.models import (
    Assignment,
    JustificationRule,
    Nomination,
    NominationStatus,
    PanelMember,
    ReviewEvent,
    ReviewRound,
    RoundEntry,
    Score,
    ScoreSheet,
)
from campaigns.models.review import RoundKind, RuleScope
from campaigns.nominations import ENDORSE, PASS, perform
from campaigns.recommenders import SOCIETY_RECOMMENDER
from cms.accounts import mark_email_verified
from cms.models import AccountProfile
from cms.roles import Role, group_for
from tests.campaigns.nomination_helpers import make_nomination, open_campaign

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def login(user):
    client = Client()
    client.force_login(user)
    return client


def make_user(username, *roles):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.com")
    user.groups.add(*(group_for(role) for role in roles))
    return user


def make_expert(username, organisation="", society=None, society_group=None):
    """An account in 评审专家 with its organisation and society (on its profile, or through the
    society's group)."""
    user = make_user(username, Role.EXPERT)
    AccountProfile.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "society": society}
    )
    if society_group is not None:
        user.groups.add(society_group.group, group_for(Role.MEMBER_SOCIETY))
    return user


def campaign_2021(index, slug="call-2021"):
    """A federation call with the six 2021 criteria, each on a 10-point scale."""
    return open_campaign(
        index, slug=slug, criteria=[(name, text, 10) for name, text in CRITERIA_2021]
    )


def campaign_2024(index, slug="call-2024"):
    """The 2024 scale: 创新性 40, 引领性 30, 应用性 30 — a total out of 100."""
    return open_campaign(index, slug=slug)


def passed(campaign, applicant, name, organisation="某某智能装备有限公司", society=None,
           status=NominationStatus.PASSED):  # fmt: skip
    """A nomination written directly in a state (default: passed formal review)."""
    society = society or campaign.recommending_societies.first().society
    return Nomination.objects.create(
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
    """A nomination made through the services with real files, endorsed and passed."""
    mark_email_verified(applicant)
    nomination = make_nomination(campaign, applicant, society, name)
    perform(nomination, ENDORSE, society_user)
    return perform(nomination, PASS, office, "材料齐全，通过形式审查。")


def make_round(campaign, kind=RoundKind.FIRST, experts=(), chair=None, opens_on=None,
               closes_on=None, **fields):  # fmt: skip
    review_round = ReviewRound.objects.create(
        campaign=campaign,
        kind=kind,
        opens_on=opens_on or today() - DAY,
        closes_on=closes_on or today() + 10 * DAY,
        advance_count=fields.pop("advance_count", 15 if kind == RoundKind.FIRST else 10),
        forward_count=fields.pop("forward_count", 5 if kind == RoundKind.FIRST else 0),
        **fields,
    )
    for expert in experts:
        PanelMember.objects.create(round=review_round, expert=expert, is_chair=expert == chair)
    return review_round


def rules_2021(review_round):
    """Seed 000: a criterion scored above 9 or below 6 needs a reason."""
    return JustificationRule.objects.create(
        round=review_round, scope=RuleScope.CRITERION, above=9, below=6
    )


def rules_2024(review_round):
    """Seed 001: a total above 99 or below 50 needs a reason."""
    return JustificationRule.objects.create(
        round=review_round, scope=RuleScope.TOTAL, above=99, below=50
    )


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
