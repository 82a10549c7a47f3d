"""The report's own admin panels: the period row, the activities suggested for the progress
section, and where a linked entry comes from."""

from types import SimpleNamespace

from django import forms
from wagtail.admin.panels import FieldRowPanel, Panel

from cms.linked_entries import Origin

# The name of the 收入月报 buttons, which `reports.forms.MonthlyReportForm` reads.
INCLUDE_ACTIVITY = "include_activity"


class PeriodPanel(FieldRowPanel):
    """The period fields, led by an invisible save button: pressing Enter in a field submits the
    form with the first submit button, which would otherwise be an activity's 收入月报."""

    class BoundPanel(FieldRowPanel.BoundPanel):
        template_name = "reports/admin/period_panel.html"


class ActivitySuggestionsPanel(Panel):
    """The published member-society activities of the report's period that its progress section
    does not include yet, under their workstreams, each with a 收入月报 button. The button submits
    the edit form (the editor's unsaved changes are saved with it, as a draft);
    `MonthlyReportForm` appends the activity as a linked entry."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "reports/admin/activity_suggestions_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["saved"] = bool(page.pk and page.period_start and page.period_end)
            context["groups"] = self.groups(page) if context["saved"] else []
            context["button_name"] = INCLUDE_ACTIVITY
            return context

        def groups(self, page):
            from activities.reporting import pages_and_entries
            from cms.cn_dates import cn_date_range
            from reports.models.entries import group_by_workstream

            included = {e.origin_key for e in page.progress_entries.all() if e.is_linked}
            period = page.period
            items = [
                SimpleNamespace(
                    id=activity.pk,
                    title=activity.title,
                    url=entry.link_url,
                    when=cn_date_range(activity.start_date, activity.end_date),
                    society=activity.society.name if activity.society_id else "",
                    workstream=entry.workstream,
                    workstream_id=entry.workstream_id,
                )
                for activity, entry in pages_and_entries(period)
                if entry.origin_key not in included
            ]
            return group_by_workstream(items)


class LinkedEntryPanel(Panel):
    """Where an entry comes from, shown read-only above its text. The sync's bookkeeping travels
    with the form as hidden inputs: an entry that exists only in a draft revision has no database
    id, so the form could not find these values again on its own."""

    SYNC_FIELDS = ("origin", "origin_key", "link_url", "synced_body")

    def get_form_options(self):
        return {
            "fields": list(self.SYNC_FIELDS),
            "widgets": dict.fromkeys(self.SYNC_FIELDS, forms.HiddenInput),
        }

    class BoundPanel(Panel.BoundPanel):
        template_name = "reports/admin/linked_entry_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            form = self.form
            origin = form["origin"].value() if form is not None else Origin.MANUAL
            context["hidden_fields"] = (
                [form[name] for name in self.panel.SYNC_FIELDS] if form is not None else []
            )
            context["linked"] = bool(origin) and origin != Origin.MANUAL
            context["origin_label"] = dict(Origin.choices).get(origin, origin)
            context["link_url"] = form["link_url"].value() if form is not None else ""
            context["edited"] = getattr(self.instance, "edited", False)
            return context
