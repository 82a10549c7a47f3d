from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "成员学会活动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from activities import signal_handlers  # noqa: F401 (connects the receivers)
