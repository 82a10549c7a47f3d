"""Tests in a real browser: Playwright for Python drives Debian's chromium (never a browser that
Playwright downloads) against pytest-django's live server.

Without chromium the tests are skipped, unless LIANHE_REQUIRE_BROWSER is set (as `.ci/run` does):
then they fail. After each test a screenshot of its last page is kept in
test-artifacts/screenshots/<test name>.png."""

import os
import re
import shutil
import sys
import warnings
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOWNLOADS = ARTIFACTS / "downloads"
TIMEOUT_MS = 15_000


def _unavailable(message):
    if os.environ.get("LIANHE_REQUIRE_BROWSER"):
        pytest.fail(f"{message} (LIANHE_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(message)


def chromium_executable():
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture
def browser():
    """A headless chromium for one test.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    Django refuses database access from a thread with a running loop: DJANGO_ALLOW_ASYNC_UNSAFE
    lifts that check, only while Playwright runs. With the loop running, Django also hands the
    thread another database connection (asgiref keeps connections per context then), one that
    knows nothing of the serialized rollback: so chromium starts after the test's database is
    restored and stops before it is flushed, once per test rather than once per module."""
    executable = chromium_executable()
    if executable is None:
        _unavailable(f"no chromium ({CHROMIUM}): apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[test]'")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
            # The connection the test used while the loop ran: closed, or PostgreSQL refuses to
            # drop the test database at the end.
            connections.close_all()


def artefact_name(request):
    return re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")


@pytest.fixture
def server_errors():
    """Every request the live server failed during the test (an exception in a view, or a 5xx
    answer the browser saw): the test fails if there is one, whatever it asserted itself."""
    from django.core.signals import got_request_exception

    failures = []

    def on_exception(sender, request=None, **kwargs):
        path = getattr(request, "path", "?")
        failures.append(f"{getattr(request, 'method', '?')} {path}: {sys.exc_info()[1]!r}")

    got_request_exception.connect(on_exception, weak=False)
    yield failures
    got_request_exception.disconnect(on_exception)
    if failures:
        pytest.fail("服务器出错（5xx）：\n" + "\n".join(failures), pytrace=False)


@pytest.fixture
def requests_seen():
    """(status, method, path) of every request the page made, background ones included."""
    return []


@pytest.fixture
def page(browser, live_server, request, server_errors, requests_seen):
    """A fresh browser context (no cookies) on the live server, in Beijing time and Chinese."""
    from urllib.parse import urlsplit

    from playwright.sync_api import Error

    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_response(response):
        path = urlsplit(response.url).path
        requests_seen.append((response.status, response.request.method, path))
        if response.status >= 500 and response.url.startswith(live_server.url):
            server_errors.append(f"{response.request.method} {path}: HTTP {response.status}")

    page.on("response", on_response)
    try:
        yield page
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=SCREENSHOTS / f"{artefact_name(request)}.png", full_page=True)
        except Error as error:
            warnings.warn(f"no screenshot of {request.node.name}: {error}", stacklevel=1)
        context.close()


@pytest.fixture
def downloads_dir():
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    return DOWNLOADS


@pytest.fixture
def demo(page):
    """The demo as `make run` leaves it (report, societies, activities, open call)."""
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def login(page):
    """Log in through a login form (the admin's or the site's) as a demo account."""

    def log_in(username, path="/admin/login/"):
        page.goto(path)
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(f"lianhe-{username}")
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("input[name=password]").count() == 0, f"{username} 未能登录"

    return log_in
