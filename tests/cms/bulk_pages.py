"""Pages by the thousand for the query-count tests of the public listings.

`add_news` (tests/cms/site_content.py) runs the factory in a loop: about 30 queries a page, half a
minute per thousand on PostgreSQL. The listings under test read only the page rows, so
`add_children` writes just those: treebeard's path arithmetic for each page, one save each
without the editor-facing side work (validation, creation log, reference index, search index),
and one update of the parent's child count at the end. The tree is the one `add_child` would
have built (`Page.find_problems()` finds nothing)."""

from contextlib import contextmanager

from django.db.models import F
from django.db.models.signals import post_save
from modelsearch.index import get_indexed_models
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Page
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextmanager
def unindexed():
    """Page saves that leave the search index alone (on PostgreSQL each index insert recomputes
    the title norms over the whole index) and the reference index too. The search's save
    handler is disconnected rather than its backends' AUTO_UPDATE turned off: that handler would
    still load every page again to find out that nothing is to be done."""
    models = [
        model
        for model in get_indexed_models()
        if post_save.disconnect(post_save_signal_handler, sender=model)
    ]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


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
            page.locale_id = parent.locale_id  # else looked up from the parent, twice a page
            page._cached_parent_obj = parent  # what `save` needs for the URL path, no query
            page.save(clean=False, log_action=None)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return pages


def values(fields, n):
    """The fields of the `n`th of a bulk of pages: a callable field is called with `n`."""
    return {name: value(n) if callable(value) else value for name, value in fields.items()}
