"""A member-only report is limited to groups (the secretariat, the societies), never to "any
logged-in user": registration is open to any e-mail address, so a stranger who registers must
not read the report or download its .docx. The privacy dialog offers groups only, and the old
"logged-in" restrictions are migrated to the federation's groups."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.test import Client
from wagtail.models import PageViewRestriction

from cms.roles import Role, group_for
from tests.reports.factories import MonthlyReportPageFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cms.migrations.0008_member_only_pages_by_group")


@pytest.fixture
def report(federation):
    return MonthlyReportPageFactory(
        parent=federation["report_index"],
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 3, 1),
    )


def stranger():
    """Anyone: registers with any address and is signed in at once."""
    client = Client()
    response = client.post(
        "/accounts/register/",
        {
            "username": "stranger",
            "email": "stranger@example.com",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert response.status_code == 302
    return client


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_old_logged_in_restriction_becomes_the_federations_groups(report, users):
    PageViewRestriction.objects.create(page=report, restriction_type=PageViewRestriction.LOGIN)
    migration.logged_in_to_groups(apps, None)
    restriction = PageViewRestriction.objects.get(page=report)
    assert restriction.restriction_type == PageViewRestriction.GROUPS
    names = set(restriction.groups.values_list("name", flat=True))
    assert {"秘书处编辑", "秘书长", "成员学会", "成员学会·CMES"} <= names
    assert "申报单位" not in names and "评审专家" not in names

    outsider = stranger()
    for url in (report.url, report.url + "report.docx"):
        response = outsider.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")
        assert b"PK" not in response.content
    for username in ("society", "editor"):
        client = login(users[username])
        assert client.get(report.url).status_code == 200
        response = client.get(report.url + "report.docx")
        assert response.status_code == 200 and response.content.startswith(b"PK")


def test_the_privacy_dialog_offers_groups_only(report, users):
    editor = login(users["admin"])
    url = f"/admin/pages/{report.pk}/privacy/"
    content = editor.get(url).json()["html"]
    assert 'value="groups"' in content and 'value="none"' in content
    assert 'value="login"' not in content and 'value="password"' not in content
    # A forged choice of "logged-in users" is refused; nothing is stored.
    response = editor.post(url, {"restriction_type": "login"})
    assert response.json()["step"] == "set_privacy"
    assert not PageViewRestriction.objects.filter(page=report).exists()
    societies = group_for(Role.MEMBER_SOCIETY)
    response = editor.post(url, {"restriction_type": "groups", "groups": [societies.pk]})
    assert response.json()["step"] == "set_privacy_done"
    assert PageViewRestriction.objects.get(page=report).restriction_type == "groups"
    assert stranger().get(report.url + "report.docx").status_code == 302
