"""`make run` leaves a demo a person can use at once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from cms.demo import DEMO_ACCOUNTS
from cms.models import MemberSociety, NewsPage, Workstream
from reports.models import MonthlyReportPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def counts():
    return (
        Page.objects.count(),
        NewsPage.objects.count(),
        MonthlyReportPage.objects.count(),
        MemberSociety.objects.count(),
        Workstream.objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_is_safe_to_run_twice(client, capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert MemberSociety.objects.count() == 15
    assert set(MemberSociety.objects.values_list("abbreviation", flat=True)) >= {
        "CMES", "CIS", "CAA", "CIE", "CES", "CSF",
    }  # fmt: skip
    assert list(Workstream.objects.values_list("name", flat=True)) == [
        "战略咨询", "学术交流", "产学融合", "协同创新", "人才培养",
        "国际智能制造联盟（筹）", "科技公共服务", "自身建设",
    ]  # fmt: skip

    response = client.get("/reports/2021-01-03/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "进展情况月报" in html and "潍坊" in html
    assert client.get("/").status_code == 200
    assert client.get("/news/").status_code == 200
    assert client.get("/reports/").status_code == 200

    # A submitted draft waits for the secretary-general and is not public.
    april = MonthlyReportPage.objects.get(slug="2021-04")
    assert not april.live
    assert april.current_workflow_task.name == "秘书长审核"
    assert client.get("/reports/2021-04/").status_code == 404


def test_every_demo_account_can_log_in(client):
    call_command("load_demo")
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=account.password), account
        client.logout()
    staff = {"admin", "editor", "secretary", "society"}
    for account in DEMO_ACCOUNTS:
        client.login(username=account.username, password=account.password)
        status = client.get("/admin/").status_code
        assert (status == 200) == (account.username in staff), (account.username, status)
        client.logout()


def test_demo_accounts_are_printed(capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.username in out and account.password in out


def test_demo_activities_are_browsable_and_one_waits_for_the_secretariat(client):
    from activities.models import ActivityPage, Feed, SocietyActivitiesPage

    call_command("load_demo")
    assert SocietyActivitiesPage.objects.count() == MemberSociety.objects.count()
    seminar = ActivityPage.objects.get(slug="internet-era-seminar-2021-03-26")
    assert seminar.live and seminar.society.abbreviation == "CMES"
    assert "南京" in client.get(seminar.url).content.decode()
    assert "制造业企业如何迈入互联网时代" in client.get("/activities/").content.decode()

    waiting = ActivityPage.objects.get(slug="demo-submitted-visit")
    assert not waiting.live
    assert waiting.current_workflow_task.name == "秘书处审核"
    assert client.get(waiting.url or "/activities/cmes/demo-submitted-visit/").status_code == 404
    # The demo feed is registered but makes no request to the outside world.
    assert not Feed.objects.get(society__abbreviation="CIS").active
