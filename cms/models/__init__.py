from .accounts import AccountProfile
from .pages import HomePage, NewsIndexPage, NewsPage, NewsPageTag, StandardPage
from .site_settings import FederationSettings
from .snippets import MemberSociety, Workstream

__all__ = [
    "AccountProfile",
    "FederationSettings",
    "HomePage",
    "MemberSociety",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "StandardPage",
    "Workstream",
]
