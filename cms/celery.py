"""The project's Celery app. In the embedded default tasks run eagerly in-process; in production
a worker and beat run the same task functions against CELERY_BROKER_URL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("lianhe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
