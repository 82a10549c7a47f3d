from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def cn_date(value):
    """`2021年7月9日`; datetimes are shown in the site's time zone (Asia/Shanghai)."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_numeral(value):
    """1 → 一, … for section numbers."""
    numerals = "零一二三四五六七八九十"
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if 0 <= number <= 10:
        return numerals[number]
    if number < 20:
        return "十" + numerals[number - 10]
    return str(number)
