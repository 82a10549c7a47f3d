"""Demo content of the reports app: the report index under the moderation workflow, and the real
January–March 2021 report (seed 002) imported, synced with its sources and published."""

import datetime
from pathlib import Path

from django.db import transaction
from wagtail.models import WorkflowPage

from reports.models import ReportIndexPage

ORDER = 90
SEED_REPORT = Path(__file__).with_name("report-2021-01-03.txt")


def ensure_report_index(home, workflow):
    from cms.demo import ensure_child

    index = ensure_child(
        home,
        ReportIndexPage,
        "reports",
        "进展情况月报",
        intro="<p>联合体秘书处每月编写的进展情况月报。</p>",
    )
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return index


@transaction.atomic
def ensure_submitted_draft(index, workflow):
    """April 2021, written by the demo editor and waiting for the secretary-general, so both
    roles find something to do on their dashboards. Its text restates the 2021 call (seed 000).
    One transaction: the sync of the new report (its April milestones) runs once the editor's
    revision is saved and submitted, and builds on it."""
    from django.contrib.auth import get_user_model

    from cms.models import Workstream
    from reports.models import MonthlyReportPage, PlanEntry, ProgressEntry

    if MonthlyReportPage.objects.filter(slug="2021-04").exists():
        return None
    editor = get_user_model().objects.get(username="editor")
    strategy = Workstream.objects.get(name="战略咨询")
    industry = Workstream.objects.get(name="产学融合")
    report = MonthlyReportPage(
        period_start=datetime.date(2021, 4, 1), period_end=datetime.date(2021, 4, 1), live=False
    )
    report.progress_entries = [
        ProgressEntry(
            workstream=strategy,
            body=(
                "4 月 10 日发出“2021 中国智能制造科技进展”征集活动邀请函。征集工作于 "
                "2021 年 4 月 15 日开始，通过联合体 14 家成员学会、联合体专家委员会专家推荐，"
                "评选材料征集时间为 2021 年 4 月 15 日至 8 月 15 日。"
            ),
        ),
        ProgressEntry(workstream=industry, body="继续走访潍坊市企业，征集企业需求。"),
    ]
    report.plan_entries = [
        PlanEntry(workstream=strategy, body="持续受理“2021 中国智能制造科技进展”推荐材料。")
    ]
    index.add_child(instance=report)
    revision = report.save_revision(user=editor, log_action=True)
    workflow.start(report, editor)
    return revision


def ensure_seed_report():
    """The January–March 2021 report as the secretariat would have published it: imported as a
    draft, brought in step with its sources (the 2021 call's April milestones belong in its
    plans), then published. Publishing first would leave the live report behind its sources and
    greet the editor with a false 来源已变更. A second run keeps the report as it is."""
    from reports.importer import import_report
    from reports.models import MonthlyReportPage
    from reports.sync import sync_report

    existing = MonthlyReportPage.objects.filter(slug="2021-01-03").first()
    if existing is not None:
        return existing
    page = import_report(SEED_REPORT, publish=False).page
    sync_report(page)
    page = MonthlyReportPage.objects.get(pk=page.pk)
    page.get_latest_revision().publish()
    return MonthlyReportPage.objects.get(pk=page.pk)


def load(context, stdout):
    index = ensure_report_index(context["home"], context["workflow"])
    page = ensure_seed_report()
    stdout.write(f"月报：{page.title}（{page.url}）")
    if ensure_submitted_draft(index, context["workflow"]):
        stdout.write("月报：进展情况月报（2021年4月）已由 editor 提交秘书长审核")
