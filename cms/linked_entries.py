"""What an app tells the monthly reports about a period, in one shape for every app.

`campaigns.reporting` and `activities.reporting` each offer `entries_for(period)` returning
`LinkedEntry` values; `reports.sync` compares them with a report's entries by `origin_key`. The
shape lives here, in `cms`, because the apps that produce it must not know `reports` (data flows
one way) and must not know each other either. A change of a source is announced by its app with
`cms.signals.linked_entries_changed`; the entries' origins are `Origin`."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    """Where a report entry comes from: written by hand, or linked to a source of another app.
    One vocabulary for the apps that produce entries and for the report that stores them; the
    order is that of the report entry's `origin` choices (its migrations name them)."""

    MANUAL = "manual", _("手工填写")
    MILESTONE = "milestone", _("征集活动里程碑")  # campaigns: a dated step of a campaign
    ACTIVITY = "activity", _("成员学会活动")  # activities: a member society's activity
    FIGURE = "figure", _("申报统计")  # campaigns: a month's nomination figures
    STAGE = "stage", _("评审进展")  # campaigns: a review round confirmed by its chair


@dataclass(frozen=True)
class LinkedEntry:
    origin: str  # an `Origin`, never MANUAL
    origin_key: str  # stable across edits of the source, e.g. "milestone:12", "activity:34"
    workstream: object  # cms.Workstream
    body: str  # Markdown, as the report shows it
    link_url: str  # where the entry's source is read; "" when it is not public
    date: datetime.date

    @property
    def workstream_id(self):
        return self.workstream.pk


def sentence(text):
    """`text` ending as a sentence does, with a full stop added if it has none."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "；", ".", "!", "?")) else f"{text}。"
