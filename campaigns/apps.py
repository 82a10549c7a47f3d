from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "征集活动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from campaigns import signal_handlers  # noqa: F401 (connects the receivers)
        from campaigns.models import Milestone, PublicNotice, RoundEntry
        from cms.caching import watch_models

        # Shown on campaign pages, the home page and the public notice.
        watch_models(Milestone, PublicNotice, RoundEntry)
