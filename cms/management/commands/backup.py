from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cms.backup import BackupError, create_backup
from cms.cn_dates import cn_datetime


def size_text(size):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


class Command(BaseCommand):
    help = (
        "把数据库和全部文件（公开文件与申报材料等私有文件）备份为一个 .tar.gz 文件，"
        "附带清单（格式版本、程序版本、创建时间、每个文件的 SHA-256）。用 restore 恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="备份文件路径（默认：当前目录下的 lianhe-backup-<日期时间>.tar.gz）",
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, archive=None, database="default", **options):
        if not archive:
            archive = f"lianhe-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        path = Path(archive)
        if path.exists():
            raise CommandError(f"文件已存在：{path}。请换一个文件名，已有的备份不会被覆盖。")
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent}")
        try:
            manifest = create_backup(path, using=database, progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        objects = sum(manifest["objects"].values())
        self.stdout.write(
            f"备份完成：{path}（{size_text(path.stat().st_size)}），"
            f"创建于 {cn_datetime(manifest['created'])}；"
            f"数据 {objects} 条，文件 {manifest['file_count']} 个。"
        )
