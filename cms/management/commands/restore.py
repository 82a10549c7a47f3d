from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError
from cms.cn_dates import cn_datetime
from cms.restore import restore_backup


class Command(BaseCommand):
    help = (
        "在空的新安装上恢复 backup 制作的备份：先检查备份文件（格式版本、每个文件的 SHA-256）"
        "和目标（数据库与文件目录必须为空），再迁移数据库、载入数据并写回全部文件。"
        "任何一项检查不通过都不做任何修改。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup 制作的 .tar.gz 备份文件")
        parser.add_argument(
            "--force",
            action="store_true",
            help="目标不为空时也恢复：删除目标数据库中的现有全部数据，同名文件被覆盖",
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, archive, force=False, database="default", **options):
        try:
            manifest = restore_backup(
                archive, using=database, force=force, progress=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        versions = manifest.get("versions", {})
        self.stdout.write(
            f"恢复完成：备份创建于 {cn_datetime(manifest['created'])}"
            f"（程序版本 {versions.get('lianhe') or '未知'}），"
            f"载入数据 {manifest['loaded_objects']} 条，文件 {manifest['file_count']} 个。"
        )
