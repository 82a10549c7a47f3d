"""Template filters over `cms.cn_dates` (and `cms.cn_numerals`): `{{ page.date|cn_date }}`."""

from django import template

from cms import cn_dates
from cms.cn_numerals import chinese_numeral

register = template.Library()


@register.filter
def cn_date(value):
    """`2021年7月9日`; datetimes are shown in the site's time zone (Asia/Shanghai)."""
    return cn_dates.cn_date(value)


@register.filter
def cn_numeral(value):
    """1 → 一, 12 → 十二, … for section numbers; anything but a whole number as it is."""
    try:
        return chinese_numeral(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def cn_datetime(value):
    """`2021年7月9日 19:58` in the site's time zone; "" for none."""
    return cn_dates.cn_datetime(value) if value else ""
