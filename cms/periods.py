"""Months and periods, the one calendar arithmetic of the apps: a report's period (one month or
a run of consecutive months, named the way the secretariat does), a month's first and last day,
the months before and after one, and the moments that bound a run of days in the site's time
zone (Asia/Shanghai), for queries on datetimes."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

from cms.cn_dates import cn_month


def first_of_month(day):
    return day.replace(day=1)


def last_of_month(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day, months):
    """The first day of the month `months` after `day`'s (before it when negative)."""
    return datetime.date(*shift_month(day.year, day.month, months), 1)


def shift_month(year, month, delta):
    """(year, month) `delta` months away."""
    new_year, index = divmod(year * 12 + (month - 1) + delta, 12)
    return new_year, index + 1


def month_bounds(year, month):
    """The first and last day of a month."""
    period = Period.month(year, month)
    return period.start, period.end


def day_bounds(first, last):
    """The aware datetimes [start, end) of the days `first` to `last` (dates) in the site's time
    zone: the start of `first` and the start of the day after `last`."""
    zone = timezone.get_default_timezone()
    after = last + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
    )


@dataclass(frozen=True)
class Period:
    start: datetime.date  # first day of the first month
    end: datetime.date  # last day of the last month

    @classmethod
    def of(cls, start, end=None):
        return cls(first_of_month(start), last_of_month(end or start))

    @classmethod
    def month(cls, year, month, last_month=None):
        return cls.of(datetime.date(year, month, 1), datetime.date(year, last_month or month, 1))

    @property
    def single_month(self):
        return (self.start.year, self.start.month) == (self.end.year, self.end.month)

    @property
    def slug(self):
        """`2021-07` for one month, `2021-01-03` for January–March, `2021-12-2022-01` across
        years."""
        if self.single_month:
            return f"{self.start:%Y-%m}"
        if self.start.year == self.end.year:
            return f"{self.start:%Y-%m}-{self.end:%m}"
        return f"{self.start:%Y-%m}-{self.end:%Y-%m}"

    @property
    def label(self):
        """`2021年7月`, `2021年1-3月`, `2021年12月-2022年1月`."""
        if self.single_month:
            return cn_month(self.start.year, self.start.month)
        if self.start.year == self.end.year:
            return f"{self.start.year}年{self.start.month}-{self.end.month}月"
        return f"{self.start.year}年{self.start.month}月-{self.end.year}年{self.end.month}月"

    @property
    def spaced_label(self):
        """The title-block form of the paper report: `2021 年 1-3 月`."""
        if self.single_month:
            return f"{self.start.year} 年 {self.start.month} 月"
        if self.start.year == self.end.year:
            return f"{self.start.year} 年 {self.start.month}-{self.end.month} 月"
        return f"{self.start.year} 年 {self.start.month} 月-{self.end.year} 年 {self.end.month} 月"

    def overlaps(self, other):
        return self.start <= other.end and other.start <= self.end

    def next_month(self):
        return Period.of(add_months(self.end, 1))
