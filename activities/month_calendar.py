"""The public month calendar of activities (months themselves are `cms.periods`', their names
`cms.cn_dates`').

Nothing here queries the database: the caller passes the month's activities in (one query), and
the grid places each one on every day it covers."""

import calendar
import datetime
from dataclasses import dataclass, field

from cms.cn_dates import cn_month
from cms.periods import month_bounds, shift_month

# Monday first, as Chinese calendars are printed.
WEEKDAY_LABELS = ("一", "二", "三", "四", "五", "六", "日")
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# The calendar pages a visitor can reach; beyond them a month is a 404 (crawlers follow
# "next month" links for ever, and Python's dates end at year 9999).
MIN_YEAR = 1900
MAX_YEAR = 2100


def reachable(year, month):
    """Whether a visitor can reach the calendar page of `year`-`month`."""
    return MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12


def neighbour_month(year, month, delta):
    """The calendar page (year, month) `delta` months away, or None where there is none."""
    shifted = shift_month(year, month, delta)
    return shifted if reachable(*shifted) else None


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    activities: list = field(default_factory=list)

    @property
    def weekday_name(self):
        return WEEKDAY_NAMES[self.date.weekday()]


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list  # of 7-day lists of CalendarDay

    @property
    def label(self):
        return cn_month(self.year, self.month)

    @property
    def weekday_labels(self):
        return list(zip(WEEKDAY_LABELS, WEEKDAY_NAMES, strict=True))

    @property
    def activity_count(self):
        return len({a.pk for week in self.weeks for day in week for a in day.activities})


def month_grid(year, month, activities, today):
    """The weeks (Monday first) that show `year`-`month`; each day of the month lists the
    activities whose date range covers it, in the order given. Days of the neighbouring months
    that pad the first and last week are shown muted, without activities and never as today:
    the grid is one month's, so "today" there would point a screen reader (aria-current) at a
    day the page is not about, and a visitor reaches today's month with 本月 anyway."""
    weeks = []
    cal = calendar.Calendar(firstweekday=calendar.MONDAY)
    first, last = month_bounds(year, month)
    by_day = {}
    for activity in activities:
        start = max(activity.start_date, first)
        end = min(activity.end_date or activity.start_date, last)
        day = start
        while day <= end:
            by_day.setdefault(day, []).append(activity)
            day += datetime.timedelta(days=1)
    for week in cal.monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(
                    date=day,
                    in_month=day.month == month,
                    is_today=day == today and day.month == month,
                    activities=by_day.get(day, []) if day.month == month else [],
                )
                for day in week
            ]
        )
    return MonthGrid(year=year, month=month, weeks=weeks)
