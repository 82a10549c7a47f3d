"""Private files: uploads that are not public until published. They live outside MEDIA_ROOT
and are only served through views that check permission."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


def private_storage():
    """The storage for private uploads: STORAGES["private"] when configured (S3 with private
    ACLs in production), else a directory outside MEDIA_ROOT. A callable, so migrations store a
    reference rather than a path."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
