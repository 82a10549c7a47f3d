from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page

from reports.export_store import stored_export
from reports.models import MonthlyReportPage
from reports.review_word import docx_response, draft_response_for_path
from reports.sync import discard_source_changes


def _docx_response(page, request, args, kwargs):
    return docx_response(stored_export(page, page.get_site()), page)


def report_docx(request, path):
    """The report at `path` as a Word file. Wagtail's page URLs cannot end in `.docx`, so this
    view routes the page itself and then runs the same serve hooks as `wagtail.views.serve`
    (page privacy — login, groups, password — lives in them) with the export as the last link."""
    route = Page.route_for_request(request, path)
    if route is None or not isinstance(route[0], MonthlyReportPage):
        # A draft's preview links here too: its reviewers get the draft, everyone else a 404.
        response = draft_response_for_path(request, path)
        if response is None:
            raise Http404
        return response
    page, args, kwargs = route
    chain = _docx_response
    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        chain = wrap(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


def discard_source_changes_view(request, page_id):
    """放弃来源变更: the editor keeps the published report as approved (see
    `reports.sync.discard_source_changes`). GET asks, POST does; the page's edit permission
    is required."""
    page = get_object_or_404(MonthlyReportPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    if not page.has_been_published:
        messages.error(request, _("月报尚未发布，没有可保留的已发布内容。"))
        return redirect(edit_url)
    if request.method == "POST":
        discard_source_changes(page, user=request.user)
        messages.success(
            request, _("已放弃来源变更：《%(title)s》恢复为已发布的内容。") % {"title": page.title}
        )
        return redirect(edit_url)
    return TemplateResponse(
        request,
        "reports/admin/confirm_discard_source_changes.html",
        {
            "page": page,
            "header_title": _("放弃来源变更"),
            "page_title": _("放弃来源变更"),
            "page_subtitle": page.title,
            "header_icon": "warning",
            "edit_url": edit_url,
            "compare_url": compare_url(page),
        },
    )


def compare_url(page):
    """The admin's comparison of the live page with its latest draft, when there is one."""
    if not (page.live and page.has_unpublished_changes and page.latest_revision_id):
        return ""
    return reverse(
        "wagtailadmin_pages:revisions_compare", args=(page.pk, "live", page.latest_revision_id)
    )
