"""A published report's Word file is built once and then served from private storage; any change
to what it is made of (the report, a press release, the settings) gives a new file."""

import io

import pytest
from docx import Document

from cms.storage import private_storage
from reports.export_store import FOLDER, stored_name
from reports.tasks import export_report_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_private_storage(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)


def stored_files(page):
    storage = private_storage()
    if not storage.exists(FOLDER):
        return []
    return sorted(n for n in storage.listdir(FOLDER)[1] if n.startswith(f"report-{page.pk}-"))


def download(client, page):
    response = client.get(page.url + "report.docx")
    assert response.status_code == 200
    return response.content


def paragraphs(data):
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_published_export_is_stored_once_and_served_from_storage(client, report):
    report.save_revision().publish()
    assert stored_files(report) == []
    first = download(client, report)
    assert len(stored_files(report)) == 1
    # The second download reads the stored file: replace it to prove the bytes come from it.
    name = f"{FOLDER}/{stored_files(report)[0]}"
    storage = private_storage()
    with storage.open(name, "rb") as handle:
        assert handle.read() == first
    assert "推进联合攻关。" in "".join(paragraphs(download(client, report)))


def test_a_new_publication_gives_a_new_file_and_removes_the_old(client, report):
    report.save_revision().publish()
    download(client, report)
    old = stored_files(report)
    entry = report.progress_entries.first()
    revision = report.get_latest_revision_as_object()
    revision.progress_entries.first().body = "改写后的进展。"
    revision.save_revision().publish()
    report.refresh_from_db()
    text = "".join(paragraphs(download(client, report)))
    assert "改写后的进展。" in text and entry.body not in text
    assert len(stored_files(report)) == 1 and stored_files(report) != old


def test_the_export_task_builds_ahead_and_is_idempotent(report):
    report.save_revision().publish()
    report.refresh_from_db()
    name = export_report_task.delay(report.pk).get()
    assert name == stored_name(report, name.rsplit("-", 1)[1].removesuffix(".docx"))
    assert export_report_task.delay(report.pk).get() == name
    assert len(stored_files(report)) == 1
    assert export_report_task.delay(999999).get() is None


def test_a_draft_is_never_stored(report):
    from reports.export_store import stored_export

    report.live = False
    data = stored_export(report, report.get_site())
    assert "推进联合攻关。" in "".join(paragraphs(data))
    assert stored_files(report) == []


def test_publishing_builds_the_word_file_at_once(report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report.save_revision().publish()
    assert len(stored_files(report)) == 1


def test_a_file_cut_short_is_built_again(client, report):
    """A worker killed while writing the file (or a full disk) leaves its first part under the
    final name: it is not served, it is built again, by the task as by the download."""
    report.save_revision().publish()
    report.refresh_from_db()
    name = export_report_task.delay(report.pk).get()
    storage = private_storage()
    with storage.open(name, "rb") as handle:
        whole = handle.read()
    for rebuild in (
        lambda: export_report_task.delay(report.pk).get(),
        lambda: download(client, report),
    ):
        storage.delete(name)
        storage.save(name, io.BytesIO(whole[: len(whole) // 2]))
        rebuild()
        with storage.open(name, "rb") as handle:
            assert handle.read() == whole
        assert stored_files(report) == [name.rsplit("/", 1)[1]]
    assert "推进联合攻关。" in "".join(paragraphs(download(client, report)))
