"""The campaigns say which days a change of theirs concerns; they never write into a report.

A milestone, a campaign, a nomination or a review round changed: the linked entries of those days
(`campaigns.reporting`) may have changed, and `cms.signals.linked_entries_changed` says so. Old
values are read before the save, because a milestone moved from July to August concerns both
months."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from campaigns.models import (
    CampaignPage,
    Milestone,
    Nomination,
    NominationEvent,
    NominationStatus,
    ReviewRound,
)
from cms.signals import send_linked_entries_changed


def _stored(instance, field, raw):
    """The value of `field` as the database holds it before this save; None for a new row or
    a fixture load."""
    if raw or not instance.pk:
        return None
    model = type(instance)
    return model.objects.filter(pk=instance.pk).values_list(field, flat=True).first()


# Milestones -------------------------------------------------------------------------------------


@receiver(pre_save, sender=Milestone)
def remember_milestone_date(sender, instance, raw=False, **kwargs):
    """Moving a milestone from July to August concerns both months."""
    instance._linked_previous_date = _stored(instance, "date", raw)


@receiver(post_save, sender=Milestone)
def milestone_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        previous = getattr(instance, "_linked_previous_date", None)
        send_linked_entries_changed(Milestone, dates=[instance.date, previous])


@receiver(post_delete, sender=Milestone)
def milestone_deleted(sender, instance, **kwargs):
    send_linked_entries_changed(Milestone, dates=[instance.date])


# Campaigns: their title, workstream and address appear in the linked entries ------------------


def campaign_dates(campaign):
    """Every day a linked entry of `campaign` is dated: its milestones, its nominations'
    submissions and formal passes, its confirmed review rounds."""
    dates = list(Milestone.objects.filter(campaign=campaign).values_list("date", flat=True))
    dates += Nomination.objects.filter(campaign=campaign, submitted_at__isnull=False).values_list(
        "submitted_at", flat=True
    )
    dates += NominationEvent.objects.filter(
        nomination__campaign=campaign, to_status=NominationStatus.PASSED
    ).values_list("at", flat=True)
    dates += ReviewRound.objects.filter(campaign=campaign, confirmed_at__isnull=False).values_list(
        "confirmed_at", flat=True
    )
    return dates


@receiver(page_published, sender=CampaignPage)
@receiver(page_unpublished, sender=CampaignPage)
def campaign_published(sender, instance, **kwargs):
    send_linked_entries_changed(CampaignPage, dates=campaign_dates(instance))


# Nominations: the monthly figures ------------------------------------------------------------


@receiver(pre_save, sender=Nomination)
def remember_submission(sender, instance, raw=False, **kwargs):
    instance._linked_previous_submitted_at = _stored(instance, "submitted_at", raw)


@receiver(post_save, sender=Nomination)
def nomination_saved(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_linked_previous_submitted_at", None)
    if raw or previous == instance.submitted_at:
        return
    send_linked_entries_changed(Nomination, dates=[instance.submitted_at, previous])


@receiver(post_delete, sender=Nomination)
def nomination_deleted(sender, instance, **kwargs):
    send_linked_entries_changed(Nomination, dates=[instance.submitted_at])


@receiver(post_save, sender=NominationEvent)
@receiver(post_delete, sender=NominationEvent)
def nomination_event_changed(sender, instance, raw=False, **kwargs):
    # Only a formal pass counts in the figures ("通过形式审查 M 份").
    if not raw and instance.to_status == NominationStatus.PASSED:
        send_linked_entries_changed(NominationEvent, dates=[instance.at])


# Review rounds: a confirmed result is a stage ("完成初评", "完成终评") of its month -------------


@receiver(pre_save, sender=ReviewRound)
def remember_round_confirmation(sender, instance, raw=False, **kwargs):
    instance._linked_previous_confirmation = (
        ReviewRound.objects.filter(pk=instance.pk).values_list("status", "confirmed_at").first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=ReviewRound)
def review_round_saved(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_linked_previous_confirmation", None) or (None, None)
    if raw or previous == (instance.status, instance.confirmed_at):
        return
    if instance.confirmed_at or previous[1]:
        send_linked_entries_changed(ReviewRound, dates=[instance.confirmed_at, previous[1]])


@receiver(post_delete, sender=ReviewRound)
def review_round_deleted(sender, instance, **kwargs):
    send_linked_entries_changed(ReviewRound, dates=[instance.confirmed_at])
