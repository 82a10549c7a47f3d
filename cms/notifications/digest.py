"""The daily digest: one mail per person holding the notifications of the kinds they chose to
receive so (`Mode.DIGEST`) from before today began in Beijing. The key `digest:<day>` makes a
second run on one day send nothing more."""

import datetime
from functools import partial
from itertools import groupby

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cms.models import Mode, Notification, OutboxMessage
from cms.notifications.kinds import get_kind, kind_label
from cms.notifications.outbox import absolute_link, enqueue
from cms.notifications.rendering import render

DIGEST_KIND = "cms.digest"


def start_of_today(now):
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def send_daily_digests(now=None):
    now = now or timezone.now()
    cutoff = start_of_today(now)
    waiting = (
        Notification.objects.filter(mode=Mode.DIGEST, message__isnull=True, created_at__lt=cutoff)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")
    )
    day = (cutoff - datetime.timedelta(days=1)).date()
    sent = []
    for _recipient, items in groupby(waiting, key=lambda item: item.recipient_id):
        message = _digest(list(items), day)
        if message is not None:
            sent.append(message.pk)
    return sent


def _digest(items, day):
    user = items[0].recipient
    kind = get_kind(DIGEST_KIND)
    context = {
        "recipient": user,
        "day": day,
        "items": [{"item": item, "kind_label": kind_label(item.kind)} for item in items],
    }
    rendered = render(kind, context, absolute_link(reverse("notifications:inbox")))
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                recipient=user,
                address=user.email,
                kind=kind.code,
                key=f"digest:{day.isoformat()}",
                subject=rendered.subject,
                text_body=rendered.text_body,
                html_body=rendered.html_body,
                next_attempt_at=timezone.now(),
            )
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(message=message)
    except IntegrityError:  # that day's digest exists: the rest wait for tomorrow's
        return None
    transaction.on_commit(partial(enqueue, [message.pk]), robust=True)
    return message
