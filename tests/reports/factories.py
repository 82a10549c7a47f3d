import datetime

import factory
import wagtail_factories

from cms.linked_entries import Origin
from cms.periods import add_months
from reports.models import (
    MonthlyReportPage,
    PlanEntry,
    PressRelease,
    ProgressEntry,
    ReportIndexPage,
)
from tests.cms.bulk_pages import add_children
from tests.cms.factories import NewsPageFactory, WorkstreamFactory


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


def _report_of_its_own():
    """A report of a month no other factory-made entry's report has (one report a month)."""
    return factory.SubFactory(
        MonthlyReportPageFactory,
        period_start=factory.Sequence(lambda n: add_months(datetime.date(2001, 1, 1), n)),
    )


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    """A manual entry of a report's progress section; `linked=True` for one the sync wrote from
    a milestone, `rewritten=True` for such an entry an editor rewrote; `hidden=True` (the
    field) for a hidden one."""

    page = _report_of_its_own()
    workstream = factory.SubFactory(WorkstreamFactory)
    body = factory.Sequence(lambda n: f"第{n + 1}项工作：**推进**智能制造协同创新。")
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = ProgressEntry

    class Params:
        linked = factory.Trait(
            origin=Origin.MILESTONE,
            origin_key=factory.Sequence(lambda n: f"milestone:{n + 1}"),
            link_url="/campaigns/2021-china-progress/",
            synced_body=factory.SelfAttribute("body"),
        )
        rewritten = factory.Trait(
            linked=True,
            synced_body="2021年7月20日，召开初评会议。",
            body="2021年7月20日，在北京召开初评会议。",
        )


class PlanEntryFactory(ProgressEntryFactory):
    """An entry of a report's plan section (the same traits)."""

    class Meta:
        model = PlanEntry


class PressReleaseFactory(factory.django.DjangoModelFactory):
    page = _report_of_its_own()
    news_page = factory.SubFactory(NewsPageFactory)
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = PressRelease


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
