from celery import shared_task

from cms import jobs


@shared_task(name="cms.tasks.publish_scheduled")
def publish_scheduled():
    jobs.publish_scheduled()


@shared_task(name="cms.tasks.purge_frontend_cache", acks_late=True, max_retries=3)
def purge_frontend_cache(urls):
    from cms.caching import purge_urls

    purge_urls(urls)
