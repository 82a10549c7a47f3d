"""Issue 12: a large upload through the apply view costs the process a few MB, not the file.

The request body is a multipart file on disk handed to the view as its `wsgi.input` (as a server
streams it), so that the test itself never holds the file: Django spools the upload to a
temporary file, and the checks read only what they need from there. What the request adds to
the process is measured twice: the peak of Python's allocations (tracemalloc), and the peak
resident size (VmHWM, reset through /proc/self/clear_refs where Linux allows it)."""

import re
import tracemalloc
import uuid
from pathlib import Path

import pytest
from django.test import Client

from campaigns.models import Nomination, NominationFile
from cms import upload_mp4
from tests import hostile_media as hostile
from tests.campaigns.nomination_helpers import (
    apply_url,
    form_data,
    open_campaign,
    page_text,
    prepare_site,
)

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
# What one request may add to the process, whatever the size of the file.
ALLOWED_GROWTH = 40 * MIB


def write_multipart(path, fields, field_name, filename, write_file):
    """A multipart/form-data body at `path`: `fields`, then one file whose content
    `write_file(file)` writes into the body where it stands. Returns (content type, size)."""
    boundary = f"lianhe-{uuid.uuid4().hex}"
    with open(path, "wb") as body:
        for name, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
            f'filename="{filename}"\r\nContent-Type: video/mp4\r\n\r\n'.encode()
        )
        write_file(body)
        body.write(f"\r\n--{boundary}--\r\n".encode())
        size = body.tell()
    return f"multipart/form-data; boundary={boundary}", size


def resident_peak():
    """The process's peak resident size, reset to what it holds now; None where Linux does not
    let the peak be reset."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status_bytes("VmHWM")


def _status_bytes(field):
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) * 1024


def post_streamed(client, url, path, content_type, size):
    """POST the body at `path` as a server hands it to Django: read from a file, not memory."""
    with open(path, "rb") as body:
        return client.generic(
            "POST",
            url,
            CONTENT_TYPE=content_type,
            CONTENT_LENGTH=str(size),
            **{"wsgi.input": body},
        )


def measured(post):
    """(response, growth of Python's allocations, growth of the resident size or None)."""
    before_resident = resident_peak()
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        response = post()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    resident = None if before_resident is None else _status_bytes("VmHWM") - before_resident
    return response, peak - start, resident


@pytest.fixture
def campaign(federation):
    return open_campaign(prepare_site(federation), slug="memory-call")


@pytest.fixture
def applicant(users):
    client = Client()
    client.force_login(users["applicant"])
    return client


def video_form(campaign):
    fields = {
        name: value for name, value in form_data(campaign).items() if not name.startswith("file_")
    }
    video = next(slot for slot in campaign.document_slots.all() if slot.code == "文件2")
    return fields, f"file_{video.pk}"


def test_a_300_mb_video_through_the_apply_view_costs_a_few_mb(campaign, applicant, tmp_path):
    fields, field_name = video_form(campaign)
    media = 300 * MIB

    def write(body):
        hostile.write_sparse_large_mp4(body, media_bytes=media, seconds=600)

    body = tmp_path / "body"
    content_type, size = write_multipart(body, fields, field_name, "答辩视频.mp4", write)
    response, allocated, resident = measured(
        lambda: post_streamed(applicant, apply_url(campaign), body, content_type, size)
    )
    assert response.status_code == 302, page_text(response)
    record = NominationFile.objects.get(slot_code="文件2")
    assert record.size > media and record.check_ok
    assert record.facts["duration_seconds"] == 600
    assert allocated < ALLOWED_GROWTH, f"{allocated / MIB:.1f} MB allocated"
    if resident is not None:
        assert resident < ALLOWED_GROWTH, f"{resident / MIB:.1f} MB more resident"


def test_a_million_tiny_boxes_through_the_apply_view_are_refused_in_a_few_mb(
    campaign, applicant, tmp_path, monkeypatch
):
    """The issue's file: 200 MB of 8-byte boxes took 5.6 GB, listing every box. Here 8 MB of them
    (listed, they would take some 200 MB), refused at the box limit, lowered to keep it quick."""
    monkeypatch.setattr(upload_mp4, "MAX_BOXES", 10_000)
    fields, field_name = video_form(campaign)

    def write(body):
        hostile.write_tiny_boxes_mp4(body, count=1_000_000)

    body = tmp_path / "body"
    content_type, size = write_multipart(body, fields, field_name, "答辩视频.mp4", write)
    response, allocated, resident = measured(
        lambda: post_streamed(applicant, apply_url(campaign), body, content_type, size)
    )
    assert response.status_code == 200
    assert "文件2 视频文件由过多的数据块组成（超过 10,000 个）" in page_text(response)
    # The draft keeps the valid fields; the video is stored nowhere.
    assert Nomination.objects.count() == 1
    assert not NominationFile.objects.exists()
    assert allocated < ALLOWED_GROWTH, f"{allocated / MIB:.1f} MB allocated"
    if resident is not None:
        assert resident < ALLOWED_GROWTH, f"{resident / MIB:.1f} MB more resident"
