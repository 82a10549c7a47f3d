"""The values of cms.settings.production, read in this process with the environment production
would have, to apply with `override_settings` to the headers' tests."""

import importlib.util

from django.conf import settings

# What decides the headers of a response (the rest — databases, storages — stays the test's).
KEYS = [
    "MIDDLEWARE",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "LIANHE_BASE_URL",
    "WAGTAILADMIN_BASE_URL",
]

ENVIRONMENT = {
    "SECRET_KEY": "production-test-key-" + "x" * 40,
    "ALLOWED_HOSTS": "testserver",
    "LIANHE_BASE_URL": "https://imac.example.org",
}


def load_production(monkeypatch, **environment):
    """The production settings module, imported afresh with `environment` (raises what it
    raises, e.g. ImproperlyConfigured)."""
    for name, value in {**ENVIRONMENT, **environment}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    spec = importlib.util.find_spec("cms.settings.production")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def production_overrides(monkeypatch):
    module = load_production(monkeypatch)
    # WhiteNoise's middleware needs the collected static files; the headers do not.
    middleware = [m for m in module.MIDDLEWARE if "whitenoise" not in m]
    values = {key: getattr(module, key, getattr(settings, key, None)) for key in KEYS}
    return {**values, "MIDDLEWARE": middleware}
