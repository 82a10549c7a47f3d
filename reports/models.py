from itertools import groupby
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, Panel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.linked_entries import Origin
from cms.periods import Period
from cms.sanitise import render_markdown, validate_markdown
from cms.search_text import SegmentedSearchMixin
from reports.review_word import WordDraftPanel, word_draft_url

REPORT_TITLE = "进展情况月报"


class ReportIndexPage(Page):
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["reports.MonthlyReportPage"]

    class Meta:
        verbose_name = _("月报栏目")

    def reports_for(self, request):
        reports = MonthlyReportPage.objects.live().child_of(self).order_by("-period_start")
        if not request.user.is_authenticated:
            reports = reports.public()
        return reports.only("id", "title", "slug", "url_path", "period_start", "period_end")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        reports = list(self.reports_for(request))
        context["years"] = [
            (year, list(items))
            for year, items in groupby(reports, key=lambda r: r.period_start.year)
        ]
        return context


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


class MonthlyReportPage(SegmentedSearchMixin, Page):
    period_start = models.DateField(
        _("起始月份"), help_text=_("报告期的第一个月（选该月任一日即可）")
    )
    period_end = models.DateField(
        _("截止月份"),
        help_text=_("报告期的最后一个月；只报一个月时与起始月份相同"),
    )

    content_panels = [
        # Hidden in the form; heads the compare view with the Word file of each side.
        WordDraftPanel(),
        PeriodPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("报告期")),
        MultiFieldPanel(
            [InlinePanel("progress_entries", label=_("进展条目"))],
            heading=_("一、当月总体进展情况"),
        ),
        ActivitySuggestionsPanel(heading=_("成员学会活动（建议收入）")),
        MultiFieldPanel(
            [InlinePanel("press_releases", label=_("新闻稿"))],
            heading=_("二、重点推进情况（新闻稿）"),
        ),
        MultiFieldPanel(
            [InlinePanel("plan_entries", label=_("计划条目"))],
            heading=_("三、下月工作计划"),
        ),
    ]
    # Set by the sync when a published report's sources changed after approval (a new draft
    # revision then carries the change). Page-wide state, not content: kept out of what a
    # revision restores (see `with_content_json`) and changed with queryset updates only.
    source_changed = models.BooleanField(_("来源已变更"), default=False, editable=False)
    dismissed_source_hash = models.CharField(max_length=64, blank=True, editable=False)

    promote_panels = [FieldPanel("search_description")]
    base_form_class = MonthlyReportForm
    # The entries are child rows, written after the page's own save indexed it.
    reindex_on_publish = True
    segmented_fields = ("title", "entries_text")
    search_fields = Page.search_fields + [
        # Hidden entries are not shown, so they are not found either.
        index.SearchField("entries_text"),
        index.SearchField("search_segmented"),
        index.AutocompleteField("search_segmented_title"),
        index.FilterField("period_start"),
    ]
    parent_page_types = ["reports.ReportIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("进展情况月报")
        verbose_name_plural = _("进展情况月报")

    @property
    def period(self):
        return Period.of(self.period_start, self.period_end)

    def derive_title_and_slug(self):
        if not (self.period_start and self.period_end):
            return
        self.period_start = self.period.start
        self.period_end = self.period.end
        self.title = f"{REPORT_TITLE}（{self.period.label}）"
        self.draft_title = self.title
        self.slug = self.period.slug

    def full_clean(self, *args, **kwargs):
        self.derive_title_and_slug()
        self.note_edited_entries()
        super().full_clean(*args, **kwargs)

    def note_edited_entries(self):
        """Mark linked entries whose text an editor changed (see `ReportEntry.note_edit`)."""
        for relation in ("progress_entries", "plan_entries"):
            for entry in getattr(self, relation).all():
                entry.note_edit()

    def with_content_json(self, content):
        """A revision restores content; whether the sources changed since approval, and which
        change an editor dismissed, belong to the page as it is now."""
        obj = super().with_content_json(content)
        obj.source_changed = self.source_changed
        obj.dismissed_source_hash = self.dismissed_source_hash
        return obj

    @property
    def has_been_published(self):
        return bool(self.live or self.first_published_at)

    def get_admin_display_title(self):
        title = super().get_admin_display_title()
        if self.source_changed:
            return f"{title}【{_('来源已变更')}】"
        return title

    def minimal_clean(self):
        self.derive_title_and_slug()
        super().minimal_clean()

    def clean(self):
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                raise ValidationError({"period_end": _("截止月份不能早于起始月份。")})
            clash = self.overlapping_reports().first()
            if clash is not None:
                raise ValidationError(
                    {
                        "period_start": _(
                            "报告期%(period)s与已有的《%(title)s》重叠：每个月只能有一份月报。"
                        )
                        % {"period": self.period.label, "title": clash.title}
                    }
                )
        super().clean()

    def overlapping_reports(self):
        others = MonthlyReportPage.objects.filter(
            period_start__lte=self.period.end, period_end__gte=self.period.start
        )
        if self.pk:
            others = others.exclude(pk=self.pk)
        return others.order_by("period_start")

    # Sections, grouped the way the paper report numbers them.
    def progress_groups(self):
        return group_by_workstream(self._entries("progress_entries"))

    def plan_groups(self):
        return group_by_workstream(self._entries("plan_entries"))

    def entries_text(self):
        return "\n".join(
            entry.body
            for relation in ("progress_entries", "plan_entries")
            for entry in self._entries(relation)
        )

    def press_release_pages(self, live_only=False, with_body=True):
        links = self.press_releases.all().select_related("news_page")
        if not with_body:
            # The page lists titles and leads; only the Word file prints the news itself.
            links = links.defer("news_page__body")
        return [link.news_page for link in links if link.news_page.live or not live_only]

    def _entries(self, relation):
        """The entries readers see: hidden ones stay in the report (so the sync does not add
        them again) but are neither shown nor exported."""
        entries = getattr(self, relation).all().select_related("workstream")
        return [entry for entry in entries if not entry.hidden]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["progress_groups"] = self.progress_groups()
        # Visitors only get links that lead somewhere; a preview shows the drafts too.
        preview = getattr(request, "is_preview", False)
        context["press_releases"] = self.press_release_pages(live_only=not preview, with_body=False)
        context["plan_groups"] = self.plan_groups()
        context["previous_report"], context["next_report"] = self.neighbours()
        # A preview shows a draft: its Word file is the draft's, from the admin (the public
        # address serves only what is published). Only then: a reverse(), no query.
        if preview and self.pk:
            context["draft_docx_url"] = word_draft_url(self)
        return context

    def neighbours(self):
        """The published reports just before and after this one in time, among its siblings."""
        from wagtail.models import PageViewRestriction

        # Siblings share this page's ancestors, so only their own restrictions matter: a
        # subquery, where `.public()` would load every restriction in a query of its own.
        siblings = (
            MonthlyReportPage.objects.live()
            .exclude(pk__in=PageViewRestriction.objects.values("page_id"))
            .sibling_of(self, inclusive=False)
            .only("id", "title", "url_path", "period_start", "period_end")
        )
        # One light query for both (a dozen rows a year) rather than one per direction.
        others = list(siblings.exclude(period_start=self.period_start).order_by("period_start"))
        earlier = [report for report in others if report.period_start < self.period_start]
        later = [report for report in others if report.period_start > self.period_start]
        return (earlier[-1] if earlier else None), (later[0] if later else None)

    def docx_url(self, request=None):
        """Served by `reports.views.report_docx` (Wagtail's page URLs cannot contain a dot)."""
        return f"{self.get_url(request)}report.docx"


def group_by_workstream(entries):
    """[(workstream, [entry, …]), …] in workstream order, entries in their editors' order."""
    ordered = sorted(
        enumerate(entries),
        key=lambda item: (item[1].workstream.order, item[1].workstream.name, item[0]),
    )
    groups = []
    for _key, items in groupby(ordered, key=lambda item: item[1].workstream_id):
        items = [entry for _i, entry in items]
        groups.append((items[0].workstream, items))
    return groups


def _same_text(a, b):
    return (a or "").replace("\r\n", "\n").strip() == (b or "").replace("\r\n", "\n").strip()


# A linked entry points at a page of this site or at an http(s) address, never at a script.
validate_link_url = RegexValidator(
    r"^(/(?!/)|https?://)[^\s<>\"']*$", _("链接只能是本站路径（以 / 开头）或 http(s) 地址。")
)


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


class ReportEntry(Orderable):
    workstream = models.ForeignKey(
        "cms.Workstream", verbose_name=_("工作板块"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(
        _("内容"), help_text=_("可使用 Markdown 格式"), validators=[validate_markdown]
    )
    # Linked entries (all but manual) are written by `reports.sync` from what the other apps
    # report for a period (`campaigns.reporting.entries_for`, …), keyed by `origin_key`.
    # blank: a form that does not send it (every entry an editor adds) means a manual entry.
    origin = models.CharField(
        _("来源"), max_length=20, choices=Origin.choices, default=Origin.MANUAL, blank=True
    )
    origin_key = models.CharField(
        _("来源标识"), max_length=100, blank=True, help_text=_("例如 milestone:12")
    )
    link_url = models.CharField(
        _("关联链接"), max_length=500, blank=True, validators=[validate_link_url]
    )
    # What the sync last wrote; an editor's text that differs from it is kept from then on.
    synced_body = models.TextField(_("同步内容"), blank=True)
    edited = models.BooleanField(
        _("已改写"), default=False, help_text=_("编辑改写了关联条目的内容，同步时保留改写后的内容")
    )
    hidden = models.BooleanField(
        _("隐藏"),
        default=False,
        help_text=_("隐藏的条目不在网页和 Word 版中显示，同步时也不会再次加入"),
    )

    # A plain select: there are a handful of workstreams, a chooser modal would only slow editors.
    panels = [
        LinkedEntryPanel(),
        FieldPanel("workstream", widget=forms.Select),
        FieldPanel("body"),
        FieldPanel("hidden"),
    ]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return f"{self.workstream}：{self.body[:30]}"

    @property
    def is_linked(self):
        return self.origin not in ("", Origin.MANUAL) and bool(self.origin_key)

    def note_edit(self):
        """A linked entry whose text differs from what the sync wrote has been rewritten by an
        editor; the sync keeps that text from then on. Computed, so nobody ticks a box."""
        self.origin = self.origin or Origin.MANUAL
        if self.is_linked and self.synced_body:
            self.edited = not _same_text(self.body, self.synced_body)

    def clean(self):
        super().clean()
        self.note_edit()

    def save(self, *args, **kwargs):
        self.note_edit()
        super().save(*args, **kwargs)

    def body_html(self):
        return render_markdown(self.body)

    def public_link_url(self):
        """The link shown to readers, only if it is a safe one."""
        try:
            validate_link_url(self.link_url)
        except ValidationError:
            return ""
        return self.link_url


class ProgressEntry(ReportEntry):
    page = ParentalKey(MonthlyReportPage, on_delete=models.CASCADE, related_name="progress_entries")

    class Meta(ReportEntry.Meta):
        verbose_name = _("进展条目")
        verbose_name_plural = _("进展条目")


class PlanEntry(ReportEntry):
    page = ParentalKey(MonthlyReportPage, on_delete=models.CASCADE, related_name="plan_entries")

    class Meta(ReportEntry.Meta):
        verbose_name = _("计划条目")
        verbose_name_plural = _("计划条目")


class PressRelease(Orderable):
    page = ParentalKey(MonthlyReportPage, on_delete=models.CASCADE, related_name="press_releases")
    news_page = models.ForeignKey(
        "cms.NewsPage", verbose_name=_("新闻稿"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("news_page")]

    class Meta(Orderable.Meta):
        verbose_name = _("新闻稿")
        verbose_name_plural = _("新闻稿")
