"""A picture's Word-export copy is made when it is uploaded (a Celery task after commit), so the
first export of a report with pictures makes none: it only reads them."""

import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image, Rendition
from wagtail.models import Collection

from cms.image_copies import EXPORT_RENDITION
from reports.docx_export import export_report


def jpeg_upload(size=(2400, 1800)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile("会议现场.png", buffer.getvalue(), content_type="image/png")


def export_copies():
    return Rendition.objects.filter(filter_spec=EXPORT_RENDITION)


def test_the_upload_makes_the_export_copy_and_the_export_reuses_it(
    report, django_capture_on_commit_callbacks
):
    admin = get_user_model().objects.create_superuser("pictures", "p@example.org", "x")
    client = Client()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailimages:add"),
            {
                "title": "会议现场（大图）",
                "file": jpeg_upload(),
                "collection": Collection.get_first_root_node().pk,
            },
        )
    assert response.status_code == 302
    image = Image.objects.get(title="会议现场（大图）")
    (copy,) = export_copies().filter(image=image)
    assert max(copy.width, copy.height) == 1600 and copy.file.name.endswith(".jpg")

    # The report's first press release now shows the uploaded picture. The fixture's other
    # pictures were made before any commit this signal could see: made as an upload would.
    news = report.press_release_pages()[0]
    news.body = [{"type": "image", "value": {"image": image.pk, "caption": "图1 会议现场"}}]
    news.save()
    for picture in Image.objects.exclude(pk=image.pk):
        picture.get_rendition(EXPORT_RENDITION)
    before = Rendition.objects.count()
    document = export_report(report)
    assert Rendition.objects.count() == before
    # The copy is the one embedded: the Word file holds a JPEG of 1,600 px.
    assert b"word/media/" in document and copy.file.size > 0
