"""Fixtures of the cms tests."""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def sqlite_file(tmp_path):
    """A file holding the migrated test database (copied with SQLite's backup API: migrating a
    new file would take half a minute). For tests marked
    `django_db(transaction=True, serialized_rollback=True)`: outside a transaction (SQLite
    cannot copy a database its own connection is writing), with what the migrations wrote (the
    root page, the locale) restored after an earlier test's flush."""
    target = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    # The test database, never the demo's file next to manage.py.
    assert connection.settings_dict["NAME"] != str(settings.BASE_DIR / "db.sqlite3")
    destination = sqlite3.connect(target)
    connection.connection.backup(destination)
    destination.close()
    return target
