"""Wagtail's documents and images get the checks of every upload (cms/upload_forms.py through
WAGTAILDOCS_DOCUMENT_FORM_BASE and WAGTAILIMAGES_IMAGE_FORM_BASE): in the admin's add form and
in the multiple uploader a refused file is refused in Chinese and stored nowhere."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from lxml import html
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from tests import hostile_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(users):
    client = Client()
    client.force_login(users["admin"])
    return client


def errors(response):
    """The messages beside the form's fields."""
    page = html.fromstring(response.content.decode())
    found = page.xpath('//*[contains(concat(" ", @class, " "), " error-message ")]')
    return [" ".join(error.text_content().split()) for error in found]


def add_document(admin, name, content):
    return admin.post(
        reverse("wagtaildocs:add"),
        {
            "title": "联合体文件",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def png(width=8, height=8):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_plain_docx_becomes_a_document(admin):
    response = add_document(admin, "通知.docx", hostile_docx.valid_docx())
    assert response.status_code == 302
    assert Document.objects.get().file.name.endswith(".docx")


def test_macro_documents_and_polyglots_are_refused_and_stored_nowhere(admin):
    on_disk = hostile_docx.files_on_disk()
    wrong = {}
    for name in hostile_docx.APPLY_HOSTILE:
        response = add_document(admin, "通知.docx", hostile_docx.hostile(name))
        expected = f"文件“通知.docx”{hostile_docx.REFUSALS[name]}"
        shown = errors(response)
        if response.status_code != 200 or not any(expected in error for error in shown):
            wrong[name] = shown
    assert wrong == {}
    assert not Document.objects.exists()
    assert hostile_docx.files_on_disk() == on_disk


def test_a_program_is_refused_whatever_its_name(admin):
    response = add_document(admin, "通知.pdf", hostile_docx.exe())
    assert "文件“通知.pdf”不是有效的 PDF 文件：文件内容是可执行程序。" in errors(response)
    response = add_document(admin, "setup.exe", hostile_docx.exe())
    assert "文件“setup.exe”的类型不能上传：只接受 pdf、docx、xlsx、pptx、txt、csv 文件。" in errors(
        response
    )
    assert not Document.objects.exists()


def test_the_multiple_uploader_refuses_the_same(admin):
    on_disk = hostile_docx.files_on_disk()
    for name in ("mz_polyglot", "docm_utf16", "lying_size_bomb"):
        upload = SimpleUploadedFile("通知.docx", hostile_docx.hostile(name))
        response = admin.post(
            reverse("wagtaildocs:add_multiple"),
            {"files[]": upload, "collection": Collection.get_first_root_node().pk},
        )
        answer = response.json()
        assert answer["success"] is False
        assert hostile_docx.REFUSALS[name] in answer["error_message"]
    assert not Document.objects.exists()
    assert hostile_docx.files_on_disk() == on_disk


def add_image(admin, name, content):
    return admin.post(
        reverse("wagtailimages:add"),
        {
            "title": "照片",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def test_images_are_held_to_their_bytes_and_a_pixel_limit(admin):
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 50_000_000
    assert add_image(admin, "照片.png", png()).status_code == 302
    assert Image.objects.count() == 1
    on_disk = hostile_docx.files_on_disk()
    # Its header is whole (Wagtail reads only that), the rest is cut off.
    response = add_image(admin, "截断.png", png(64, 64)[:60])
    assert "文件“截断.png”：图片文件已损坏，无法打开。" in errors(response)
    response = add_image(admin, "程序.png", hostile_docx.exe())
    assert response.status_code == 200 and errors(response)
    assert Image.objects.count() == 1
    assert hostile_docx.files_on_disk() == on_disk
