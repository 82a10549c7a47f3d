"""A campaign's milestones as a timeline with today's phase marked."""

from dataclasses import dataclass

PAST = "past"
CURRENT = "current"
FUTURE = "future"


@dataclass
class TimelineStep:
    milestone: object
    state: str

    @property
    def is_current(self):
        return self.state == CURRENT


def timeline_for(campaign, today):
    """Every milestone in date order. The current step is the one whose range contains today,
    else the latest one already begun; later ones are future."""
    milestones = list(campaign.milestones.select_related("workstream").order_by("date", "pk"))
    current = None
    for index, milestone in enumerate(milestones):
        if milestone.date <= today:
            current = index
        if milestone.date <= today <= (milestone.end_date or milestone.date):
            current = index
            break
    steps = []
    for index, milestone in enumerate(milestones):
        if current is not None and index == current:
            state = CURRENT
        elif current is not None and index < current:
            state = PAST
        else:
            state = FUTURE
        steps.append(TimelineStep(milestone, state))
    return steps
