"""Quotas: how many nominations one recommender may put forward per category, counted under a lock
on the campaign's row so that two submissions never take the last place twice."""

from django.utils.translation import gettext as _

from campaigns.models import CampaignPage, Nomination, Quota
from campaigns.models.nominations import QUOTA_STATES
from campaigns.recommenders import recommender_of
from cms import locks


def lock_campaign(campaign_id):
    """Serialise quota accounting per campaign: lock its row until the transaction ends
    (`SELECT … FOR UPDATE` on PostgreSQL; SQLite has one writer at a time anyway)."""
    list(locks.locked(CampaignPage.objects.filter(pk=campaign_id)).values_list("pk", flat=True))


def quota_limit(campaign_id, recommender_type, category):
    """The most nominations one recommender of this type may put forward in `category`, or None
    when nothing limits it."""
    return (
        Quota.objects.filter(
            page_id=campaign_id, recommender_type_name=recommender_type, category_name=category
        )
        .order_by("limit")
        .values_list("limit", flat=True)
        .first()
    )


def places_taken(campaign_id, category, recommender, exclude_pk=None):
    """Nominations holding a place in this recommender's quota for `category`: the same type and
    the same society (or recommender name), in a status that holds a place."""
    queryset = Nomination.objects.filter(
        campaign_id=campaign_id,
        category=category,
        recommender_type=recommender.type,
        status__in=QUOTA_STATES,
    )
    if recommender.society is not None:
        queryset = queryset.filter(recommender_society=recommender.society)
    else:
        queryset = queryset.filter(
            recommender_society__isnull=True, recommender_name=recommender.name
        )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.count()


def quota_error(nomination):
    """The message when `nomination` would pass its recommender's quota, else None. Call it under
    `lock_campaign`."""
    limit = quota_limit(nomination.campaign_id, nomination.recommender_type, nomination.category)
    if limit is None:
        return None
    taken = places_taken(
        nomination.campaign_id, nomination.category, recommender_of(nomination), nomination.pk
    )
    if taken < limit:
        return None
    return _(
        "推荐名额：%(recommender)s在“%(category)s”类别的推荐名额为 %(limit)d 项，已全部使用"
        "（已有 %(taken)d 项），不能再提交。"
    ) % {
        "recommender": nomination.recommender_label,
        "category": nomination.category,
        "limit": limit,
        "taken": taken,
    }
