from celery import shared_task

from cms import jobs


@shared_task(name="cms.tasks.publish_scheduled")
def publish_scheduled():
    jobs.publish_scheduled()


@shared_task(name="cms.tasks.purge_frontend_cache", acks_late=True, max_retries=3)
def purge_frontend_cache(urls):
    from cms.caching import purge_urls

    purge_urls(urls)


@shared_task(name="cms.tasks.send_outbox_message", bind=True, acks_late=True, max_retries=6)
def send_outbox_message(self, pk):
    """One outbox message (`cms.notifications.delivery`); a temporary failure is tried again
    after the row's own wait. Eager (the embedded default), the periodic job tries again."""
    from cms.models import MessageState
    from cms.notifications.delivery import deliver, wait_after

    state = deliver(pk)
    if state != MessageState.DEFERRED or self.request.is_eager:
        return
    if self.request.retries < self.max_retries:  # past them, the periodic job goes on
        attempts = self.request.retries + 1
        raise self.retry(countdown=wait_after(attempts).total_seconds())


@shared_task(name="cms.tasks.send_due_messages")
def send_due_messages():
    jobs.send_due_messages()


@shared_task(name="cms.tasks.send_daily_digests")
def send_daily_digests():
    jobs.send_daily_digests()


# Decoding a large picture may fail for a moment (storage); the copy is idempotent.
@shared_task(name="cms.tasks.make_export_copy", acks_late=True, max_retries=3)
def make_export_copy(image_id):
    from wagtail.images import get_image_model

    from cms.image_copies import export_copy

    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return None
    try:
        return export_copy(image).pk
    except (OSError, ValueError):
        # An unreadable upload: the export says so in place of the picture.
        return None
