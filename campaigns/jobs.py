"""Periodic jobs of the campaigns (discovered by `cms.jobs.all_jobs`)."""

from cms.jobs import periodic_job


@periodic_job("close_notices")
def close_notices():
    """Close the public notices whose period has ended (the day after their last day)."""
    from campaigns.notice import close_due_notices

    return close_due_notices()


@periodic_job("remind_unsubmitted_drafts")
def remind_unsubmitted_drafts():
    """Remind the applicants of unsubmitted drafts 3 days and 1 day before the deadline (each
    reminder once, however often it runs)."""
    from campaigns.nomination_notifications import remind_unsubmitted_drafts as remind

    return remind()


@periodic_job("review_reminders")
def review_reminders():
    """The experts' reminders 3 days and 1 day before a round's end, and the office's notice of
    the sheets still missing once it has passed (Asia/Shanghai dates; each mail once)."""
    from campaigns.review_notifications import review_reminders as remind
    from cms.models.pages import today_in_shanghai

    return remind(today_in_shanghai())
