"""Run a campaign slot's file checks on files received by other routes (email, disk)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.file_checks import check_file
from campaigns.models import CampaignPage


class Command(BaseCommand):
    help = (
        "用征集活动某个申报文件（如“文件1”）的规则检查文件：每个文件一行，“OK”或未通过的原因；"
        "有文件未通过时退出状态为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="征集活动的 slug，例如 2024-china-progress")
        parser.add_argument("slot", help="申报文件编号，例如 文件1")
        parser.add_argument("files", nargs="+", help="要检查的文件")
        parser.add_argument(
            "--category", help="按类别区分规则时（如试点示范的“文件1”）指定类别", default=""
        )

    def handle(self, *args, campaign, slot, files, category, **options):
        page = CampaignPage.objects.filter(slug=campaign).first()
        if page is None:
            raise CommandError(f"没有 slug 为“{campaign}”的征集活动。")
        rules = self.slot_rules(page, slot, category)
        failed = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                failures = [f"{slot} 文件不存在或不是普通文件"]
            else:
                with path.open("rb") as file:  # read as the checks need it, never whole
                    failures = check_file(rules, path.name, file).failures
            if failures:
                failed += 1
                self.stdout.write(f"{name}: " + "；".join(failures))
            else:
                self.stdout.write(f"{name}: OK")
        if failed:
            raise CommandError(f"{failed} 个文件未通过检查（共 {len(files)} 个）。", returncode=1)

    def slot_rules(self, page, code, category):
        slots = [s for s in page.document_slots.all() if s.code == code]
        if not slots:
            codes = "、".join(dict.fromkeys(s.code for s in page.document_slots.all()))
            raise CommandError(f"“{page.title}”没有申报文件“{code}”（有：{codes}）。")
        if category:
            slots = [s for s in slots if not s.category_name or s.category_name == category]
            if not slots:
                raise CommandError(f"“{code}”不适用于类别“{category}”。")
        if len(slots) > 1:
            choices = "、".join(s.category_name for s in slots if s.category_name)
            raise CommandError(f"“{code}”按类别有不同规则，请用 --category 指定：{choices}。")
        return slots[0].rules()
