from activities.models.feeds import Feed, FeedEntry, FeedStatus
from activities.models.pages import (
    ActivitiesIndexPage,
    ActivityKind,
    ActivityPage,
    ActivitySource,
    SocietyActivitiesPage,
)

__all__ = [
    "ActivitiesIndexPage",
    "ActivityKind",
    "ActivityPage",
    "ActivitySource",
    "Feed",
    "FeedEntry",
    "FeedStatus",
    "SocietyActivitiesPage",
]
