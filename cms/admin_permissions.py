"""Wagtail admin views that showed people what their permissions do not give them, each limited
here to what the person may use (found by the permission matrix, tests/test_permission_matrix.py).

* The admin API's images and documents endpoints (`/admin/api/main/images/`, `…/documents/`)
  listed every image and document of every collection to anyone with admin access: a member
  society's people, who may use only their own society's collection (`activities.areas`), read the
  titles and files of another society's pictures there. They answer here with what the person may
  choose or change, as the choosers and listings do.
* The image chooser's "select format" step (`/admin/images/chooser/<id>/select_format/`) showed
  any image by its id, title and picture included, where the chooser's own "chosen" step checks
  the "choose" permission first. It checks it here too (`cms.urls` puts this view in front of
  Wagtail's).
* The admin's sign-out (`/admin/logout/`) refuses a GET with 405, as Django's does, but Wagtail's
  view deleted the session cookie all the same: any page could sign an editor out with an
  `<img src="/admin/logout/">`. Here a GET changes nothing; the admin's own 退出 button POSTs."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from wagtail.admin.views.account import LogoutView
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.permissions import permission_policy as document_policy
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.permissions import permission_policy as image_policy
from wagtail.images.views.chooser import ImageChooserViewSet, ImageSelectFormatView

USABLE = ["choose", "change"]


class PermittedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        usable = image_policy.instances_user_has_any_permission_for(self.request.user, USABLE)
        return super().get_queryset().filter(pk__in=usable.values("pk"))


class PermittedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        usable = document_policy.instances_user_has_any_permission_for(self.request.user, USABLE)
        return super().get_queryset().filter(pk__in=usable.values("pk"))


def register_admin_api_endpoints(router):
    router.register_endpoint("images", PermittedImagesAdminAPIViewSet)
    router.register_endpoint("documents", PermittedDocumentsAdminAPIViewSet)


class PermittedImageSelectFormatView(ImageSelectFormatView):
    def dispatch(self, request, *args, image_id, **kwargs):
        image = get_object_or_404(get_image_model(), id=image_id)
        if not image_policy.user_has_permission_for_instance(request.user, "choose", image):
            raise PermissionDenied
        return super().dispatch(request, *args, image_id=image_id, **kwargs)


def image_select_format_view():
    return PermittedImageSelectFormatView.as_view(
        model=get_image_model(),
        preserve_url_parameters=ImageChooserViewSet.preserve_url_parameters,
    )


class PostOnlyLogoutView(LogoutView):
    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
