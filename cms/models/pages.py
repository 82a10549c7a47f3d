from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock

NEWS_PER_PAGE = 20


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
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.live().public().defer_streamfields().order_by("-date", "-pk")[:6]
        )
        return context


class StandardPage(Page):
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = _("普通页面")


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
            .public()
            .child_of(self)
            .defer_streamfields()
            .order_by("-date", "-pk")
        )
        paginator = Paginator(news, NEWS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            page_obj = paginator.page(1)
        context["page_obj"] = page_obj
        context["news"] = page_obj.object_list
        context["feed_links"] = self.feed_links(request)
        return context

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


class NewsPage(Page):
    date = models.DateField(_("日期"), default=today_in_shanghai)
    lead = models.TextField(_("导语"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("新闻")
        verbose_name_plural = _("新闻")
