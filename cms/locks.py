"""Row locks, one way for every app: `locked(queryset)` locks the rows a transaction reads until
it ends (`SELECT … FOR UPDATE`), so that two requests changing one row take turns.

On PostgreSQL only the rows of the queryset's own model are locked (`FOR UPDATE OF`), with its
parent tables under multi-table inheritance (a page's `wagtailcore_page` row, which Wagtail
writes on its own when it saves a revision), and the `related` relations named; not the other
rows a `select_related()` join reads, so a nullable relation may be joined (PostgreSQL refuses
`FOR UPDATE` on the nullable side of an outer join). A backend with `FOR UPDATE` but not `OF`
locks every row the query reads. SQLite has no row locks and needs none: a transaction there
takes the database's write lock when it begins (`transaction_mode` IMMEDIATE)."""

from django.db import connections
from django.db.models.constants import LOOKUP_SEP


def locked(queryset, *related):
    """`queryset` (also `select_related(*related)`) with its rows locked until the transaction
    ends; see the module's docstring for which rows. Call it inside `transaction.atomic()`."""
    if related:
        queryset = queryset.select_related(*related)
    if not connections[queryset.db].features.has_select_for_update_of:
        return queryset.select_for_update()
    return queryset.select_for_update(of=("self", *_parent_links(queryset.model), *related))


def _parent_links(model, prefix=""):
    """The paths of `model`'s multi-table parents for `of`: `page_ptr`, …"""
    for parent, link in model._meta.parents.items():
        if link is None:  # a proxy's or an abstract model's entry
            continue
        path = prefix + link.name
        yield path
        yield from _parent_links(parent, path + LOOKUP_SEP)
