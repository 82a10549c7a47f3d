from django.urls import path
from wagtail.admin.admin_url_finder import ModelAdminURLFinder, NullAdminURLFinder


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

    @property
    def url_finder_class(self):
        """Where the admin links a record from elsewhere (the usage view of a user or a member
        society, the site history): its own page (`inspect`: the review of a nomination, the
        decision on an objection), or nowhere. Wagtail's default names the edit view these
        viewsets do not have, and reversing it answered those pages with a 500."""
        kept = {name for _route, _view, name in self.extra_views}
        if "inspect" not in kept:
            return NullAdminURLFinder
        return type(
            "_ListingOnlyAdminURLFinder",
            (ModelAdminURLFinder,),
            {
                "permission_policy": self.permission_policy,
                "edit_url_name": self.get_url_name("inspect"),
            },
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            *(
                path(route, getattr(self, view), name=name)
                for route, view, name in self.extra_views
            ),
        ]
