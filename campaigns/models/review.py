"""Expert review: rounds, panels, assignments, score sheets with versioned scores, and the
public notice with its objections. Pretalx-like: a round's criteria are frozen when it opens,
its result is prepared, then confirmed by the chair and stored unchangeable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.storage import private_storage


class RoundKind(models.TextChoices):
    FIRST = "first", _("第一轮遴选（初评）")
    FINAL = "final", _("第二轮遴选（终评）")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("平均分")
    TRIMMED_MEAN = "trimmed_mean", _("去掉一个最高分和一个最低分后的平均分")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("评分中")
    CLOSED = "closed", _("已结束，待组长确认")
    CONFIRMED = "confirmed", _("结果已确认")


class ReviewRound(models.Model):
    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        verbose_name=_("征集活动"),
        on_delete=models.PROTECT,
        related_name="review_rounds",
    )
    kind = models.CharField(_("轮次"), max_length=10, choices=RoundKind.choices)
    opens_on = models.DateField(_("评分开始日期"))
    closes_on = models.DateField(_("评分截止日期"))
    aggregation = models.CharField(
        _("汇总方式"), max_length=20, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    advance_count = models.PositiveIntegerField(
        _("晋级/入选数"), help_text=_("初评：进入终评的项数（15）；终评：入选项数（10）")
    )
    forward_count = models.PositiveIntegerField(
        _("推荐参加世界十大评选数"), default=0, help_text=_("初评前若干名（5）")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    # Frozen when the round opens: [{"name", "explanation", "weight", "max_score"}, …].
    criteria = models.JSONField(_("评选标准（开启时冻结）"), default=list, blank=True)
    opened_at = models.DateTimeField(_("开启时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("组长确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The confirmed result sheet: its rows and a SHA-256 over them; never changed afterwards.
    result_rows = models.JSONField(_("结果表"), default=list, blank=True)
    result_hash = models.CharField(_("结果哈希"), max_length=64, blank=True)

    class Meta:
        ordering = ["campaign", "opens_on"]
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="one_round_per_kind")
        ]

    def __str__(self):
        return f"{self.campaign.title} · {self.get_kind_display()}"


class RuleScope(models.TextChoices):
    CRITERION = "criterion", _("每项指标")
    TOTAL = "total", _("总分")


class JustificationRule(models.Model):
    """A score above `above` or below `below` (on each criterion, or on the weighted total) needs
    a written reason, stored with the score."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("评审轮次"), on_delete=models.CASCADE, related_name="rules"
    )
    scope = models.CharField(_("适用于"), max_length=20, choices=RuleScope.choices)
    criterion_name = models.CharField(
        _("指标"), max_length=100, blank=True, help_text=_("留空则适用于所有指标")
    )
    above = models.DecimalField(_("高于"), max_digits=7, decimal_places=2, null=True, blank=True)
    below = models.DecimalField(_("低于"), max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("理由规则")
        verbose_name_plural = _("理由规则")

    def __str__(self):
        return f"{self.get_scope_display()} > {self.above} / < {self.below}"


class PanelMember(models.Model):
    round = models.ForeignKey(
        ReviewRound, verbose_name=_("评审轮次"), on_delete=models.CASCADE, related_name="panel"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家"),
        on_delete=models.PROTECT,
        related_name="panel_memberships",
    )
    is_chair = models.BooleanField(_("评审组长"), default=False)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        constraints = [
            models.UniqueConstraint(fields=["round", "expert"], name="one_membership_per_round")
        ]

    def __str__(self):
        return str(self.expert)


class RoundEntry(models.Model):
    """A nomination eligible in a round, with its result once the round is tallied."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("评审轮次"), on_delete=models.CASCADE, related_name="entries"
    )
    nomination = models.ForeignKey(
        "campaigns.Nomination", on_delete=models.PROTECT, related_name="round_entries"
    )
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=9, decimal_places=4, null=True, blank=True)
    advanced = models.BooleanField(_("晋级/入选"), default=False)
    forwarded = models.BooleanField(_("推荐参加世界十大评选"), default=False)
    disqualified = models.BooleanField(_("取消资格"), default=False)
    disqualified_reason = models.TextField(_("取消理由"), blank=True)

    class Meta:
        ordering = ["round", "rank", "pk"]
        verbose_name = _("参评项目")
        verbose_name_plural = _("参评项目")
        constraints = [
            models.UniqueConstraint(fields=["round", "nomination"], name="one_entry_per_round")
        ]

    def __str__(self):
        return f"{self.round} · {self.nomination}"


class AssignmentSource(models.TextChoices):
    AUTO = "auto", _("自动")
    MANUAL = "manual", _("手动")


class Assignment(models.Model):
    """Who scores what. Every panel member scores every eligible nomination unless the office
    assigns by hand; a conflict of interest (automatic or declared) excludes the expert: they
    neither see the nomination nor count in its result."""

    round = models.ForeignKey(
        ReviewRound,
        verbose_name=_("评审轮次"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    nomination = models.ForeignKey(
        "campaigns.Nomination", on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=AssignmentSource.choices, default=AssignmentSource.AUTO
    )
    excluded = models.BooleanField(_("回避"), default=False)
    exclusion_reason = models.CharField(_("回避原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        constraints = [
            models.UniqueConstraint(fields=["round", "nomination", "expert"], name="one_assignment")
        ]

    def __str__(self):
        return f"{self.expert} → {self.nomination}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class ScoreSheet(models.Model):
    round = models.ForeignKey(
        ReviewRound, verbose_name=_("评审轮次"), on_delete=models.CASCADE, related_name="sheets"
    )
    nomination = models.ForeignKey(
        "campaigns.Nomination", on_delete=models.PROTECT, related_name="score_sheets"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="score_sheets"
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=SheetStatus.choices,
        default=SheetStatus.DRAFT,
    )
    total_reason = models.TextField(_("总分理由"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        constraints = [
            models.UniqueConstraint(fields=["round", "nomination", "expert"], name="one_sheet")
        ]

    def __str__(self):
        return f"{self.expert} · {self.nomination}"


class Score(models.Model):
    """One version of one criterion's score. Amending records a new version with its reason;
    every version stays. The current score is the highest version."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("指标"), max_length=100)
    value = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("理由"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    amendment_reason = models.TextField(_("修改理由"), blank=True)

    class Meta:
        ordering = ["sheet", "criterion", "version"]
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion", "version"], name="one_score_version"
            )
        ]

    def __str__(self):
        return f"{self.criterion} = {self.value} (v{self.version})"


class NoticeStatus(models.TextChoices):
    PUBLISHED = "published", _("公示中")
    CLOSED = "closed", _("公示已结束")


class PublicNotice(models.Model):
    """The public notice of a campaign's selected items (7 days, Asia/Shanghai dates)."""

    campaign = models.OneToOneField(
        "campaigns.CampaignPage", on_delete=models.PROTECT, related_name="notice"
    )
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    closed_at = models.DateTimeField(_("公示结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self):
        return f"{self.campaign.title} · {self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}"

    @property
    def status(self):
        """Published until the periodic job closes it (the day after its last day)."""
        return NoticeStatus.CLOSED if self.closed_at else NoticeStatus.PUBLISHED

    def get_status_display(self):
        return dict(NoticeStatus.choices)[self.status]


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


def objection_upload_to(instance, filename):
    return f"objections/{instance.notice_id}/{filename}"


class Objection(models.Model):
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(
        "campaigns.Nomination", on_delete=models.PROTECT, related_name="objections"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections"
    )
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    reason = models.TextField(_("异议理由"))
    attachment = models.FileField(
        _("附件"), upload_to=objection_upload_to, storage=private_storage, blank=True
    )
    status = models.CharField(
        _("处理结果"),
        max_length=20,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)
    promoted_next = models.BooleanField(_("递补下一名"), default=False)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self):
        return f"{self.nomination} · {self.get_status_display()}"


class EventSubject(models.TextChoices):
    ROUND = "round", _("评审轮次")
    SHEET = "sheet", _("评分表")
    NOTICE = "notice", _("公示")
    OBJECTION = "objection", _("异议")


class ReviewEvent(models.Model):
    """The audit log of the review, as `NominationEvent` is the nominations': every action on a
    round, a score sheet, a public notice or an objection, with who, when, from, to and why,
    written in the same transaction as the change (`campaigns.lifecycle`). One table for the four
    kinds of rows: `subject` says which, `subject_id` is the row's key; `nomination` is set when
    the action concerns one nomination. The events go with their campaign."""

    subject = models.CharField(_("对象"), max_length=20, choices=EventSubject.choices)
    subject_id = models.PositiveBigIntegerField(_("对象编号"))
    campaign = models.ForeignKey(
        "campaigns.CampaignPage", on_delete=models.CASCADE, related_name="review_events"
    )
    nomination = models.ForeignKey(
        "campaigns.Nomination",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("评审记录")
        verbose_name_plural = _("评审记录")
        indexes = [models.Index(fields=["subject", "subject_id"], name="review_event_subject")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.subject} {self.from_status} → {self.to_status}"
