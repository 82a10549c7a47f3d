"""The reports listen; the sources never write into a report.

A change to a milestone, a campaign, a nomination or a member society's activity enqueues a sync
of the reports it concerns (`reports.tasks`, eager in the embedded default) once the change is
committed; a new report gets its linked entries the same way. The sync itself is idempotent, so
a change heard twice costs a comparison, never a duplicate."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published, page_unpublished, post_page_move

from activities.models import ActivityPage
from campaigns.models import CampaignPage, Milestone, Nomination, NominationEvent, ReviewRound
from campaigns.models.nominations import PASSED
from reports.models import MonthlyReportPage
from reports.periods import add_months, first_of_month


@receiver(page_published, sender=MonthlyReportPage)
def publish_press_releases(sender, instance, revision, **kwargs):
    """The secretary-general approves a report with its press releases: news pages it links that
    were never published go live with it, so the report's links lead somewhere. News that is
    already live, or in its own moderation, is left to its own workflow."""
    user = getattr(revision, "user", None)
    for news in instance.press_release_pages():
        if news.live or news.workflow_in_progress:
            continue
        latest = news.get_latest_revision() or news.save_revision(user=user)
        latest.publish(user=user)


# Enqueueing ------------------------------------------------------------------------------------


def _local_date(value):
    if value is None:
        return None
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        return timezone.localtime(value).date()
    return value.date() if hasattr(value, "date") else value


def enqueue_sync_for_dates(dates):
    """Sync the reports concerned by sources dated on `dates`, after the current transaction
    commits (a rolled-back change syncs nothing)."""
    days = sorted({day.isoformat() for day in map(_local_date, dates) if day is not None})
    if not days:
        return
    from reports.tasks import sync_reports_task

    transaction.on_commit(lambda: sync_reports_task.delay(dates=days), robust=True)


def enqueue_sync_for_report(report_id, created=False):
    from reports.tasks import sync_report_task

    transaction.on_commit(lambda: sync_report_task.delay(report_id, created=created), robust=True)


# A report ---------------------------------------------------------------------------------------


@receiver(page_published, sender=MonthlyReportPage)
def report_published(sender, instance, **kwargs):
    """Publishing approves the report as it is: the 来源已变更 flag clears. A sync follows, so a
    report published without its linked entries (an import, say) gets them in a new draft."""
    from reports.sync import clear_source_changed

    clear_source_changed(instance)
    enqueue_sync_for_report(instance.pk)
    enqueue_export(instance.pk)


def enqueue_export(report_id):
    """Build the published report's Word file ahead of its first download."""
    from reports.tasks import export_report_task

    transaction.on_commit(lambda: export_report_task.delay(report_id), robust=True)


@receiver(post_save, sender=MonthlyReportPage)
def report_created(sender, instance, created, raw=False, **kwargs):
    """A report created after its milestones gets them, once the code creating it has committed
    (an import, the demo: after its first revision). The admin creates pages outside a
    transaction and saves the first revision only after the page: its `after_create_page`
    hook syncs then (see `reports.tasks.sync_report_task`)."""
    if created and not raw:
        enqueue_sync_for_report(instance.pk, created=True)


# Milestones -------------------------------------------------------------------------------------


@receiver(pre_save, sender=Milestone)
def remember_milestone_date(sender, instance, raw=False, **kwargs):
    """Moving a milestone from July to August must update both months' reports."""
    instance._reports_previous_date = (
        Milestone.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=Milestone)
def milestone_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_sync_for_dates([instance.date, getattr(instance, "_reports_previous_date", None)])


@receiver(post_delete, sender=Milestone)
def milestone_deleted(sender, instance, **kwargs):
    enqueue_sync_for_dates([instance.date])


# Campaigns: their title, workstream and address appear in the linked entries ------------------


def _campaign_dates(campaign):
    dates = list(Milestone.objects.filter(campaign=campaign).values_list("date", flat=True))
    dates += Nomination.objects.filter(campaign=campaign, submitted_at__isnull=False).values_list(
        "submitted_at", flat=True
    )
    dates += NominationEvent.objects.filter(
        nomination__campaign=campaign, to_status=PASSED
    ).values_list("at", flat=True)
    dates += ReviewRound.objects.filter(campaign=campaign, confirmed_at__isnull=False).values_list(
        "confirmed_at", flat=True
    )
    return dates


@receiver(page_published, sender=CampaignPage)
@receiver(page_unpublished, sender=CampaignPage)
def campaign_published(sender, instance, **kwargs):
    enqueue_sync_for_dates(_campaign_dates(instance))


# Nominations: the monthly figures ------------------------------------------------------------


@receiver(pre_save, sender=Nomination)
def remember_submission(sender, instance, raw=False, **kwargs):
    instance._reports_previous_submitted_at = (
        Nomination.objects.filter(pk=instance.pk).values_list("submitted_at", flat=True).first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=Nomination)
def nomination_saved(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_reports_previous_submitted_at", None)
    if raw or previous == instance.submitted_at:
        return
    enqueue_sync_for_dates([instance.submitted_at, previous])


@receiver(post_delete, sender=Nomination)
def nomination_deleted(sender, instance, **kwargs):
    enqueue_sync_for_dates([instance.submitted_at])


@receiver(post_save, sender=NominationEvent)
@receiver(post_delete, sender=NominationEvent)
def nomination_event_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.to_status == PASSED:
        enqueue_sync_for_dates([instance.at])


# Review rounds: a confirmed result is a stage ("完成初评", "完成终评") of its month -------------


@receiver(pre_save, sender=ReviewRound)
def remember_round_confirmation(sender, instance, raw=False, **kwargs):
    instance._reports_previous_confirmation = (
        ReviewRound.objects.filter(pk=instance.pk).values_list("status", "confirmed_at").first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=ReviewRound)
def review_round_saved(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_reports_previous_confirmation", None) or (None, None)
    if raw or previous == (instance.status, instance.confirmed_at):
        return
    if instance.confirmed_at or previous[1]:
        enqueue_sync_for_dates([instance.confirmed_at, previous[1]])


@receiver(post_delete, sender=ReviewRound)
def review_round_deleted(sender, instance, **kwargs):
    enqueue_sync_for_dates([instance.confirmed_at])


# Member societies' activities: a report keeps those an editor included in step ---------------


def activity_days(start, end=None):
    """A day in each month from `start` to `end`: the reports concerned are found by month
    (`reports.sync.reports_affected_by`), and a multi-month activity belongs to each."""
    if start is None:
        return []
    last = first_of_month(end or start)
    days, month = [start], add_months(first_of_month(start), 1)
    while month <= last:
        days.append(month)
        month = add_months(month, 1)
    return days


@receiver(page_published, sender=ActivityPage)
@receiver(page_unpublished, sender=ActivityPage)
@receiver(post_page_move, sender=ActivityPage)
def activity_changed(sender, instance, **kwargs):
    """Published again (a new title, summary, workstream), unpublished (its entry goes) or moved
    (another society, another address). Dates come from the row: a moved page may be generic."""
    dates = (
        ActivityPage.objects.filter(pk=instance.pk).values_list("start_date", "end_date").first()
    )
    if dates:
        enqueue_sync_for_dates(activity_days(*dates))


@receiver(pre_save, sender=ActivityPage)
def remember_activity_dates(sender, instance, raw=False, **kwargs):
    """Publishing an activity moved from July to August must update July's report too."""
    instance._reports_previous_dates = (
        ActivityPage.objects.filter(pk=instance.pk, live=True)
        .values_list("start_date", "end_date")
        .first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=ActivityPage)
def activity_saved(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_reports_previous_dates", None)
    if raw or previous is None or previous == (instance.start_date, instance.end_date):
        return
    enqueue_sync_for_dates(activity_days(*previous))


@receiver(post_delete, sender=ActivityPage)
def activity_deleted(sender, instance, **kwargs):
    enqueue_sync_for_dates(activity_days(instance.start_date, instance.end_date))
