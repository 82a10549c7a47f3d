"""The share box of a public page: its address to copy and a QR code to scan with WeChat, drawn on
the server (segno) as inline SVG, so that no third-party QR service ever sees the address."""

import segno
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def share_url(context, page):
    """The page's address as the visitor reached the site (host and port included)."""
    request = context.get("request")
    url = page.get_url(request) if page is not None else ""
    return request.build_absolute_uri(url) if request is not None else page.full_url


@register.simple_tag
def qr_svg(data, title=""):
    qr = segno.make(data, error="m", micro=False)
    svg = qr.svg_inline(scale=4, border=2, dark="#1a1a1a", light="#fff", title=title or None)
    return mark_safe(svg)  # noqa: S308 (segno writes the markup; the data is escaped by segno)
