"""The sign-up verification mail, the one event cms sends itself, goes through the outbox (shown
in 发件箱) to a real SMTP server, and is limited per address and per network address (IP). Also:
EMAIL_URL read into Django's settings."""

import re

import pytest
from django.test import Client

from cms.models import MessageState, OutboxMessage
from cms.settings.email_url import parse_email_url

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-42"


def register(client, username, email, ip="10.0.0.1"):
    return client.post(
        "/accounts/register/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR=ip,
    )


def test_the_verification_mail_goes_through_the_outbox(federation, smtp_server, on_commit):
    with on_commit():
        assert register(Client(), "firm", "firm@example.com").status_code == 302
    (received,) = smtp_server.messages
    assert "验证" in received["Subject"]
    text = received.get_body(("plain",)).get_content()
    assert "中国科协智能制造学会联合体" in text
    link = re.search(r"http://testserver(/accounts/verify/\S+/)", text).group(1)
    # The account's own mail: no unsubscribe link, no inbox item.
    assert received["List-Unsubscribe"] is None and "不再接收" not in text
    message = OutboxMessage.objects.get(kind="cms.verify_email")
    assert message.state == MessageState.SENT
    assert not message.recipient.notifications.exists()
    assert "邮箱已验证" in Client().get(link).content.decode()


def test_resent_verification_mails_to_one_address_are_limited(federation, on_commit):
    client = Client()
    with on_commit():
        register(client, "firm", "firm@example.com")
        for _attempt in range(2):
            client.post("/accounts/verify/resend/", REMOTE_ADDR="10.0.0.2")
        # From another network, still the same address: refused.
        response = client.post("/accounts/verify/resend/", REMOTE_ADDR="10.0.0.3", follow=True)
    assert "请 60 分钟后再试" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="cms.verify_email").count() == 3


def test_a_new_account_for_an_address_past_its_limit_is_refused(federation, settings):
    from cms import limits

    for _attempt in range(3):
        limits.count("verify-address", "firm@example.com")
    response = register(Client(), "firm", "FIRM@example.com")
    assert response.status_code == 429
    assert "发往该邮箱的验证邮件过多，请 60 分钟后再试" in response.content.decode()
    assert not OutboxMessage.objects.exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="firm").exists()


def test_verification_mails_from_one_ip_are_limited(federation, on_commit):
    # Ten accounts' verification mails from one network in an hour (MAIL_LIMITS["verify-ip"]):
    # five registrations (the registration limit) and five resends from them.
    clients = []
    with on_commit():
        for number in range(5):
            client = Client()
            assert register(client, f"firm{number}", f"firm{number}@example.com").status_code == 302
            clients.append(client)
        for client in clients:
            client.post("/accounts/verify/resend/", REMOTE_ADDR="10.0.0.1")
        response = clients[0].post("/accounts/verify/resend/", REMOTE_ADDR="10.0.0.1", follow=True)
    assert "验证邮件发送次数过多，请 60 分钟后再试" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="cms.verify_email").count() == 10
    # Another network is not held up.
    with on_commit():
        clients[1].post("/accounts/verify/resend/", REMOTE_ADDR="10.9.9.9")
    assert OutboxMessage.objects.filter(kind="cms.verify_email").count() == 11


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mailer:p%40ss@mail.example.org:587/?tls=True",
            ("mail.example.org", 587, "mailer", "p@ss", True, False),
        ),
        ("smtps://u:p@mail.example.org", ("mail.example.org", 465, "u", "p", False, True)),
        ("smtp://localhost", ("localhost", 25, "", "", False, False)),
    ],
)
def test_email_url_gives_the_smtp_settings(url, expected):
    parsed = parse_email_url(url)
    assert parsed["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (
        parsed["EMAIL_HOST"],
        parsed["EMAIL_PORT"],
        parsed["EMAIL_HOST_USER"],
        parsed["EMAIL_HOST_PASSWORD"],
        parsed["EMAIL_USE_TLS"],
        parsed["EMAIL_USE_SSL"],
    ) == expected
    with pytest.raises(ValueError, match="EMAIL_URL"):
        parse_email_url("http://mail.example.org")


def test_production_reads_email_url_over_the_smtp_variables(monkeypatch):
    from tests.production_settings import load_production

    module = load_production(
        monkeypatch,
        EMAIL_URL="smtps://mailer:secret@smtp.example.org:2465",
        EMAIL_HOST="ignored.example.org",
    )
    assert module.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (module.EMAIL_HOST, module.EMAIL_PORT) == ("smtp.example.org", 2465)
    assert module.EMAIL_USE_SSL and not module.EMAIL_USE_TLS
    module = load_production(monkeypatch, EMAIL_URL=None, EMAIL_HOST="mail.example.org")
    assert module.EMAIL_HOST == "mail.example.org" and module.EMAIL_PORT == 25
