import datetime

import factory
import wagtail_factories

from cms.periods import add_months
from reports.models import MonthlyReportPage, PlanEntry, ProgressEntry, ReportIndexPage
from tests.cms.bulk_pages import add_children


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
    """`count` manual entries spread over the workstreams, saved on the report in one query."""
    model = ProgressEntry if section == "progress" else PlanEntry
    model.objects.bulk_create(
        model(
            page=report,
            workstream=workstreams[i % len(workstreams)],
            body=f"第{i + 1}项工作：**推进**智能制造协同创新。",
            sort_order=i,
        )
        for i in range(count)
    )


def add_reports(index, count, first=datetime.date(2000, 1, 1)):
    """`count` live one-month reports under `index`, month after month from `first`, saved in
    bulk (see tests/cms/bulk_pages.py)."""
    reports = []
    for n in range(count):
        report = MonthlyReportPageFactory.build(period_start=add_months(first, n))
        report.derive_title_and_slug()  # what validation does on a normal save
        reports.append(report)
    return add_children(index, reports)
