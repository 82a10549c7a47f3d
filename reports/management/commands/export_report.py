from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.docx_export import export_report
from reports.models import MonthlyReportPage


class Command(BaseCommand):
    help = "将月报导出为 Word（.docx）文件，例如：export_report 2021-01-03 -o 月报.docx"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="月报的地址名，例如 2021-07 或 2021-01-03")
        parser.add_argument("-o", "--output", required=True, help="输出文件路径")
        parser.add_argument("--draft", action="store_true", help="导出最新草稿，而不是已发布版本")

    def handle(self, *args, slug, output, draft=False, **options):
        page = MonthlyReportPage.objects.filter(slug=slug).first()
        if page is None:
            known = "、".join(
                MonthlyReportPage.objects.order_by("-period_start").values_list("slug", flat=True)[
                    :12
                ]
            )
            raise CommandError(f"没有地址名为 {slug} 的月报。已有：{known or '无'}")
        revision = None
        if draft:
            revision = page.latest_revision
            page = page.get_latest_revision_as_object()
        elif not page.live:
            raise CommandError(f"月报 {slug} 尚未发布；如需导出草稿请加 --draft。")
        target = Path(output)
        try:
            target.write_bytes(export_report(page, site=page.get_site(), revision=revision))
        except OSError as error:
            raise CommandError(f"无法写入 {target}：{error.strerror}") from error
        self.stdout.write(f"已导出 {page.title} → {target}")
