"""Limits on sign-in attempts (django-axes, cms/limits.py) on the public site and in the admin,
and on the mails a stranger can make the site send (registration, verification, password
reset). Each test makes the attack and shows the refusal in Chinese with the wait, and that
nothing was done (no session, no account, no mail)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-42"


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user("zhang", "zhang@example.org", PASSWORD)


def signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("url", "field"), [("/accounts/login/", "username"), ("/admin/login/", "username")]
)
def test_the_eleventh_bad_password_is_refused_and_so_is_the_right_twelfth(person, url, field):
    client = Client()
    for attempt in range(1, 11):
        response = client.post(url, {field: "zhang", "password": f"wrong-{attempt}"})
        assert not signed_in(client)
    assert response.status_code == 429  # the tenth locks the account
    response = client.post(url, {field: "zhang", "password": "wrong-11"})
    assert response.status_code == 429
    response = client.post(url, {field: "zhang", "password": PASSWORD})
    assert response.status_code == 429
    content = response.content.decode()
    assert "登录失败次数过多" in content and "请 15 分钟后再试" in content
    assert not signed_in(client)
    # Another person signs in as usual meanwhile.
    get_user_model().objects.create_user("li", "li@example.org", PASSWORD)
    other = Client()
    other.post(url, {field: "li", "password": PASSWORD})
    assert signed_in(other)


def test_a_right_password_resets_the_count(person):
    client = Client()
    for _attempt in range(9):
        client.post("/accounts/login/", {"username": "zhang", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client)
    client.logout()
    for _attempt in range(9):
        assert client.post("/accounts/login/", {"username": "zhang", "password": "x"}).status_code
    client.post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    assert signed_in(client)


def register(client, number):
    return client.post(
        "/accounts/register/",
        {
            "username": f"firm{number}",
            "email": f"firm{number}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_registrations_from_one_address_are_limited(db, django_capture_on_commit_callbacks):
    # The verification mails leave through the outbox once each request's change commits.
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            assert register(Client(), number).status_code == 302
    response = register(Client(), 5)
    assert response.status_code == 429
    assert "注册过多，请 60 分钟后再试" in response.content.decode()
    assert not get_user_model().objects.filter(username="firm5").exists()
    assert len(mail.outbox) == 5


def test_verification_mails_are_limited(person, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(3):
            client.post("/accounts/verify/resend/")
    response = client.post("/accounts/verify/resend/", follow=True)
    assert "验证邮件发送次数过多，请 60 分钟后再试" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_mails_are_limited_and_link_to_the_sites_address(person, settings):
    settings.LIANHE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = "https://imac.example.org"
    client = Client()
    for _attempt in range(3):
        response = client.post("/admin/password_reset/", {"email": "zhang@example.org"})
        assert response.status_code == 302
    response = client.post(
        "/admin/password_reset/", {"email": "ZHANG@example.org"}, HTTP_HOST="localhost"
    )
    assert response.status_code == 200
    assert "重置密码邮件过多，请 60 分钟后再试" in response.content.decode()
    assert len(mail.outbox) == 3
    assert "https://imac.example.org/admin/password_reset/confirm/" in mail.outbox[0].body
    assert "testserver" not in mail.outbox[0].body
