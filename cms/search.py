"""The public site search: Chinese queries over the published public pages, grouped by type.

Every group is one search of its page type, so the number of queries depends on the number of
groups, never on the number of results.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page

from cms.models import NewsPage
from cms.search_text import query_terms

MAX_QUERY_LENGTH = 100
RESULTS_PER_GROUP = 20
EXCERPT_LENGTH = 120


SEARCH_GROUPS_HOOK = "lianhe_search_groups"


@dataclass(frozen=True)
class Group:
    """One group of results: the live public pages of `model`. `cms` knows no app (DESIGN.md),
    so each app registers its groups with the `lianhe_search_groups` Wagtail hook, a callable
    that returns a `Group`:

        @hooks.register(SEARCH_GROUPS_HOOK)
        def activities_search_group():
            return Group("activities", _("成员学会活动"), ActivityPage, date=..., order=30)
    """

    key: str
    label: str
    model: type  # a Page model
    date: object = None  # page → the date shown beside a result
    prefetch: tuple = ()  # relations that `text` reads, fetched with the results
    text: object = None  # page → the excerpt's text, where `search_text()` would query per page
    # Lower comes first; the news are at 10.
    order: int = 100


def _news_date(page):
    return page.date


NEWS_GROUP = Group("news", _("新闻"), NewsPage, date=_news_date, order=10)


def search_groups():
    """The news, then the groups the apps registered, in display order."""
    groups = [NEWS_GROUP]
    for group_for in hooks.get_hooks(SEARCH_GROUPS_HOOK):
        group = group_for()
        if group is not None:
            groups.append(group)
    return sorted(groups, key=lambda group: group.order)


OTHER_LABEL = _("其他页面")


@dataclass
class Result:
    page: Page
    title: str
    excerpt: str
    date: object = None


@dataclass
class ResultGroup:
    key: str
    label: str
    count: int
    results: list = field(default_factory=list)


@dataclass
class SearchOutcome:
    query: str
    terms: list
    groups: list
    error: str = ""

    @property
    def total(self):
        return sum(group.count for group in self.groups)


def search_pages(query, limit=RESULTS_PER_GROUP):
    """Search the live public pages for `query`; groups with results, in `search_groups()`
    order, then the other pages."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return SearchOutcome(
            query,
            [],
            [],
            error=_("搜索词不能超过%(limit)s个字符。") % {"limit": MAX_QUERY_LENGTH},
        )
    terms = query_terms(query)
    if not terms:
        return SearchOutcome(query, [], [])
    search_string = " ".join(terms)
    hidden = under_unpublished_pages()
    # The search backend filters only on plain field lookups: `cms.restrictions.public` (an
    # EXISTS) is not one of them, so search keeps Wagtail's `.public()` (issue 16 redoes it).
    pages = Page.objects.live().public().exclude(hidden)
    groups = []
    models = []
    for group in search_groups():
        models.append(group.model)
        queryset = group.model.objects.live().public().exclude(hidden)
        if group.prefetch:
            queryset = queryset.prefetch_related(*group.prefetch)
        found = queryset.search(search_string, operator="and")
        groups.append(_group(group.key, group.label, found, terms, limit, group))
    # Everything else: standard pages, and listing pages by their titles.
    others = pages.not_type(*models).specific().search(search_string, operator="and")
    groups.append(_group("other", OTHER_LABEL, others, terms, limit, None))
    return SearchOutcome(query, terms, [group for group in groups if group.count])


def under_unpublished_pages():
    """Pages below an unpublished page (an activity while its society's page is unpublished):
    hidden as the site's listings hide them. A Q on `path`, which the search backends can filter
    on; one query."""
    paths = Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def _group(key, label, found, terms, limit, group):
    pages = list(found[: limit + 1])
    count = len(pages) if len(pages) <= limit else found.count()
    results = []
    for page in pages[:limit]:
        if group and group.text:
            text = group.text(page)
        elif hasattr(page, "search_text"):
            text = page.search_text()
        else:
            text = ""
        # The title is shown on its own: the excerpt is the rest of the text.
        if text.startswith(page.title):
            text = text[len(page.title) :]
        results.append(
            Result(
                page=page,
                title=highlight(page.title, terms),
                excerpt=highlight(excerpt(text, terms), terms),
                date=group.date(page) if group and group.date else None,
            )
        )
    return ResultGroup(key, label, count, results)


def _terms_pattern(terms):
    ordered = sorted(set(terms), key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered), re.IGNORECASE)


def excerpt(text, terms, length=EXCERPT_LENGTH):
    """About `length` characters of `text` around the first matched term."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= length:
        return text
    match = _terms_pattern(terms).search(text) if terms else None
    start = max(0, match.start() - length // 3) if match else 0
    end = min(len(text), start + length)
    start = max(0, end - length)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text, terms):
    """`text` escaped, with each matched term in `<mark>`. Every piece is escaped on its own
    before the marks are put around it, so no markup of the text itself survives."""
    if not text:
        return ""
    if not terms:
        return escape(text)
    parts = []
    position = 0
    for match in _terms_pattern(terms).finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)
