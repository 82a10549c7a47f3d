"""Conflicts of interest in expert review. Every panel member scores every eligible nomination
unless a conflict excludes them: automatically (same organisation as the applicant, or a member of
the recommending society) or by their own declaration (`campaigns.rounds.declare_conflict`). An
exclusion carries over to the campaign's later rounds. An excluded expert neither sees the
nomination nor counts in its result (`campaigns.scoring.counted_sheets`)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.models import Assignment
from cms.models import AccountProfile, MemberSociety
from cms.models.snippets import normalise_name


@dataclass(frozen=True)
class ExpertAffiliation:
    organisation: str  # normalised
    society_ids: frozenset


def affiliations(experts):
    """{expert pk: ExpertAffiliation} in two queries, whatever the number of experts."""
    pks = [e.pk for e in experts]
    profiles = {
        p.user_id: p for p in AccountProfile.objects.filter(user_id__in=pks).only(
            "user_id", "organisation", "society_id"
        )
    }  # fmt: skip
    group_societies = {}
    for user_id, society_id in MemberSociety.objects.filter(group__user__in=pks).values_list(
        "group__user", "pk"
    ):
        group_societies.setdefault(user_id, set()).add(society_id)
    result = {}
    for pk in pks:
        profile = profiles.get(pk)
        societies = set(group_societies.get(pk, ()))
        if profile and profile.society_id:
            societies.add(profile.society_id)
        result[pk] = ExpertAffiliation(
            organisation=normalise_name(profile.organisation) if profile else "",
            society_ids=frozenset(societies),
        )
    return result


def conflict_reason(affiliation, nomination):
    """Why an expert of `affiliation` may not score `nomination`, or "" when nothing conflicts."""
    organisation = normalise_name(nomination.applicant_organisation)
    if affiliation.organisation and affiliation.organisation == organisation:
        return _("自动回避：专家工作单位与申报单位相同（%(organisation)s）") % {
            "organisation": nomination.applicant_organisation
        }
    if nomination.recommender_society_id and (
        nomination.recommender_society_id in affiliation.society_ids
    ):
        return _("自动回避：专家所属学会为推荐学会（%(society)s）") % {
            "society": nomination.recommender_society.name
        }
    return ""


def declared_before(review_round):
    """{(nomination id, expert id): reason}: the exclusions an expert carries from an earlier round
    of the same campaign."""
    return {
        (a.nomination_id, a.expert_id): a.exclusion_reason
        for a in Assignment.objects.filter(
            round__campaign_id=review_round.campaign_id, excluded=True
        ).exclude(round=review_round)
    }
