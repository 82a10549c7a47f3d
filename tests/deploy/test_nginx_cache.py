"""The production recipe (deploy/nginx/lianhe.conf) run by a real nginx on 127.0.0.1 in front
of the live server: static files and renditions from disk, anonymous pages from nginx's cache,
and Wagtail's frontend cache purging what a publication changes, so that nothing is stale.

Without nginx and its cache_purge module the tests are skipped, unless LIANHE_REQUIRE_NGINX is
set (as `.ci/run` does): then they fail."""

import http.client
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from wagtail.models import Page, Site

from deploy.nginx_conf import LocalNginx, free_port, nginx_available, render
from tests.cms.factories import HomePageFactory, NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module")
def nginx_port():
    if not nginx_available():
        message = (
            "no nginx with the cache_purge module: "
            "apt-get install -y nginx-light libnginx-mod-http-cache-purge"
        )
        if os.environ.get("LIANHE_REQUIRE_NGINX"):
            pytest.fail(f"{message} (LIANHE_REQUIRE_NGINX is set)", pytrace=False)
        pytest.skip(message)
    return free_port()


@pytest.fixture
def nginx(nginx_port, live_server, settings, tmp_path):
    settings.WAGTAIL_CACHE = True
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "cms.frontend_cache.NginxPurgeBackend",
            "LOCATION": f"http://127.0.0.1:{nginx_port}",
        }
    }
    static_root = tmp_path / "static"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "site.0123456789ab.css").write_text("body{}", encoding="utf-8")
    upstream = f"127.0.0.1:{live_server.thread.port}"
    server = LocalNginx.recipe(
        tmp_path / "nginx",
        port=nginx_port,
        upstream=upstream,
        static_root=static_root,
        media_root=settings.MEDIA_ROOT,
    )
    with server:
        yield f"http://127.0.0.1:{nginx_port}"


@pytest.fixture
def site(nginx_port):
    """Pages addressed as visitors of the nginx see them: the purge names the same host."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, title="首页", slug="nginx-home")
    Site.objects.all().delete()
    Site.objects.create(hostname="127.0.0.1", port=nginx_port, root_page=home, is_default_site=True)
    index = NewsIndexPageFactory(parent=home, title="新闻动态", slug="news")
    return {"home": home, "index": index}


def fetch(url, cookie=None):
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(iri(url), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def iri(url):
    parts = urllib.parse.urlsplit(url)
    return parts._replace(path=urllib.parse.quote(parts.path)).geturl()


def publish(page):
    page.save_revision().publish()


def test_a_page_is_served_from_nginx_cache_and_fresh_after_publishing(nginx, site):
    first = NewsPageFactory(parent=site["index"], title="联合体召开工作会议", slug="会议")
    status, headers, body = fetch(f"{nginx}/news/")
    assert status == 200 and "联合体召开工作会议" in body
    assert headers["X-Cache-Status"] == "MISS"
    assert headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert fetch(f"{nginx}/news/")[1]["X-Cache-Status"] == "HIT"
    assert fetch(f"{nginx}/news/会议/")[1]["X-Cache-Status"] == "MISS"
    assert fetch(f"{nginx}/news/会议/")[1]["X-Cache-Status"] == "HIT"

    # A new news page: the index that lists it is purged and shows it at once.
    new = NewsPageFactory(
        parent=site["index"], title="智能制造标准研讨会", slug="研讨会", live=False
    )
    publish(new)
    status, headers, body = fetch(f"{nginx}/news/")
    assert "智能制造标准研讨会" in body
    assert headers["X-Cache-Status"] == "MISS"

    # A changed page under a Chinese address: purged by its percent-encoded path.
    first.title = "联合体召开第二次工作会议"
    publish(first)
    status, headers, body = fetch(f"{nginx}/news/会议/")
    assert "联合体召开第二次工作会议" in body
    assert headers["X-Cache-Status"] == "MISS"
    assert "联合体召开第二次工作会议" in fetch(f"{nginx}/news/")[2]

    # Unpublished: gone from nginx too.
    fetch(f"{nginx}/news/研讨会/")
    assert fetch(f"{nginx}/news/研讨会/")[1]["X-Cache-Status"] == "HIT"
    new.refresh_from_db()
    new.unpublish()
    assert fetch(f"{nginx}/news/研讨会/")[0] == 404
    assert "智能制造标准研讨会" not in fetch(f"{nginx}/news/")[2]


def test_signed_in_people_and_addresses_with_a_query_reach_the_application(nginx, site):
    NewsPageFactory(parent=site["index"], title="联合体召开工作会议")
    fetch(f"{nginx}/news/")
    assert fetch(f"{nginx}/news/")[1]["X-Cache-Status"] == "HIT"
    assert fetch(f"{nginx}/news/", cookie="sessionid=abc")[1]["X-Cache-Status"] == "BYPASS"
    assert fetch(f"{nginx}/news/", cookie="messages=abc")[1]["X-Cache-Status"] == "BYPASS"
    assert fetch(f"{nginx}/news/?page=2")[1]["X-Cache-Status"] == "BYPASS"
    assert fetch(f"{nginx}/accounts/login/")[0] == 200
    # The login form sets the CSRF cookie: never kept.
    assert fetch(f"{nginx}/accounts/login/")[1]["X-Cache-Status"] == "MISS"


def test_static_files_and_renditions_from_disk_originals_never(nginx, site, settings):
    status, headers, body = fetch(f"{nginx}/static/css/site.0123456789ab.css")
    assert (status, body) == (200, "body{}")
    assert "immutable" in headers.get_all("Cache-Control")[-1]
    media = Path(settings.MEDIA_ROOT)
    for folder in ("images", "original_images", "documents"):
        (media / folder).mkdir(parents=True, exist_ok=True)
        (media / folder / "x.txt").write_text(folder, encoding="utf-8")
    assert fetch(f"{nginx}/media/images/x.txt")[:1] == (200,)
    assert fetch(f"{nginx}/media/original_images/x.txt")[0] == 404
    assert fetch(f"{nginx}/media/documents/x.txt")[0] == 404


def test_the_recipe_renders_for_a_server():
    conf = render(
        listen="80",
        server_name="lianhe.example.org",
        upstream="127.0.0.1:8000",
        static_root="/srv/lianhe/static/",
        media_root="/srv/lianhe/media",
        cache_dir="/var/cache/nginx/lianhe",
    )
    assert "server_name lianhe.example.org;" in conf
    assert "alias /srv/lianhe/static/;" in conf
    assert "{{" not in conf.split("# TLS")[1]


def purge_from(source, port, path):
    """A PURGE request sent from the address `source` (any 127.x.y.z is this machine)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("PURGE", urllib.parse.quote(path), headers={"Host": "127.0.0.1"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_purge_from_another_address_is_refused_and_the_page_stays_cached(nginx, site, nginx_port):
    NewsPageFactory(parent=site["index"], title="联合体召开工作会议")
    fetch(f"{nginx}/news/")
    assert purge_from("127.0.0.2", nginx_port, "/news/") == 403
    assert fetch(f"{nginx}/news/")[1]["X-Cache-Status"] == "HIT"
    # From the machine's own address the same purge goes through.
    assert purge_from("127.0.0.1", nginx_port, "/news/") == 200
    assert fetch(f"{nginx}/news/")[1]["X-Cache-Status"] == "MISS"


def test_a_purge_that_fails_is_logged_and_publishing_goes_on(nginx, site, settings, caplog):
    page = NewsPageFactory(parent=site["index"], title="联合体召开工作会议", live=False)
    # Nothing cached yet: nginx answers 404 to the purges, which is no error.
    with caplog.at_level(logging.ERROR, logger="wagtail.frontendcache"):
        publish(page)
    assert not caplog.records
    assert "联合体召开工作会议" in fetch(f"{nginx}/news/")[2]

    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "cms.frontend_cache.NginxPurgeBackend",
            "LOCATION": f"http://127.0.0.1:{free_port()}",  # nothing listens there
        }
    }
    page.title = "联合体召开第二次工作会议"
    with caplog.at_level(logging.ERROR, logger="wagtail.frontendcache"):
        publish(page)
    assert any("无法从前端缓存清除" in record.getMessage() for record in caplog.records)
    page.refresh_from_db()
    assert page.live and page.title == "联合体召开第二次工作会议"
