from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountProfile(models.Model):
    """What the site knows about an account beyond Django's user: whether its email address has
    been verified (applicants cannot submit until it has)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="account_profile",
    )
    email_verified_at = models.DateTimeField(_("邮箱验证时间"), null=True, blank=True)
    verified_email = models.EmailField(_("已验证邮箱"), blank=True)

    class Meta:
        verbose_name = _("账号资料")
        verbose_name_plural = _("账号资料")

    def __str__(self):
        return str(self.user)
