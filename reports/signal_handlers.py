from django.dispatch import receiver
from wagtail.signals import page_published

from reports.models import MonthlyReportPage


@receiver(page_published, sender=MonthlyReportPage)
def publish_press_releases(sender, instance, revision, **kwargs):
    """The secretary-general approves a report with its press releases: news pages it links that
    were never published go live with it, so the report's links lead somewhere. News that is
    already live, or in its own moderation, is left to its own workflow."""
    user = getattr(revision, "user", None)
    for news in instance.press_release_pages():
        if news.live or news.workflow_in_progress:
            continue
        latest = news.get_latest_revision() or news.save_revision(user=user)
        latest.publish(user=user)
