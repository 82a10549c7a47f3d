"""Wagtail's API v2, read-only: live public pages and images.

The viewsets answer GET only (Wagtail's API has no write endpoints). The page listing is always
the public one, whoever asks: a logged-in member's session does not open private pages here, so
responses can be cached and shared."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.search import under_unpublished_pages


class PublicPagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        # As on the site: an activity stays hidden while its society's page is unpublished.
        return super().get_base_queryset().public().exclude(under_unpublished_pages())

    def get_queryset(self):
        queryset = super().get_queryset()
        # Related rows each listed page type serialises, fetched once for the whole page of
        # results (`api_select_related` / `api_prefetch_related` on the model).
        model = queryset.model
        select = getattr(model, "api_select_related", ())
        prefetch = getattr(model, "api_prefetch_related", ())
        if select:
            queryset = queryset.select_related(*select)
        if prefetch:
            queryset = queryset.prefetch_related(*prefetch)
        return queryset


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
