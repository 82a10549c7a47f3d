"""Sending the outbox: one message at a time, claimed by one worker with an atomic update
(`state` from pending or deferred to sending, in one UPDATE the database runs for one caller
only), so that two workers, or a worker and the periodic job, never send one message twice.

The mail server's answer decides what follows: accepted → sent; a permanent refusal (SMTP 5xx,
such as 550 for an unknown mailbox) → bounced, never tried again; a temporary one (4xx, the
server down or unreachable) → deferred, tried again later with a growing wait, given up after
`MAX_ATTEMPTS`. Every try is logged (`DeliveryAttempt`)."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cms.models import DeliveryAttempt, MessageState, OutboxMessage
from cms.notifications.lifecycle import CLAIMABLE, next_state

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)
# A message claimed longer ago than this lost its worker: the task time limit is far shorter.
STALE_CLAIM = datetime.timedelta(minutes=15)
BATCH = 200  # messages per run of the periodic job


def wait_after(attempts):
    """The wait before the next try after `attempts` tries: 1, 2, 4 … minutes, at most 6 h."""
    return min(FIRST_WAIT * 2 ** max(0, attempts - 1), LONGEST_WAIT)


def claim(pk, now):
    """Whether this caller now holds message `pk` (and alone does)."""
    return bool(
        OutboxMessage.objects.filter(pk=pk, state__in=CLAIMABLE, next_attempt_at__lte=now).update(
            state=MessageState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver(pk, now=None):
    """Send message `pk` if it is due and nobody else holds it. Returns its state after the try,
    or None when there was nothing to do."""
    now = now or timezone.now()
    if not claim(pk, now):
        return None
    message = OutboxMessage.objects.get(pk=pk)
    action, error = _send(message)
    if action == "defer" and message.attempts >= MAX_ATTEMPTS:
        action = "give_up"
    return record(message, action, error, now)


def record(message, action, error, now):
    state = next_state(message.state, action)
    fields = {"state": state, "last_error": error, "claimed_at": None}
    if state == MessageState.SENT:
        fields["sent_at"] = now
    elif state == MessageState.DEFERRED:
        fields["next_attempt_at"] = now + wait_after(message.attempts)
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)
        DeliveryAttempt.objects.create(message=message, outcome=state, error=error)
    for name, value in fields.items():
        setattr(message, name, value)
    return state


def email_for(message):
    headers = {}
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers=headers,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email


def _smtp_text(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"SMTP {code} {text}".strip()


def _send(message):
    """(action, error) for the lifecycle: the server's answer, sorted."""
    try:
        email_for(message).send()
    except smtplib.SMTPRecipientsRefused as refused:
        code, text = next(iter(refused.recipients.values()))
        return ("bounce" if code >= 500 else "defer"), _smtp_text(code, text)
    except smtplib.SMTPResponseException as error:
        code = error.smtp_code
        return ("bounce" if code >= 500 else "defer"), _smtp_text(code, error.smtp_error)
    except (smtplib.SMTPException, OSError) as error:  # disconnected, refused, timed out
        return "defer", f"{type(error).__name__}: {error}"
    except Exception as error:  # a backend's own failure: kept on the row, tried again
        logger.exception("outbox message %s", message.pk)
        return "defer", f"{type(error).__name__}: {error}"
    return "deliver", ""


def expire_stale_claims(now):
    """Messages whose worker was lost mid-send: deferred, to be sent by the next run."""
    stale = OutboxMessage.objects.filter(
        state=MessageState.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    for message in stale:
        record(message, "expire", "发送中断（发送进程已退出），将重新发送。", now)


def send_due(now=None):
    """The periodic job's part: everything pending or deferred whose time has come."""
    now = now or timezone.now()
    expire_stale_claims(now)
    due = OutboxMessage.objects.filter(state__in=CLAIMABLE, next_attempt_at__lte=now)
    pks = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH])
    return [deliver(pk, now) for pk in pks]
