"""Sections of the home page contributed by the apps.

`cms` knows no app (DESIGN.md), so the home page cannot query campaigns, reports or activities
itself. Each app registers a callable with the `lianhe_home_sections` Wagtail hook instead:

    @hooks.register(HOME_SECTIONS_HOOK)
    def campaigns_home_section(request, site):
        return HomeSection("campaigns/home_section.html", {"campaigns": [...]}, order=20)

The callable returns a `HomeSection` (or None to show nothing) and must run a constant number of
queries: the home page is the most visited page and must not slow down as content grows.
"""

from dataclasses import dataclass, field

from wagtail import hooks

HOME_SECTIONS_HOOK = "lianhe_home_sections"


@dataclass
class HomeSection:
    template_name: str
    context: dict = field(default_factory=dict)
    # Lower comes first; the home page's own news section is at 10.
    order: int = 100


def home_sections(request, site):
    """The registered sections for this request, in display order."""
    sections = []
    for section_for in hooks.get_hooks(HOME_SECTIONS_HOOK):
        section = section_for(request, site)
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda section: section.order)
