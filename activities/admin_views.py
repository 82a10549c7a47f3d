"""Admin views of Wagtail that need one more check for people limited to their own area."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

from activities import permissions


class SiteWidePageTypesUsageView(PageTypesUsageReportView):
    """The "page types usage" report names the last edited page of every type across the site,
    another society's draft title included: not for people limited to their own area (the menu
    hides it too, see `wagtail_hooks`)."""

    def dispatch(self, request, *args, **kwargs):
        if permissions.limited_to_own_area(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
