"""Fixtures of the cms tests."""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection

from campaigns.demo.showcase import ensure_index as ensure_showcase_index
from campaigns.models import ShowcaseYearPage
from cms.models import MemberSociety
from tests.activities.factories import ActivitiesIndexPageFactory, SocietyActivitiesPageFactory
from tests.cms.published_pages import publish


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


@pytest.fixture
def society_page(federation):
    """CMES's activities area under a new activities index of the demo home."""
    index = ActivitiesIndexPageFactory(parent=federation["home"])
    society = MemberSociety.objects.get(abbreviation="CMES")
    return SocietyActivitiesPageFactory(parent=index, society=society)


@pytest.fixture
def year_page(federation):
    """A published 2024 双十 year under the showcase index."""
    index = ensure_showcase_index(federation["home"])
    page = ShowcaseYearPage(title="2024 年“双十”科技进展", slug="2024", year=2024)
    return publish(index, page)


@pytest.fixture
def notice_kind():
    """A kind of the tests' own, on the default templates (`subject` and `message` given)."""
    from cms.notifications.kinds import Kind, register_kind, unregister_kind

    kind = register_kind(Kind("tests.notice", "测试通知", audience="申报单位"))
    yield kind
    unregister_kind(kind.code)
