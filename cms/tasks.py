from celery import shared_task

from cms import jobs


@shared_task(name="cms.tasks.publish_scheduled")
def publish_scheduled():
    jobs.publish_scheduled()
