from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

# The rendition components/captioned_image.html asks for: the two must say the same.
BODY_IMAGE_FILTER = "max-960x720"


class CaptionedImageBlock(blocks.StructBlock):
    """A picture with its caption. The picture may be missing: reports extracted from PDFs keep
    the captions of photos that were not recovered."""

    image = ImageChooserBlock(label=_("图片"), required=False)
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片与图注")
        template = "components/captioned_image.html"

    def bulk_to_python(self, values):
        """A body's pictures come in one query (Wagtail's chooser block); their renditions in one
        more, rather than one each as the template asks for them: a page costs the same number
        of queries with one picture or twenty."""
        values = super().bulk_to_python(values)
        images = [value["image"] for value in values if value["image"] is not None]
        if images:
            renditions = get_image_model().get_rendition_model().objects
            prefetch_related_objects(
                images,
                Prefetch(
                    "renditions",
                    queryset=renditions.filter(filter_spec=BODY_IMAGE_FILTER),
                    to_attr="prefetched_renditions",
                ),
            )
        return values


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("小标题"), form_classname="title", template="components/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("段落"), features=["bold", "italic", "link", "ol", "ul"]
    )
    image = CaptionedImageBlock()

    class Meta:
        label = _("正文")
