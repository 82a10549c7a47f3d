"""The review results in the admin ("评审结果", the office only): the URLs of the ranking views
(`campaigns.views.ranking`, which also holds the chair's page on the site) and their menu item."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from campaigns.views.ranking import admin_urlpatterns
from cms.roles import is_office


def urlpatterns():
    return [path("rankings/", include((admin_urlpatterns, "campaign_ranking")))]


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return is_office(request.user)


def menu_item():
    return OfficeMenuItem(
        _("评审结果"), reverse("campaign_ranking:index"), icon_name="table", order=252
    )
