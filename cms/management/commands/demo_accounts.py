from django.core.management.base import BaseCommand

from cms.demo_data import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "列出演示账号及其密码。"

    def handle(self, *args, **options):
        self.stdout.write("演示账号（后台 /admin/，前台登录 /accounts/login/）：")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.role:<16} 用户名 {account.username:<10} 密码 {account.password}"
            )
