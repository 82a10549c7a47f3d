"""What the notification tests share: a notice to send, and the 发件箱 rows of a person."""

from cms.models import OutboxMessage
from cms.notifications import notify

NOTICE = {
    "subject": "申报已获学会推荐",
    "message": "您的申报“数字孪生产线”已获中国机械工程学会推荐。",
}


def send_notice(recipients, key="", link="/campaigns/2024/"):
    return notify(recipients, "tests.notice", NOTICE, link, key=key)


def rows_of(user):
    return list(OutboxMessage.objects.filter(recipient=user).order_by("pk"))
