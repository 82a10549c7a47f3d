"""`EMAIL_URL` → Django's EMAIL_* settings, in the manner of DATABASE_URL:

    smtp://user:password@mail.example.org:587/?tls=True    STARTTLS
    smtps://user:password@mail.example.org                 TLS from the start (port 465)
    smtp://mail.example.org:25                             no authentication

User and password are percent-decoded (an @ in a password is written %40)."""

from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TRUE = {"1", "true", "yes", "on"}


def parse_email_url(url):
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"EMAIL_URL: unknown scheme {parts.scheme!r} (smtp or smtps)")
    query = {name: values[-1].lower() for name, values in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps" or query.get("ssl") in TRUE
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or DEFAULT_PORTS[parts.scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": not ssl and query.get("tls") in TRUE,
    }
