from .accounts import AccountProfile
from .notifications import (
    DeliveryAttempt,
    MessageState,
    Mode,
    Notification,
    NotificationPreference,
    OutboxAttachment,
    OutboxMessage,
)
from .pages import HomePage, NewsIndexPage, NewsPage, NewsPageTag, StandardPage
from .roles import GroupRole
from .site_settings import FederationSettings
from .snippets import MemberSociety, Workstream

__all__ = [
    "AccountProfile",
    "DeliveryAttempt",
    "FederationSettings",
    "GroupRole",
    "HomePage",
    "MemberSociety",
    "MessageState",
    "Mode",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "Notification",
    "NotificationPreference",
    "OutboxAttachment",
    "OutboxMessage",
    "StandardPage",
    "Workstream",
]
