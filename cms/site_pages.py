"""The site's top-level pages (the home page's live children), read once per request: the
header's menu shows those in menus, and the home page's sections find their index pages
(新闻动态, 进展情况月报, 征集活动, 成员学会活动) among them rather than with a query each."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, ExpressionWrapper

from cms.restrictions import public, public_q

ATTRIBUTE = "_lianhe_top_pages"
FIELDS = ("id", "title", "url_path", "slug", "path", "depth", "show_in_menus", "content_type_id")


def top_pages(request, site):
    """The live children of `site`'s root page, each with `is_public`; one query per request."""
    if site is None:
        return []
    cached = getattr(request, ATTRIBUTE, None)
    if cached is not None and cached[0] == site.pk:
        return cached[1]
    pages = list(
        site.root_page.get_children()
        .live()
        .annotate(is_public=ExpressionWrapper(public_q(), output_field=BooleanField()))
        .only(*FIELDS)
    )
    if request is not None:
        setattr(request, ATTRIBUTE, (site.pk, pages))
    return pages


def menu_pages(request, site):
    """The header's menu: a restricted section still shows (its pages ask for the login)."""
    return [page for page in top_pages(request, site) if page.show_in_menus]


def index_page(request, site, model):
    """The first live, public page of `model` on the site: a top-level page when there is one
    (no query), else the first one deeper in the tree."""
    content_type = ContentType.objects.get_for_model(model)
    for page in top_pages(request, site):
        if page.content_type_id == content_type.pk and page.is_public:
            return page
    pages = public(model.objects.live())
    if site is not None:
        pages = pages.descendant_of(site.root_page)
    return pages.first()
