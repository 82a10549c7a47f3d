from django.shortcuts import render
from wagtail.admin.views.pages.search import SearchView as WagtailPageSearchView

from cms.search import MAX_QUERY_LENGTH, search_pages
from cms.search_text import segment_query


def search(request):
    query = request.GET.get("q", "")
    outcome = search_pages(query) if query.strip() else None
    status = 400 if outcome and outcome.error else 200
    return render(
        request,
        "cms/search.html",
        {"query": query, "outcome": outcome, "max_length": MAX_QUERY_LENGTH},
        status=status,
    )


class AdminPageSearchView(WagtailPageSearchView):
    """Wagtail's page search in the admin, with the query segmented as the site search does:
    the backends cannot find 潍坊 inside 潍坊市高新区 unless the query is cut into the same words
    as the pages' segmented titles (`search_segmented_title`)."""

    @property
    def search_query(self):
        query = super().search_query
        return segment_query(query) if query else query
