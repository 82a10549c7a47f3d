"""Settings of the Celery worker that `test_killed_worker.py` starts in a process of its own:
the test settings on the test's own database and media folders (named by the test in the
environment), Redis as the broker, and limits short enough for a test of seconds — with the
same order as in production: a feed's lease (2 s + 5 × 0.5 s = 4.5 s) ends before Redis
gives a killed worker's message to another worker (8 s)."""

import os

from cms.settings.test import *  # noqa: F403
from cms.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["LIANHE_WORKER_DATABASE_NAME"]
MEDIA_ROOT = os.environ["LIANHE_WORKER_MEDIA_ROOT"]
PRIVATE_MEDIA_ROOT = os.environ["LIANHE_WORKER_PRIVATE_MEDIA_ROOT"]

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["LIANHE_WORKER_BROKER_URL"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 8,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

FEEDS_ALLOW_PRIVATE_ADDRESSES = True
FEEDS_CONNECT_TIMEOUT = 1
FEEDS_TOTAL_TIMEOUT = 2
FEEDS_MAX_ENTRIES = 5
