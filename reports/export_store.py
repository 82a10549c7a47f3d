"""Word exports kept in private storage, so that a published report's .docx is built once (by a
Celery task when the report is published, or by the first download) and then served as a file.

A stored export is named by a digest of everything the document is made of — the report's live
revision, each press release's revisions and the federation settings — so any change gives a
new name and a stale file is never served; older files of the report are removed. A file is
written under its final name (the file system storage has no rename), so a build cut short — a
worker killed while writing, a full disk — leaves the first part of it there: a stored file
counts only when it is a whole .docx (a zip ends with its directory), else it is built again."""

import hashlib
import io
import json
import zipfile

from django.core.files.base import ContentFile

from cms.models import FederationSettings
from cms.storage import private_storage
from reports.docx_export import export_report, layout_for

FOLDER = "exports/reports"
# Raised when the document's making changes, so files stored by an older version are rebuilt.
EXPORT_FORMAT = 2


def export_digest(page, site):
    settings = FederationSettings.for_site(site) if site else FederationSettings()
    layout = layout_for(site)
    news = [
        (link.news_page_id, link.news_page.live_revision_id, link.news_page.latest_revision_id)
        for link in page.press_releases.all().select_related("news_page")
    ]
    parts = [
        EXPORT_FORMAT,
        page.pk,
        page.live_revision_id,
        news,
        settings.pk,
        layout.federation_name,
        layout.header,
        layout.body_font,
        layout.body_size,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:20]


def stored_name(page, digest):
    return f"{FOLDER}/report-{page.pk}-{digest}.docx"


def _remove_older(storage, page, keep):
    try:
        _folders, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    prefix = f"report-{page.pk}-"
    for name in files:
        if name.startswith(prefix) and f"{FOLDER}/{name}" != keep:
            storage.delete(f"{FOLDER}/{name}")


def _stored(storage, name):
    """The stored file's bytes when it is there and whole; a partial file is removed."""
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        data = handle.read()
    if zipfile.is_zipfile(io.BytesIO(data)):
        return data
    storage.delete(name)
    return None


def stored_export(page, site):
    """The report's .docx bytes: the stored file when it is current, else built and stored now.
    Only a published report's live content is stored; a draft is always built fresh."""
    if not page.live or page.live_revision_id is None:
        return export_report(page, site=site, revision=page.latest_revision)
    storage = private_storage()
    name = stored_name(page, export_digest(page, site))
    data = _stored(storage, name)
    if data is None:
        data = export_report(page, site=site)
        _store(storage, page, name, data)
    return data


def build_stored_export(page, site):
    """Build and store the export unless the current one is stored already (idempotent)."""
    if not page.live:
        return None
    storage = private_storage()
    name = stored_name(page, export_digest(page, site))
    if _stored(storage, name) is None:
        _store(storage, page, name, export_report(page, site=site))
    return name


def _store(storage, page, name, data):
    if storage.exists(name):  # a concurrent build stored the same content
        return
    storage.save(name, ContentFile(data))
    _remove_older(storage, page, keep=name)
