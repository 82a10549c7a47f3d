from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from cms.demo import load_core_demo


def app_demo_loaders():
    """Each app may ship a `demo` module with `ORDER` and `load(context, stdout)`. Discovering them
    keeps cms unaware of the apps; `reports` comes last because it pulls the others in."""
    modules = [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if config.name != "cms" and module_has_submodule(config.module, "demo")
    ]
    return sorted(modules, key=lambda module: module.ORDER)


class Command(BaseCommand):
    help = "载入演示数据（可重复运行）：成员学会、工作板块、角色与账号、栏目及各应用的演示内容。"

    def handle(self, *args, **options):
        context = load_core_demo()
        for module in app_demo_loaders():
            module.load(context, self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
