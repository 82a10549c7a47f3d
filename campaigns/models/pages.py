import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.search_text import SegmentedSearchMixin


class CampaignKind(models.TextChoices):
    FEDERATION = "federation", _("联合体科技进展征集")
    GOVERNMENT = "government", _("政府部门试点示范申报")


class SlotKind(models.TextChoices):
    WORD = "word", _("Word 表格")
    VIDEO = "video", _("视频（MP4/MOV）")
    PDF = "pdf", _("PDF")


class CampaignIndexPage(RoutablePageMixin, Page):
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["campaigns.CampaignPage"]

    # `cms.syndication.serve_page_file` serves `/campaigns/milestones.ics` through this route
    # (Wagtail's page URLs cannot end in a file name).
    file_routes = {"milestones.ics": "milestones_ical"}

    class Meta:
        verbose_name = _("征集活动栏目")

    def get_context(self, request, *args, **kwargs):
        from campaigns.timeline import call_state

        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        campaigns = list(
            CampaignPage.objects.live()
            .public()
            .child_of(self)
            .select_related("notice")
            .prefetch_related("milestones")
            .order_by("-year", "title")
        )
        context["campaigns"] = [(campaign, call_state(campaign, today)) for campaign in campaigns]
        return context

    def get_cached_paths(self):
        # Purged from the front-end cache with the index (cms/caching.py).
        return ["/", "ical/", *self.file_routes]

    @path("ical/", name="milestones_ical")
    def milestones_ical(self, request):
        """The milestones of the live campaigns as an iCalendar feed (`campaigns.ical`)."""
        from campaigns.ical import milestones_calendar_response

        return milestones_calendar_response(request, self)


class CampaignPage(SegmentedSearchMixin, RoutablePageMixin, Page):
    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(
        _("类型"), max_length=20, choices=CampaignKind.choices, default=CampaignKind.FEDERATION
    )
    organiser = models.CharField(
        _("主办单位"), max_length=200, default="中国科协智能制造学会联合体"
    )
    introduction = RichTextField(_("简介"), blank=True)
    workstream = models.ForeignKey(
        "cms.Workstream",
        verbose_name=_("所属工作板块"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("里程碑和申报统计默认写入月报的这一板块"),
    )
    accepts_expert_recommenders = models.BooleanField(
        _("接受专家推荐"), default=False, help_text=_("联合体专家委员会专家可作为推荐人")
    )
    finalists_count = models.PositiveIntegerField(_("进入终评数"), default=15)
    world_forward_count = models.PositiveIntegerField(_("推荐参加世界十大评选数"), default=5)
    selected_count = models.PositiveIntegerField(_("入选数"), default=10)
    notice_days = models.PositiveIntegerField(_("公示天数"), default=7)
    contact = models.TextField(_("联系方式"), blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("year"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("organiser"), FieldPanel("workstream", widget=forms.Select)]),
        FieldPanel("introduction"),
        MultiFieldPanel([InlinePanel("categories", label=_("类别"))], heading=_("征集范围")),
        MultiFieldPanel([InlinePanel("criteria", label=_("评选标准"))], heading=_("评选标准")),
        MultiFieldPanel(
            [InlinePanel("document_slots", label=_("申报文件"))], heading=_("申报文件")
        ),
        MultiFieldPanel(
            [
                FieldPanel("accepts_expert_recommenders"),
                InlinePanel("recommending_societies", label=_("推荐学会")),
                InlinePanel("recommender_types", label=_("推荐单位类型")),
                InlinePanel("quotas", label=_("推荐名额")),
            ],
            heading=_("推荐单位与名额"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("finalists_count"), FieldPanel("world_forward_count")]),
                FieldRowPanel([FieldPanel("selected_count"), FieldPanel("notice_days")]),
            ],
            heading=_("遴选数量"),
        ),
        FieldPanel("contact"),
        HelpPanel(
            content=_(
                "时间节点（里程碑）在“征集活动 → 里程碑”中维护，保存后自动写入相应月份的月报。"
            ),
            heading=_("里程碑"),
        ),
    ]
    segmented_fields = ("title", "organiser", "introduction")
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("search_segmented"),
        index.AutocompleteField("search_segmented_title"),
        index.FilterField("year"),
    ]
    # What the public page shows; nominations, quotas' use and reviews stay out.
    api_fields = [
        APIField("year"),
        APIField("kind"),
        APIField("organiser"),
        APIField("introduction"),
        APIField("workstream", serializer=serializers.StringRelatedField()),
        APIField("finalists_count"),
        APIField("world_forward_count"),
        APIField("selected_count"),
        APIField("notice_days"),
        APIField("contact"),
    ]
    api_select_related = ("workstream",)
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("征集活动")
        verbose_name_plural = _("征集活动")

    def slots_for(self, category_name):
        """The document slots an applicant fills for a nomination in this category."""
        return [
            slot
            for slot in self.document_slots.all()
            if not slot.category_name or slot.category_name == category_name
        ]

    # The call window comes from the milestones, so there is one place for each date.
    def call_window(self):
        from campaigns.models.milestones import MilestoneKind

        opens = self.milestones.filter(kind=MilestoneKind.CALL_OPENS).order_by("date").first()
        closes = (
            self.milestones.filter(kind=MilestoneKind.SUBMISSIONS_CLOSE).order_by("-date").first()
        )
        return (
            opens.date if opens else None,
            (closes.end_date or closes.date) if closes else None,
        )

    def is_open(self, today=None):
        today = today or timezone.localdate()
        opens, closes = self.call_window()
        return bool(opens and closes and opens <= today <= closes)

    def get_cached_paths(self):
        # Purged from the front-end cache with the page (cms/caching.py): its public notice and
        # the blank forms made from it.
        codes = self.document_slots.values_list("code", flat=True)
        return ["/", "notice/", *(f"templates/{code}/" for code in codes)]

    # Routes: thin wrappers; the views live in campaigns/views/.
    @path("templates/<str:code>/", name="form_template")
    def form_template(self, request, code):
        from campaigns.views.downloads import form_template_view

        return form_template_view(request, self, code)

    @path("apply/", name="apply")
    def apply(self, request):
        from campaigns.views.nominations import apply_view

        return apply_view(request, self)

    @path("apply/upload/<int:slot_id>/", name="apply_upload")
    def apply_upload(self, request, slot_id):
        from campaigns.views.uploads import upload_view

        return upload_view(request, self, slot_id)

    @path("nominations/<int:pk>/upload/<int:slot_id>/", name="nomination_upload")
    def nomination_upload(self, request, pk, slot_id):
        from campaigns.views.uploads import upload_view

        return upload_view(request, self, slot_id, pk)

    @path("nominations/<int:pk>/delete/", name="delete_nomination")
    def delete_nomination(self, request, pk):
        from campaigns.views.uploads import delete_view

        return delete_view(request, self, pk)

    @path("nominations/<int:pk>/", name="nomination")
    def nomination(self, request, pk):
        from campaigns.views.nominations import nomination_view

        return nomination_view(request, self, pk)

    @path("nominations/<int:pk>/withdraw/", name="withdraw_nomination")
    def withdraw_nomination(self, request, pk):
        from campaigns.views.nominations import withdraw_view

        return withdraw_view(request, self, pk)

    @path("nominations/<int:pk>/files/<str:code>/", name="nomination_file")
    def nomination_file(self, request, pk, code):
        from campaigns.views.nominations import nomination_file_view

        return nomination_file_view(request, self, pk, code)

    @path("notice/", name="notice")
    def notice_page(self, request):
        from campaigns.views.notice import notice_view

        return notice_view(request, self)

    @path("notice/objection/<int:entry_id>/", name="objection")
    def objection_form(self, request, entry_id):
        from campaigns.views.notice import objection_view

        return objection_view(request, self, entry_id)

    @path("notice/objections/<int:pk>/attachment/", name="objection_attachment")
    def objection_attachment(self, request, pk):
        from campaigns.views.notice import objection_attachment_view

        return objection_attachment_view(request, self, pk)

    def get_context(self, request, *args, **kwargs):
        from campaigns.timeline import call_state, timeline_for

        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        state = call_state(self, today)
        context.update(
            timeline=timeline_for(self, today),
            call=state,
            is_open=bool(state and state.is_open),
            call_opens=state and state.opens,
            call_closes=state and state.closes,
            today=today,
            recommending_societies=self.recommending_societies.select_related("society"),
        )
        return context


class ScopeCategory(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("类别"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("类别")
        verbose_name_plural = _("类别")

    def __str__(self):
        return self.name


class Criterion(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="criteria")
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
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="document_slots")
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
        CampaignPage, on_delete=models.CASCADE, related_name="recommending_societies"
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

    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="recommender_types")
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

    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="quotas")
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
