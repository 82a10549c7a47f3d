"""The reports listen; the sources never write into a report.

A change to a milestone, a campaign, a nomination or a member society's activity is announced by
its own app (`cms.signals.linked_entries_changed`, with the days it concerns); here it enqueues a
sync of the reports of those days (`reports.tasks`, eager in the embedded default) once the change
is committed; a new report gets its linked entries the same way. The sync itself is idempotent, so
a change heard twice costs a comparison, never a duplicate."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from cms.periods import add_months, first_of_month
from cms.signals import linked_entries_changed
from reports.models import MonthlyReportPage


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


# The sources: each app says which days a change of its concerns ------------------------------


def span_days(start, end=None):
    """A day in each month from `start` to `end`: the reports concerned are found by month
    (`reports.sync.reports_affected_by`), and a source spanning several months belongs to each."""
    if start is None:
        return []
    last = first_of_month(end or start)
    days, month = [start], add_months(first_of_month(start), 1)
    while month <= last:
        days.append(month)
        month = add_months(month, 1)
    return days


@receiver(linked_entries_changed)
def source_changed(sender, dates=(), spans=(), **kwargs):
    """A milestone, a nomination, a review round, an activity… changed (`cms.signals`)."""
    days = list(dates)
    for start, end in spans:
        days += span_days(start, end)
    enqueue_sync_for_dates(days)
