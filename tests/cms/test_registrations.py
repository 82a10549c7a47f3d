"""The contracts between the apps are registrations: `cms` names no app, and each app registers
its search groups, its header links and its URLs, and says which days a change of its own
concerns (`cms.signals.linked_entries_changed`), which the monthly reports listen to."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.test import RequestFactory

from cms.header_links import HeaderLink, header_links
from cms.search import search_groups
from cms.signals import linked_entries_changed
from cms.urls import APP_URLCONFS
from reports.signal_handlers import span_days
from tests.activities.factories import ActivityPageFactory
from tests.campaigns.factories import CampaignIndexPageFactory, MilestoneFactory, published_campaign

D = datetime.date


def test_search_groups_come_in_their_order():
    keys = [group.key for group in search_groups()]
    assert keys == ["news", "showcase", "activities", "campaigns", "reports"]


@pytest.mark.django_db
def test_the_header_links_an_applicant_to_their_nominations_and_inbox_once_signed_in():
    from tests.cms.factories import NotificationFactory, UserFactory

    request = RequestFactory().get("/")
    request.user = SimpleNamespace(is_authenticated=False)
    assert header_links(request) == []
    request.user = UserFactory()
    NotificationFactory.create_batch(2, recipient=request.user)
    assert header_links(request) == [
        HeaderLink("我的申报", "/accounts/nominations/", order=10),
        # cms's own (`cms.notifications.header`), with the unread count.
        HeaderLink("通知", "/notifications/", order=90, badge=2),
    ]


def test_every_app_of_the_project_has_its_urls_included():
    project_apps = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == settings.BASE_DIR and config.name != "cms"
    }
    assert project_apps == {"activities", "campaigns", "reports"}
    assert {urlconf.removesuffix(".urls") for urlconf in APP_URLCONFS} == project_apps


@pytest.fixture
def heard():
    """[(sender's name, dates, spans)] of `linked_entries_changed` while the test runs."""
    calls = []

    def listen(sender, dates=(), spans=(), **kwargs):
        calls.append((sender.__name__, list(dates), list(spans)))

    linked_entries_changed.connect(listen)
    yield calls
    linked_entries_changed.disconnect(listen)


def test_a_milestone_moved_to_another_month_names_both_days(federation, workstreams, heard):
    index = CampaignIndexPageFactory(parent=federation["home"])
    campaign = published_campaign(index, title="2021 中国智能制造科技进展", slug="2021-progress")
    milestone = MilestoneFactory(campaign=campaign, date=D(2021, 7, 20))
    assert heard == [("Milestone", [D(2021, 7, 20)], [])]
    milestone.date = D(2021, 8, 3)
    milestone.save()
    assert heard[-1] == ("Milestone", [D(2021, 8, 3), D(2021, 7, 20)], [])


def test_an_activity_published_names_its_days(society_pages, workstreams, heard):
    page = ActivityPageFactory(
        parent=society_pages["CMES"], live=False, start_date=D(2021, 7, 28), end_date=D(2021, 9, 2)
    )
    page.save_revision().publish()
    assert heard == [("ActivityPage", [], [(D(2021, 7, 28), D(2021, 9, 2))])]


def test_the_reports_read_a_span_as_a_day_of_each_month():
    days = [D(2021, 7, 28), D(2021, 8, 1), D(2021, 9, 1)]
    assert span_days(D(2021, 7, 28), D(2021, 9, 2)) == days
    assert span_days(D(2021, 7, 9)) == [D(2021, 7, 9)]
