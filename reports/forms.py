"""The report's admin edit form. (`reports.models.pages` names it as the page's form class,
so it imports the models only where it uses them.)"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from reports.panels import INCLUDE_ACTIVITY


class MonthlyReportForm(WagtailAdminPageForm):
    """The report's edit form, which also includes an activity when the editor clicked its
    收入月报 (`ActivitySuggestionsPanel`): the activity becomes a linked entry at the end of the
    progress section, kept in step by the sync from then on."""

    def clean(self):
        cleaned_data = super().clean()
        self.activity_entry = None
        raw = self.data.get(INCLUDE_ACTIVITY)
        if raw is None:
            return cleaned_data
        page = self.instance
        if not (page.pk and page.period_start and page.period_end):
            self.add_error(None, _("请先保存月报，再从报告期内的成员学会活动中选择收入。"))
            return cleaned_data
        from activities.reporting import entry_for, origin_key

        # The period the suggestions were listed for: the report's, not a period being edited.
        entry = None
        if raw.isascii() and raw.isdigit() and len(raw) < 19:  # a page id, never an overflow
            entry = entry_for(int(raw), page.period)
        if entry is None:
            self.add_error(None, _("所选活动不是本报告期内已发布的成员学会活动，未能收入月报。"))
        elif origin_key(int(raw)) in {
            e.origin_key for e in page.progress_entries.all() if e.is_linked
        }:
            self.add_error(None, _("该活动已收入本月报。"))
        else:
            self.activity_entry = entry
        return cleaned_data

    def save(self, commit=True):
        page = super().save(commit=False)
        entry = getattr(self, "activity_entry", None)
        if entry is not None:
            from reports.models.entries import ProgressEntry
            from reports.sync import new_entry

            entries = list(page.progress_entries.all())
            # Added as the sync adds an entry, so that its next run changes nothing.
            if entry.origin_key not in {e.origin_key for e in entries if e.is_linked}:
                added = new_entry(ProgressEntry, entry)
                added.sort_order = len(entries)
                page.progress_entries.add(added)
        if commit:
            page.save()
            self._save_m2m()
        return page
