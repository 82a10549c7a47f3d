import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.jobs import all_jobs
from cms.tasks import publish_scheduled
from tests.cms.factories import NewsPageFactory


def test_periodic_jobs_include_publish_scheduled():
    assert "publish_scheduled" in all_jobs()


def test_unknown_job_is_refused():
    with pytest.raises(CommandError, match="未知的定时任务"):
        call_command("run_periodic_jobs", "--only", "nope")


def test_celery_task_publishes_due_pages(news_index):
    """The beat task runs the same job function (eagerly in the embedded default)."""
    news = NewsPageFactory(parent=news_index, live=False, title="定时发布的新闻")
    past = timezone.now() - datetime.timedelta(minutes=5)
    revision = news.save_revision()
    revision.approved_go_live_at = past
    revision.save()
    publish_scheduled.delay()
    news.refresh_from_db()
    assert news.live
