"""Pages by the thousand for the query-count tests of the public listings.

`add_news` (tests/cms/site_content.py) runs the factory in a loop: about 30 queries a page, half a
minute per thousand on PostgreSQL. The listings under test read only the page rows, so
`add_children` writes just those: treebeard's path arithmetic for each page, one save each
without the editor-facing side work (validation, creation log, reference index, search index),
and one update of the parent's child count at the end. The tree is the one `add_child` would
have built (`Page.find_problems()` finds nothing)."""

from contextlib import contextmanager

from django.conf import settings
from django.db.models import F
from django.test import override_settings
from wagtail.models import Page
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextmanager
def unindexed():
    """Page saves that leave the search index alone: on PostgreSQL each index insert
    recomputes the title norms over the whole index."""
    search = settings.WAGTAILSEARCH_BACKENDS
    off = {name: {**params, "AUTO_UPDATE": False} for name, params in search.items()}
    with override_settings(WAGTAILSEARCH_BACKENDS=off), disable_reference_index_auto_update():
        yield


def add_children(parent, pages):
    """Save the unsaved `pages` (built with unique slugs) as the last children of `parent`, in
    order; live unless built with live=False. Returns them."""
    pages = list(pages)
    parent = Page.objects.get(pk=parent.pk)  # the current child count and path
    last = parent.get_last_child()
    first = last._get_lastpos_in_path() + 1 if last else 1
    depth = parent.depth + 1
    with unindexed():
        for position, page in enumerate(pages, start=first):
            page.depth = depth
            page.path = Page._get_path(parent.path, depth, position)
            page.draft_title = page.draft_title or page.title
            page._cached_parent_obj = parent  # what `save` needs for the URL path, no query
            page.save(clean=False, log_action=None)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return pages


def values(fields, n):
    """The fields of the `n`th of a bulk of pages: a callable field is called with `n`."""
    return {name: value(n) if callable(value) else value for name, value in fields.items()}
