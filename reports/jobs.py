"""Periodic jobs of the reports (discovered by `cms.jobs.all_jobs`)."""

from cms.jobs import periodic_job


@periodic_job("sync_reports")
def sync_reports():
    """Catch up with any source change a signal missed: sync every report (idempotent)."""
    from reports.sync import sync_all_reports

    return sync_all_reports()
