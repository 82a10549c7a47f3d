"""The kinds cms sends itself: the sign-up verification mail and the daily digest."""

from django.utils.translation import gettext_lazy as _

from cms.notifications.kinds import Kind

VERIFY_EMAIL_KIND = "cms.verify_email"


def cms_kinds():
    return [
        Kind(
            VERIFY_EMAIL_KIND,
            _("邮箱验证"),
            audience=_("注册账号的人"),
            subject_template="registration/verification_email_subject.txt",
            text_template="registration/verification_email.txt",
            required=True,
            inbox=False,
        ),
        Kind(
            "cms.digest",
            _("每日通知汇总"),
            audience=_("选择“每日汇总”的人"),
            subject_template="cms/notifications/digest_subject.txt",
            text_template="cms/notifications/digest_body.txt",
            required=True,
            inbox=False,
        ),
    ]
