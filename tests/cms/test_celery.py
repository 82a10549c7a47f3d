"""The embedded default and production run the same code: every periodic job has a beat entry
of the same name whose task wraps it, and the tasks that talk to the outside world or write
files are acknowledged late with bounded retries."""

from django.conf import settings

from cms.celery import app
from cms.jobs import all_jobs


def registered_tasks():
    app.loader.import_default_modules()
    return app.tasks


def test_every_periodic_job_has_a_beat_entry_and_every_entry_a_task():
    tasks = registered_tasks()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert set(schedule) == set(all_jobs())
    for name, entry in schedule.items():
        assert entry["task"] in tasks, name
    # Feeds due and scheduled publishing are looked at every five minutes.
    assert schedule["ingest_feeds"]["schedule"] == 300.0
    assert schedule["publish_scheduled"]["schedule"] == 300.0


def test_feed_tasks_are_acknowledged_late_with_bounded_retries():
    tasks = registered_tasks()
    for name in ("activities.tasks.ingest_feed", "activities.tasks.ingest_due_feeds"):
        task = tasks[name]
        assert task.acks_late, name
        assert 0 < task.max_retries <= 5, name
