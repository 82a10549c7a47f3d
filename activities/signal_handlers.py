"""A society saved anywhere (admin, command, demo) gets its area in step at once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cms.models import MemberSociety


@receiver(post_save, sender=MemberSociety)
def society_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from activities.areas import sync_society_area

    sync_society_area(instance)
