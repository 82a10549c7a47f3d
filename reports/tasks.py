"""Thin Celery tasks around `reports.sync` (eager in the embedded default). They take plain
values and return a line per report that changed, so they can run on any worker."""

import datetime

from celery import shared_task
from django.db import DatabaseError

from reports import sync

RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "max_retries": 3,
    "retry_backoff": True,
}


def _changed(results):
    return [result.summary() for result in results if result.changed or result.flagged]


@shared_task(name="reports.tasks.sync_reports", **RETRY)
def sync_reports_task(dates):
    """Sync the reports concerned by sources dated on `dates` (ISO dates)."""
    days = [datetime.date.fromisoformat(day) for day in dates]
    return _changed(sync.sync_reports_for_dates(days))


@shared_task(name="reports.tasks.sync_report", **RETRY)
def sync_report_task(report_id, created=False):
    """Sync one report. `created`: enqueued by the creation of the report. A draft without any
    revision yet is still being created (the admin saves its first revision right after the
    page): it is left to the admin's `after_create_page` hook, or to the periodic sync."""
    from reports.models import MonthlyReportPage

    report = MonthlyReportPage.objects.filter(pk=report_id).first()
    if report is None:
        return []
    if created and not report.live and report.latest_revision_id is None:
        return []
    result = sync.sync_report(report)
    return _changed([result] if result else [])


@shared_task(name="reports.tasks.sync_all_reports", **RETRY)
def sync_all_reports_task():
    return _changed(sync.sync_all_reports())


# Writing the file may fail for a moment (storage); the task is idempotent, so retrying is safe.
EXPORT_RETRY = {**RETRY, "autoretry_for": (DatabaseError, OSError)}


@shared_task(name="reports.tasks.export_report", **EXPORT_RETRY)
def export_report_task(report_id):
    """Build and store a published report's Word file ahead of its first download."""
    from reports.export_store import build_stored_export
    from reports.models import MonthlyReportPage

    report = MonthlyReportPage.objects.filter(pk=report_id, live=True).first()
    if report is None:
        return None
    return build_stored_export(report, report.get_site())


@shared_task(name="reports.tasks.monthly_rhythm", **RETRY)
def monthly_rhythm_task():
    from reports.jobs import monthly_rhythm

    report = monthly_rhythm()
    return report.pk if report else None
