"""What the permission matrix (tests/test_permission_matrix.py) checks that no GET changed."""

from django.apps import apps
from django.contrib.auth import get_user_model
from wagtail.models import (
    Page,
    PageViewRestriction,
    TaskState,
    WorkflowState,
)

from activities.models import Feed
from campaigns.models import (
    Assignment,
    Nomination,
    NominationFile,
    Objection,
    PublicNotice,
    ReviewRound,
    Score,
    ScoreSheet,
)
from cms.models import AccountProfile

# --- what must not change ---------------------------------------------------------------------

# Rows that a GET writes by design, never a change of anyone's data: Wagtail's editing sessions
# (the edit view records who has the page open), the edit view's subscription of its reader to
# the page's comment notifications, the admin's per-user profile (made the first time someone
# opens the admin), resized copies of pictures, and visitors' sessions.
WRITTEN_BY_READING = {
    "wagtailadmin.EditingSession",
    "wagtailcore.PageSubscription",
    "wagtailusers.UserProfile",
    "wagtailimages.Rendition",
    "sessions.Session",
    # django-axes logs sign-ins (the matrix signs each person in before its GETs).
    "axes.AccessLog",
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
}


def snapshot():
    """Row counts of every model, and the states that a refused or confirming GET must leave as
    they were."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in WRITTEN_BY_READING
    }
    states = {
        "nominations": Nomination.objects.values_list("pk", "status", "project_name"),
        "files": NominationFile.objects.values_list("pk", "slot_code", "file", "original_name"),
        "rounds": ReviewRound.objects.values_list("pk", "status", "criteria", "result_hash"),
        "sheets": ScoreSheet.objects.values_list("pk", "status", "total_reason"),
        "scores": Score.objects.values_list("pk", "value", "reason", "version"),
        "assignments": Assignment.objects.values_list("pk", "excluded", "exclusion_reason"),
        "objections": Objection.objects.values_list("pk", "status", "decision_reason"),
        "notices": PublicNotice.objects.values_list("pk", "starts_on", "ends_on", "closed_at"),
        "pages": Page.objects.values_list(
            "pk",
            "live",
            "locked",
            "has_unpublished_changes",
            "latest_revision_id",
            "title",
            "draft_title",
            "url_path",
            "owner_id",
        ),
        "workflows": WorkflowState.objects.values_list("pk", "status", "current_task_state_id"),
        "tasks": TaskState.objects.values_list("pk", "status", "finished_at"),
        "feeds": Feed.objects.values_list(
            "pk", "active", "status", "last_fetched_at", "next_fetch_at", "consecutive_failures"
        ),
        "users": get_user_model().objects.values_list(
            "pk", "is_active", "is_superuser", "email", "password"
        ),
        "memberships": get_user_model().groups.through.objects.values_list("user_id", "group_id"),
        "profiles": AccountProfile.objects.values_list("user_id", "email_verified_at"),
        "restrictions": PageViewRestriction.objects.values_list(
            "pk", "page_id", "restriction_type"
        ),
    }
    return counts, {name: sorted(rows) for name, rows in states.items()}
