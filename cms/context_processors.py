from wagtail.models import Site


def navigation(request):
    """The home page's live, menu-visible children, for the site header."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"nav_pages": [], "nav_home": None}
    root = site.root_page
    return {
        "nav_home": root,
        "nav_pages": root.get_children().live().in_menu().only("id", "title", "url_path", "slug"),
    }
