from wagtail.models import Site

from cms.site_pages import menu_pages


def navigation(request):
    """The home page's live, menu-visible children, for the site header."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"nav_pages": [], "nav_home": None}
    return {"nav_home": site.root_page, "nav_pages": menu_pages(request, site)}
