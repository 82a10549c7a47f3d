"""Wagtail's API v2, read-only: live public pages and images.

The viewsets answer GET only (Wagtail's API has no write endpoints). The page listing is always
the public one, whoever asks: a logged-in member's session does not open private pages here, so
responses can be cached and shared. Images likewise: only those that a live public page shows
(Wagtail's reference index), never a picture uploaded for a draft or a private page."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, ReferenceIndex

from cms.restrictions import public
from cms.search import under_unpublished_pages


class PublicPagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        # As on the site: an activity stays hidden while its society's page is unpublished.
        return super().get_base_queryset().filter(pk__in=public_pages().values("pk"))

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


def public_pages():
    return public(Page.objects.live()).exclude(under_unpublished_pages())


class PublishedImagesAPIViewSet(ImagesAPIViewSet):
    def get_queryset(self):
        image_model = get_image_model()
        references = ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            to_content_type=ContentType.objects.get_for_model(image_model),
            object_id__in=public_pages().annotate(key=Cast("pk", CharField())).values("key"),
        )
        shown = image_model.objects.annotate(key=Cast("pk", CharField())).filter(
            key__in=references.values("to_object_id")
        )
        return super().get_queryset().filter(pk__in=shown.values("pk"))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublishedImagesAPIViewSet)
