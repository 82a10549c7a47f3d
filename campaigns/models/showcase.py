"""The twin-top-10 showcase (双十科技进展): one page a year with its World and China lists."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from rest_framework import serializers
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.search_text import SegmentedSearchMixin


class ShowcaseListKind(models.TextChoices):
    WORLD = "world", _("世界智能制造十大科技进展")
    CHINA = "china", _("中国智能制造十大科技进展")


class ShowcaseIndexPage(Page):
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["campaigns.ShowcaseYearPage"]

    class Meta:
        verbose_name = _("双十科技进展栏目")

    def get_context(self, request, *args, **kwargs):
        from campaigns.showcase import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(self, request.GET))
        return context


class ShowcaseYearPage(Page):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])
    release_event = models.CharField(_("发布活动"), max_length=200, blank=True)
    release_date = models.DateField(_("发布日期"), null=True, blank=True)
    release_place = models.CharField(_("发布地点"), max_length=100, blank=True)
    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        verbose_name=_("对应征集活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("year"),
        FieldPanel("intro"),
        FieldRowPanel(
            [FieldPanel("release_event"), FieldPanel("release_date"), FieldPanel("release_place")]
        ),
        FieldPanel("campaign"),
    ]
    parent_page_types = ["campaigns.ShowcaseIndexPage"]
    subpage_types = ["campaigns.AchievementPage"]

    class Meta:
        verbose_name = _("年度双十科技进展")
        verbose_name_plural = _("年度双十科技进展")

    def get_context(self, request, *args, **kwargs):
        from campaigns.showcase import year_context

        context = super().get_context(request, *args, **kwargs)
        context.update(year_context(self, request.GET))
        return context


class AchievementTag(TaggedItemBase):
    content_object = ParentalKey(
        "campaigns.AchievementPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


# Where the federation publishes every year's twin top-10 (seed 001, "科技成果展示").
SHOWCASE_ARCHIVE_URL = "http://imac-cast.org.cn/TwinsShow.aspx"
URL_IN_TEXT = re.compile(r"https?://[^\s，。；）)]+")


class AchievementPage(SegmentedSearchMixin, Page):
    list = models.CharField(_("榜单"), max_length=10, choices=ShowcaseListKind.choices)
    rank = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    organisations = models.CharField(
        _("完成单位"), max_length=500, help_text=_("多个单位以顿号分隔")
    )
    recommender = models.CharField(_("推荐单位"), max_length=100, blank=True)
    recommender_society = models.ForeignKey(
        "cms.MemberSociety",
        verbose_name=_("推荐学会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="achievements",
    )
    category = models.CharField(_("类别"), max_length=100, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    video_url = models.URLField(_("视频链接"), blank=True)
    keywords = ClusterTaggableManager(through=AchievementTag, blank=True, verbose_name=_("关键词"))
    nomination = models.ForeignKey(
        "campaigns.Nomination",
        verbose_name=_("来源申报"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    synthetic = models.BooleanField(
        _("演示数据"), default=False, help_text=_("演示用的虚构条目，页面上明确标注")
    )
    source = models.CharField(_("信息来源"), max_length=200, blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("list"), FieldPanel("rank")]),
        FieldPanel("organisations"),
        FieldRowPanel([FieldPanel("recommender"), FieldPanel("recommender_society")]),
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("video_url"),
        FieldPanel("keywords"),
        MultiFieldPanel(
            [FieldPanel("synthetic"), FieldPanel("source"), FieldPanel("nomination")],
            heading=_("来源"),
        ),
    ]
    segmented_fields = ("title", "organisations", "recommender", "category", "summary", "body")
    search_fields = Page.search_fields + [
        index.SearchField("organisations"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("search_segmented"),
        index.AutocompleteField("search_segmented_title"),
        index.FilterField("list"),
        index.FilterField("category"),
    ]
    # Public fields only: never the nomination it came from.
    api_fields = [
        APIField("list"),
        APIField("rank"),
        APIField("organisations"),
        APIField("recommender", serializer=serializers.CharField(source="recommender_label")),
        APIField("category"),
        APIField("summary"),
        APIField("body"),
        APIField("video_url"),
        APIField(
            "keywords",
            serializer=serializers.SlugRelatedField(many=True, read_only=True, slug_field="name"),
        ),
        APIField("synthetic"),
        APIField("source"),
    ]
    api_select_related = ("recommender_society",)
    api_prefetch_related = ("keywords",)
    parent_page_types = ["campaigns.ShowcaseYearPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("科技进展条目")
        verbose_name_plural = _("科技进展条目")

    @property
    def recommender_label(self):
        """The recommender as written, else the recommending society's name."""
        if self.recommender:
            return self.recommender
        return self.recommender_society.name if self.recommender_society_id else ""

    def get_context(self, request, *args, **kwargs):
        from campaigns.showcase import achievement_context

        context = super().get_context(request, *args, **kwargs)
        context.update(achievement_context(self))
        found = URL_IN_TEXT.search(self.source or "")
        context["source_url"] = found.group(0) if found else ""
        context["archive_url"] = "" if self.synthetic else SHOWCASE_ARCHIVE_URL
        return context
