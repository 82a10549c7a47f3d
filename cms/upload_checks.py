"""One set of checks for every upload in the product (apply form, objections, Wagtail images and
documents, report imports), run before any parser opens the file: containers judged by their
bytes, macro and active content refused, bounded memory and time.

This module holds what the checks raise and how sizes are shown; each container has its own
module (`cms.upload_docx` for Word packages)."""

from django.core.exceptions import ValidationError

MEGABYTE = 1024 * 1024


class DocumentRejected(ValidationError):
    """An uploaded file that is refused; the message tells the user why and the limit."""


def megabytes(size):
    """A byte count as the MB figure shown to users: `100`, `0.5`."""
    return f"{size / MEGABYTE:.1f}".removesuffix(".0")
