"""A nomination's Word file shown in the experts' page, not only offered as a download: mammoth
turns the private .docx into plain HTML (headings, paragraphs, lists, tables, pictures), nh3
sanitises it, and the result is cached per stored file (its name, size and upload time), so a
page view costs one cache read. Pictures stay inline as data: URIs of PNG, JPEG or GIF only, within
a budget; anything else in the file (scripts, links to elsewhere than http(s), styles) is dropped.
"""

import base64
import hashlib
import io
import logging
import re

import mammoth
import nh3
from django.core.cache import cache

from cms.upload_checks import DocumentRejected
from cms.upload_docx import check_docx

logger = logging.getLogger(__name__)

CACHE_VERSION = 1
CACHE_SECONDS = 7 * 24 * 3600
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGES_BYTES = 8 * 1024 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")

TAGS = {
    "p", "br", "strong", "em", "u", "s", "sub", "sup", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
}  # fmt: skip
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"},
              "th": {"colspan", "rowspan"}}  # fmt: skip
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+$")
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_UNSET = object()


def _attribute_filter(tag, attribute, value):
    # data: is allowed as a scheme only for the pictures mammoth inlines, never for a link.
    if tag == "img" and attribute == "src":
        return value if _DATA_IMAGE.match(value) else None
    if tag == "a" and attribute == "href" and not value.lower().startswith(("http:", "https:")):
        return None
    return value


def _demote(match):
    # The page's own headings are h1 (the project) and h2 (its sections): the file's start at h3.
    return f"<{match[1]}h{min(int(match[2]) + 2, 6)}"


def sanitise(html):
    return nh3.clean(
        _HEADING.sub(_demote, html),
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "data"},
        link_rel="noopener noreferrer",
    )


def _image_converter():
    budget = [MAX_IMAGES_BYTES]

    def convert(image):
        if image.content_type not in IMAGE_TYPES:
            return {"alt": image.alt_text or "［图片］"}
        with image.open() as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
        if len(data) > MAX_IMAGE_BYTES or len(data) > budget[0]:
            return {"alt": image.alt_text or "［图片过大，请下载原文件查看］"}
        budget[0] -= len(data)
        encoded = base64.b64encode(data).decode("ascii")
        return {"src": f"data:{image.content_type};base64,{encoded}", "alt": image.alt_text or ""}

    return mammoth.images.img_element(convert)


def render_docx(data):
    """The .docx `data` as sanitised HTML, or None when it cannot be shown (not a plain .docx, or
    unreadable). The zip-safety checks of uploads run first, as for any parser."""
    if len(data) > MAX_FILE_BYTES:
        return None
    try:
        check_docx(data)
    except DocumentRejected:
        return None
    try:
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=_image_converter())
    except Exception:  # a damaged file shows the download link only, never a server error
        logger.warning("docx preview failed", exc_info=True)
        return None
    return sanitise(result.value)


def _cache_key(record):
    stamp = record.uploaded_at.isoformat() if record.uploaded_at else ""
    digest = hashlib.sha256(f"{record.file.name}|{record.size}|{stamp}".encode()).hexdigest()
    return f"lianhe:docx-preview:{CACHE_VERSION}:{record.pk}:{digest[:32]}"


def docx_html(record):
    """The stored Word file of `record` (a NominationFile) as HTML, cached per stored file; None
    when it cannot be shown. The caller has checked that the user may read the file."""
    key = _cache_key(record)
    cached = cache.get(key, _UNSET)
    if cached is not _UNSET:
        return cached or None
    with record.file.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    html = render_docx(data)
    cache.set(key, html or "", CACHE_SECONDS)
    return html
