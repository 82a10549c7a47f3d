from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "进展情况月报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports import signal_handlers  # noqa: F401 (connects the receivers)
