"""The embedded default holds concurrent editors: eight threads of one process (a web server's)
save revisions on one SQLite file at once, with the project's settings, and none fails."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

WRITERS = Path(__file__).with_name("sqlite_writers.py")

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the embedded default's SQLite file; PostgreSQL has no such lock",
    ),
]


def run_writers(db_file, *options):
    result = subprocess.run(
        [sys.executable, str(WRITERS), str(db_file), *options],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_eight_writers_at_once_on_the_default_settings_all_succeed(sqlite_file):
    outcome = run_writers(sqlite_file, "--threads", "8", "--saves", "12")
    assert outcome["errors"] == []
    assert outcome["revisions"] == outcome["expected"] == 96
    assert outcome["journal_mode"] == "wal"


def test_django_sqlite_defaults_lose_writes(sqlite_file):
    """What the options are for: with Django's defaults the same load fails (a deferred
    transaction cannot wait for the lock it must upgrade)."""
    outcome = run_writers(sqlite_file, "--threads", "8", "--saves", "12", "--sqlite-defaults")
    assert outcome["errors"], outcome
    assert all("database is locked" in error for error in outcome["errors"])
    assert outcome["revisions"] < outcome["expected"]
