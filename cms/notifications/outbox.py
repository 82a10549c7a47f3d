"""`notify`: the one way an app tells people something. It writes the inbox items and the
outbox messages in the caller's transaction and hands the messages to a Celery task once that
transaction commits: a change rolled back sends nothing, a committed one is never lost (the
periodic job sends whatever the task did not)."""

from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import (
    DeliveryAttempt,
    MessageState,
    Mode,
    Notification,
    OutboxAttachment,
    OutboxMessage,
)
from cms.notifications.inbox import forget_unread_counts
from cms.notifications.kinds import get_kind
from cms.notifications.lifecycle import next_state
from cms.notifications.preferences import modes_for, unsubscribe_path
from cms.notifications.rendering import render


def notify(recipients, kind, context=None, link="", *, key="", attachments=()):
    """Tell `recipients` (a user, or an iterable or queryset of users) about an event of
    `kind` (a registered code). `context` fills the kind's templates (each also gets
    `recipient` and `link`); `link` is where to act, a path on the site or a full address.
    `key` names the event ("nomination:12:endorsed"): a recipient gets one notification per
    kind and key however often it is called. `attachments`: (file name, bytes, content type)
    of files every mail carries (not the inbox item). Returns the outbox messages written.

    Never fails for a recipient's address: one without an address gets the inbox item only,
    an invalid one is recorded as bounced in the 发件箱."""
    kind = get_kind(kind)
    users = _users(recipients)
    if not users:
        return []
    modes = modes_for(users, kind)
    link = absolute_link(link)
    with transaction.atomic():
        messages = _notify_all(users, kind, context or {}, link, key, modes)
        for message in messages:
            _attach(message, attachments)
    forget_unread_counts([user.pk for user in users])
    pending = [message.pk for message in messages if message.state == MessageState.PENDING]
    if pending:
        transaction.on_commit(partial(enqueue, pending), robust=True)
    return messages


def _attach(message, attachments):
    for filename, content, content_type in attachments:
        attachment = OutboxAttachment(message=message, filename=filename, content_type=content_type)
        attachment.file.save(filename, ContentFile(content), save=True)


def enqueue(pks):
    """Hand messages to the workers (at once in the embedded default's eager mode)."""
    from cms.tasks import send_outbox_message

    for pk in pks:
        send_outbox_message.delay(pk)


def _users(recipients):
    if isinstance(recipients, get_user_model()):
        return [recipients]
    if isinstance(recipients, QuerySet):
        return list(recipients.distinct())
    unique = {}
    for user in recipients:
        unique.setdefault(user.pk, user)
    return list(unique.values())


def absolute_link(link):
    from cms.accounts import site_link

    return site_link(link) if link.startswith("/") else link


def _already_sent(user, kind, key):
    return bool(key) and (
        Notification.objects.filter(recipient=user, kind=kind.code, key=key).exists()
        or OutboxMessage.objects.filter(recipient=user, kind=kind.code, key=key).exists()
    )


def _not_yet_told(users, kind, key):
    """`users` without a notification of `kind` and `key` yet (two queries for them all)."""
    if not key:
        return users
    told = set(
        Notification.objects.filter(
            recipient__in=[user.pk for user in users], kind=kind.code, key=key
        ).values_list("recipient_id", flat=True)
    )
    told.update(
        OutboxMessage.objects.filter(
            recipient__in=[user.pk for user in users], kind=kind.code, key=key
        ).values_list("recipient_id", flat=True)
    )
    return [user for user in users if user.pk not in told]


def _notify_all(users, kind, context, link, key, modes):
    """Every recipient's rows in a few queries however many they are (a society's people, the
    whole office); should a concurrent call with the same key win for some, one by one."""
    users = _not_yet_told(users, kind, key)
    try:
        with transaction.atomic():
            return _write_all(users, kind, context, link, key, modes)
    except IntegrityError:
        if not key:
            raise
    told = (_notify_one(user, kind, context, link, key, modes[user.pk]) for user in users)
    return [message for message in told if message is not None]


def _write_all(users, kind, context, link, key, modes):
    rows = []  # (user, rendered, unsaved message or None)
    for user in users:
        unsubscribe = "" if kind.required else absolute_link(unsubscribe_path(user, kind.code))
        rendered = render(kind, {**context, "recipient": user}, link, unsubscribe)
        message = None
        if modes[user.pk] == Mode.EMAIL and user.email:
            message = _message(user, kind, key, rendered, unsubscribe)
        rows.append((user, rendered, message))
    messages = OutboxMessage.objects.bulk_create([m for _u, _r, m in rows if m is not None])
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(message=m, outcome=m.state, error=m.last_error)
        for m in messages
        if m.state != MessageState.PENDING
    )
    if kind.inbox:
        Notification.objects.bulk_create(
            Notification(
                recipient=user,
                kind=kind.code,
                key=key,
                subject=rendered.subject,
                text=rendered.text,
                link=link,
                mode=modes[user.pk],
                message=message,
            )
            for user, rendered, message in rows
        )
    return messages


def _message(user, kind, key, rendered, unsubscribe):
    """An unsaved outbox message, rejected at once (bounced, with why) for an invalid address."""
    message = OutboxMessage(
        recipient=user,
        address=user.email,
        kind=kind.code,
        key=key,
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
        unsubscribe_url=unsubscribe,
        next_attempt_at=timezone.now(),
    )
    try:
        validate_email(message.address)
    except ValidationError:
        message.state = next_state(message.state, "reject")
        message.last_error = _("邮箱地址无效：%(address)s") % {"address": message.address}
    return message


def _notify_one(user, kind, context, link, key, mode):
    if _already_sent(user, kind, key):
        return None
    unsubscribe = "" if kind.required else absolute_link(unsubscribe_path(user, kind.code))
    rendered = render(kind, {**context, "recipient": user}, link, unsubscribe)
    try:
        # A savepoint: a concurrent call with the same key wins, this one writes nothing.
        with transaction.atomic():
            return _write(user, kind, key, mode, link, rendered, unsubscribe)
    except IntegrityError:
        if key:
            return None
        raise


def _write(user, kind, key, mode, link, rendered, unsubscribe):
    notification = None
    if kind.inbox:
        notification = Notification.objects.create(
            recipient=user,
            kind=kind.code,
            key=key,
            subject=rendered.subject,
            text=rendered.text,
            link=link,
            mode=mode,
        )
    if mode != Mode.EMAIL or not user.email:
        return None
    message = OutboxMessage.objects.create(
        recipient=user,
        address=user.email,
        kind=kind.code,
        key=key,
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
        unsubscribe_url=unsubscribe,
        next_attempt_at=timezone.now(),
    )
    _reject_invalid_address(message)
    if notification is not None:
        notification.message = message
        notification.save(update_fields=["message"])
    return message


def _reject_invalid_address(message):
    try:
        validate_email(message.address)
    except ValidationError:
        message.state = next_state(message.state, "reject")
        message.last_error = _("邮箱地址无效：%(address)s") % {"address": message.address}
        message.save(update_fields=["state", "last_error"])
        DeliveryAttempt.objects.create(
            message=message, outcome=message.state, error=message.last_error
        )
