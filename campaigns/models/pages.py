from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.restrictions import public_q
from cms.search_text import SegmentedSearchMixin


class CampaignKind(models.TextChoices):
    FEDERATION = "federation", _("联合体科技进展征集")
    GOVERNMENT = "government", _("政府部门试点示范申报")


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
            .filter(public_q())
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
