"""Dates as the site writes them, in one spelling for every app: `2021年7月9日`, ranges
`2021年7月9日至10日`, months `2021年7月`, moments `2021年7月9日 19:58`.

A datetime is shown on its day in the site's time zone (Asia/Shanghai): 16:30 UTC on 9 July is
already 10 July there. The template filters of `cms/templatetags/cn_dates.py` wrap these."""

import datetime

from django.utils import timezone


def _local(value):
    """`value`'s date (or a naive datetime as it is), an aware datetime in the site's zone."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def cn_date(value):
    """`2021年7月9日` for a date or a datetime; "" for none."""
    if not value:
        return ""
    value = _local(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_date_range(start, end):
    """`2021年12月7日至10日`, `2021年11月28日至12月3日`, `2021年12月30日至2022年1月2日`; one day
    when `end` is none or `start`."""
    start, end = _local(start), _local(end)
    if not end or end == start:
        return cn_date(start)
    if end.year != start.year:
        return f"{cn_date(start)}至{cn_date(end)}"
    if end.month != start.month:
        return f"{cn_date(start)}至{end.month}月{end.day}日"
    return f"{cn_date(start)}至{end.day}日"


def cn_month(year, month):
    """`2021年7月`."""
    return f"{year}年{month}月"


def cn_datetime(value):
    """`2021年7月9日 19:58` in the site's time zone; `value` may be an ISO 8601 string (as a
    backup's manifest holds it)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    value = timezone.localtime(value)
    return f"{cn_date(value)} {value:%H:%M}"
