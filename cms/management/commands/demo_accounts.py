import os

from django.core.management.base import BaseCommand

from cms.cjk_text import display_width
from cms.demo import DEMO_ACCOUNTS


def pad(text, width):
    """Pad to a display width: a Chinese character takes two columns in a terminal."""
    return text + " " * max(0, int(width - display_width(text) * 2))


def account_lines():
    """The demo accounts as a table, a line each (also printed by `runserver` on start)."""
    lines = ["演示账号："]
    for account in DEMO_ACCOUNTS:
        lines.append(
            f"  {pad(account.role, 16)}用户名 {account.username:<10} 密码 {account.password}"
        )
    return lines


class Command(BaseCommand):
    help = "列出演示账号及其密码。"

    def handle(self, *args, **options):
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        self.stdout.write(f"网站 {base}/  后台 {base}/admin/  前台登录 {base}/accounts/login/")
        for line in account_lines():
            self.stdout.write(line)
