"""The copies of a picture that documents embed (the Word export of a report), made when the
picture is uploaded or replaced, by a Celery task after commit, never while a person waits for
an export: the first export of a report with pictures took most of its second making them."""

from django.db import transaction

# A JPEG no larger than 1600 px either way: what a Word file embeds (python-docx reads JPEG and
# PNG; a phone's 12-megapixel photo would make the document huge).
EXPORT_RENDITION = "max-1600x1600|format-jpeg"


def export_copy(image):
    """The picture's export copy (made now if it is still missing)."""
    return image.get_rendition(EXPORT_RENDITION)


def prepare_export_copy(sender, instance, **kwargs):
    """post_save of the image model: make the export copy once the upload is committed."""
    from cms.tasks import make_export_copy

    if instance.file:
        pk = instance.pk
        transaction.on_commit(lambda: make_export_copy.delay(pk), robust=True)
