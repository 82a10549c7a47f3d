"""Ingest member-society feeds: every new entry becomes a draft activity in the secretariat's
moderation queue ("秘书处审核"), once.

* One worker at a time per feed: a lease taken with one conditional UPDATE
  (`activities.ingest_health.acquire`).
* Each entry is identified within its feed by its id (GUID), else its link, else a hash of its
  title and text; a `FeedEntry` is written for it in the same transaction as its draft, and the
  unique (feed, key) constraint turns a second worker's insert into a skip. The `FeedEntry`
  stays when a moderator rejects or deletes the draft, so the entry never comes back.
* One entry's fault (a date no calendar has, a body the database refuses) is that entry's
  warning, never the feed's failure, though the feed's status says that entries are missing
  (部分条目未能导入) until a fetch stores them; one feed's fault (anything it raises, a bug
  included) is recorded on that feed and never stops the other feeds of a run
  (`ingest_due_feeds`).
* Failures never touch what was ingested before; the feed backs off (`activities.ingest_health`).
* Every warning is a sentence in Chinese: an error is described (`describe_error`), never shown
  as its repr.
* At most FEEDS_MAX_ENTRIES entries are taken per fetch, the newest first: a feed that dumps
  its whole archive does not flood the moderation queue (nor hold its lease for an hour)."""

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    models,
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.entries import (
    SHANGHAI,
    to_item,
    truncate,
)
from activities.fetch import FeedGone, FetchError, fetch
from activities.ingest_drafts import describe_error, draft, slug_for
from activities.ingest_health import acquire as _acquire
from activities.ingest_health import backoff, lease_duration  # noqa: F401 (the API)
from activities.ingest_health import record_failure as _record_failure
from activities.ingest_health import release as _release
from activities.ingest_health import why_skipped as _why_skipped
from activities.models import Feed, FeedEntry, FeedStatus, SocietyActivitiesPage
from activities.parse import ParseError, parse
from cms.locks import locked

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    feed: Feed
    created: int = 0
    duplicates: int = 0
    # Entries that could not be stored (tried again at the next fetch).
    failed: int = 0
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
        elif self.status == FeedStatus.NOT_MODIFIED:
            line = _("%(feed)s：无更新（HTTP 304）") % {"feed": head}
        else:
            line = _("%(feed)s：新增 %(created)s 条，跳过重复 %(duplicates)s 条") % {
                "feed": head,
                "created": self.created,
                "duplicates": self.duplicates,
            }
            if self.failed:
                line += _("，%(failed)s 条未能导入（下次抓取时重试）") % {"failed": self.failed}
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
        parent = locked(SocietyActivitiesPage.objects.filter(pk=society_page.pk)).get()
        page = draft(item, today, warnings)
        page.slug = slug_for(parent, item, page.start_date, page.title)
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
            result.status = FeedStatus.NOT_MODIFIED
        else:
            parsed = parse(fetched.content, fetched.content_type)
            result.warnings.extend(parsed.warnings)
            _store_items(feed, society_page, parsed, now, result)
            result.status = FeedStatus.PARTIAL if result.failed else FeedStatus.OK
            if not feed.title and parsed.title:
                feed.title = parsed.title
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
    """The entries as `FeedItem`s, newest first, at most FEEDS_MAX_ENTRIES of them. An entry that
    cannot be read at all is skipped with a warning (and tried again at the next fetch)."""
    items = []
    for entry in entries:
        try:
            items.append(to_item(entry, today))
        except Exception as error:  # one unreadable entry must not stop the others
            logger.exception("Entry %r unreadable", entry.get("id"))
            label = truncate(str(entry.get("title") or entry.get("id") or ""), 40)
            result.failed += 1
            result.warnings.append(
                _("条目《%(title)s》无法读取，已跳过（%(reason)s）")
                % {"title": label, "reason": describe_error(error)}
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
    failures = []
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
            result.failed += 1
            failures.append(
                _("条目《%(title)s》未能导入（%(reason)s）")
                % {"title": truncate(item.label, 40), "reason": describe_error(error)}
            )
            continue
        if page is None:
            result.duplicates += 1
            continue
        result.warnings.extend(warnings)
        result.created += 1
        result.pages.append(page)
    if failures:
        # First, so that the feed's list shows it even when the warnings are cut short.
        result.warnings[:0] = [
            _("有 %(count)s 个条目未能导入，下次抓取时重试") % {"count": len(failures)},
            *failures,
        ]


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
