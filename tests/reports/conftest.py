"""Fixtures of the reports tests."""

import datetime

import pytest

from reports.models import PlanEntry, PressRelease, ProgressEntry
from tests.cms.factories import NewsPageFactory, news_body
from tests.reports.factories import MonthlyReportPageFactory
from tests.reports.helpers import by_name, png_image


@pytest.fixture
def report(report_index, news_index, workstreams):
    """A Jan–Mar 2021 report: progress entries out of workstream order (two sharing 战略咨询),
    Markdown with bold and a list, a smuggled script, two press releases (one with a real picture),
    and plans."""
    report = MonthlyReportPageFactory(
        parent=report_index,
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 3, 1),
    )
    progress = [
        ("人才培养", "举办智能制造工程师培训班。"),
        ("战略咨询", "完成**智能制造发展战略**研究报告初稿。"),
        ("战略咨询", "本月重点：\n\n- 召开专家研讨会\n- 形成咨询建议"),
        ("协同创新", "推进联合攻关。<script>alert('xss')</script>"),
    ]
    for order, (name, body) in enumerate(progress):
        ProgressEntry.objects.create(
            page=report, workstream=by_name(workstreams, name), body=body, sort_order=order
        )
    PlanEntry.objects.create(
        page=report,
        workstream=by_name(workstreams, "学术交流"),
        body="筹备世界智能制造大会分论坛。",
        sort_order=0,
    )
    picture = png_image()
    first = NewsPageFactory(
        parent=news_index,
        title="联合体召开2021年度工作会议",
        slug="annual-meeting",
        body=[
            {"type": "paragraph", "value": "<p>会议由秘书长主持。</p>"},
            {"type": "paragraph", "value": "<p>各成员学会代表参加会议。</p>"},
            {"type": "image", "value": {"image": picture.pk, "caption": "图1 会议现场"}},
        ],
    )
    second = NewsPageFactory(
        parent=news_index,
        title="中国智能制造科技进展申报启动",
        slug="call-opens",
        body=news_body(["申报通道将于4月中旬开通。"], captions=["图2 启动仪式"]),
    )
    for order, news in enumerate([first, second]):
        PressRelease.objects.create(page=report, news_page=news, sort_order=order)
    return report
