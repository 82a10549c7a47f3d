"""Wagtail's reports of the whole site (locked pages, workflows and their tasks, site history,
aging pages, page types usage) are the office's. Wagtail opens them to anyone who may add or
change a page anywhere: a society, whose only pages are its own activities, would read every
live page with who published it (aging pages), the history of pages above its own, and the
last edited page of every type, another society's draft title included.

So each report's view is the office-only subclass of Wagtail's, at the same path ahead of
Wagtail's admin URLs (`cms.urls`: Wagtail's own report URLs come before any hook's), with the
admin's access check; `construct_reports_menu` (`cms.wagtail_hooks`) leaves the reports out of
everyone else's menu. A society keeps its own pages' history on each page."""

from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

from cms.office_only import refused
from cms.roles import is_office

# The names of Wagtail's report menu items.
SITE_REPORT_MENU_ITEMS = {
    "locked-pages",
    "workflows",
    "workflow-tasks",
    "site-history",
    "aging-pages",
    "page-types-usage",
}


class OfficeOnlyReport:
    def dispatch(self, request, *args, **kwargs):
        if not is_office(request.user):
            return refused(request, _("全站范围的报告只供联合体秘书处查看。"))
        return super().dispatch(request, *args, **kwargs)


def _office_only(view):
    return type(f"OfficeOnly{view.__name__}", (OfficeOnlyReport, view), {})


# (path under admin/reports/, Wagtail's view)
REPORTS = [
    ("locked/", LockedPagesView),
    ("workflow/", WorkflowView),
    ("workflow_tasks/", WorkflowTasksView),
    ("site-history/", LogEntriesView),
    ("aging-pages/", AgingPagesView),
    ("page-types-usage/", PageTypesUsageReportView),
]


def _admin_view(view):
    return never_cache(require_admin_access(view))


def urlpatterns():
    """The reports at Wagtail's paths, for `path("admin/reports/", include(...))`."""
    urls = []
    for prefix, view in REPORTS:
        office_view = _office_only(view)
        name = "lianhe_report_" + prefix.strip("/").replace("-", "_")
        urls += [
            path(prefix, _admin_view(office_view.as_view()), name=name),
            path(
                f"{prefix}results/",
                _admin_view(office_view.as_view(results_only=True)),
                name=f"{name}_results",
            ),
        ]
    return urls


def hide_site_reports(request, menu_items):
    if not is_office(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in SITE_REPORT_MENU_ITEMS]
