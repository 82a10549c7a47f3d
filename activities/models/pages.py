"""The activities tree: one index, one page per member society, its activities below it.

A society's group may add and edit pages only under its own society page (see
`activities.permissions`), so the tree is also the permission boundary."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.cn_dates import cn_date_range
from cms.lead_text import LeadMixin
from cms.models.pages import today_in_shanghai
from cms.search_text import SegmentedSearchMixin


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("会议")
    FORUM = "forum", _("论坛")
    TRAINING = "training", _("培训")
    VISIT = "visit", _("走访调研")
    CLASS = "class", _("云课堂")
    OTHER = "other", _("其他")


class ActivitySource(models.TextChoices):
    POSTED = "posted", _("学会发布")
    FEED = "feed", _("订阅源导入")


class ActivitiesIndexPage(RoutablePageMixin, Page):
    """/activities/: the filtered list, the month calendar and the feeds (`activities.views`)."""

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["activities.SocietyActivitiesPage"]
    max_count = 1

    # Files whose names Wagtail's page URLs cannot end in (`cms.syndication.serve_page_file`
    # serves `/activities/calendar.ics` through the route named here).
    file_routes = {"calendar.ics": "ical"}

    class Meta:
        verbose_name = _("成员学会活动栏目")

    # The views live in `activities.views`, `activities.syndication` and `activities.ical`;
    # they import the models, hence the imports inside the routes.

    @path("")
    def index_route(self, request, *args, **kwargs):
        from activities.views import list_context

        context = list_context(request, self)
        society = context["filters"].get("society")
        context["feed_links"] = self.feed_links(
            request, query=f"society={society}" if society else ""
        )
        return self.render(request, context_overrides=context)

    @path("calendar/", name="calendar")
    def calendar_this_month(self, request):
        from activities.views import calendar_context

        return self.render(
            request,
            template="activities/activities_calendar.html",
            context_overrides={
                **calendar_context(request, self),
                "feed_links": self.feed_links(request),
            },
        )

    @re_path(r"^calendar/(?P<year>\d{4})/(?P<month>\d{2})/$", name="calendar_month")
    def calendar_month(self, request, year, month):
        from activities.views import calendar_context

        return self.render(
            request,
            template="activities/activities_calendar.html",
            context_overrides={
                **calendar_context(request, self, int(year), int(month)),
                "feed_links": self.feed_links(request),
            },
        )

    @path("rss/", name="rss")
    def rss_feed(self, request):
        from activities.syndication import ActivitiesRssFeed

        return ActivitiesRssFeed(self)(request)

    @path("atom/", name="atom")
    def atom_feed(self, request):
        from activities.syndication import ActivitiesAtomFeed

        return ActivitiesAtomFeed(self)(request)

    @path("ical/", name="ical")
    def ical_feed(self, request):
        from activities.ical import activities_calendar_response

        return activities_calendar_response(request, self)

    def get_cached_paths(self):
        """Purged from the front-end cache with the index (cms/caching.py): the feeds, the .ics
        file and every month calendar from the first activity's month to the last one's."""
        paths = ["/", "calendar/", "rss/", "atom/", "ical/", *self.file_routes]
        span = ActivityPage.objects.live().aggregate(
            first=models.Min("start_date"),
            last=models.Max(Coalesce("end_date", "start_date")),
        )
        if span["first"]:
            year, month = span["first"].year, span["first"].month
            while (year, month) <= (span["last"].year, span["last"].month):
                paths.append(f"calendar/{year:04d}/{month:02d}/")
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return paths

    def feed_links(self, request, query=""):
        """(type, title, url) of the feeds, for `<link rel="alternate">` and the page's links."""
        base = self.get_url(request)
        suffix = f"?{query}" if query else ""
        return [
            ("application/rss+xml", _("RSS 订阅"), base + self.reverse_subpage("rss") + suffix),
            ("application/atom+xml", _("Atom 订阅"), base + self.reverse_subpage("atom") + suffix),
            ("text/calendar", _("日历订阅（iCalendar）"), base + self.reverse_subpage("ical")),
        ]


class SocietyActivitiesPage(Page):
    """A member society's own area: its group edits below this page and nowhere else."""

    society = models.OneToOneField(
        "cms.MemberSociety",
        verbose_name=_("成员学会"),
        on_delete=models.PROTECT,
        related_name="activities_page",
    )
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("society"), FieldPanel("intro")]
    parent_page_types = ["activities.ActivitiesIndexPage"]
    subpage_types = ["activities.ActivityPage"]

    class Meta:
        verbose_name = _("成员学会活动页")
        verbose_name_plural = _("成员学会活动页")

    def get_context(self, request, *args, **kwargs):
        from activities.views import list_context

        context = super().get_context(request, *args, **kwargs)
        context.update(list_context(request, self, with_society=False))
        # Wagtail's routing has already fetched the parent; `specific` costs one query.
        index = self.get_parent().specific
        context["activities_index"] = index
        if isinstance(index, ActivitiesIndexPage):
            context["feed_links"] = index.feed_links(
                request, query=f"society={self.society.abbreviation}"
            )
        return context


class ActivityPage(LeadMixin, SegmentedSearchMixin, Page):
    start_date = models.DateField(_("开始日期"), default=today_in_shanghai)
    end_date = models.DateField(
        _("结束日期"), null=True, blank=True, help_text=_("多日活动填写；单日活动留空")
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    workstream = models.ForeignKey(
        "cms.Workstream",
        verbose_name=_("工作板块"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    kind = models.CharField(
        _("活动类型"), max_length=20, choices=ActivityKind.choices, default=ActivityKind.MEETING
    )
    summary = models.TextField(_("摘要"), max_length=1000)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    participants = models.CharField(
        _("参加人员"), max_length=500, blank=True, help_text=_("例如：成员学会代表等 35 人")
    )
    # Set from the parent on save, so that listings filter by society without walking the tree.
    society = models.ForeignKey(
        "cms.MemberSociety",
        verbose_name=_("成员学会"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    source = models.CharField(
        _("来源"),
        max_length=20,
        choices=ActivitySource.choices,
        default=ActivitySource.POSTED,
        editable=False,
    )
    source_url = models.URLField(_("原文链接"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("workstream")]),
                FieldPanel("place"),
                FieldPanel("participants"),
            ],
            heading=_("活动信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("source_url"),
    ]
    lead_field = "summary"
    segmented_fields = ("title", "place", "participants", "summary", "body")
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("place"),
        index.SearchField("body"),
        index.SearchField("search_segmented"),
        index.AutocompleteField("search_segmented_title"),
        index.FilterField("start_date"),
        index.FilterField("kind"),
        index.FilterField("society"),
        index.FilterField("workstream"),
    ]
    api_fields = [
        APIField("start_date"),
        APIField("end_date"),
        APIField("place"),
        APIField("kind"),
        APIField("summary"),
        APIField("body"),
        APIField("participants"),
        APIField("society", serializer=serializers.StringRelatedField()),
        APIField("workstream", serializer=serializers.StringRelatedField()),
        APIField("source_url"),
    ]
    api_select_related = ("society", "workstream")
    parent_page_types = ["activities.SocietyActivitiesPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("成员学会活动")
        verbose_name_plural = _("成员学会活动")
        indexes = [models.Index(fields=["start_date"], name="activity_start_date")]

    @property
    def last_day(self):
        return self.end_date or self.start_date

    @property
    def date_range_display(self):
        """`2021年7月9日至10日`."""
        return cn_date_range(self.start_date, self.end_date)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        society_page = self.get_parent()
        context["society_page"] = society_page
        context["activities_index"] = society_page.get_parent() if society_page else None
        return context

    def society_page(self):
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})

    def save(self, *args, **kwargs):
        parent = self.get_parent() if self.pk or self.path else None
        if parent is not None:
            society_id = (
                SocietyActivitiesPage.objects.filter(pk=parent.pk)
                .values_list("society_id", flat=True)
                .first()
            )
            if society_id:
                self.society_id = society_id
        return super().save(*args, **kwargs)
