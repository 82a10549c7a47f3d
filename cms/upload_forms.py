"""The upload checks (`cms.upload_checks`) on Wagtail's documents and images, through the form
bases Wagtail documents for this (WAGTAILDOCS_DOCUMENT_FORM_BASE, WAGTAILIMAGES_IMAGE_FORM_BASE):
every admin form that takes a file uses them — add, edit, the multiple uploader, the choosers'
upload tabs. A refused file is never stored: the form is invalid and Wagtail saves nothing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from cms.upload_checks import IMAGES, check_upload, kind_of_name


def _label(upload):
    return _("文件“%(name)s”") % {"name": upload.name}


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            kind = kind_of_name(upload.name)
            if kind is None:
                raise ValidationError(
                    _("%(label)s的类型不能上传：只接受 %(extensions)s 文件。")
                    % {
                        "label": _label(upload),
                        "extensions": "、".join(settings.WAGTAILDOCS_EXTENSIONS),
                    },
                    code="file_type",
                )
            check_upload(upload, kind, _label(upload))
        return upload

    def _post_clean(self):
        # Wagtail's Document.clean checks the extension of the file the instance holds: with the
        # upload refused it holds none, and "文件扩展“”是不被允许" would follow the reason.
        if not self.has_error("file"):
            super()._post_clean()


class CheckedImageField(WagtailImageField):
    """Wagtail's image field (which refuses other extensions, formats that differ from the
    extension, too many pixels), with the upload checks first: Willow opens only the header,
    and Wagtail counts the frames of a truncated image with a server error."""

    def to_python(self, data):
        if isinstance(data, UploadedFile) and kind_of_name(data.name) in IMAGES:
            check_upload(data, kind_of_name(data.name), _label(data))
        return super().to_python(data)


class CheckedImageForm(BaseImageForm):
    # What Wagtail's `formfield_for_dbfield` makes of the model's field, checked.
    file = CheckedImageField(
        label=capfirst(get_image_model()._meta.get_field("file").verbose_name),
        widget=BaseImageForm.Meta.widgets["file"],
    )
