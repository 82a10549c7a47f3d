from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from cms import accounts, site_reports
from cms.admin_permissions import PostOnlyLogoutView, image_select_format_view
from cms.api import api_router
from cms.search_views import AdminPageSearchView
from cms.search_views import search as site_search
from cms.syndication import serve_page_file

# Each app's addresses outside the page tree and the admin (`<app>/urls.py`), at the site root:
# an app names its paths in full, so that `cms` needs to know no more of it than this line.
APP_URLCONFS = ["campaigns.urls", "reports.urls", "activities.urls"]

urlpatterns = [
    # Wagtail's reports of the whole site, for the office only (`cms.site_reports`).
    path("admin/reports/", include(site_reports.urlpatterns())),
    # Wagtail's page search, with Chinese queries segmented (`cms.search_views`).
    # Outside Wagtail's admin URLconf, so the admin's access check is applied here.
    path(
        "admin/pages/search/",
        require_admin_access(AdminPageSearchView.as_view()),
        name="wagtailadmin_pages_search_cn",
    ),
    path(
        "admin/pages/search/results/",
        require_admin_access(AdminPageSearchView.as_view(results_only=True)),
        name="wagtailadmin_pages_search_results_cn",
    ),
    # Wagtail's image chooser step, with the "choose" permission checked (`cms.admin_permissions`).
    path(
        "admin/images/chooser/<int:image_id>/select_format/",
        require_admin_access(image_select_format_view()),
        name="wagtailimages_select_format_permitted",
    ),
    # Wagtail's sign-out, with a GET refused before it touches the session cookie.
    path("admin/logout/", PostOnlyLogoutView.as_view(), name="wagtailadmin_logout_post_only"),
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("search/", site_search, name="search"),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/verify/", accounts.verify_email_sent, name="verify_email_sent"),
    path("accounts/verify/resend/", accounts.resend_verification, name="resend_verification"),
    path("accounts/verify/<str:token>/", accounts.verify_email, name="verify_email"),
    path("notifications/", include("cms.notifications.urls")),
    *(path("", include(urlconf)) for urlconf in APP_URLCONFS),
    # Calendars of pages (`/activities/calendar.ics`): page URLs cannot hold a dot.
    re_path(
        r"^(?P<path>(?:[\w\-]+/)*)(?P<filename>[\w\-]+\.ics)$", serve_page_file, name="page_file"
    ),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # The demo's uploads, with DEBUG on or off (`static()` adds nothing without DEBUG).
    from django.views.static import serve as serve_media

    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]
