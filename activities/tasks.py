"""Thin Celery tasks around `activities.ingest` (eager in the embedded default). They take plain
values and are idempotent: a feed that was just ingested is not due, one held by another worker
is skipped, and an entry already stored is never stored again. acks_late with bounded retries:
a worker lost mid-ingest leaves the task to another (after the broker's visibility timeout, by
when the dead worker's lease on the feed has expired: cms/settings/base.py), and a database
hiccup is retried a few times, not forever. Anything else a feed raises is recorded on that
feed by `ingest` and never fails the task, nor the other feeds of the run."""

from celery import shared_task
from django.db import DatabaseError, transaction

from activities import ingest

RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "max_retries": 3,
    "retry_backoff": True,
}


@shared_task(name="activities.tasks.ingest_due_feeds", **RETRY)
def ingest_due_feeds_task():
    """Beat, every 5 minutes: the feeds whose time has come."""
    return [result.summary() for result in ingest.ingest_due_feeds()]


@shared_task(name="activities.tasks.ingest_feed", **RETRY)
def ingest_feed_task(feed_id, force=False):
    from activities.models import Feed

    feed = Feed.objects.select_related("society").filter(pk=feed_id).first()
    if feed is None:
        return ""
    return ingest.ingest_feed(feed, force=force).summary()


def enqueue_ingest(feed_id):
    """Fetch this feed soon, once the transaction that registered it has committed (a worker
    must be able to see the feed)."""
    transaction.on_commit(lambda: ingest_feed_task.delay(feed_id))
