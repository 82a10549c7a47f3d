"""The life of an outbox message, as one table: (state, action) → state. A message is claimed
by one worker at a time (`sending`) and ends sent, bounced (the server refused the address for
good, or it is no address at all) or failed (too many temporary errors); a temporary error
(SMTP 4xx, the server down) leaves it deferred until its next attempt."""

from cms.models import MessageState

S = MessageState

TRANSITIONS = {
    (S.PENDING, "claim"): S.SENDING,
    (S.DEFERRED, "claim"): S.SENDING,
    (S.PENDING, "reject"): S.BOUNCED,  # no usable address: never tried
    (S.SENDING, "deliver"): S.SENT,
    (S.SENDING, "defer"): S.DEFERRED,
    (S.SENDING, "bounce"): S.BOUNCED,
    (S.SENDING, "give_up"): S.FAILED,
    # A worker lost while sending (killed, the machine gone): the retry job tries again.
    (S.SENDING, "expire"): S.DEFERRED,
}

# The states a claim starts from, and those that end a message's life.
CLAIMABLE = tuple(state for (state, action) in TRANSITIONS if action == "claim")
FINAL = (S.SENT, S.BOUNCED, S.FAILED)


class InvalidTransition(ValueError):
    pass


def next_state(state, action):
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(f"{state} → {action}") from None
