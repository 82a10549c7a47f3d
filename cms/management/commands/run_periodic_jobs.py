from django.core.management.base import BaseCommand, CommandError

from cms.jobs import all_jobs


class Command(BaseCommand):
    help = "立即运行一次全部定时任务（嵌入式部署可用 cron 调用）。"

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", help="只运行指定名称的任务，可重复")

    def handle(self, *args, only=None, **options):
        jobs = all_jobs()
        unknown = set(only or []) - set(jobs)
        if unknown:
            raise CommandError(
                f"未知的定时任务：{'、'.join(sorted(unknown))}。可用：{'、'.join(jobs)}"
            )
        for name, job in jobs.items():
            if only and name not in only:
                continue
            job()
            self.stdout.write(f"已运行：{name}")
