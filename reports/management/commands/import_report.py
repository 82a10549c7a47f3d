from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.importer import ReportImportError, import_report


class Command(BaseCommand):
    help = _(
        "导入旧版月报（从 PDF 提取的文本、Markdown 或 Word .docx），新建或更新对应报告期的月报；"
        "例如：import_report 月报.txt --publish"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("月报文件（.txt、.md 或 .docx）"))
        parser.add_argument(
            "--publish", action="store_true", help=_("导入后立即发布月报及其新闻稿")
        )

    def handle(self, *args, file, publish=False, **options):
        try:
            result = import_report(file, publish=publish)
        except ReportImportError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:  # DocumentRejected and the model's own checks
            raise CommandError("；".join(error.messages)) from error
        for warning in result.warnings:
            self.stderr.write(_("警告：%(warning)s") % {"warning": warning})
        page = result.page
        action = _("已新建") if result.created else _("已更新")
        state = _("已发布") if result.published else _("草稿，待发布")
        self.stdout.write(
            _("%(action)s《%(title)s》（%(state)s）")
            % {"action": action, "title": page.title, "state": state}
        )
        self.stdout.write(_("页面 ID：%(id)s") % {"id": page.pk})
        self.stdout.write(_("网址：%(url)s") % {"url": page.full_url or page.url or ""})
        if result.news_pages:
            self.stdout.write(_("新闻稿：%(count)d 篇") % {"count": len(result.news_pages)})
