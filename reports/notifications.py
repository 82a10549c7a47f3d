"""What the reports tell people (`cms.notifications`): the editors when the month's draft report
is created and before its due day, the secretary-general when a report has waited too long for
approval. Wagtail's own moderation mails (submitted, approved, rejected) stay as they are."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.cn_dates import cn_date
from cms.notifications import Kind, notify
from cms.roles import Role, users_with_role

REPORT_CREATED = "reports.report_created"
REPORT_DUE = "reports.report_due"
APPROVAL_WAITING = "reports.approval_waiting"


def _kind(code, label, audience, name, role):
    return Kind(
        code,
        label,
        audience=audience,
        roles=(role,),
        subject_template=f"reports/notifications/{name}_subject.txt",
        text_template=f"reports/notifications/{name}.txt",
    )


def report_kinds():
    return [
        _kind(
            REPORT_CREATED, _("本月月报草稿已建立"), _("秘书处编辑"), "report_created", Role.EDITOR
        ),
        _kind(REPORT_DUE, _("月报即将到期"), _("秘书处编辑"), "report_due", Role.EDITOR),
        _kind(
            APPROVAL_WAITING,
            _("月报等待审批"),
            _("秘书长"),
            "approval_waiting",
            Role.SECRETARY_GENERAL,
        ),
    ]


def _people(role):
    return users_with_role(role).filter(is_active=True)


def edit_link(report):
    return reverse("wagtailadmin_pages:edit", args=[report.pk])


def report_created(report, draft):
    """`draft`: the report as its latest revision holds it, the linked entries in."""
    notify(
        _people(Role.EDITOR),
        REPORT_CREATED,
        {
            "report": report,
            "progress_count": len(draft.progress_entries.all()),
            "plan_count": len(draft.plan_entries.all()),
        },
        edit_link(report),
        key=f"report:{report.pk}:created",
    )


def report_due(report, due):
    notify(
        _people(Role.EDITOR),
        REPORT_DUE,
        {"report": report, "due": cn_date(due)},
        edit_link(report),
        key=f"report:{report.pk}:due:{due.isoformat()}",
    )


def approval_waiting(report, workflow_state, days):
    notify(
        _people(Role.SECRETARY_GENERAL),
        APPROVAL_WAITING,
        {"report": report, "since": cn_date(workflow_state.created_at), "days": days},
        reverse("wagtailadmin_pages:edit", args=[report.pk]),
        key=f"report:{report.pk}:waiting:{workflow_state.pk}",
    )
