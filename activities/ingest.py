"""Ingest member-society feeds: every new entry becomes a draft activity in the secretariat's
moderation queue ("秘书处审核"), once.

* One worker at a time per feed: a lease taken with one conditional UPDATE (`_acquire`).
* Each entry is identified within its feed by its id (GUID), else its link, else a hash of its
  title and text; a `FeedEntry` is written for it in the same transaction as its draft, and the
  unique (feed, key) constraint turns a second worker's insert into a skip. The `FeedEntry`
  stays when a moderator rejects or deletes the draft, so the entry never comes back.
* One entry's fault (a date no calendar has, a body the database refuses) is that entry's
  warning, never the feed's; one feed's fault (anything it raises, a bug included) is recorded
  on that feed and never stops the other feeds of a run (`ingest_due_feeds`).
* Failures never touch what was ingested before; the feed backs off exponentially
  (interval × 2^failures, at most a day), is shown unhealthy after `UNHEALTHY_AFTER` failures
  in a row, and stops for good on HTTP 410.
* At most FEEDS_MAX_ENTRIES entries are taken per fetch, the newest first: a feed that dumps
  its whole archive does not flood the moderation queue (nor hold its lease for an hour)."""

import datetime
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from activities.entries import (
    SHANGHAI,
    guess_kind,
    http_url,
    plain_text,
    sanitise_body,
    to_item,
    truncate,
)
from activities.fetch import FeedGone, FetchError, fetch
from activities.models import ActivityPage, Feed, FeedEntry, SocietyActivitiesPage
from activities.models import feeds as feed_models
from activities.models import pages as page_models
from activities.parse import ParseError, parse

logger = logging.getLogger(__name__)

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
SUMMARY_LENGTH = 300
TITLE_FROM_TEXT_LENGTH = 40
NO_TITLE = "（无标题）"


@dataclass
class IngestResult:
    feed: Feed
    created: int = 0
    duplicates: int = 0
    warnings: list = field(default_factory=list)
    error: str = ""
    status: str = ""
    # Why nothing was done: another worker holds the feed, it is not due, or it is inactive.
    skipped: str = ""
    pages: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.error and not self.skipped

    def summary(self):
        name = str(self.feed)
        society = getattr(self.feed.society, "abbreviation", "")
        head = f"{name}（{society}）" if society else name
        if self.skipped:
            return _("%(feed)s：%(reason)s") % {"feed": head, "reason": self.skipped}
        if self.error:
            line = _("%(feed)s：抓取失败：%(error)s") % {"feed": head, "error": self.error}
        elif self.status == feed_models.STATUS_NOT_MODIFIED:
            line = _("%(feed)s：无更新（HTTP 304）") % {"feed": head}
        else:
            line = _("%(feed)s：新增 %(created)s 条，跳过重复 %(duplicates)s 条") % {
                "feed": head,
                "created": self.created,
                "duplicates": self.duplicates,
            }
        if self.warnings:
            line += _("；提示：%(warnings)s") % {"warnings": "；".join(self.warnings)}
        return line


def _already_ingested(feed, item):
    """The `FeedEntry` this item repeats, if any: same key; or, by the item's own identity,
    the same GUID, else the same link, else the same title and text."""
    entries = FeedEntry.objects.filter(feed=feed)
    match = models.Q(key=item.key)
    if item.guid:
        # Also an entry first seen without a GUID under the same link (GUIDs added later).
        match |= models.Q(guid=item.guid)
        if item.link:
            match |= models.Q(guid="", link=item.link)
    elif item.link:
        match |= models.Q(link=item.link)
    else:
        match |= models.Q(guid="", link="", content_hash=item.content_hash)
    return entries.filter(match).exists()


def _draft(item, today, warnings):
    title = item.title
    if not title:
        text = plain_text(item.html) or item.summary
        title = truncate(text, TITLE_FROM_TEXT_LENGTH) if text else NO_TITLE
    title = truncate(title, 255)
    start_date = item.published
    if start_date is None:
        # The entry is still news: imported with the day it was fetched, and the moderator,
        # who sees every draft before it is published, is told to check the date.
        start_date = today
        if item.date_problem:
            warnings.append(
                _("条目《%(title)s》的日期%(problem)s，已按抓取当天（%(day)s）登记，请审核时核对")
                % {"title": title, "problem": item.date_problem, "day": today.isoformat()}
            )
        else:
            warnings.append(
                _("条目《%(title)s》没有日期，已按抓取当天（%(day)s）登记")
                % {"title": title, "day": today.isoformat()}
            )
    summary = truncate(item.summary, SUMMARY_LENGTH) or title
    body_html = sanitise_body(item.html)
    return ActivityPage(
        title=title,
        start_date=start_date,
        summary=summary,
        body=[("paragraph", RichText(body_html))] if body_html else [],
        kind=guess_kind(title),
        source=page_models.SOURCE_FEED,
        source_url=http_url(item.link),
        live=False,
    )


def _store(feed, society_page, item, today, warnings):
    """Write the entry and its draft together. Returns the page, or None when another worker
    stored the same entry first (nothing of this attempt is left)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = FeedEntry.objects.create(
                    feed=feed,
                    key=item.key,
                    guid=item.guid,
                    link=item.link,
                    content_hash=item.content_hash,
                    title=item.title[:500],
                    published=item.published,
                )
        except IntegrityError:
            return None
        # Two feeds of one society may be ingested at once: lock the parent so that the tree
        # paths of the new children are computed one worker at a time (PostgreSQL).
        parent = SocietyActivitiesPage.objects.select_for_update().get(pk=society_page.pk)
        page = _draft(item, today, warnings)
        parent.add_child(instance=page)
        page.save_revision(log_action=True)
        workflow = page.get_workflow()
        if workflow is not None:
            # No user: the feed submits it; the secretariat's editors are notified as usual.
            workflow.start(page, user=None)
        else:
            logger.warning("No workflow above %s: draft %s not submitted", parent, page.pk)
        entry.page = page
        entry.save(update_fields=["page"])
        return page


# Feeds ------------------------------------------------------------------------------------------

# The database failing, not the feed: the feed is given back untouched and the task retries.
DATABASE_DOWN = (OperationalError, InterfaceError)


def lease_duration():
    return datetime.timedelta(
        seconds=settings.FEEDS_TOTAL_TIMEOUT + settings.FEEDS_MAX_ENTRIES * STORE_SECONDS_PER_ENTRY
    )


def _acquire(feed, now, force):
    """Take the feed's lease with one conditional UPDATE; a unique lease value lets only its
    holder release it. Returns the lease value, or None (inactive, not due, or held)."""
    lease = now + lease_duration() + datetime.timedelta(microseconds=uuid.uuid4().int % 1_000_000)
    rows = Feed.objects.filter(pk=feed.pk, active=True).filter(
        models.Q(lease_until__isnull=True) | models.Q(lease_until__lt=now)
    )
    if not force:
        rows = rows.filter(models.Q(next_fetch_at__isnull=True) | models.Q(next_fetch_at__lte=now))
    return lease if rows.update(lease_until=lease) == 1 else None


def _release(feed, lease):
    Feed.objects.filter(pk=feed.pk, lease_until=lease).update(lease_until=None)


def _why_skipped(feed, now):
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


def _record_failure(feed, lease, now, message, status_code=None, gone=False):
    values = {
        "last_fetched_at": now,
        "last_error": message,
        "lease_until": None,
        "last_status_code": status_code,
    }
    if gone:
        values.update(active=False, status=feed_models.STATUS_GONE, next_fetch_at=None)
        status = feed_models.STATUS_GONE
    else:
        failures = feed.consecutive_failures + 1
        status = (
            feed_models.STATUS_UNHEALTHY
            if failures >= feed_models.UNHEALTHY_AFTER
            else feed_models.STATUS_ERROR
        )
        values.update(
            consecutive_failures=failures,
            status=status,
            next_fetch_at=now + backoff(feed, failures),
        )
    Feed.objects.filter(pk=feed.pk, lease_until=lease).update(**values)
    feed.refresh_from_db()
    return status


def ingest_feed(feed, force=False, now=None):
    """Fetch `feed` and turn its new entries into drafts. `force`: even if it is not due (an
    inactive feed or one another worker holds is never fetched). Whatever goes wrong is
    recorded on the feed (a bug too: 程序内部错误, with the traceback in the log), except the
    database failing, which gives the feed back and raises for the task to retry."""
    now = now or timezone.now()
    result = IngestResult(feed=feed)
    lease = _acquire(feed, now, force)
    if lease is None:
        result.skipped = _why_skipped(feed, now)
        return result
    # What another worker recorded before we got the lease (validators, failures) counts.
    feed.refresh_from_db()
    try:
        society_page = SocietyActivitiesPage.objects.filter(society_id=feed.society_id).first()
        if society_page is None:
            raise FetchError(
                _("成员学会 %(society)s 还没有活动栏目页面，无法导入")
                % {"society": feed.society.abbreviation}
            )
        fetched = fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if fetched.not_modified:
            result.status = feed_models.STATUS_NOT_MODIFIED
        else:
            parsed = parse(fetched.content, fetched.content_type)
            result.warnings.extend(parsed.warnings)
            _store_items(feed, society_page, parsed, now, result)
            result.status = feed_models.STATUS_OK
            if not feed.title and parsed.title:
                feed.title = parsed.title[:200]
                Feed.objects.filter(pk=feed.pk).update(title=feed.title)
    except (FetchError, ParseError) as error:
        result.error = error.message
        result.status = _record_failure(
            feed,
            lease,
            now,
            error.message,
            status_code=getattr(error, "status_code", None),
            gone=isinstance(error, FeedGone),
        )
        return result
    except DATABASE_DOWN:
        _release(feed, lease)
        raise
    except Exception as error:
        # A bug (or a feed no one foresaw): this feed's failure, backed off like any other.
        logger.exception("Feed %s: ingestion failed", feed.pk)
        result.error = _("程序内部错误（%(error)s），已记入日志，稍后重试") % {
            "error": type(error).__name__
        }
        result.status = _record_failure(feed, lease, now, result.error)
        return result
    except BaseException:
        # The worker is stopping: give the feed back at once.
        _release(feed, lease)
        raise
    Feed.objects.filter(pk=feed.pk, lease_until=lease).update(
        lease_until=None,
        status=result.status,
        etag=fetched.etag[:500],
        last_modified=fetched.last_modified[:100],
        last_fetched_at=now,
        last_success_at=now,
        last_status_code=fetched.status_code,
        last_error="",
        last_warning="；".join(result.warnings)[:5000],
        consecutive_failures=0,
        next_fetch_at=now + feed.interval,
    )
    feed.refresh_from_db()
    return result


def _newest_items(entries, today, result):
    """The entries as `Item`s, newest first, at most FEEDS_MAX_ENTRIES of them. An entry that
    cannot be read at all is skipped with a warning (and tried again at the next fetch)."""
    items = []
    for entry in entries:
        try:
            items.append(to_item(entry, today))
        except Exception as error:  # one unreadable entry must not stop the others
            logger.exception("Entry %r unreadable", entry.get("id"))
            label = truncate(str(entry.get("title") or entry.get("id") or ""), 40)
            result.warnings.append(
                _("条目《%(title)s》无法读取，已跳过：%(error)s")
                % {"title": label, "error": type(error).__name__}
            )
    # An undated entry counts as fetched today, the day it will be given; the sort is stable,
    # so the entries of one day keep the feed's order.
    items.sort(key=lambda item: item.published or today, reverse=True)
    limit = settings.FEEDS_MAX_ENTRIES
    if len(items) > limit:
        result.warnings.append(
            _("订阅源有 %(count)s 个条目，只取了最新的 %(limit)s 个")
            % {"count": len(items), "limit": limit}
        )
        items = items[:limit]
    return items


def _store_items(feed, society_page, parsed, now, result):
    today = timezone.localtime(now, SHANGHAI).date()
    seen = set()
    for item in _newest_items(parsed.entries, today, result):
        if item.key in seen:
            result.duplicates += 1
            result.warnings.append(
                _("条目 ID 重复：%(id)s，已跳过重复的条目") % {"id": item.guid}
                if item.guid
                else _("条目《%(title)s》在订阅源中重复出现，已跳过") % {"title": item.label}
            )
            continue
        seen.add(item.key)
        if _already_ingested(feed, item):
            result.duplicates += 1
            continue
        warnings = []
        try:
            page = _store(feed, society_page, item, today, warnings)
        except DATABASE_DOWN:
            raise
        except Exception as error:  # one bad entry must not stop the others
            logger.exception("Feed %s: entry %s not stored", feed.pk, item.label)
            result.warnings.append(
                _("条目《%(title)s》未能导入，下次抓取时重试：%(error)s")
                % {"title": item.label, "error": error}
            )
            continue
        if page is None:
            result.duplicates += 1
            continue
        result.warnings.extend(warnings)
        result.created += 1
        result.pages.append(page)


def ingest_due_feeds(now=None):
    """Ingest every active feed whose time has come, the longest waiting first; a list of
    `IngestResult`. Each feed on its own: what one feed raises is that feed's (recorded on it
    by `ingest_feed`, or, the database failing, logged and left due) and the next feed runs.
    No feed is started after FEEDS_RUN_SECONDS: the others stay due for the next run (every
    5 minutes), so that the task ends well within the broker's visibility timeout."""
    started = time.monotonic()
    due = Feed.objects.due(now or timezone.now()).select_related("society")
    results = []
    for feed in due.order_by("next_fetch_at", "pk"):
        if results and time.monotonic() - started > settings.FEEDS_RUN_SECONDS:
            logger.warning(
                "Feeds run over %s s: the other due feeds wait for the next run",
                settings.FEEDS_RUN_SECONDS,
            )
            break
        try:
            # Each feed its own `now` (unless one is given): its lease starts when it does.
            results.append(ingest_feed(feed, now=now))
        except Exception as error:
            logger.exception("Feed %s: not ingested", feed.pk)
            results.append(
                IngestResult(
                    feed=feed,
                    error=_("数据库暂时不可用（%(error)s），稍后重试")
                    % {"error": type(error).__name__},
                )
            )
    return results
