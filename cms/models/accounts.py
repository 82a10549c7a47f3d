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
    # Experts: where they work and which society they belong to decide their conflicts of
    # interest (an expert never scores a nomination of their organisation or society).
    organisation = models.CharField(_("工作单位"), max_length=200, blank=True)
    society = models.ForeignKey(
        "cms.MemberSociety",
        verbose_name=_("所属学会"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("账号资料")
        verbose_name_plural = _("账号资料")

    def __str__(self):
        return str(self.user)
