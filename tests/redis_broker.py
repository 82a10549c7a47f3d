"""The Redis the real-worker tests (tests/activities/test_celery_worker.py, tests/workers) send
their tasks through: skipped when it is not there, unless LIANHE_REQUIRE_REDIS is set (CI sets
it), in which case a missing Redis is a failure."""

import os

import pytest

REDIS_URL = os.environ.get("LIANHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as error:
        if os.environ.get("LIANHE_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required (LIANHE_REQUIRE_REDIS) but unreachable: {error}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
