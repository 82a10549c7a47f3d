"""The site header's pieces contributed by the apps (`cms.header_links`)."""

from django import template

from cms import header_links as links

register = template.Library()


@register.simple_tag(takes_context=True)
def header_links(context):
    """`{% header_links as app_links %}`: the apps' links for this request; none without one
    (a template rendered outside a request, such as an e-mail)."""
    request = context.get("request")
    return links.header_links(request) if request is not None else []
