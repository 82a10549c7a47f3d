"""Demo content of the reports app: the report index under the moderation workflow, and the real
January–March 2021 report (seed 002) imported and published."""

from pathlib import Path

from wagtail.models import WorkflowPage

from reports.models import ReportIndexPage

ORDER = 90
SEED_REPORT = Path(__file__).with_name("report-2021-01-03.txt")


def ensure_report_index(home, workflow):
    from cms.demo_data import ensure_child

    index = ensure_child(
        home,
        ReportIndexPage,
        "reports",
        "进展情况月报",
        intro="<p>联合体秘书处每月编写的进展情况月报。</p>",
    )
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return index


def load(context, stdout):
    from reports.importer import import_report

    ensure_report_index(context["home"], context["workflow"])
    result = import_report(SEED_REPORT, publish=True)
    stdout.write(f"月报：{result.page.title}（{result.page.url}）")
