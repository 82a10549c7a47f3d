from django.urls import path


class ListingOnlyViewSetMixin:
    """A ModelViewSet reduced to its listing plus the views named in `extra_views`
    (route, view attribute, URL name): for records that change only through their own services
    (nominations, notices, objections), never through Wagtail's generic edit or delete forms."""

    extra_views = ()

    def get_common_view_kwargs(self, **kwargs):
        kwargs = super().get_common_view_kwargs(**kwargs)
        kept = {name for _route, _view, name in self.extra_views}
        for name in ("add", "edit", "delete", "usage"):
            if name not in kept:
                kwargs[f"{name}_url_name"] = None
        return kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            *(
                path(route, getattr(self, view), name=name)
                for route, view, name in self.extra_views
            ),
        ]
