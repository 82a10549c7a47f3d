"""A report's entries: progress and plan entries (written by editors, or linked to what the
other apps report and kept in step by `reports.sync`) and its press releases."""

from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from cms.linked_entries import Origin
from cms.sanitise import render_markdown, validate_markdown
from reports.panels import LinkedEntryPanel


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
    page = ParentalKey(
        "reports.MonthlyReportPage", on_delete=models.CASCADE, related_name="progress_entries"
    )

    class Meta(ReportEntry.Meta):
        verbose_name = _("进展条目")
        verbose_name_plural = _("进展条目")


class PlanEntry(ReportEntry):
    page = ParentalKey(
        "reports.MonthlyReportPage", on_delete=models.CASCADE, related_name="plan_entries"
    )

    class Meta(ReportEntry.Meta):
        verbose_name = _("计划条目")
        verbose_name_plural = _("计划条目")


class PressRelease(Orderable):
    page = ParentalKey(
        "reports.MonthlyReportPage", on_delete=models.CASCADE, related_name="press_releases"
    )
    news_page = models.ForeignKey(
        "cms.NewsPage", verbose_name=_("新闻稿"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("news_page")]

    class Meta(Orderable.Meta):
        verbose_name = _("新闻稿")
        verbose_name_plural = _("新闻稿")
