from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from rest_framework import serializers
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.lead_text import LeadMixin
from cms.restrictions import public_q
from cms.search_text import SegmentedSearchMixin

NEWS_PER_PAGE = 20
RELATED_NEWS_COUNT = 4


def today_in_shanghai():
    return timezone.localdate()


class HomePage(Page):
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        from wagtail.models import Site

        from cms.home_sections import home_sections
        from cms.site_pages import index_page

        site = Site.find_for_request(request)
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.live()
            .filter(public_q())
            .descendant_of(self)
            .defer_streamfields()
            .order_by("-date", "-pk")[:6]
        )
        context["news_index"] = index_page(request, site, NewsIndexPage)
        # The apps' sections (open campaigns, activities, 双十, reports) come through a hook, as
        # cms may not import the apps.
        context["home_sections"] = home_sections(request, site)
        context["intro_text"] = self.intro_beyond_name(request)
        return context

    def intro_beyond_name(self, request):
        """The intro's text, unless it only repeats the federation's name (the header shows it)."""
        from django.utils.html import strip_tags

        from cms.models.site_settings import FederationSettings

        text = strip_tags(self.intro or "").strip()
        # for_request: the header's settings, read once per request.
        name = FederationSettings.for_request(request).federation_name
        return "" if not text or text == name else text


class StandardPage(SegmentedSearchMixin, Page):
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    # 关于联合体 lists the member societies as the snippets hold them, never a copy in the body.
    list_member_societies = models.BooleanField(
        _("列出成员学会与联系方式"),
        default=False,
        help_text=_("在正文后列出有效的成员学会及联合体的联系方式（用于“关于联合体”）"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        FieldPanel("list_member_societies"),
    ]
    segmented_fields = ("title", "body")
    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.SearchField("search_segmented"),
        index.AutocompleteField("search_segmented_title"),
    ]

    class Meta:
        verbose_name = _("普通页面")

    def get_context(self, request, *args, **kwargs):
        from cms.models.snippets import MemberSociety

        context = super().get_context(request, *args, **kwargs)
        if self.list_member_societies:
            context["member_societies"] = list(MemberSociety.objects.filter(active=True))
        return context


class NewsIndexPage(RoutablePageMixin, Page):
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("新闻栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = (
            NewsPage.objects.live()
            .filter(public_q())
            .child_of(self)
            .defer_streamfields()
            .prefetch_related("tags")
            .order_by("-date", "-pk")
        )
        # An unknown tag simply matches nothing: the page says so instead of failing.
        tag = request.GET.get("tag", "").strip()
        if tag:
            news = news.filter(tags__name=tag)
        context["tag"] = tag
        paginator = Paginator(news, NEWS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            page_obj = paginator.page(1)
        context["page_obj"] = page_obj
        context["news"] = page_obj.object_list
        context["feed_links"] = self.feed_links(request)
        return context

    def get_cached_paths(self):
        # Purged from the front-end cache with the index (cms/caching.py): the feeds list it too.
        return ["/", self.reverse_subpage("rss"), self.reverse_subpage("atom")]

    # The feeds (`cms.syndication`) import the models, hence the imports inside the routes.

    @path("rss/", name="rss")
    def rss_feed(self, request):
        from cms.syndication import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("atom/", name="atom")
    def atom_feed(self, request):
        from cms.syndication import NewsAtomFeed

        return NewsAtomFeed(self)(request)

    def feed_links(self, request):
        """(type, title, url) of the news feeds, for `<link rel="alternate">`."""
        base = self.get_url(request)
        return [
            ("application/rss+xml", _("新闻 RSS 订阅"), base + self.reverse_subpage("rss")),
            ("application/atom+xml", _("新闻 Atom 订阅"), base + self.reverse_subpage("atom")),
        ]


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPage(LeadMixin, SegmentedSearchMixin, Page):
    date = models.DateField(_("日期"), default=today_in_shanghai)
    lead = models.TextField(_("导语"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    tags = ClusterTaggableManager(
        verbose_name=_("标签"), through=NewsPageTag, blank=True, help_text=_("多个标签以逗号分隔")
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    segmented_fields = ("title", "lead", "body")
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("search_segmented"),
        index.AutocompleteField("search_segmented_title"),
        index.FilterField("date"),
    ]
    api_fields = [
        APIField("date"),
        APIField("lead"),
        APIField("body"),
        APIField(
            "tags",
            serializer=serializers.SlugRelatedField(many=True, read_only=True, slug_field="name"),
        ),
    ]
    api_prefetch_related = ("tags",)
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("新闻")
        verbose_name_plural = _("新闻")

    def related_news(self, tags, limit=RELATED_NEWS_COUNT):
        """Up to `limit` live public news sharing most of `tags` with this one, then the latest
        others to fill the list — a fixed number of queries whatever the amount of news."""
        others = (
            NewsPage.objects.live()
            .filter(public_q())
            .exclude(pk=self.pk)
            .defer_streamfields()
            .order_by("-date", "-pk")
        )
        tag_ids = [tag.pk for tag in tags if tag.pk]
        related = []
        if tag_ids:
            related = list(
                others.filter(tagged_items__tag_id__in=tag_ids)
                .annotate(shared_tags=models.Count("tagged_items", distinct=True))
                .order_by("-shared_tags", "-date", "-pk")[:limit]
            )
        if len(related) < limit:
            related += others.exclude(pk__in=[page.pk for page in related])[: limit - len(related)]
        return related

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read once: shown on the page and used to find the related news.
        context["tags"] = tags = list(self.tags.all())
        context["related_news"] = self.related_news(tags)
        context["news_index"] = self.get_parent()
        return context
