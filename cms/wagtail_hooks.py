from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms import caching
from cms.cn_dates import cn_date
from cms.models import MemberSociety, Workstream


class MemberSocietyViewSet(SnippetViewSet):
    model = MemberSociety
    icon = "group"
    menu_label = _("成员学会")
    # Columns of their own: the default cells print a date in English and a flag as True/False.
    list_display = [
        "name",
        "short_name",
        "abbreviation",
        "name_en",
        Column("member_since", label=_("加入日期"), accessor=lambda s: cn_date(s.member_since)),
        BooleanColumn("active", label=_("有效")),
    ]
    list_filter = ["active"]
    search_fields = ["name", "name_en", "abbreviation"]
    ordering = ["pk"]


class WorkstreamViewSet(SnippetViewSet):
    model = Workstream
    icon = "list-ul"
    menu_label = _("工作板块")
    list_display = ["name", "synonyms", "name_en", "order"]
    ordering = ["order", "name"]


class FederationViewSetGroup(SnippetViewSetGroup):
    items = (MemberSocietyViewSet, WorkstreamViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("联合体")
    menu_name = "federation"


register_snippet(FederationViewSetGroup)


hooks.register("is_request_cacheable", caching.is_request_cacheable)


# After Wagtail's own images and documents apps have registered theirs (`cms.admin_permissions`).
@hooks.register("construct_admin_api", order=100)
def permitted_admin_api_endpoints(router):
    from cms.admin_permissions import register_admin_api_endpoints

    register_admin_api_endpoints(router)


@hooks.register("insert_editor_js")
def editor_guard_js():
    """Keeps the editor's background saves from racing the person's own (static/js)."""
    return format_html('<script src="{}"></script>', static("js/editor-guard.js"))


@hooks.register("register_admin_urls", order=-1)
def register_cache_admin_urls():
    # Ahead of wagtail-cache's own views at the same paths: the page cache's page is the
    # office's (cms.cache_admin).
    from cms import cache_admin

    return cache_admin.admin_urls()


@hooks.register("construct_reports_menu")
def hide_site_reports(request, menu_items):
    from cms.site_reports import hide_site_reports

    hide_site_reports(request, menu_items)


# Notifications (`cms.notifications`): cms's own kinds, the 发件箱, the person's inbox.
@hooks.register("lianhe_notification_kinds")
def cms_notification_kinds():
    from cms.notifications.registrations import cms_kinds

    return cms_kinds()


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    from cms.notifications.admin import OutboxViewSet

    return OutboxViewSet()


@hooks.register("register_admin_urls")
def register_notification_admin_urls():
    from cms.notifications.admin import admin_urls

    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_notification_menu_item():
    from cms.notifications.admin import inbox_menu_item

    return inbox_menu_item()


@hooks.register("construct_homepage_panels")
def add_notifications_panel(request, panels):
    from cms.notifications.admin import InboxPanel

    panels.append(InboxPanel())


@hooks.register("lianhe_header_links")
def notifications_header_link(request):
    from cms.notifications.header import notifications_link

    return notifications_link(request)
