import datetime

import pytest
from django.core.exceptions import ValidationError

from cms.periods import Period
from reports.models import MonthlyReportPage
from tests.reports.factories import MonthlyReportPageFactory

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "slug", "label", "spaced"),
    [
        (D(2021, 7, 9), D(2021, 7, 30), "2021-07", "2021年7月", "2021 年 7 月"),
        (D(2021, 1, 1), D(2021, 3, 31), "2021-01-03", "2021年1-3月", "2021 年 1-3 月"),
        (D(2021, 12, 1), D(2022, 1, 1), "2021-12-2022-01", "2021年12月-2022年1月",
         "2021 年 12 月-2022 年 1 月"),
    ],
)  # fmt: skip
def test_period_names(start, end, slug, label, spaced):
    period = Period.of(start, end)
    assert (period.slug, period.label, period.spaced_label) == (slug, label, spaced)
    assert period.start.day == 1
    assert period.end.month == end.month and (period.end + datetime.timedelta(days=1)).day == 1


def test_title_and_slug_are_derived_from_the_period(report_index):
    report = MonthlyReportPageFactory(
        parent=report_index, period_start=D(2021, 1, 15), period_end=D(2021, 3, 2), title="x"
    )
    report.refresh_from_db()
    assert report.title == "进展情况月报（2021年1-3月）"
    assert report.slug == "2021-01-03"
    assert (report.period_start, report.period_end) == (D(2021, 1, 1), D(2021, 3, 31))
    assert report.url == "/reports/2021-01-03/"


def test_single_month_report(report_index):
    report = MonthlyReportPageFactory(parent=report_index, period_start=D(2021, 7, 1))
    assert report.title == "进展情况月报（2021年7月）"
    assert report.url == "/reports/2021-07/"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2021, 2, 1), D(2021, 2, 1)),  # inside
        (D(2020, 12, 1), D(2021, 1, 1)),  # touches the first month
        (D(2021, 3, 1), D(2021, 5, 1)),  # touches the last month
        (D(2020, 11, 1), D(2021, 6, 1)),  # covers it
    ],
)
def test_overlapping_period_is_refused_and_nothing_is_created(report_index, start, end):
    existing = MonthlyReportPageFactory(
        parent=report_index, period_start=D(2021, 1, 1), period_end=D(2021, 3, 1)
    )
    before = MonthlyReportPage.objects.count()
    clash = MonthlyReportPage(period_start=start, period_end=end)
    with pytest.raises(ValidationError) as raised:
        report_index.add_child(instance=clash)
    message = raised.value.message_dict["period_start"][0]
    assert "重叠" in message and existing.title in message
    assert MonthlyReportPage.objects.count() == before


def test_adjacent_months_do_not_overlap(report_index):
    MonthlyReportPageFactory(
        parent=report_index, period_start=D(2021, 1, 1), period_end=D(2021, 3, 1)
    )
    april = MonthlyReportPageFactory(parent=report_index, period_start=D(2021, 4, 1))
    assert april.slug == "2021-04"


def test_end_before_start_is_refused(report_index):
    report = MonthlyReportPage(period_start=D(2021, 5, 1), period_end=D(2021, 3, 1))
    with pytest.raises(ValidationError) as raised:
        report_index.add_child(instance=report)
    assert "截止月份不能早于起始月份" in raised.value.message_dict["period_end"][0]
    assert not MonthlyReportPage.objects.exists()


def test_editing_a_report_keeps_its_own_period(report_index):
    report = MonthlyReportPageFactory(parent=report_index, period_start=D(2021, 7, 1))
    report.full_clean()  # its own period is not an overlap
    report.period_end = D(2021, 8, 1)
    report.save()
    assert report.slug == "2021-07-08"
