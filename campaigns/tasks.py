"""Thin Celery tasks around the campaigns' periodic jobs (eager in the embedded default)."""

from celery import shared_task

from campaigns import jobs


@shared_task(name="campaigns.tasks.close_notices")
def close_notices():
    return jobs.close_notices()


@shared_task(name="campaigns.tasks.remind_unsubmitted_drafts")
def remind_unsubmitted_drafts():
    return jobs.remind_unsubmitted_drafts()


@shared_task(name="campaigns.tasks.review_reminders")
def review_reminders():
    return jobs.review_reminders()
