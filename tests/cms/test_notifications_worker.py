"""A real Celery worker on Redis sends the outbox: `notify` in a committed transaction puts the
message's task on the broker (the app is not eager), a worker thread takes it and the real SMTP
server (tests/smtp_server.py) receives the mail, once.

Needs Redis on 127.0.0.1:6379 (tests/redis_broker.py): skipped without it, unless
LIANHE_REQUIRE_REDIS is set."""

import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, transaction

import cms.celery
from cms.models import MessageState, OutboxMessage
from cms.tasks import send_outbox_message
from tests.cms.factories import UserFactory
from tests.cms.notification_helpers import send_notice
from tests.redis_broker import REDIS_URL, redis_or_skip


@pytest.fixture
def redis_app():
    """A Celery app like the project's, on Redis, not eager, on a queue of its own; the current
    app while the test runs, so that the shared tasks `notify` sends go through it."""
    redis_or_skip()
    app = Celery("lianhe-test-notifications")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=REDIS_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=f"lianhe-test-{uuid.uuid4().hex}",
        broker_connection_retry_on_startup=False,
    )
    app.set_current()
    app.set_default()
    yield app
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(app.conf.task_default_queue)
    app.close()
    cms.celery.app.set_current()
    cms.celery.app.set_default()


def sent(pk):
    try:
        return OutboxMessage.objects.filter(pk=pk, state=MessageState.SENT).exists()
    except OperationalError:  # SQLite's shared in-memory database, locked by the worker
        return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_sends_a_committed_notification(redis_app, smtp_server, notice_kind):
    applicant = UserFactory(email="firm@example.com")
    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert redis_app.tasks[send_outbox_message.name].acks_late
        # What `notify` calls is the task of this app, through the broker.
        assert send_outbox_message.app is redis_app and not redis_app.conf.task_always_eager
        with transaction.atomic():
            (message,) = send_notice(applicant, key="nomination:7:endorsed")
        deadline = time.monotonic() + 30
        while not sent(message.pk) and time.monotonic() < deadline:
            time.sleep(0.2)
    assert sent(message.pk)
    assert [m["To"] for m in smtp_server.messages] == ["firm@example.com"]
