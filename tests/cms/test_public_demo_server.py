"""The demo's server as `make run` starts it (cms.settings.dev, runserver, no DEBUG in the
environment): a mistyped address answers the federation's Chinese 404 page, not Django's English
debug page, and the stylesheet and the logo are still served."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the embedded default's server, on its SQLite file",
    ),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_demo_server_answers_a_chinese_404_and_serves_its_static_files(sqlite_file, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{sqlite_file}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    env.pop("DEBUG", None)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, html = fetch(f"{base}/no-such-page/")
                break
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        css_status, css = fetch(f"{base}/static/css/site.css")
        logo_status, _logo = fetch(f"{base}/static/img/logo.svg")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert status == 404
    assert '<h1 id="error-title">页面不存在</h1>' in html
    assert "Page not found" not in html and "DEBUG = True" not in html and "URLconf" not in html
    assert css_status == 200 and ".site-header" in css
    assert logo_status == 200
