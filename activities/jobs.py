"""Periodic jobs of the activities (discovered by `cms.jobs.all_jobs`)."""

from cms.jobs import periodic_job


@periodic_job("ingest_feeds")
def ingest_feeds():
    """Ingest the member-society feeds that are due (each has its own interval)."""
    from activities.ingest import ingest_due_feeds

    return ingest_due_feeds()
