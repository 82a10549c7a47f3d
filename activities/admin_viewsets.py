"""订阅源 in the admin: every feed's health at a glance, its recent entries, "立即抓取", and the
import of a feed list from OPML.

Who sees what is `activities.permissions.FeedPermissionPolicy`: the listing shows the feeds the
user may see, and every view on one feed checks the feed itself (`FeedObjectMixin`), so a society
cannot open, edit, fetch or delete another society's feed by typing its address.

"立即抓取" runs `activities.ingest.ingest_feed(feed, force=True)` in the request and shows its
summary: the person who presses it wants to see the result (and the error, if any) at once, and
one fetch is bounded by FEEDS_TOTAL_TIMEOUT. A feed just registered (in the form or from OPML) is
only queued (`activities.tasks.enqueue_ingest`, after commit)."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton

from activities import permissions
from activities.forms import FeedForm, OpmlImportForm
from activities.models import Feed, FeedStatus
from activities.opml import OpmlError, enqueue_first_fetch, import_opml

logger = logging.getLogger(__name__)

RECENT_ENTRIES = 20


class FeedStatusColumn(Column):
    """The status in words; anything but healthy gets a visible warning marker."""

    def get_value(self, instance):
        label = instance.get_status_display()
        if instance.healthy:
            return label
        return format_html(
            '<span class="w-status w-status--label feed-unhealthy" title="{}">⚠ {}</span>',
            _("需要处理"),
            label,
        )


class LastErrorColumn(Column):
    """The last error; after a successful fetch, what was odd about it (marked 提示)."""

    def get_value(self, instance):
        if instance.last_error:
            return Truncator(instance.last_error).chars(80)
        if instance.last_warning:
            return _("提示：%(text)s") % {"text": Truncator(instance.last_warning).chars(80)}
        return ""


def _society_choices(request):
    return permissions.societies_for(request.user) if request else Feed.objects.none()


class FeedFilterSet(WagtailFilterSet):
    # Only the user's own societies to filter by: the others' names would be noise.
    society = ModelChoiceFilter(label=gettext_lazy("成员学会"), queryset=_society_choices)
    status = ChoiceFilter(label=gettext_lazy("状态"), choices=FeedStatus.choices)

    class Meta:
        model = Feed
        fields = ["society", "status"]


class FeedObjectMixin:
    """Every view of one feed asks the policy about that feed, not only about feeds in general."""

    object_action = "view"

    def get_object(self, *args, **kwargs):
        feed = super().get_object(*args, **kwargs)
        if not permissions.feed_permission_policy.user_has_permission_for_instance(
            self.request.user, self.object_action, feed
        ):
            raise PermissionDenied
        return feed


def fetch_button(feed, url_name, next_url=""):
    url = reverse(url_name, args=(feed.pk,))
    if next_url:
        url = f"{url}?next={next_url}"
    # A POST with the CSRF token: Wagtail's action controller builds and submits the form.
    return Button(
        _("立即抓取"),
        url=url,
        icon_name="resubmit",
        priority=15,
        attrs={"data-controller": "w-action", "data-action": "w-action#post"},
    )


class FeedIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("society")
        return permissions.visible_feeds(self.request.user, queryset).annotate(
            entry_count=Count("entries")
        )

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if permissions.can_add_feed(self.request.user)[0]:
            buttons.append(
                HeaderButton(
                    _("从 OPML 导入"),
                    url=reverse("activities_feed:import_opml"),
                    icon_name="upload",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if permissions.can_fetch_feed(self.request.user, instance)[0]:
            buttons.append(
                fetch_button(instance, "activities_feed:fetch", self.request.get_full_path())
            )
        return buttons

    def get_edit_url(self, instance):
        if permissions.can_change_feed(self.request.user, instance)[0]:
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if permissions.can_delete_feed(self.request.user, instance)[0]:
            return super().get_delete_url(instance)
        return None


class FeedCreateView(generic.CreateView):
    def save_instance(self):
        feed = super().save_instance()
        enqueue_first_fetch(feed)
        return feed

    def get_success_message(self, instance):
        return _("订阅源“%(feed)s”已登记，稍后将自动抓取。") % {"feed": instance}


class FeedEditView(FeedObjectMixin, generic.EditView):
    object_action = "change"

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(fetch_button(self.object, "activities_feed:fetch", self.request.path))
        buttons.append(
            Button(
                _("健康详情"),
                url=reverse("activities_feed:inspect", args=(self.object.pk,)),
                icon_name="info-circle",
                priority=16,
            )
        )
        return buttons


class FeedDeleteView(FeedObjectMixin, generic.DeleteView):
    object_action = "delete"


class FeedHistoryView(FeedObjectMixin, generic.HistoryView):
    object_action = "view"


class FeedUsageView(FeedObjectMixin, generic.UsageView):
    object_action = "view"


class FeedInspectView(FeedObjectMixin, generic.InspectView):
    """The feed's health and its recent entries, each with the draft it became."""

    template_name = "activities/admin/feed_inspect.html"
    fields = [
        "society",
        "url",
        "title",
        "active",
        "interval_minutes",
        "status",
        "last_fetched_at",
        "last_success_at",
        "last_status_code",
        "consecutive_failures",
        "next_fetch_at",
        "last_error",
        "last_warning",
        "created_at",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = list(
            self.object.entries.select_related("page").order_by("-created_at", "-pk")[
                :RECENT_ENTRIES
            ]
        )
        for entry in entries:
            entry.edit_url = None
            if entry.page is not None:
                entry.edit_url = reverse("wagtailadmin_pages:edit", args=(entry.page.pk,))
        context["entries"] = entries
        context["entry_count"] = self.object.entries.count()
        context["can_fetch"] = permissions.can_fetch_feed(self.request.user, self.object)[0]
        context["fetch_url"] = reverse("activities_feed:fetch", args=(self.object.pk,))
        return context


def _next_url(request, default):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def fetch_feed_view(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    feed = get_object_or_404(Feed.objects.select_related("society"), pk=pk)
    allowed, reason = permissions.can_fetch_feed(request.user, feed)
    if not allowed:
        raise PermissionDenied(reason)
    from activities.ingest import ingest_feed

    try:
        result = ingest_feed(feed, force=True)
    except Exception as error:  # any failure: the user gets the reason, the log the trace
        logger.exception("Fetching feed %s failed", feed.pk)
        messages.error(request, _("抓取“%(feed)s”失败：%(error)s") % {"feed": feed, "error": error})
    else:
        summary = result.summary() if hasattr(result, "summary") else str(result)
        feed.refresh_from_db()
        if feed.healthy:
            messages.success(
                request, _("已抓取“%(feed)s”：%(summary)s") % {"feed": feed, "summary": summary}
            )
        else:
            messages.warning(
                request, _("抓取“%(feed)s”：%(summary)s") % {"feed": feed, "summary": summary}
            )
    return redirect(_next_url(request, reverse("activities_feed:index")))


def import_opml_view(request):
    if not permissions.can_add_feed(request.user)[0]:
        raise PermissionDenied
    form = OpmlImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            result = import_opml(form.cleaned_data["society"], data)
        except OpmlError as error:
            form.add_error("file", str(error))
        else:
            level = messages.success if not result.invalid else messages.warning
            level(
                request,
                _("%(society)s：%(summary)s")
                % {"society": form.cleaned_data["society"].name, "summary": result.summary()},
            )
            return redirect("activities_feed:index")
    return TemplateResponse(
        request,
        "activities/admin/opml_import.html",
        {
            "form": form,
            "page_title": _("从 OPML 导入订阅源"),
            "header_icon": "upload",
            "index_url": reverse("activities_feed:index"),
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("首页")},
                {"url": reverse("activities_feed:index"), "label": _("订阅源")},
                {"url": "", "label": _("从 OPML 导入")},
            ],
        },
    )


class FeedViewSet(ModelViewSet):
    model = Feed
    icon = "link"
    menu_label = gettext_lazy("订阅源")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = FeedIndexView
    add_view_class = FeedCreateView
    edit_view_class = FeedEditView
    delete_view_class = FeedDeleteView
    history_view_class = FeedHistoryView
    usage_view_class = FeedUsageView
    inspect_view_class = FeedInspectView
    filterset_class = FeedFilterSet
    search_fields = ["title", "url"]
    list_per_page = 50
    ordering = ["society_id", "pk"]
    list_display = [
        "title",
        "society",
        Column("url", label=gettext_lazy("订阅地址")),
        FeedStatusColumn("status", label=gettext_lazy("状态")),
        DateColumn("last_fetched_at", label=gettext_lazy("上次抓取")),
        DateColumn("last_success_at", label=gettext_lazy("上次成功")),
        Column("entry_count", label=gettext_lazy("条目数")),
        Column("consecutive_failures", label=gettext_lazy("连续失败")),
        DateColumn("next_fetch_at", label=gettext_lazy("下次抓取")),
        LastErrorColumn("last_error", label=gettext_lazy("最近错误或提示")),
    ]

    @property
    def permission_policy(self):
        return permissions.feed_permission_policy

    def get_form_class(self, for_update=False):
        return FeedForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/fetch/", fetch_feed_view, name="fetch"),
            path("import-opml/", import_opml_view, name="import_opml"),
        ]
