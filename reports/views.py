from django.http import Http404, HttpResponse
from wagtail import hooks
from wagtail.models import Page

from reports.docx_export import DOCX_CONTENT_TYPE, export_report
from reports.models import MonthlyReportPage


def _docx_response(page, request, args, kwargs):
    response = HttpResponse(
        export_report(page, site=page.get_site()), content_type=DOCX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="report-{page.slug}.docx"'
    response["Cache-Control"] = "private, no-store"
    return response


def report_docx(request, path):
    """The report at `path` as a Word file. Wagtail's page URLs cannot end in `.docx`, so this
    view routes the page itself and then runs the same serve hooks as `wagtail.views.serve`
    (page privacy — login, groups, password — lives in them) with the export as the last link."""
    route = Page.route_for_request(request, path)
    if route is None or not isinstance(route[0], MonthlyReportPage):
        raise Http404
    page, args, kwargs = route
    chain = _docx_response
    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        chain = wrap(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)
