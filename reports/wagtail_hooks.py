"""Admin side of the report sync: a new report gets its linked entries, a published report whose
sources changed shows 来源已变更 (title, dashboard panel, edit-page notice) with a way to discard
the change."""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button

import reports.compare  # noqa: F401 - registers the yes/no comparison
from cms.notifications import NOTIFICATION_KINDS_HOOK
from cms.search import SEARCH_GROUPS_HOOK, Group
from reports.models import MonthlyReportPage
from reports.review_word import awaiting_reports, may_review, word_draft_url, word_draft_view
from reports.signal_handlers import enqueue_sync_for_report
from reports.sync import DISCARD_LOG_ACTION, SYNC_LOG_ACTION
from reports.views import compare_url, discard_source_changes_view


@hooks.register("register_admin_urls")
def register_report_admin_urls():
    return [
        path(
            "reports/<int:page_id>/discard-source-changes/",
            discard_source_changes_view,
            name="reports_discard_source_changes",
        ),
        path(
            "reports/<int:page_id>/word/<str:revision>/",
            word_draft_view,
            name="reports_word_draft",
        ),
    ]


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    actions.register_action(
        SYNC_LOG_ACTION, gettext_lazy("同步关联条目"), gettext_lazy("按来源同步了关联条目")
    )
    actions.register_action(
        DISCARD_LOG_ACTION, gettext_lazy("放弃来源变更"), gettext_lazy("放弃了来源变更")
    )


# A report created in the admin gets the milestones already there. The admin creates pages
# outside a transaction, so this runs once the create view has saved (and maybe published or
# submitted) the first revision.
@hooks.register("after_create_page")
def sync_new_report(request, page):
    if isinstance(page.specific_deferred, MonthlyReportPage):
        enqueue_sync_for_report(page.pk)


# An editor's save may drop a linked entry (deleting it instead of hiding it) or be based on an
# older revision than the last sync: syncing again brings the sources back at once.
@hooks.register("after_edit_page")
def sync_edited_report(request, page):
    if isinstance(page.specific_deferred, MonthlyReportPage):
        enqueue_sync_for_report(page.pk)


def _flagged(page):
    page = page.specific_deferred
    return isinstance(page, MonthlyReportPage) and page.source_changed


@hooks.register("before_edit_page")
def notice_source_changed(request, page):
    if request.method != "GET" or not _flagged(page):
        return
    buttons = [
        messages.button(
            reverse("reports_discard_source_changes", args=(page.pk,)), _("放弃来源变更")
        )
    ]
    url = compare_url(page)
    if url:
        buttons.insert(0, messages.button(url, _("比较已发布版本与草稿")))
    messages.warning(
        request,
        _(
            "来源已变更：本月报发布后，关联的里程碑或申报统计有了变化。系统已按新来源保存了一份"
            "草稿，已发布的内容保持不变；请审核后发布，或放弃来源变更。"
        ),
        buttons=buttons,
    )


@hooks.register("register_page_header_buttons")
def discard_source_changes_button(page, user, view_name, next_url=None):
    if _flagged(page) and page.permissions_for_user(user).can_edit():
        yield Button(
            label=_("放弃来源变更"),
            url=reverse("reports_discard_source_changes", args=(page.pk,)),
            icon_name="undo",
            priority=55,
        )


def _is_report(page):
    return isinstance(page.specific_deferred, MonthlyReportPage)


# 下载 Word 稿 in the edit view's header and in its action menu (next to 保存草稿 / 提交审核),
# built from the latest revision: what the editor last saved and the reviewer will approve.
@hooks.register("register_page_header_buttons")
def word_draft_header_button(page, user, view_name, next_url=None):
    if view_name == "edit" and _is_report(page) and may_review(user, page):
        yield Button(
            label=_("下载 Word 稿"),
            url=word_draft_url(page),
            icon_name="download",
            priority=50,
            attrs={"download": ""},
        )


class WordDraftMenuItem(ActionMenuItem):
    label = gettext_lazy("下载 Word 稿")
    name = "action-word-draft"
    icon_name = "download"
    order = 95

    def is_shown(self, context):
        page = context.get("page")
        return (
            context.get("view") == "edit"
            and page is not None
            and _is_report(page)
            and may_review(context["request"].user, page)
        )

    def get_url(self, parent_context):
        return word_draft_url(parent_context["page"])


@hooks.register("register_page_action_menu_item")
def register_word_draft_menu_item():
    return WordDraftMenuItem()


class AwaitingReportsPanel(Component):
    """Dashboard: the reports waiting for the user's review, each with the Word file of the
    revision submitted — Wagtail's own awaiting-review panel offers no place for it."""

    name = "reports_awaiting_review"
    template_name = "reports/admin/awaiting_review_panel.html"
    order = 215

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["rows"] = awaiting_reports(parent_context["request"].user)
        return context


class SourceChangedReportsPanel(Component):
    """Dashboard: published reports whose sources changed, for those who may edit them."""

    name = "reports_source_changed"
    template_name = "reports/admin/source_changed_panel.html"
    order = 205

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        pages = MonthlyReportPage.objects.filter(source_changed=True).order_by("-period_start")
        context["reports"] = [
            {"page": page, "compare_url": compare_url(page)}
            for page in pages
            if page.permissions_for_user(user).can_edit()
        ]
        return context


@hooks.register("construct_homepage_panels")
def add_source_changed_panel(request, panels):
    panels.append(SourceChangedReportsPanel())
    panels.append(AwaitingReportsPanel())


# Home page section (`cms.home_sections`): the latest public report.
@hooks.register("lianhe_home_sections")
def reports_home_section(request, site):
    from reports.home import reports_section

    return reports_section(request, site)


# Site search group (`cms.search`): last of the apps' groups.
def _report_text(page):
    # The entries were prefetched with the results; `entries_text()` would query per report.
    bodies = [
        entry.body
        for relation in ("progress_entries", "plan_entries")
        for entry in getattr(page, relation).all()
        if not entry.hidden
    ]
    return "\n".join(bodies)


@hooks.register(SEARCH_GROUPS_HOOK)
def reports_search_group():
    return Group(
        "reports",
        gettext_lazy("进展情况月报"),
        MonthlyReportPage,
        prefetch=("progress_entries", "plan_entries"),
        text=_report_text,
        order=50,
    )


@hooks.register(NOTIFICATION_KINDS_HOOK)
def report_notification_kinds():
    from reports.notifications import report_kinds

    return report_kinds()
