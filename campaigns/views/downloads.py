"""Blank forms (文件1 推荐表, 文件3 承诺书) generated from a campaign, for anyone to download."""

from urllib.parse import quote

from django.http import Http404, HttpResponse

from campaigns.form_templates import find_template
from cms.docx_cjk import DOCX_CONTENT_TYPE


def attachment_disposition(filename, ascii_filename):
    """`attachment` with an ASCII `filename` for old clients and the real name as an RFC 5987
    `filename*` (UTF-8, percent-encoded), which every current browser prefers."""
    fallback = ascii_filename.replace("\\", "").replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def form_template_view(request, page, code):
    """The template of slot `code` of the campaign `page` as a .docx attachment; `?category=`
    picks the form of one category where a campaign has one per category. 404 for a code with
    no template."""
    template = find_template(page, code, request.GET.get("category") or None)
    if template is None:
        raise Http404("No such form template")
    response = HttpResponse(template.render(), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(
        template.filename, template.ascii_filename
    )
    # A blank form holds nothing personal: shared caches keep it like the page (cms/caching.py)
    # and drop it when the page is published. A page behind a view restriction keeps its
    # downloads out of shared caches all the same.
    if page.get_view_restrictions().exists():
        response["Cache-Control"] = "private, max-age=3600"
    return response
