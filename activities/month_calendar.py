"""Dates as the site shows them, and the public month calendar of activities.

Nothing here queries the database: the caller passes the month's activities in (one query), and
the grid places each one on every day it covers."""

import calendar
import datetime
from dataclasses import dataclass, field

# `2021年7月9日至10日`: the one spelling of a date range across the apps.
from cms.linked_entries import cn_date, cn_date_range

__all__ = ["cn_date", "cn_date_range", "cn_month", "month_bounds", "month_grid", "shift_month"]

# Monday first, as Chinese calendars are printed.
WEEKDAY_LABELS = ("一", "二", "三", "四", "五", "六", "日")
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# The calendar pages a visitor can reach; beyond them a month is a 404 (crawlers follow
# "next month" links for ever, and Python's dates end at year 9999).
MIN_YEAR = 1900
MAX_YEAR = 2100


def cn_month(year, month):
    return f"{year}年{month}月"


def month_bounds(year, month):
    """The first and last day of a month."""
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def shift_month(year, month, delta):
    """(year, month) `delta` months away, or None outside [MIN_YEAR, MAX_YEAR]."""
    index = year * 12 + (month - 1) + delta
    new_year, new_month = divmod(index, 12)
    if not MIN_YEAR <= new_year <= MAX_YEAR:
        return None
    return new_year, new_month + 1


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
