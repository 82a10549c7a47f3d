from .accounts import AccountProfile
from .pages import HomePage, NewsIndexPage, NewsPage, NewsPageTag, StandardPage
from .roles import GroupRole
from .site_settings import FederationSettings
from .snippets import MemberSociety, Workstream

__all__ = [
    "AccountProfile",
    "FederationSettings",
    "GroupRole",
    "HomePage",
    "MemberSociety",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "StandardPage",
    "Workstream",
]
