"""The terms of a call, edited inline on its page: categories, criteria, the documents asked for
(slots, with their file rules and a Word form's required sections), the recommenders it accepts
and their quotas."""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable


class SlotKind(models.TextChoices):
    WORD = "word", _("Word 表格")
    VIDEO = "video", _("视频（MP4/MOV）")
    PDF = "pdf", _("PDF")


class ScopeCategory(Orderable):
    page = ParentalKey(
        "campaigns.CampaignPage", on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("类别"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("类别")
        verbose_name_plural = _("类别")

    def __str__(self):
        return self.name


class Criterion(Orderable):
    page = ParentalKey("campaigns.CampaignPage", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("名称"), max_length=100)
    explanation = models.TextField(_("说明"), blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=1)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2, default=10)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("weight"), FieldPanel("max_score")]),
        FieldPanel("explanation"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("评选标准")
        verbose_name_plural = _("评选标准")

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class FormSection:
    number: str
    title: str
    keywords: tuple
    explanation: str = ""


_SECTION_SEPARATOR = re.compile(r"\s*[|｜]\s*")


def parse_form_sections(text):
    """One section a line: `编号 | 标题 | 关键词（空格分隔） | 说明（可选）`."""
    sections = []
    for line_number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _SECTION_SEPARATOR.split(line.strip(), maxsplit=3)
        if len(parts) < 3 or not all(parts[:3]):
            raise ValidationError(
                _(
                    "第 %(line)d 行应写作“编号 | 标题 | 关键词 | 说明”，"
                    "例如“一 | 背景和意义 | 背景 意义”。"
                )
                % {"line": line_number}
            )
        number, title, keywords = parts[:3]
        explanation = parts[3] if len(parts) > 3 else ""
        sections.append(FormSection(number, title, tuple(keywords.split()), explanation))
    return sections


def validate_form_sections(text):
    parse_form_sections(text)


class DocumentSlot(Orderable):
    page = ParentalKey(
        "campaigns.CampaignPage", on_delete=models.CASCADE, related_name="document_slots"
    )
    code = models.CharField(_("编号"), max_length=20, help_text=_("例如：文件1"))
    label = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("文件类型"), max_length=10, choices=SlotKind.choices)
    required = models.BooleanField(_("必须提交"), default=True)
    char_limit = models.PositiveIntegerField(_("字数上限"), null=True, blank=True)
    sections = models.TextField(
        _("必备部分"),
        blank=True,
        validators=[validate_form_sections],
        help_text=_("每行一项：编号 | 标题 | 关键词（空格分隔） | 说明（可选）"),
    )
    max_video_minutes = models.DecimalField(
        _("视频时长上限（分钟）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    max_size_mb = models.PositiveIntegerField(_("大小上限（MB）"), default=50)
    category_name = models.CharField(
        _("适用类别"), max_length=100, blank=True, help_text=_("留空则适用于所有类别")
    )
    description = models.TextField(_("要求说明"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("label"), FieldPanel("kind")]),
        FieldPanel("category_name"),
        FieldRowPanel(
            [
                FieldPanel("required"),
                FieldPanel("char_limit"),
                FieldPanel("max_video_minutes"),
                FieldPanel("max_size_mb"),
            ]
        ),
        FieldPanel("sections"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("申报文件")
        verbose_name_plural = _("申报文件")

    def __str__(self):
        return f"{self.code} {self.label}"

    def form_sections(self):
        return parse_form_sections(self.sections)

    def rules(self):
        from campaigns.file_checks import RequiredSection, SlotRules

        return SlotRules(
            code=self.code,
            label=self.label,
            kind=self.kind,
            required=self.required,
            char_limit=self.char_limit,
            required_sections=tuple(
                RequiredSection(s.number, s.keywords, s.explanation) for s in self.form_sections()
            ),
            max_video_minutes=float(self.max_video_minutes) if self.max_video_minutes else None,
            max_size_bytes=self.max_size_mb * 1024 * 1024 if self.max_size_mb else None,
        )


class CampaignRecommender(Orderable):
    """A member society that may recommend nominations in this campaign."""

    page = ParentalKey(
        "campaigns.CampaignPage", on_delete=models.CASCADE, related_name="recommending_societies"
    )
    society = models.ForeignKey(
        "cms.MemberSociety", verbose_name=_("成员学会"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("society", widget=forms.Select)]

    class Meta(Orderable.Meta):
        verbose_name = _("推荐学会")
        verbose_name_plural = _("推荐学会")
        constraints = [
            models.UniqueConstraint(fields=["page", "society"], name="unique_campaign_society")
        ]

    def __str__(self):
        return str(self.society)


class RecommenderType(Orderable):
    """A kind of recommender in a government call (province, city with separate planning status,
    XPCC, central enterprise); quotas are set per type."""

    page = ParentalKey(
        "campaigns.CampaignPage", on_delete=models.CASCADE, related_name="recommender_types"
    )
    name = models.CharField(_("推荐单位类型"), max_length=60)

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("推荐单位类型")
        verbose_name_plural = _("推荐单位类型")

    def __str__(self):
        return self.name


class Quota(Orderable):
    """Each recommender of `recommender_type` may put forward at most `limit` nominations in
    `category_name`."""

    page = ParentalKey("campaigns.CampaignPage", on_delete=models.CASCADE, related_name="quotas")
    recommender_type_name = models.CharField(_("推荐单位类型"), max_length=60)
    category_name = models.CharField(_("类别"), max_length=100)
    limit = models.PositiveIntegerField(_("名额上限"))

    panels = [
        FieldRowPanel(
            [FieldPanel("recommender_type_name"), FieldPanel("category_name"), FieldPanel("limit")]
        )
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")

    def __str__(self):
        return f"{self.recommender_type_name} × {self.category_name} ≤ {self.limit}"
