"""Notifications (`cms.notifications`): the inbox item a person reads, the outbox message that
carries it by e-mail, every attempt to send that message, and each person's choice per kind.

The kind of a row is the code of a registered `cms.notifications.kinds.Kind`: a plain string,
since the apps register their kinds and cms cannot list them as choices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.storage import private_storage


class Mode(models.TextChoices):
    """How a person receives a kind: each by e-mail, not by e-mail, or in one daily mail."""

    EMAIL = "email", _("邮件")
    OFF = "off", _("不发邮件")
    DIGEST = "digest", _("每日汇总")


class MessageState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DEFERRED = "deferred", _("待重试")
    BOUNCED = "bounced", _("被拒收")
    FAILED = "failed", _("已放弃")


class OutboxMessage(models.Model):
    """One e-mail to one person, written in the transaction of the change that caused it and
    sent after that transaction commits (`cms.notifications.delivery`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    address = models.CharField(_("邮箱"), max_length=254)
    kind = models.CharField(_("类型"), max_length=80, db_index=True)
    # The caller's idempotency key: one message per recipient, kind and key.
    key = models.CharField(_("幂等键"), max_length=200, blank=True)
    subject = models.CharField(_("主题"), max_length=200)
    text_body = models.TextField(_("正文（纯文本）"))
    html_body = models.TextField(_("正文（HTML）"), blank=True)
    unsubscribe_url = models.CharField(_("退订链接"), max_length=500, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), db_index=True)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发件箱邮件")
        verbose_name_plural = _("发件箱")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~Q(key=""),
                name="cms_outbox_unique_key",
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.address}"


class DeliveryAttempt(models.Model):
    """One try to hand a message to the mail server, and what the server answered."""

    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("邮件"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=MessageState.choices)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.message_id}: {self.get_outcome_display()}"


def attachment_upload_to(instance, filename):
    return f"outbox/{instance.message_id}/{filename}"


class OutboxAttachment(models.Model):
    """A file a mail carries (an applicant's 申报回执), made when the mail is written and kept
    privately beside it, so a retry days later sends the same file."""

    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("邮件"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=200)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=attachment_upload_to)

    class Meta:
        verbose_name = _("邮件附件")
        verbose_name_plural = _("邮件附件")

    def __str__(self):
        return self.filename


class Notification(models.Model):
    """An item of a person's inbox (通知)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=80)
    key = models.CharField(_("幂等键"), max_length=200, blank=True)
    subject = models.CharField(_("主题"), max_length=200)
    text = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=500, blank=True)
    mode = models.CharField(_("发送方式"), max_length=10, choices=Mode.choices)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # The mail that carried it: its own, or the daily digest that collected it.
    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("邮件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="cms_notif_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~Q(key=""),
                name="cms_notification_unique_key",
            )
        ]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """A person's choice for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("类型"), max_length=80)
    mode = models.CharField(_("发送方式"), max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="cms_notification_pref_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.mode}"
