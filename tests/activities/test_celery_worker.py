"""A real Celery worker on Redis ingests a feed: the task is sent through the broker (not run
eagerly), picked up by a worker thread and its draft lands in the test database.

Needs Redis on 127.0.0.1:6379. Skipped when Redis is not there, unless LIANHE_REQUIRE_REDIS is
set (CI sets it), in which case a missing Redis is a failure."""

import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError

import cms.celery
from activities.models import ActivityPage, Feed
from activities.tasks import ingest_feed_task
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    feed_server_fixture,
    local_feeds_fixture,
)
from tests.redis_broker import REDIS_URL, redis_or_skip


@pytest.fixture
def redis_app():
    """A Celery app like the project's, on Redis, not eager, with a queue of its own so that
    no other run's worker takes our task (and ours takes no other's)."""
    redis_or_skip()
    app = Celery("lianhe-test-worker")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=REDIS_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=f"lianhe-test-{uuid.uuid4().hex}",
        broker_connection_retry_on_startup=False,
    )
    yield app
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(app.conf.task_default_queue)
    app.close()
    # The project's app is the one every other test expects to find.
    cms.celery.app.set_current()
    cms.celery.app.set_default()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_ingests_a_feed_sent_through_redis(society_pages, local_feeds, redis_app):
    feed = FeedFactory(
        society=society_pages["CIS"].society, url=local_feeds.url("/feeds/atom.xml"), title="新闻"
    )
    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        task = redis_app.tasks[ingest_feed_task.name]
        assert task.acks_late
        # Published to Redis (the app is not eager), and returns at once.
        assert task.delay(feed.pk).id
        deadline = time.monotonic() + 30
        done = False
        while not done and time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                done = Feed.objects.filter(pk=feed.pk, last_fetched_at__isnull=False).exists()
            except OperationalError:
                # SQLite's shared in-memory test database refuses a read while the worker's
                # transaction writes ("table is locked"): look again.
                continue
    titles = sorted(
        ActivityPage.objects.filter(society__abbreviation="CIS").values_list("title", flat=True)
    )
    assert titles == ["仪器仪表学术年会在北京召开", "智能传感器标准研讨会议"]
    feed = Feed.objects.get(pk=feed.pk)
    assert feed.status == "ok"
    assert feed.lease_until is None


def test_a_killed_workers_message_comes_back_after_the_tasks_could_have_ended(settings):
    """The order the settings keep (cms/settings/base.py): the longest task — the due-feeds run,
    which starts no feed after FEEDS_RUN_SECONDS and gives each at most its lease — ends before
    the hard time limit, which comes before Redis hands an unacknowledged message to another
    worker; and that is minutes, not kombu's hour."""
    from activities.ingest import lease_duration

    conf = cms.celery.app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    lease = lease_duration().total_seconds()
    assert lease == 120
    assert settings.FEEDS_RUN_SECONDS + lease < conf.task_time_limit < visibility <= 300
    # Checked for every 10 s, not every 100 (kombu's 10 × 10).
    options = conf.broker_transport_options
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 10
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
