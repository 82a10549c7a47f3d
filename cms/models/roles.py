from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.roles import Role


class GroupRole(models.Model):
    """Which group plays which role (`cms.roles`): the code keys the group, so renaming the group
    in the admin changes nothing its people may do."""

    group = models.OneToOneField(
        Group, verbose_name=_("用户组"), on_delete=models.CASCADE, related_name="role"
    )
    code = models.CharField(_("角色"), max_length=30, unique=True, choices=Role.choices)

    class Meta:
        verbose_name = _("用户组角色")
        verbose_name_plural = _("用户组角色")
        # Set by code and migrations only: no permissions to hand out in the group editor.
        default_permissions = ()

    def __str__(self):
        return f"{self.get_code_display()}：{self.group}"
