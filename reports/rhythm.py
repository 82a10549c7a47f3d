"""The monthly rhythm of the reports: on the 1st of each month (Asia/Shanghai) the month's report
is created as a draft that already holds its linked entries; editors are reminded before the
report's due day; the secretary-general is told when a report has waited too long for approval.

The due day is the `report_due_day`-th of the month after the report's last month (a site
setting, `cms.models.FederationSettings`). Every function here is idempotent: the periodic job
runs every hour, and a notification carries a key that makes a second run send nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from cms.locks import locked
from cms.models import FederationSettings
from cms.models.pages import today_in_shanghai
from cms.periods import Period, add_months
from reports import notifications
from reports.models import MonthlyReportPage, ReportIndexPage
from reports.sync import sync_report

CREATE_LOG_ACTION = "wagtail.create"


def federation_settings():
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return FederationSettings()
    return FederationSettings.for_site(site)


def due_date(period, settings=None):
    """The day the report of `period` is due: the setting's day of the month after its end."""
    settings = settings or federation_settings()
    following = add_months(period.end, 1)
    return following.replace(day=min(settings.report_due_day, 28))


def reports_covering(period):
    return MonthlyReportPage.objects.filter(
        period_start__lte=period.end, period_end__gte=period.start
    )


def ensure_month_report(today=None):
    """The draft report of `today`'s month, created with its linked entries when no report covers
    that month yet (a quarterly report that does is left alone). Returns the created page, or
    None when there was nothing to do (a report exists, or the site has no report index)."""
    today = today or today_in_shanghai()
    period = Period.of(today)
    # One transaction: the editors are told exactly when the draft exists, entries and all.
    with transaction.atomic():
        index = locked(ReportIndexPage.objects.order_by("path")).first()
        if index is None or reports_covering(period).exists():
            return None
        page = MonthlyReportPage(period_start=period.start, period_end=period.end, live=False)
        page.derive_title_and_slug()
        index.add_child(instance=page)
        log(instance=page, action=CREATE_LOG_ACTION, user=None)
        page.save_revision(user=None, log_action=False, clean=False)
        result = sync_report(page)
        notifications.report_created(page, result.revision.as_object() if result.revision else page)
    return page


def remind(today=None, now=None):
    """Tell the editors of the reports whose due day comes, and the secretary-general of those
    that wait for approval; each once (the notifications' keys). Returns how many reports."""
    settings = federation_settings()
    due = reports_to_remind(today, settings)
    with transaction.atomic():
        for report, day in due:
            notifications.report_due(report, day)
        waiting = reports_waiting_approval(now or timezone.now(), settings)
        for report, state in waiting:
            notifications.approval_waiting(report, state, settings.approval_reminder_days)
    return len(due) + len(waiting)


def awaiting_report(report):
    """Whether `report` still waits for its editors: never published and not in moderation."""
    if report.live or report.first_published_at:
        return False
    state = report.current_workflow_state
    return state is None or state.status != state.STATUS_IN_PROGRESS


def reports_to_remind(today=None, settings=None):
    """(report, due date) of the reports whose due day is at most `report_reminder_days` away
    and that no editor has sent for approval yet."""
    today = today or today_in_shanghai()
    settings = settings or federation_settings()
    found = []
    # A due day is at most two months after a report's start: look no further back.
    start = add_months(today, -3)
    for report in MonthlyReportPage.objects.filter(period_end__gte=start).order_by("period_start"):
        due = due_date(report.period, settings)
        soon = today <= due <= today + datetime.timedelta(days=settings.report_reminder_days)
        if soon and awaiting_report(report):
            found.append((report, due))
    return found


def reports_waiting_approval(now, settings=None):
    """(report, workflow state) of the reports in moderation for more than
    `approval_reminder_days` days."""
    from wagtail.models import WorkflowState

    settings = settings or federation_settings()
    before = now - datetime.timedelta(days=settings.approval_reminder_days)
    states = WorkflowState.objects.active().filter(
        base_content_type__model="page", created_at__lte=before
    )
    ids = {int(state.object_id): state for state in states}
    reports = MonthlyReportPage.objects.filter(pk__in=ids).order_by("period_start")
    return [(report, ids[report.pk]) for report in reports]
