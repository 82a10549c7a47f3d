from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cms.docx_cjk import FONT_SIZES

BODY_FONT_CHOICES = [
    ("仿宋", _("仿宋")),
    ("仿宋_GB2312", _("仿宋_GB2312")),
    ("宋体", _("宋体")),
    ("楷体", _("楷体")),
]


@register_setting(icon="site")
class FederationSettings(BaseSiteSetting):
    federation_name = models.CharField(
        _("联合体名称"), max_length=100, default="中国科协智能制造学会联合体"
    )
    federation_name_en = models.CharField(
        _("英文名称"),
        max_length=200,
        blank=True,
        default="Intelligent Manufacturing Alliance of CAST Member Societies",
    )
    abbreviation = models.CharField(_("英文简称"), max_length=20, blank=True, default="IMAC")
    report_header = models.CharField(_("月报标题"), max_length=50, default="进展情况月报")
    report_body_font = models.CharField(
        _("月报正文字体"), max_length=30, choices=BODY_FONT_CHOICES, default="仿宋"
    )
    report_body_size = models.CharField(
        _("月报正文字号"),
        max_length=10,
        choices=[(name, name) for name in FONT_SIZES],
        default="三号",
    )
    # The monthly rhythm (reports/rhythm.py): a month's report is due on this day of the next
    # month; editors are reminded before it, the secretary-general when approval waits.
    report_due_day = models.PositiveSmallIntegerField(
        _("月报截止日"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("每月的月报应在次月的这一天之前报送审批（1–28）。"),
    )
    report_reminder_days = models.PositiveSmallIntegerField(
        _("提前提醒天数"),
        default=3,
        validators=[MaxValueValidator(27)],
        help_text=_("截止日前这么多天起，提醒秘书处编辑尚未报送的月报。"),
    )
    approval_reminder_days = models.PositiveSmallIntegerField(
        _("审批等待提醒天数"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("月报等待审批超过这么多天，提醒秘书长。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=100, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("federation_name"),
                FieldPanel("federation_name_en"),
                FieldPanel("abbreviation"),
            ],
            heading=_("联合体"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("report_header"),
                FieldPanel("report_body_font"),
                FieldPanel("report_body_size"),
                FieldPanel("report_due_day"),
                FieldPanel("report_reminder_days"),
                FieldPanel("approval_reminder_days"),
            ],
            heading=_("月报"),
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("联系方式"),
        ),
    ]

    class Meta:
        verbose_name = _("联合体设置")
