"""Pages outside every private section (a page with a view restriction and everything under it),
as one SQL condition.

Wagtail's `PageQuerySet.public()` loads every restriction in a query of its own each time it is
called, and the home page calls it once per section: nine of its queries. `public(queryset)`
asks the same question inside the page query itself, with a correlated `NOT EXISTS` over the
(few) restricted pages, so it costs no query at all."""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import Page


def public_q():
    """True for a page that is not a restricted page nor under one: no restricted page's path
    is a prefix of its path."""
    restricted_ancestors = Page.objects.filter(
        view_restrictions__isnull=False,
        path=Substr(OuterRef("path"), 1, Length("path")),
    )
    return ~Exists(restricted_ancestors)


def public(queryset):
    """`queryset.public()`, without the extra query."""
    return queryset.filter(public_q())
