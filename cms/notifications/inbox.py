"""A person's inbox (通知): the unread count the headers show, and marking items read.

The count is kept in the cache (Redis in production) so that the site header, shown on every
page, costs no query once it is known; every change of a person's inbox forgets it."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from cms.models import Notification

COUNT_KEY = "lianhe-unread:{}"
COUNT_SECONDS = 3600


def inbox_of(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    if not getattr(user, "is_authenticated", False):
        return 0
    key = COUNT_KEY.format(user.pk)
    count = cache.get(key)
    if count is None:
        count = inbox_of(user).filter(read_at__isnull=True).count()
        cache.set(key, count, COUNT_SECONDS)
    return count


def forget_unread_counts(user_pks):
    """Forget the counts now and again when the transaction commits: a request reading in
    between would otherwise keep the count from before the change."""
    keys = [COUNT_KEY.format(pk) for pk in user_pks]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def mark_read(user, notification):
    """Mark one of `user`'s own notifications read; the caller has checked it is theirs."""
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    forget_unread_counts([user.pk])


def mark_all_read(user):
    count = inbox_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())
    forget_unread_counts([user.pk])
    return count
