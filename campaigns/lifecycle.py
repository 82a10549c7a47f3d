"""Life cycles as tables, in the manner of `campaigns.nominations.TRANSITIONS`: what may follow
what, and one `perform` that checks, changes and logs in one transaction.

A `LifeCycle` holds one explicit table: (from status, action) → `Transition` (the status it leads
to, whether a reason is required, whether it is an event worth a row in the log). Its `perform`
takes an action in this order, and whatever refuses leaves nothing changed:

1. the permission: the life cycle's own permission function, `(allowed, reason)`, computed by the
   caller for this user and this subject now (who, and whatever the subject's state and dates
   allow, in the words the person refused reads);
2. the table: an action the table has no row for, from the subject's status, is refused;
3. the reason, when the transition requires one;
4. `validate()`, if given: the checks of what was typed or uploaded, before the change's
   transaction (a caller that locks nothing reads an upload without holding a write lock);
5. `change(transition)`: the change itself, which returns the subject as it now is, in the
   transition's status (it may still refuse: the transaction is rolled back);
6. a `ReviewEvent` row: who, when, from, to and why.

It is the order of `campaigns.nominations.perform`, which may adopt it. The review's life cycles
use it: rounds (`campaigns.rounds`), score sheets (`campaigns.sheets`), public notices and
objections (`campaigns.notice`). A caller changing an existing row locks it, in a transaction of
its own around `perform`, before it computes the permission.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import ReviewEvent
from campaigns.nomination_errors import ActionRefused

# The "status" before the subject exists.
NONE = ""


@dataclass(frozen=True)
class Transition:
    to_status: str
    reason_required: bool = False
    # False for a change that is not an event: a draft rewritten in place.
    logged: bool = True


class LifeCycleError(RuntimeError):
    """A change left its subject in another status than its transition says: a programming
    error, never a user's."""


@dataclass(frozen=True)
class LifeCycle:
    """One life cycle: its table, the words of its refusals, and its `perform`."""

    subject: str  # ReviewEvent.subject
    name: str  # what the refusals call the subject: 评审轮次, 评分表, …
    transitions: dict  # (from status, action) → Transition
    labels: dict  # action → what the refusals call it
    statuses: dict  # status → label
    refused: type = ActionRefused
    # action → a function returning the exception for a missing required reason.
    reason_errors: dict = field(default_factory=dict)

    def actions(self, status):
        """The actions the table allows from `status`, in its order."""
        return [action for (start, action) in self.transitions if start == status]

    def transition(self, status, action):
        transition = self.transitions.get((status, action))
        if transition is None:
            raise self.refused(
                _("%(subject)s当前状态为“%(status)s”，不能%(action)s。")
                % {
                    "subject": self.name,
                    "status": self.statuses.get(status, status) or _("（尚未建立）"),
                    "action": self.labels.get(action, action),
                }
            )
        return transition

    def perform(self, subject, action, user, *, allowed, change, campaign_id, reason="",
                validate=None, nomination_id=None):  # fmt: skip
        """Take `action` on `subject` (None when the action creates it) as `user`; returns the
        subject as `change` left it. `allowed` is the permission function's `(allowed, reason)`
        for this user and subject, computed once the caller has locked the subject's row;
        `campaign_id` and `nomination_id` say where the event belongs."""
        permitted, why = allowed
        if not permitted:
            raise self.refused(why)
        from_status = NONE if subject is None else subject.status
        transition = self.transition(from_status, action)
        reason = (reason or "").strip()
        if transition.reason_required and not reason:
            raise self.reason_errors[action]()
        if validate is not None:
            validate()
        with transaction.atomic():
            done = change(transition)
            if done.status != transition.to_status:
                raise LifeCycleError(
                    f"{self.subject} {action}: {done.status!r}, not {transition.to_status!r}"
                )
            if transition.logged:
                self.log(done, action, user, from_status, reason, campaign_id, nomination_id)
        return done

    def log(self, subject, action, user, from_status, reason, campaign_id, nomination_id=None):
        return ReviewEvent.objects.create(
            subject=self.subject,
            subject_id=subject.pk,
            campaign_id=campaign_id,
            nomination_id=nomination_id,
            actor=user if getattr(user, "is_authenticated", False) else None,
            action=action,
            from_status=from_status,
            to_status=subject.status,
            reason=reason,
        )


def events(subject, pk):
    """The log of one round, sheet, notice or objection, oldest first."""
    return ReviewEvent.objects.filter(subject=subject, subject_id=pk).select_related("actor")
