"""The refusal page of the admin views that are the secretariat's (秘书处) alone and concern the
whole site (the page cache, site-wide reports). Who the office is: `cms.roles`."""

from django.http import HttpResponseForbidden
from django.template.loader import render_to_string


def refused(request, reason):
    """A 403 in the admin's own look. Wagtail turns a PermissionDenied into a redirect to the
    dashboard; a refusal of something the person asked for on purpose says so instead."""
    return HttpResponseForbidden(
        render_to_string("cms/admin/refused.html", {"reason": reason}, request=request)
    )
