from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.storage import private_storage


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待学会推荐")
    ENDORSED = "endorsed", _("学会已推荐，待形式审查")
    RETURNED = "returned", _("学会退回")
    PASSED = "passed", _("通过形式审查")
    CORRECTION = "correction", _("退回修改")
    REJECTED = "rejected", _("未通过形式审查")
    WITHDRAWN = "withdrawn", _("已撤回")


# States that hold a place in the recommender's quota.
QUOTA_STATES = (
    NominationStatus.SUBMITTED,
    NominationStatus.ENDORSED,
    NominationStatus.RETURNED,
    NominationStatus.PASSED,
    NominationStatus.CORRECTION,
)


class Nomination(models.Model):
    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        verbose_name=_("征集活动"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    project_name = models.CharField(_("项目名称"), max_length=200)
    # Names, not keys: categories and recommender types are page children that editors may
    # rearrange; a nomination keeps what was chosen.
    category = models.CharField(_("类别"), max_length=100)
    recommender_type = models.CharField(_("推荐单位类型"), max_length=60, blank=True)
    recommender_society = models.ForeignKey(
        "cms.MemberSociety",
        verbose_name=_("推荐学会"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    recommender_name = models.CharField(_("推荐专家或推荐单位"), max_length=100, blank=True)
    applicant_organisation = models.CharField(_("申报单位"), max_length=200)
    contact_person = models.CharField(_("联系人"), max_length=50)
    phone = models.CharField(_("电话"), max_length=50)
    email = models.EmailField(_("邮箱"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报账号"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=NominationStatus.choices, default=NominationStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        constraints = [
            # A draft may be saved before its project has a name (a file uploaded first).
            models.UniqueConstraint(
                fields=["campaign", "project_name"],
                condition=~models.Q(project_name=""),
                name="unique_project_per_campaign",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.project_name or str(_("（未填写项目名称的草稿）"))

    @property
    def recommender_label(self):
        return str(self.recommender_society) if self.recommender_society else self.recommender_name


def nomination_upload_to(instance, filename):
    return f"nominations/{instance.nomination.campaign_id}/{instance.nomination_id}/{filename}"


class NominationFile(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files")
    slot_code = models.CharField(_("文件编号"), max_length=20)
    file = models.FileField(_("文件"), upload_to=nomination_upload_to, storage=private_storage)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    check_ok = models.BooleanField(_("检查通过"), default=False)
    check_failures = models.JSONField(_("检查问题"), default=list, blank=True)
    facts = models.JSONField(_("检查结果"), default=dict, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now=True)

    class Meta:
        ordering = ["slot_code"]
        verbose_name = _("申报文件")
        verbose_name_plural = _("申报文件")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "slot_code"], name="one_file_per_slot")
        ]

    def __str__(self):
        return f"{self.slot_code} {self.original_name}"


class NominationEvent(models.Model):
    """The audit log: every change of a nomination's state, with who, when, from, to and why."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(
        _("原状态"), max_length=20, choices=NominationStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=20, choices=NominationStatus.choices)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("申报记录")
        verbose_name_plural = _("申报记录")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_status} → {self.to_status}"
