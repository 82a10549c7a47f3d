"""The report pages: the index (the reports by year) and the monthly report."""

from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.periods import Period
from cms.restrictions import public
from cms.search_text import SegmentedSearchMixin
from reports.forms import MonthlyReportForm
from reports.models.entries import group_by_workstream
from reports.panels import ActivitySuggestionsPanel, PeriodPanel
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
            reports = public(reports)
        return reports.only("id", "title", "slug", "url_path", "period_start", "period_end")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        reports = list(self.reports_for(request))
        context["years"] = [
            (year, list(items))
            for year, items in groupby(reports, key=lambda r: r.period_start.year)
        ]
        return context


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
