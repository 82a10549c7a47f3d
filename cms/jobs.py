"""Periodic jobs: plain functions, run by Celery beat in production (through the thin tasks in
`tasks.py`) and by `manage.py run_periodic_jobs` in the embedded default. Apps register theirs
in a `jobs` module with `@periodic_job`."""

from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.utils.module_loading import module_has_submodule

_REGISTRY = {}


def periodic_job(name):
    def register(function):
        _REGISTRY[name] = function
        return function

    return register


def all_jobs():
    for config in apps.get_app_configs():
        if config.name != "cms" and module_has_submodule(config.module, "jobs"):
            import_module(f"{config.name}.jobs")
    return dict(_REGISTRY)


@periodic_job("publish_scheduled")
def publish_scheduled():
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's command)."""
    call_command("publish_scheduled", verbosity=0)


@periodic_job("send_due_messages")
def send_due_messages():
    """The outbox's safety net: what a task did not send (the mail server was down, a worker
    was lost), once its wait is over."""
    from cms.notifications.delivery import send_due

    send_due()


@periodic_job("send_daily_digests")
def send_daily_digests():
    """Yesterday's digest-mode notifications, one mail per person (once a day, whenever run)."""
    from cms.notifications.digest import send_daily_digests as send

    send()
