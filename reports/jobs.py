"""Periodic jobs of the reports (discovered by `cms.jobs.all_jobs`)."""

from cms.jobs import periodic_job


@periodic_job("sync_reports")
def sync_reports():
    """Catch up with any source change a signal missed: sync every report (idempotent)."""
    from reports.sync import sync_all_reports

    return sync_all_reports()


@periodic_job("monthly_rhythm")
def monthly_rhythm():
    """The month's draft report on the 1st (Asia/Shanghai), with its linked entries, and the
    reminders of due days and waiting approvals (idempotent: the job runs every hour)."""
    from reports.rhythm import ensure_month_report, remind

    created = ensure_month_report()
    remind()
    return created
