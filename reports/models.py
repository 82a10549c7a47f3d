from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.sanitise import render_markdown, validate_markdown
from reports.periods import Period

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


class MonthlyReportPage(Page):
    period_start = models.DateField(
        _("起始月份"), help_text=_("报告期的第一个月（选该月任一日即可）")
    )
    period_end = models.DateField(
        _("截止月份"),
        help_text=_("报告期的最后一个月；只报一个月时与起始月份相同"),
    )

    content_panels = [
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("报告期")),
        MultiFieldPanel(
            [InlinePanel("progress_entries", label=_("进展条目"))],
            heading=_("一、当月总体进展情况"),
        ),
        MultiFieldPanel(
            [InlinePanel("press_releases", label=_("新闻稿"))],
            heading=_("二、重点推进情况（新闻稿）"),
        ),
        MultiFieldPanel(
            [InlinePanel("plan_entries", label=_("计划条目"))],
            heading=_("三、下月工作计划"),
        ),
    ]
    promote_panels = [FieldPanel("search_description")]
    search_fields = Page.search_fields + [
        index.RelatedFields("progress_entries", [index.SearchField("body")]),
        index.RelatedFields("plan_entries", [index.SearchField("body")]),
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
        super().full_clean(*args, **kwargs)

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

    def press_release_pages(self, live_only=False):
        links = self.press_releases.all().select_related("news_page")
        return [link.news_page for link in links if link.news_page.live or not live_only]

    def _entries(self, relation):
        return list(getattr(self, relation).all().select_related("workstream"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["progress_groups"] = self.progress_groups()
        # Visitors only get links that lead somewhere; a preview shows the drafts too.
        preview = getattr(request, "is_preview", False)
        context["press_releases"] = self.press_release_pages(live_only=not preview)
        context["plan_groups"] = self.plan_groups()
        return context

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


class ReportEntry(Orderable):
    workstream = models.ForeignKey(
        "cms.Workstream", verbose_name=_("工作板块"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(
        _("内容"), help_text=_("可使用 Markdown 格式"), validators=[validate_markdown]
    )

    # A plain select: there are a handful of workstreams, a chooser modal would only slow editors.
    panels = [FieldPanel("workstream", widget=forms.Select), FieldPanel("body")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return f"{self.workstream}：{self.body[:30]}"

    def body_html(self):
        return render_markdown(self.body)


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
