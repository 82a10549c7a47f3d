"""A society saved anywhere (admin, command, demo) gets its area in step at once; an activity
moved to another society's page belongs to that society; an activity changed says which days its
linked entry (`activities.reporting`) concerns, before and after the change; an activity approved
or sent back by the secretariat is told to its society (`activities.notifications`)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    task_approved,
    task_rejected,
)

from activities.models import ActivityPage, SocietyActivitiesPage
from activities.notifications import activity_approved, activity_returned
from cms.models import MemberSociety
from cms.signals import send_linked_entries_changed


@receiver(post_save, sender=MemberSociety)
def society_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from activities.areas import sync_society_area

    sync_society_area(instance)


@receiver(post_page_move, dispatch_uid="activities_society_follows_parent")
def society_follows_parent(sender, instance, parent_page_after, **kwargs):
    """Wagtail saves a moved page as a plain `Page`, so `ActivityPage.save` does not run: an
    activity moved under another society's page takes that society here."""
    if not issubclass(sender, ActivityPage):
        return
    society_id = (
        SocietyActivitiesPage.objects.filter(pk=parent_page_after.pk)
        .values_list("society_id", flat=True)
        .first()
    )
    if society_id:
        ActivityPage.objects.filter(pk=instance.pk).exclude(society_id=society_id).update(
            society_id=society_id
        )


# Linked entries (`cms.signals.linked_entries_changed`): an activity's entry spans its days ------


@receiver(page_published, sender=ActivityPage)
@receiver(page_unpublished, sender=ActivityPage)
@receiver(post_page_move, sender=ActivityPage)
def activity_changed(sender, instance, **kwargs):
    """Published again (a new title, summary, workstream), unpublished (its entry goes) or moved
    (another society, another address). Dates come from the row: a moved page may be generic."""
    dates = (
        ActivityPage.objects.filter(pk=instance.pk).values_list("start_date", "end_date").first()
    )
    if dates:
        send_linked_entries_changed(ActivityPage, spans=[dates])


@receiver(pre_save, sender=ActivityPage)
def remember_activity_dates(sender, instance, raw=False, **kwargs):
    """Publishing an activity moved from July to August concerns July too."""
    instance._linked_previous_dates = (
        ActivityPage.objects.filter(pk=instance.pk, live=True)
        .values_list("start_date", "end_date")
        .first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=ActivityPage)
def activity_saved(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_linked_previous_dates", None)
    if raw or previous is None or previous == (instance.start_date, instance.end_date):
        return
    send_linked_entries_changed(ActivityPage, spans=[previous])


@receiver(post_delete, sender=ActivityPage)
def activity_deleted(sender, instance, **kwargs):
    send_linked_entries_changed(ActivityPage, spans=[(instance.start_date, instance.end_date)])


# Notifications (`activities.notifications`): the secretariat's review, told to the society -----


@receiver(task_approved, dispatch_uid="activities_notify_task_approved")
def review_approved(sender, instance, **kwargs):
    """Inside `TaskState.approve`'s transaction, after the workflow moved on (or finished)."""
    activity_approved(instance)


@receiver(task_rejected, dispatch_uid="activities_notify_task_rejected")
def review_rejected(sender, instance, **kwargs):
    activity_returned(instance)
