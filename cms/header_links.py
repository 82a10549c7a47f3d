"""Links of the site header contributed by the apps.

`cms` knows no app (DESIGN.md), so the header cannot name an app's URL itself. Each app registers
a callable with the `lianhe_header_links` Wagtail hook instead:

    @hooks.register(HEADER_LINKS_HOOK)
    def my_nominations_link(request):
        if request.user.is_authenticated:
            return HeaderLink(_("我的申报"), reverse("my_nominations"), order=10)

The callable returns a `HeaderLink` (or None to show nothing). It runs on every public page, so
it must not query the database: decide from the request alone (or from the cache, as the
notifications' unread count does).
"""

from dataclasses import dataclass

from wagtail import hooks

HEADER_LINKS_HOOK = "lianhe_header_links"


@dataclass(frozen=True)
class HeaderLink:
    label: str
    url: str
    # Lower comes first; all of them come before the header's own 登录/退出.
    order: int = 100
    # A count beside the label (the unread notifications); 0 shows none.
    badge: int = 0


def header_links(request):
    """The registered links for this request, in display order."""
    links = []
    for link_for in hooks.get_hooks(HEADER_LINKS_HOOK):
        link = link_for(request)
        if link is not None:
            links.append(link)
    return sorted(links, key=lambda link: link.order)
