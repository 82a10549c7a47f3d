"""What one feed entry becomes: the draft activity (its title, slug, date, summary and body) and,
when it cannot be stored, the reason in Chinese. Used by `activities.ingest`."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DatabaseError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from activities.entries import guess_kind, http_url, plain_text, sanitise_body, truncate
from activities.models import ActivityPage, ActivitySource

SUMMARY_LENGTH = 300
TITLE_FROM_TEXT_LENGTH = 40
NO_TITLE = "（无标题）"
# Room for Wagtail's "-2", "-3"… within the slug's 255 characters.
SLUG_LENGTH = 240


def describe_error(error):
    """Why an entry was not stored, in Chinese: the messages of a validation error (with the
    field's name), else the kind of error; never a dict or a repr."""
    if isinstance(error, ValidationError):
        parts = []
        for name, messages in getattr(error, "message_dict", {"": error.messages}).items():
            text = "，".join(str(message).rstrip("。. ") for message in messages)
            try:
                label = ActivityPage._meta.get_field(name).verbose_name if name else ""
            except FieldDoesNotExist:
                label = ""
            parts.append(f"{label}：{text}" if label else text)
        return "；".join(parts) or _("内容不符合要求")
    if isinstance(error, DatabaseError):
        return _("数据库拒绝保存（%(error)s）") % {"error": type(error).__name__}
    return _("程序内部错误（%(error)s）") % {"error": type(error).__name__}


def entry_title(item):
    """The entry's title; without one, the start of its text; without text, 无标题."""
    title = item.title
    if not title:
        text = plain_text(item.html) or item.summary
        title = truncate(text, TITLE_FROM_TEXT_LENGTH) if text else NO_TITLE
    return truncate(title, 255)


def slug_for(parent, item, day, title):
    """The title's slug, or (a title with no letter or digit: `&`, `……`) the entry's date and a
    short hash of its key; "-2", "-3"… when a sibling has it already."""
    base = slugify(title, allow_unicode=True)[:SLUG_LENGTH].strip("-_")
    if not base:
        base = f"{day:%Y%m%d}-{item.key[:8]}"
    siblings = set(
        parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, suffix = base, 1
    while slug in siblings:
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def _source_url(item, title, warnings):
    """The entry's link if the page's field takes it (http(s) and a valid address), else ""
    with a warning: a bad link is no reason to lose the activity."""
    link = http_url(item.link)
    if not link:
        return ""
    try:
        ActivityPage._meta.get_field("source_url").clean(link, None)
    except ValidationError:
        warnings.append(
            _("条目《%(title)s》的原文链接无效，未保存：%(link)s")
            % {"title": title, "link": truncate(link, 80)}
        )
        return ""
    return link


def draft(item, today, warnings):
    title = entry_title(item)
    start_date = item.published
    if start_date is None:
        # The entry is still news: imported with the day it was fetched, and the moderator,
        # who sees every draft before it is published, is told to check the date.
        start_date = today
        if item.date_problem:
            warnings.append(
                _("条目《%(title)s》的日期%(problem)s，已按抓取当天（%(day)s）登记，请审核时核对")
                % {"title": title, "problem": item.date_problem, "day": today.isoformat()}
            )
        else:
            warnings.append(
                _("条目《%(title)s》没有日期，已按抓取当天（%(day)s）登记")
                % {"title": title, "day": today.isoformat()}
            )
    summary = truncate(item.summary, SUMMARY_LENGTH) or title
    body_html = sanitise_body(item.html)
    return ActivityPage(
        title=title,
        start_date=start_date,
        summary=summary,
        body=[("paragraph", RichText(body_html))] if body_html else [],
        kind=guess_kind(title),
        source=ActivitySource.FEED,
        source_url=_source_url(item, title, warnings),
        live=False,
    )
