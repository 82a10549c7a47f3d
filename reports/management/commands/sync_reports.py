from django.core.management.base import BaseCommand

from reports.sync import sync_all_reports


class Command(BaseCommand):
    help = "按里程碑、申报统计等来源同步全部月报的关联条目（可重复运行，无变化时不写入）。"

    def handle(self, *args, **options):
        results = sync_all_reports()
        if not results:
            self.stdout.write("尚无月报。")
        for result in results:
            self.stdout.write(result.summary())
        changed = sum(1 for result in results if result.changed)
        self.stdout.write(self.style.SUCCESS(f"共 {len(results)} 份月报，{changed} 份有变化。"))
