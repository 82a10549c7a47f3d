"""The office-only admin policy: who counts as the secretariat (秘书处) for the admin pages that
concern the whole site (the page cache, site-wide reports). `cms` knows no app, so this reads
the groups by name; the apps' own `is_office` add their model permissions on top."""

from django.http import HttpResponseForbidden
from django.template.loader import render_to_string

from cms.demo_data import EDITORS, SECRETARY_GENERAL

OFFICE_GROUPS = (EDITORS, SECRETARY_GENERAL)


def is_office(user):
    """Superusers and the people of 秘书处编辑 and 秘书长."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_lianhe_cms_office", None)
    if cached is None:
        cached = user.groups.filter(name__in=OFFICE_GROUPS).exists()
        user._lianhe_cms_office = cached
    return cached


def refused(request, reason):
    """A 403 in the admin's own look. Wagtail turns a PermissionDenied into a redirect to the
    dashboard; a refusal of something the person asked for on purpose says so instead."""
    return HttpResponseForbidden(
        render_to_string("cms/admin/refused.html", {"reason": reason}, request=request)
    )
