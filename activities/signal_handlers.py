"""A society saved anywhere (admin, command, demo) gets its area in step at once; an activity
moved to another society's page belongs to that society."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import post_page_move

from activities.models import ActivityPage, SocietyActivitiesPage
from cms.models import MemberSociety


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
