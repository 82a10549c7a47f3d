"""The admin's side of notifications: the 发件箱 (the office's read-only listing of every
message and its attempts, filtered by kind, state and recipient), and each person's inbox (通知):
a menu item with the unread count, a dashboard panel and a page."""

import django_filters
from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import NullAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from cms.cn_dates import cn_datetime
from cms.models import OutboxMessage
from cms.notifications.inbox import inbox_of, unread_count
from cms.notifications.kinds import all_kinds, kind_label
from cms.notifications.views import inbox_page
from cms.roles import OfficePermissionPolicy

# --- 发件箱 -----------------------------------------------------------------------------------


def _kind_choices():
    return sorted((code, kind.label) for code, kind in all_kinds().items())


class OutboxFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=_kind_choices)
    recipient = django_filters.ModelChoiceFilter(
        label=_("收件人"),
        queryset=lambda request: (
            get_user_model().objects.filter(outbox_messages__isnull=False).distinct()
        ),
    )

    class Meta:
        model = OutboxMessage
        fields = ["kind", "state", "recipient"]


class OutboxIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("recipient")


class OutboxInspectView(InspectView):
    template_name = "cms/admin/outbox_inspect.html"

    def get_kind_display_value(self):
        return kind_label(self.object.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempts"] = self.object.attempt_log.all()
        context["attachments"] = self.object.attachments.all()
        return context


class OutboxViewSet(ModelViewSet):
    """Read only: a message changes through `cms.notifications.delivery` alone."""

    model = OutboxMessage
    name = "outbox"
    icon = "mail"
    menu_label = _("发件箱")
    menu_order = 9000
    add_to_settings_menu = True
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = OutboxFilterSet
    list_display = [
        TitleColumn(
            "subject",
            label=_("主题"),
            get_url=lambda m: reverse("outbox:inspect", args=[m.pk]),
        ),
        Column("address", label=_("收件人"), accessor="address"),
        Column("kind", label=_("类型"), accessor=lambda m: kind_label(m.kind)),
        Column("state", label=_("状态"), accessor="get_state_display"),
        Column("attempts", label=_("尝试次数"), accessor="attempts"),
        Column("last_error", label=_("最近错误"), accessor="last_error"),
        Column("created_at", label=_("创建时间"), accessor=lambda m: cn_datetime(m.created_at)),
        Column("sent_at", label=_("发送时间"), accessor=lambda m: cn_datetime(m.sent_at)),
    ]
    inspect_view_fields = [
        "recipient",
        "address",
        # The kind by its name; the idempotency key is the code's, not a person's to read.
        "kind",
        "subject",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "text_body",
    ]
    ordering = ["-created_at", "-pk"]
    search_fields = ["subject", "address"]

    @property
    def permission_policy(self):
        return OfficePermissionPolicy(self.model, actions=("view",))

    def get_common_view_kwargs(self, **kwargs):
        kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add", "edit", "delete", "usage"):
            kwargs[f"{name}_url_name"] = None
        return kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
        ]

    # Linked from nowhere else in the admin: the default names the edit view it does not have.
    url_finder_class = NullAdminURLFinder


# --- the inbox ----------------------------------------------------------------------------------


def admin_inbox(request):
    return inbox_page(request, "cms/admin/notifications_inbox.html")


def admin_urls():
    return [path("notifications/", admin_inbox, name="cms_admin_notifications")]


class InboxMenuItem(MenuItem):
    """通知, with the person's unread count in its label."""

    def render_component(self, request):
        count = unread_count(request.user)
        component = super().render_component(request)
        if count:
            component.label = _("通知（%(count)d）") % {"count": count}
        return component


def inbox_menu_item():
    return InboxMenuItem(_("通知"), reverse("cms_admin_notifications"), icon_name="mail", order=5)


class InboxPanel(Component):
    """Dashboard: the person's latest unread notifications."""

    name = "notifications_unread"
    template_name = "cms/admin/notifications_panel.html"
    order = 50
    SHOWN = 5

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        context["unread"] = unread_count(user)
        context["items"] = list(inbox_of(user).filter(read_at__isnull=True)[: self.SHOWN])
        return context
