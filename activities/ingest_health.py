"""A feed's lease and health: one worker at a time per feed (a lease taken with one conditional
UPDATE), failures backed off exponentially (interval × 2^failures, at most a day), a feed shown
unhealthy after `UNHEALTHY_AFTER` failures in a row and stopped for good on HTTP 410 — its
society told of either turn (`activities.notifications.feed_failed`). Used by
`activities.ingest`."""

import datetime
import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Feed, FeedStatus
from activities.models import feeds as feed_models
from activities.notifications import feed_failed

# The lease covers one run of `ingest_feed`: the download (FEEDS_TOTAL_TIMEOUT at most, the
# deadline of activities.fetch covers the whole exchange) and storing at most
# FEEDS_MAX_ENTRIES drafts, each allowed STORE_SECONDS_PER_ENTRY (a draft with its revision,
# its workflow, its notifications and its search index took 0.38 s on SQLite on a busy
# two-core machine, load 8). With the defaults 20 s + 200 × 0.5 s = 2 minutes: a worker killed
# holding the lease delays its feed by at most that, and Redis gives the killed worker's
# message to another one only after its visibility timeout (5 minutes, cms/settings/base.py),
# when the lease has expired. A run that outlasts its lease is still safe: a second worker
# may then take the feed, and the unique (feed, key) constraint keeps each entry single.
STORE_SECONDS_PER_ENTRY = 0.5
MAX_BACKOFF = datetime.timedelta(hours=24)


def lease_duration():
    return datetime.timedelta(
        seconds=settings.FEEDS_TOTAL_TIMEOUT + settings.FEEDS_MAX_ENTRIES * STORE_SECONDS_PER_ENTRY
    )


def acquire(feed, now, force):
    """Take the feed's lease with one conditional UPDATE; a unique lease value lets only its
    holder release it. Returns the lease value, or None (inactive, not due, or held)."""
    lease = now + lease_duration() + datetime.timedelta(microseconds=uuid.uuid4().int % 1_000_000)
    rows = Feed.objects.filter(pk=feed.pk, active=True).filter(
        models.Q(lease_until__isnull=True) | models.Q(lease_until__lt=now)
    )
    if not force:
        rows = rows.filter(models.Q(next_fetch_at__isnull=True) | models.Q(next_fetch_at__lte=now))
    return lease if rows.update(lease_until=lease) == 1 else None


def release(feed, lease):
    Feed.objects.filter(pk=feed.pk, lease_until=lease).update(lease_until=None)


def why_skipped(feed, now):
    feed.refresh_from_db()
    if not feed.active:
        return _("订阅源已停用，未抓取")
    if feed.lease_until and feed.lease_until >= now:
        return _("另一个进程正在抓取，已跳过")
    return _("未到抓取时间（下次 %(when)s）") % {
        "when": timezone.localtime(feed.next_fetch_at).strftime("%Y-%m-%d %H:%M")
    }


def backoff(feed, failures):
    delay = feed.interval * (2 ** min(failures, 16))
    return min(delay, MAX_BACKOFF)


def record_failure(feed, lease, now, message, status_code=None, gone=False):
    values = {
        "last_fetched_at": now,
        "last_error": message,
        "lease_until": None,
        "last_status_code": status_code,
    }
    if gone:
        values.update(active=False, status=FeedStatus.GONE, next_fetch_at=None)
        status = FeedStatus.GONE
    else:
        failures = feed.consecutive_failures + 1
        status = (
            FeedStatus.UNHEALTHY if failures >= feed_models.UNHEALTHY_AFTER else FeedStatus.ERROR
        )
        values.update(
            consecutive_failures=failures,
            status=status,
            next_fetch_at=now + backoff(feed, failures),
        )
    previous = feed.status
    with transaction.atomic():
        recorded = Feed.objects.filter(pk=feed.pk, lease_until=lease).update(**values)
        feed.refresh_from_db()
        if recorded:
            # The society hears of its feed turning unhealthy or stopped with the change.
            feed_failed(feed, previous)
    return status
