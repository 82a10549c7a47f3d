import datetime
import os
import zoneinfo

import pytest
import time_machine
from django.core.cache import caches
from wagtail.models import Page, Site

from tests.cms.factories import HomePageFactory, NewsIndexPageFactory
from tests.reports.factories import ReportIndexPageFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def pytest_configure(config):
    """LIANHE_TEST_TODAY=2026-12-31T23:30 runs the whole suite as if it were that moment in
    Beijing (the clock ticks on from there): how tests that depend on the date they run on are
    found. See the README's "Tests and the date"."""
    moment = os.environ.get("LIANHE_TEST_TODAY")
    if moment:
        start = datetime.datetime.fromisoformat(moment)
        if start.tzinfo is None:
            start = start.replace(tzinfo=SHANGHAI)
        time_machine.travel(start, tick=True).start()


@pytest.fixture
def travel():
    """`travel(date, hour=10)` stops the clock at that moment of Beijing time for the rest of the
    test, for code that reads "today" (calendars, campaign phases, deadlines, notices)."""
    travellers = []

    def to(day, hour=10, minute=0):
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield to
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture(autouse=True)
def fresh_caches():
    """The database is rolled back after each test but the local-memory caches are not: a
    rendition or a page cached by one test must not answer for a reused primary key in the
    next."""
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def home(db):
    """A site whose root is the federation's home page, as `load_demo` leaves it."""
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = HomePageFactory(parent=root, title="首页", slug="home")
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home


@pytest.fixture
def news_index(home):
    return NewsIndexPageFactory(parent=home, title="新闻动态", slug="news")


@pytest.fixture
def report_index(home):
    return ReportIndexPageFactory(parent=home, title="进展情况月报", slug="reports")


@pytest.fixture
def workstreams(db):
    from cms.demo import ensure_workstreams

    return ensure_workstreams()


@pytest.fixture
def federation(db):
    """The demo site as `load_demo` builds it before any app content: home, news and report
    indexes under the "秘书长审核" workflow, the groups and the demo accounts."""
    from cms.demo import load_core_demo
    from reports.demo import ensure_report_index

    context = load_core_demo()
    context["report_index"] = ensure_report_index(context["home"], context["workflow"])
    return context


@pytest.fixture
def users(federation):
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return {u.username: u for u in user_model.objects.all()}


@pytest.fixture
def activities_index(federation):
    """The activities index under the demo home, with every society's area and group."""
    from activities.areas import sync_all_society_areas
    from tests.activities.factories import ActivitiesIndexPageFactory

    index = ActivitiesIndexPageFactory(parent=federation["home"])
    sync_all_society_areas()
    return index


@pytest.fixture
def society_pages(activities_index):
    """{abbreviation: SocietyActivitiesPage} of the demo societies."""
    from activities.models import SocietyActivitiesPage

    return {
        page.society.abbreviation: page
        for page in SocietyActivitiesPage.objects.select_related("society")
    }


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (tests/smtp_server.py) that Django's mail goes to for the test."""
    from tests.smtp_server import SmtpServer

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit():` runs, at its end, what the code inside left for after commit (the
    test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
