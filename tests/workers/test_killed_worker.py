"""A Celery worker killed with SIGKILL in the middle of a feed ingestion and of a report export,
then started again: no entry lost, none doubled, the export rebuilt.

The worker is a real `celery worker` in a process group of its own (so that SIGKILL takes its
pool processes with it, as the OOM killer or a lost machine would), on Redis and on the test's
database. A process of its own cannot open SQLite's in-memory test database: these tests run
with the live tests (the Makefile's second phase, LIVE_TESTS), where LIANHE_TEST_SQLITE_FILE
makes it a file; on PostgreSQL the worker opens the test database by its name. Needs Redis on
127.0.0.1:6379, like tests/activities/test_celery_worker.py (skipped without it, unless
LIANHE_REQUIRE_REDIS is set)."""

import contextlib
import datetime
import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone
from docx import Document

from activities.models import ActivityPage, Feed, FeedEntry
from cms.storage import private_storage
from reports.export_store import export_digest, stored_name
from reports.models import ProgressEntry
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    feed_server_fixture,
    local_feeds_fixture,
    rss,
)
from tests.redis_broker import REDIS_URL, redis_or_skip
from tests.reports.factories import MonthlyReportPageFactory

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60


def in_memory_database():
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)


class Worker:
    """`celery worker` processes on the test's database, started and SIGKILLed by the test."""

    def __init__(self, queue, stall_dir, logs):
        self.queue = queue
        self.stall_dir = stall_dir
        self.logs = logs
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.workers.worker_settings",
            "LIANHE_WORKER_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "LIANHE_WORKER_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LIANHE_WORKER_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "LIANHE_WORKER_BROKER_URL": REDIS_URL,
            "LIANHE_STALL_DIR": str(stall_dir),
        }
        self.processes = []

    def start(self):
        log = self.logs / f"worker-{len(self.processes) + 1}.log"
        command = [sys.executable, "-m", "celery", "-A", "tests.workers.worker_app", "worker"]
        command += ["--pool=prefork", "--concurrency=3", f"--queues={self.queue}"]
        command += [f"--hostname={self.queue}-{len(self.processes)}@%h", "--loglevel=INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def kill(self, process):
        """SIGKILL to the worker and its pool processes: nothing is acknowledged or cleaned up."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def kill_all(self):
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                self.kill(process)

    def log(self):
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in self.logs.iterdir())


def wait_for(condition, what, worker):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:
            pass  # SQLite: the worker is writing; look again
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {WAIT} s. Worker log:\n{worker.log()}")


@pytest.fixture
def broker():
    """An app on Redis that only publishes, to a queue of this test's own."""
    redis_or_skip()
    queue = f"lianhe-killed-{uuid.uuid4().hex}"
    app = Celery("lianhe-killed-worker-test", broker=REDIS_URL)
    app.conf.update(task_default_queue=queue, broker_connection_retry_on_startup=False)
    yield app, queue
    # A test that failed with the worker killed leaves its messages unacknowledged: Redis keeps
    # them for whichever worker comes next on this database, unless they go with the queue.
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for tag, payload in client.hgetall("unacked").items():
        if json.loads(payload)[2] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)
    app.close()


@pytest.fixture
def worker(broker, tmp_path):
    if in_memory_database():
        pytest.skip(
            "a worker process cannot open SQLite's in-memory test database: this test runs "
            "with LIANHE_TEST_SQLITE_FILE=1 (the Makefile's LIVE_TESTS phase) or on PostgreSQL"
        )
    _app, queue = broker
    stall_dir = tmp_path / "stall"
    logs = tmp_path / "logs"
    stall_dir.mkdir()
    logs.mkdir()
    worker = Worker(queue, stall_dir, logs)
    yield worker
    worker.kill_all()


def entries(feed):
    return list(FeedEntry.objects.filter(feed=feed).values_list("guid", flat=True))


def whole_docx(path):
    return path.exists() and zipfile.is_zipfile(path)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_loses_no_entry_doubles_none_and_the_export_is_rebuilt(
    federation, society_pages, workstreams, local_feeds, broker, worker, client
):
    app, _queue = broker
    # A published report whose Word file is not built yet (publishing built it eagerly here).
    report = MonthlyReportPageFactory(
        parent=federation["report_index"],
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 3, 1),
    )
    ProgressEntry.objects.create(
        page=report, workstream=workstreams[0], body="推进联合攻关。", sort_order=0
    )
    report.save_revision().publish()
    report.refresh_from_db()
    export = Path(
        private_storage().path(stored_name(report, export_digest(report, report.get_site())))
    )
    export.unlink(missing_ok=True)

    # Feed A: five entries; the worker stalls after storing two. Feed B: three entries; the
    # server stalls in the middle of its response.
    days = ["21", "20", "19", "18", "17"]
    local_feeds.documents["a"] = (
        rss([(f"a-{day}", f"A 活动{day}", f"2021-07-{day}T10:00:00+08:00") for day in days]),
        "application/rss+xml",
    )
    local_feeds.documents["b"] = (
        rss([(f"b-{day}", f"B 活动{day}", f"2021-07-{day}T10:00:00+08:00") for day in days[:3]]),
        "application/rss+xml",
    )
    feed_a = FeedFactory(society=society_pages["CAA"].society, url=local_feeds.url("/doc/a"))
    feed_b = FeedFactory(society=society_pages["CIS"].society, url=local_feeds.url("/stall/b"))

    (worker.stall_dir / "feed").touch()
    (worker.stall_dir / "export").touch()
    first = worker.start()
    app.send_task("reports.tasks.export_report", args=[report.pk])
    wait_for(lambda: (worker.stall_dir / "export-stalled").exists(), "export stalls", worker)
    app.send_task("activities.tasks.ingest_feed", args=[feed_a.pk])
    wait_for(lambda: (worker.stall_dir / "feed-stalled").exists(), "feed A stalls", worker)
    # B last, its download cut short by the kill rather than by its deadline (2 s here).
    app.send_task("activities.tasks.ingest_feed", args=[feed_b.pk])
    wait_for(lambda: local_feeds.hits("/stall/b") == 1, "feed B is being downloaded", worker)

    worker.kill(first)
    # Killed in the middle: two of A's entries, none of B's, half a Word file; both feeds
    # leased to a worker that is gone.
    assert sorted(entries(feed_a)) == ["a-20", "a-21"]
    assert entries(feed_b) == []
    assert export.exists() and not whole_docx(export)
    assert all(feed.lease_until for feed in Feed.objects.filter(pk__in=[feed_a.pk, feed_b.pk]))

    for stall in worker.stall_dir.iterdir():
        stall.unlink()
    local_feeds.unstall.set()
    worker.start()
    # Nothing is sent again: Redis gives the killed worker's messages to the new one once they
    # are older than the visibility timeout (8 s here, 5 minutes in production, not an hour).
    wait_for(lambda: whole_docx(export), "export rebuilt", worker)
    wait_for(
        lambda: Feed.objects.filter(pk__in=[feed_a.pk, feed_b.pk], status="ok").count() == 2,
        "both feeds ingested",
        worker,
    )

    assert sorted(entries(feed_a)) == sorted(f"a-{day}" for day in days)
    assert sorted(entries(feed_b)) == sorted(f"b-{day}" for day in days[:3])
    titles = list(ActivityPage.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles)) == 8
    assert all(entry.page_id for entry in FeedEntry.objects.all())
    for feed in Feed.objects.filter(pk__in=[feed_a.pk, feed_b.pk]):
        assert (feed.lease_until, feed.last_error, feed.consecutive_failures) == (None, "", 0)
        assert feed.last_success_at > timezone.now() - datetime.timedelta(minutes=5)

    response = client.get(report.url + "report.docx")
    assert response.status_code == 200
    assert response.content == export.read_bytes()
    assert "推进联合攻关。" in "".join(
        p.text for p in Document(io.BytesIO(response.content)).paragraphs
    )
