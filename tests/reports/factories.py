import datetime

import factory
import wagtail_factories

from reports.models import MonthlyReportPage, PlanEntry, ProgressEntry, ReportIndexPage


class ReportIndexPageFactory(wagtail_factories.PageFactory):
    title = "进展情况月报"

    class Meta:
        model = ReportIndexPage


class MonthlyReportPageFactory(wagtail_factories.PageFactory):
    period_start = datetime.date(2021, 7, 1)
    period_end = factory.LazyAttribute(lambda o: o.period_start)
    title = "derived"

    class Meta:
        model = MonthlyReportPage


def add_entries(report, workstreams, count, section="progress"):
    """`count` entries spread over the workstreams, saved on the report."""
    model = ProgressEntry if section == "progress" else PlanEntry
    for i in range(count):
        model.objects.create(
            page=report,
            workstream=workstreams[i % len(workstreams)],
            body=f"第{i + 1}项工作：**推进**智能制造协同创新。",
            sort_order=i,
        )
