"""OPML import: nested lists with Chinese titles, duplicates counted not doubled, bad addresses
reported, and hostile or broken files refused with nothing created — in the service, the admin
form and the command."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from activities.models import Feed
from activities.opml import OpmlError, import_opml
from tests.activities.factories import FeedFactory
from tests.activities.helpers import make_society_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "opml"


def fixture(name):
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def no_fetch(monkeypatch):
    """Registering a feed queues its first fetch (`activities.tasks.enqueue_ingest`, after
    commit); the task is recorded here instead of fetching."""
    queued = []
    monkeypatch.setattr(
        "activities.tasks.ingest_feed_task.delay", lambda feed_id, **kw: queued.append(feed_id)
    )
    return queued


@pytest.fixture
def cis(society_pages):
    return society_pages["CIS"].society


def test_nested_outlines_become_feeds_with_their_chinese_titles(
    cis, no_fetch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = import_opml(cis, fixture("nested.opml"))
    feeds = {feed.url: feed.title for feed in Feed.objects.filter(society=cis)}
    assert feeds == {
        "https://www.cis.org.cn/news/rss.xml": "学会要闻",
        "https://im.cis.org.cn/feed.atom": "智能制造分会动态",
        "http://www.cis.org.cn/events/rss": "学术活动",
    }
    assert len(result.created) == 3
    assert result.existing == ["https://www.cis.org.cn/news/rss.xml"]  # listed twice in the file
    assert result.invalid == []
    assert sorted(no_fetch) == sorted(feed.pk for feed in result.created)


def test_importing_again_duplicates_nothing(cis):
    FeedFactory(society=cis, url="https://im.cis.org.cn/feed.atom", title="已有")
    import_opml(cis, fixture("nested.opml"))
    result = import_opml(cis, fixture("nested.opml"))
    assert result.created == []
    assert len(result.existing) == 4
    assert Feed.objects.filter(society=cis).count() == 3
    assert Feed.objects.get(url="https://im.cis.org.cn/feed.atom").title == "已有"


def test_the_same_list_for_another_society_is_its_own(cis, society_pages):
    import_opml(cis, fixture("nested.opml"))
    result = import_opml(society_pages["CMES"].society, fixture("nested.opml"))
    assert len(result.created) == 3


def test_non_http_addresses_are_reported_invalid(cis):
    result = import_opml(cis, fixture("bad_urls.opml"))
    assert [feed.url for feed in result.created] == ["https://news.example.org/ok.xml"]
    assert [url for url, _reason in result.invalid] == [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://ftp.example.org/feed.xml",
    ]
    assert all("http://" in reason for _url, reason in result.invalid)
    assert "无效 3 个" in result.summary()


@pytest.mark.parametrize(
    "name, message",
    [
        ("malformed.opml", "不是有效的 XML"),
        ("xxe.opml", "拒绝导入"),
        ("billion_laughs.opml", "拒绝导入"),
        ("not_opml.xml", "不是 OPML"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_created(cis, name, message):
    with pytest.raises(OpmlError) as refused:
        import_opml(cis, fixture(name))
    assert message in str(refused.value)
    assert not Feed.objects.exists()


def upload(name, content=None):
    return SimpleUploadedFile(name, content if content is not None else fixture(name))


def test_admin_import_for_the_users_own_society(client, cis):
    user = make_society_user("cis", cis)
    client.force_login(user)
    listing = client.get(reverse("activities_feed:index"))
    assert "从 OPML 导入" in listing.content.decode()
    form = client.get(reverse("activities_feed:import_opml"))
    assert form.status_code == 200
    response = client.post(
        reverse("activities_feed:import_opml"),
        {"society": cis.pk, "file": upload("nested.opml")},
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("新登记 3 个订阅源，已存在 1 个，无效 0 个" in m for m in messages)
    assert Feed.objects.filter(society=cis).count() == 3


@pytest.mark.parametrize(
    "name, message",
    [("xxe.opml", "拒绝导入"), ("malformed.opml", "不是有效的 XML")],
)
def test_admin_import_shows_why_a_file_is_refused(client, cis, name, message):
    client.force_login(make_society_user("cis", cis))
    response = client.post(
        reverse("activities_feed:import_opml"), {"society": cis.pk, "file": upload(name)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Feed.objects.exists()


def test_admin_import_refuses_a_file_over_one_megabyte(client, cis):
    client.force_login(make_society_user("cis", cis))
    big = fixture("nested.opml") + b"<!--" + b"x" * (1024 * 1024) + b"-->"
    response = client.post(
        reverse("activities_feed:import_opml"),
        {"society": cis.pk, "file": upload("big.opml", big)},
    )
    assert response.status_code == 200
    assert "不能超过 1 MB" in response.content.decode()
    assert not Feed.objects.exists()


def test_admin_import_refuses_another_society_even_on_a_forged_post(client, cis, society_pages):
    client.force_login(make_society_user("cis", cis))
    page = client.get(reverse("activities_feed:import_opml")).content.decode()
    assert "中国机械工程学会" not in page
    response = client.post(
        reverse("activities_feed:import_opml"),
        {"society": society_pages["CMES"].society.pk, "file": upload("nested.opml")},
    )
    assert response.status_code == 200
    assert "您只能为本学会登记订阅源" in response.content.decode()
    assert not Feed.objects.exists()


def test_users_without_feed_rights_cannot_import(client, activities_index):
    client.force_login(make_society_user("nobody"))  # admin access, but no society
    response = client.get(reverse("activities_feed:import_opml"))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_command_imports_and_reports(cis):
    out = StringIO()
    call_command("import_opml", "CIS", str(FIXTURES / "nested.opml"), stdout=out)
    assert "新登记 3 个订阅源" in out.getvalue()
    assert Feed.objects.filter(society=cis).count() == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["NOPE", str(FIXTURES / "nested.opml")], "没有简称为"),
        (["CIS", str(FIXTURES / "missing.opml")], "无法读取"),
        (["CIS", str(FIXTURES / "xxe.opml")], "拒绝导入"),
    ],
)
def test_command_refuses_bad_input_with_a_message(cis, args, message):
    with pytest.raises(CommandError) as refused:
        call_command("import_opml", *args, stdout=StringIO())
    assert message in str(refused.value)
    assert not Feed.objects.exists()
