import pytest
from django.core.cache import caches
from wagtail.models import Page, Site

from tests.cms.factories import HomePageFactory, NewsIndexPageFactory
from tests.reports.factories import ReportIndexPageFactory


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
    from cms.demo_data import ensure_workstreams

    return ensure_workstreams()


@pytest.fixture
def federation(db):
    """The demo site as `load_demo` builds it before any app content: home, news and report
    indexes under the "秘书长审核" workflow, the groups and the demo accounts."""
    from cms.demo_data import load_core_demo
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
