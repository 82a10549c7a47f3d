"""Applicants register, verify their email address, and only then may apply. Member societies
have groups; a user's societies are those whose groups they are in."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from cms import accounts
from cms.accounts import is_email_verified, verification_token
from cms.models import MemberSociety
from tests.cms.factories import MemberSocietyFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "username": "zhangsan",
    "email": "zhangsan@example.com",
    "password1": "Zhineng-zhizao-2024",
    "password2": "Zhineng-zhizao-2024",
}


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """The verification mail leaves through the outbox once the request's change commits; the
    test's transaction never does, so the callbacks are run at the end of `with on_commit():`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def verification_link():
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhangsan@example.com"]
    assert "验证" in message.subject
    return re.search(r"http://testserver(/accounts/verify/\S+/)", message.body).group(1)


def test_register_verify_then_join_the_applicants(client, federation, on_commit):
    with on_commit():
        response = client.post(reverse("register"), REGISTRATION)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="zhangsan")
    assert user.email == "zhangsan@example.com"
    assert not is_email_verified(user)
    assert not user.groups.filter(name="申报单位").exists()
    # Logged in at once, told to check the mailbox.
    response = client.get(response["Location"])
    assert "验证邮件已发送至 zhangsan@example.com" in response.content.decode()

    link = verification_link()
    response = client.get(link)
    assert response.status_code == 200
    assert "邮箱已验证" in response.content.decode()
    user.refresh_from_db()
    assert is_email_verified(user)
    assert user.groups.filter(name="申报单位").exists()
    # Following the link again does no harm.
    assert client.get(link).status_code == 200
    assert user.groups.filter(name="申报单位").count() == 1


def test_bad_or_expired_links_verify_nothing(client, federation, monkeypatch, on_commit):
    with on_commit():
        client.post(reverse("register"), REGISTRATION)
    user = get_user_model().objects.get(username="zhangsan")
    link = verification_link()
    assert client.get(link[:-3] + "xx/").status_code == 400
    monkeypatch.setattr(accounts, "VERIFY_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 400
    assert "验证链接无效或已过期" in response.content.decode()
    assert not is_email_verified(user)


def test_a_changed_address_needs_verifying_again(client, federation, on_commit):
    with on_commit():
        client.post(reverse("register"), REGISTRATION)
    user = get_user_model().objects.get(username="zhangsan")
    old_token = verification_token(user)
    client.get(verification_link())
    user.refresh_from_db()
    user.email = "new@example.com"
    user.save()
    assert not is_email_verified(user)
    assert client.get(reverse("verify_email", args=[old_token])).status_code == 400
    with on_commit():
        response = client.post(reverse("resend_verification"))
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new@example.com"]


def test_registration_refuses_a_used_address(client, federation):
    get_user_model().objects.create_user("lisi", "ZhangSan@Example.com", "x")
    response = client.post(reverse("register"), REGISTRATION)
    assert response.status_code == 200
    assert "邮箱：zhangsan@example.com 已被其他账号使用" in response.content.decode()
    assert not get_user_model().objects.filter(username="zhangsan").exists()
    assert not mail.outbox


def test_each_society_has_its_group(federation, users):
    society = MemberSocietyFactory(name="中国测试学会", abbreviation="CTS")
    assert society.group.name == "成员学会·CTS"
    assert society.group.permissions.filter(codename="access_admin").exists()
    society.abbreviation = "CTS2"
    society.save()
    society.group.refresh_from_db()
    assert society.group.name == "成员学会·CTS2"
    assert Group.objects.filter(name__startswith="成员学会·").count() == 16
    # The demo society account works for 中国机械工程学会; the applicant is verified.
    cmes = MemberSociety.objects.get(abbreviation="CMES")
    assert list(users["society"].groups.filter(member_society__isnull=False)) == [cmes.group]
    assert is_email_verified(users["applicant"])
    assert not is_email_verified(users["editor"])
