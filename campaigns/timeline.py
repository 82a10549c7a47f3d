"""A campaign's milestones as a timeline with today's phase marked, and the call's status
(征集中 / 评审中 / 公示中 / 已结束) as the listings show it.

Both read the campaign's milestones through `campaign.milestones.all()`, so that a listing that
prefetches them (and `notice`) costs no query per campaign."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.milestones import MilestoneKind

PAST = "past"
CURRENT = "current"
FUTURE = "future"


class CallStatus(models.TextChoices):
    UPCOMING = "upcoming", _("未开始")
    OPEN = "open", _("征集中")
    REVIEWING = "reviewing", _("评审中")
    NOTICE = "notice", _("公示中")
    FINISHED = "finished", _("已结束")


@dataclass
class TimelineStep:
    milestone: object
    state: str

    @property
    def is_current(self):
        return self.state == CURRENT


def _last_day(milestone):
    return milestone.end_date or milestone.date


def sorted_milestones(campaign):
    return sorted(campaign.milestones.all(), key=lambda m: (m.date, m.pk))


def timeline_for(campaign, today):
    """Every milestone in date order. The current step is the one whose range contains today,
    else the latest one already begun; once the last step is over, every step is past and none
    is current (a finished call has no phase)."""
    milestones = sorted_milestones(campaign)
    over = bool(milestones) and today > max(_last_day(m) for m in milestones)
    current = None
    if not over:
        for index, milestone in enumerate(milestones):
            if milestone.date <= today:
                current = index
            if milestone.date <= today <= _last_day(milestone):
                current = index
                break
    steps = []
    for index, milestone in enumerate(milestones):
        if over or (current is not None and index < current):
            state = PAST
        elif current is not None and index == current:
            state = CURRENT
        else:
            state = FUTURE
        steps.append(TimelineStep(milestone, state))
    return steps


@dataclass
class CallState:
    status: str
    opens: datetime.date | None
    closes: datetime.date | None
    today: datetime.date

    @property
    def label(self):
        return CallStatus(self.status).label

    @property
    def is_open(self):
        return self.status == CallStatus.OPEN

    @property
    def days_left(self):
        """Whole days after today until the deadline (0 on the last day), while open."""
        if not self.is_open or self.closes is None:
            return None
        return (self.closes - self.today).days


def _notice_of(campaign):
    try:
        return campaign.notice
    except campaign._meta.get_field("notice").related_model.DoesNotExist:
        return None


def call_state(campaign, today):
    """Where the call stands today (None for a call without dates). Open between 征集开始 and
    申报截止 (inclusive); 公示中 while its public notice (the notice record, or a 公示
    milestone) covers today; finished after the last step, the notice's last day included;
    under review in between."""
    milestones = sorted_milestones(campaign)
    opens = min((m.date for m in milestones if m.kind == MilestoneKind.CALL_OPENS), default=None)
    closes = max(
        (_last_day(m) for m in milestones if m.kind == MilestoneKind.SUBMISSIONS_CLOSE),
        default=None,
    )
    notice = _notice_of(campaign)
    notice_days = [
        (m.date, _last_day(m)) for m in milestones if m.kind == MilestoneKind.PUBLIC_NOTICE
    ]
    if notice is not None and notice.closed_at is None:
        notice_days.append((notice.starts_on, notice.ends_on))
    last = max(
        [_last_day(m) for m in milestones] + ([notice.ends_on] if notice is not None else []),
        default=None,
    )

    def state(status):
        return CallState(status, opens, closes, today)

    if last is None:
        return None  # no dates yet: nothing to say
    if today > last:
        return state(CallStatus.FINISHED)
    if any(start <= today <= end for start, end in notice_days):
        return state(CallStatus.NOTICE)
    if opens is not None and today < opens:
        return state(CallStatus.UPCOMING)
    if opens is not None and closes is not None and today <= closes:
        return state(CallStatus.OPEN)
    if closes is not None and today > closes:
        return state(CallStatus.REVIEWING)
    first = milestones[0].date
    return state(CallStatus.UPCOMING if today < first else CallStatus.REVIEWING)
