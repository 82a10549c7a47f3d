from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class MilestoneKind(models.TextChoices):
    CALL_OPENS = "call_opens", _("征集开始")
    SUBMISSIONS_CLOSE = "submissions_close", _("申报截止")
    FORMAL_REVIEW = "formal_review", _("形式审查")
    FIRST_ROUND = "first_round", _("第一轮遴选（初评）")
    FINAL_ROUND = "final_round", _("第二轮遴选（终评）")
    PUBLIC_NOTICE = "public_notice", _("公示")
    RELEASE = "release", _("发布")
    OTHER = "other", _("其他")


class MilestoneQuerySet(models.QuerySet):
    def between(self, start, end):
        """Milestones that fall in [start, end]: those that start in it (a range that began earlier
        was reported in its own month)."""
        return self.filter(date__gte=start, date__lte=end)


class Milestone(models.Model):
    """A dated step of a campaign. A record of its own (not a page child) so that every save
    reaches the monthly reports at once, with a stable key."""

    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        verbose_name=_("征集活动"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    kind = models.CharField(
        _("类型"), max_length=30, choices=MilestoneKind.choices, default=MilestoneKind.OTHER
    )
    date = models.DateField(_("日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    workstream = models.ForeignKey(
        "cms.Workstream",
        verbose_name=_("工作板块"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空则使用征集活动的工作板块"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def clean(self):
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})

    def effective_workstream(self):
        return self.workstream or self.campaign.workstream
