"""`runserver` as `make run` uses it: Django's (with static files), whose start-up banner is the
demo's welcome in Chinese: the demo accounts, then the address to open, last, so that a
newcomer finds them at the end of the output."""

import sys

from django.contrib.auth import get_user_model
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from cms.demo import DEMO_ACCOUNTS
from cms.management.commands.demo_accounts import account_lines


class Command(RunserverCommand):
    def on_bind(self, server_port):
        host = self.addr
        if self._raw_ipv6:
            host = f"[{self.addr}]"
        elif self.addr == "0":
            host = "0.0.0.0"  # noqa: S104 (what Django's own banner says for "0")
        base = f"{self.protocol}://{host}:{server_port}"
        demo = get_user_model().objects.filter(
            username__in=[account.username for account in DEMO_ACCOUNTS]
        )
        if demo.exists():
            for line in account_lines():
                self.stdout.write(line)
        quit_key = "CTRL-BREAK" if sys.platform == "win32" else "CONTROL-C"
        self.stdout.write(
            "开发服务器已启动（仅供本机试用，正式部署见 README 的 production 一节），"
            f"按 {quit_key} 停止。"
        )
        self.stdout.write(self.style.SUCCESS(f"请打开 {base}/ （后台 {base}/admin/）"))
