"""The headers a response carries in production settings: HSTS, nosniff, Referrer-Policy, COOP,
a Content-Security-Policy without inline script on the public site (a looser one scoped to the
admin), a Permissions-Policy; and production refuses to start without the site's address."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from tests.production_settings import load_production, production_overrides

pytestmark = pytest.mark.django_db


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_public_and_admin_responses_in_production_settings(federation, monkeypatch):
    with override_settings(**production_overrides(monkeypatch)):
        client = Client()
        public = client.get("/accounts/login/", secure=True)
        admin = client.get("/admin/login/", secure=True)
    for response in (public, admin):
        assert response.status_code == 200
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
    policy = directives(public["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    # The public page really has no inline script for the policy to break.
    content = public.content.decode()
    assert "<script>" not in content and " onclick=" not in content
    admin_policy = directives(admin["Content-Security-Policy"])
    assert "'unsafe-inline'" in admin_policy["script-src"]
    assert "https:" not in admin["Content-Security-Policy"]


def test_production_refuses_to_start_without_the_sites_address(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="LIANHE_BASE_URL"):
        load_production(monkeypatch, LIANHE_BASE_URL=None, WAGTAILADMIN_BASE_URL=None)
    module = load_production(monkeypatch, LIANHE_BASE_URL="https://imac.example.org/")
    assert module.WAGTAILADMIN_BASE_URL == "https://imac.example.org"


def test_the_userbar_of_an_editor_runs_within_the_public_policy(federation, users, monkeypatch):
    import re

    with override_settings(**production_overrides(monkeypatch)):
        client = Client()
        client.force_login(users["editor"])
        response = client.get("/", secure=True)
    content = response.content.decode()
    assert response.status_code == 200 and "wagtail-userbar" in content
    assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]
    scripts = re.findall(r"<script\b[^>]*>", content)
    assert scripts
    for tag in scripts:
        if 'type="application/json"' in tag:
            continue  # data for the userbar's checker, never run: not a script to CSP
        # Every script is a file of this site (the userbar's own included), none inline.
        source = re.search(r'src="([^"]+)"', tag)
        assert source, tag
        assert source.group(1).startswith(("/static/", "//testserver/static/")), tag
    assert not re.search(r"\son[a-z]+=", content)
