"""Feeds a member society registers, and every entry ever taken from them.

A `FeedEntry` outlives the draft it created: an entry a moderator rejected (or whose page was
deleted) is still remembered, so ingesting the feed again never brings it back."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedStatus(models.TextChoices):
    NEW = "new", _("尚未抓取")
    OK = "ok", _("正常")
    NOT_MODIFIED = "not_modified", _("正常（无更新）")
    # Fetched and read, but some entries could not be stored (they are tried again next time).
    PARTIAL = "partial", _("部分条目未能导入")
    ERROR = "error", _("出错，稍后重试")
    UNHEALTHY = "unhealthy", _("多次失败")
    GONE = "gone", _("已失效（410），已停止")


# After this many failures in a row a feed is shown as unhealthy (it is still retried, slowly).
UNHEALTHY_AFTER = 5


class FeedQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(active=True).filter(
            models.Q(next_fetch_at__isnull=True) | models.Q(next_fetch_at__lte=now)
        )


class Feed(models.Model):
    society = models.ForeignKey(
        "cms.MemberSociety",
        verbose_name=_("成员学会"),
        on_delete=models.CASCADE,
        related_name="feeds",
    )
    url = models.URLField(_("订阅地址"), max_length=1000)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    interval_minutes = models.PositiveIntegerField(
        _("抓取间隔（分钟）"), default=60, help_text=_("至少 5 分钟")
    )
    # Conditional GET.
    etag = models.CharField(_("实体标签"), max_length=500, blank=True, editable=False)
    last_modified = models.CharField(_("源站修改时间"), max_length=100, blank=True, editable=False)
    # Health.
    status = models.CharField(
        _("状态"), max_length=20, choices=FeedStatus.choices, default=FeedStatus.NEW, editable=False
    )
    last_fetched_at = models.DateTimeField(_("上次抓取"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("上次成功"), null=True, blank=True, editable=False)
    last_status_code = models.PositiveIntegerField(
        _("HTTP 状态码"), null=True, blank=True, editable=False
    )
    last_error = models.TextField(_("最近错误"), blank=True, editable=False)
    # What was odd about the last successful fetch (an encoding guessed, a repeated id, an entry
    # without date): worth a look, not a failure.
    last_warning = models.TextField(_("最近提示"), blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("连续失败次数"), default=0, editable=False)
    next_fetch_at = models.DateTimeField(_("下次抓取"), null=True, blank=True, editable=False)
    # A worker holds the feed until this time; another worker skips it meanwhile.
    lease_until = models.DateTimeField(_("抓取租约到期"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["society_id", "pk"]
        verbose_name = _("订阅源")
        verbose_name_plural = _("订阅源")
        constraints = [
            models.UniqueConstraint(fields=["society", "url"], name="feed_unique_url_per_society")
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def healthy(self):
        return self.status in (FeedStatus.NEW, FeedStatus.OK, FeedStatus.NOT_MODIFIED)

    @property
    def interval(self):
        return datetime.timedelta(minutes=max(self.interval_minutes, 5))


class FeedEntry(models.Model):
    """One entry of a feed, identified within the feed by `key`: its id (GUID), else its link,
    else a hash of its title and content — the unique constraint makes a second insert of the
    same entry (a repeat run, a second worker) fail instead of duplicating."""

    feed = models.ForeignKey(
        Feed, verbose_name=_("订阅源"), on_delete=models.CASCADE, related_name="entries"
    )
    key = models.CharField(max_length=64, editable=False)
    guid = models.CharField(_("条目 ID"), max_length=1000, blank=True)
    link = models.URLField(_("原文链接"), max_length=1000, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    published = models.DateField(_("发布日期"), null=True, blank=True)
    page = models.ForeignKey(
        "activities.ActivityPage",
        verbose_name=_("活动草稿"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feed_entries",
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("订阅条目")
        verbose_name_plural = _("订阅条目")
        constraints = [
            models.UniqueConstraint(fields=["feed", "key"], name="feed_entry_unique_key")
        ]
        indexes = [
            models.Index(fields=["feed", "link"], name="feed_entry_link"),
            models.Index(fields=["feed", "content_hash"], name="feed_entry_hash"),
        ]

    def __str__(self):
        return self.title or self.link or self.guid
