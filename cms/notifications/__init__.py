"""Notifications, one mechanism for every app (DESIGN.md, issue 15): `notify` writes inbox items
and outbox messages in the caller's transaction; `delivery` sends them after commit (a Celery
task, then the periodic job for what failed); `digest` sends the daily digests; `inbox` and
`preferences` are the person's side; `kinds` is the registry the apps fill with their hook.

    from cms.notifications import notify

    notify(
        nomination.applicant,
        "campaigns.nomination_endorsed",
        {"nomination": nomination},
        link=nomination.url,
        key=f"nomination:{nomination.pk}:endorsed",
    )
"""

from cms.notifications.kinds import NOTIFICATION_KINDS_HOOK, Kind, UnknownKind, register_kind
from cms.notifications.outbox import notify

__all__ = ["NOTIFICATION_KINDS_HOOK", "Kind", "UnknownKind", "notify", "register_kind"]
