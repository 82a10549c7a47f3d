"""A mail may carry files (an applicant's 申报回执): stored with the outbox message, sent with
it, and sent again unchanged when the first try failed."""

import datetime

import pytest
from django.utils import timezone

from cms.models import MessageState, Notification
from cms.notifications import notify
from cms.notifications.delivery import send_due, wait_after
from tests.cms.factories import UserFactory
from tests.cms.notification_helpers import NOTICE, rows_of

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_attachment_goes_with_the_mail_even_when_it_is_sent_later(
    smtp_server, notice_kind, on_commit
):
    applicant = UserFactory(email="firm@example.com")
    content = b"PK\x03\x04 a receipt"
    smtp_server.stop()
    with on_commit():
        notify(
            applicant,
            "tests.notice",
            NOTICE,
            "/accounts/nominations/",
            key="nomination:7:submitted",
            attachments=[("申报回执-2024-000007.docx", content, DOCX)],
        )
    (message,) = rows_of(applicant)
    assert message.state == MessageState.DEFERRED
    assert [a.filename for a in message.attachments.all()] == ["申报回执-2024-000007.docx"]

    smtp_server.start()
    send_due(timezone.now() + wait_after(1) + datetime.timedelta(seconds=1))
    (received,) = smtp_server.messages
    (attached,) = list(received.iter_attachments())
    assert attached.get_filename() == "申报回执-2024-000007.docx"
    assert attached.get_content_type() == DOCX
    assert attached.get_content() == content
    # The inbox item carries no file: the mail does.
    assert Notification.objects.get(recipient=applicant).message_id == message.pk
