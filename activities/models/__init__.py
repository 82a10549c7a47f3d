from activities.models.feeds import Feed, FeedEntry
from activities.models.pages import (
    KIND_CHOICES,
    ActivitiesIndexPage,
    ActivityPage,
    SocietyActivitiesPage,
)

__all__ = [
    "KIND_CHOICES",
    "ActivitiesIndexPage",
    "ActivityPage",
    "Feed",
    "FeedEntry",
    "SocietyActivitiesPage",
]
