from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class CaptionedImageBlock(blocks.StructBlock):
    """A picture with its caption. The picture may be missing: reports extracted from PDFs keep
    the captions of photos that were not recovered."""

    image = ImageChooserBlock(label=_("图片"), required=False)
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片与图注")
        template = "components/captioned_image.html"


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
