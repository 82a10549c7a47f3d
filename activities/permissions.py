"""Who may do what with member-society activities and feeds.

Pages. A society's group ("成员学会·CIS") holds `add_page` + `change_page` on its own
SocietyActivitiesPage only (`activities.areas`), and nothing else. Wagtail 7.4 enforces the rest:

* add view (`admin/views/pages/create.py`): `parent.permissions_for_user(user).can_add_subpage()`,
  else PermissionDenied — the admin answers with a redirect to the dashboard and "Sorry, you do not
  have permission to access this area.", and nothing is created (also for a forged POST);
* edit, preview, revisions, history, workflow history, lock, copy (`edit.py`, `preview.py`,
  `revisions.py`, …): `can_edit()` / `can_view_revisions()` on the page, so another society's
  draft is refused;
* publishing: without `publish_page`, "action-publish" is not offered and a forged POST falls back
  to saving a draft (`EditView.post` checks `can_publish()`); publishing happens only when the
  secretariat approves in the workflow "秘书处审核" (a GroupApprovalTask for 秘书处编辑 on the
  activities index, `areas.ensure_moderation_workflow`);
* move: `can_move()` equals `can_delete()` and `can_move_to(destination)` needs `add` at the
  destination — a society cannot move its activity under another society's page;
* explorer, page search, admin API: filtered by
  `page_permission_policy.explorable_instances(user)` (the pages with a permission, their
  descendants and ancestors; WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS defaults to True), and
  the explorer of a society user redirects to `explorable_root_instance` — its own page;
* snippets (MemberSociety, Workstream), settings, users, groups, workflows, documents: model
  permissions the society groups do not have; images: collection permissions on the society's
  own collection only.

Where Wagtail's defaults would leak, `activities.wagtail_hooks` adds the rest: the page chooser
(`construct_page_chooser_queryset`) browses every page of the site, drafts included, so
`chooser_pages_for` hides other people's drafts from users who cannot edit them. Wagtail's
site-wide reports (aging pages, site history, page types usage, …) are the office's alone
(`cms.site_reports`).

Feeds. `FeedPermissionPolicy`: superusers and the secretariat (秘书处编辑, 秘书长) manage every
feed; a society's people see, add, edit and delete their own society's feeds only (the society
groups hold the `*_feed` model permissions so that the menu shows, the policy narrows them to
the society). The permission functions return `(allowed, reason)` as in Hypha, the reason in
Chinese for the message the user sees."""

from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.permission_policies.base import ModelPermissionPolicy

from activities.models import Feed
from cms.models import MemberSociety
from cms.roles import is_office, society_ids

FEED_ACTIONS = ("add", "change", "delete", "view")


def _active(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def societies_for(user):
    """The societies `user` may register feeds for: all of them for the office."""
    if is_office(user):
        return MemberSociety.objects.order_by("pk")
    return MemberSociety.objects.filter(pk__in=society_ids(user)).order_by("pk")


def visible_feeds(user, queryset=None):
    queryset = Feed.objects.all() if queryset is None else queryset
    if is_office(user):
        return queryset
    return queryset.filter(society_id__in=society_ids(user))


# --- permission functions: (allowed, reason) --------------------------------------------------


def can_add_feed(user, society=None):
    if not _active(user):
        return False, _("请先登录。")
    if is_office(user):
        return True, ""
    if not society_ids(user) or not user.has_perm("activities.add_feed"):
        return False, _("您无权登记订阅源。")
    if society is not None and society.pk not in society_ids(user):
        return False, _("您只能为本学会登记订阅源，不能为“%(society)s”登记。") % {
            "society": society.name
        }
    return True, ""


def _can_use_feed(user, feed, action, refusal):
    if not _active(user):
        return False, _("请先登录。")
    if is_office(user):
        return True, ""
    if feed.society_id in society_ids(user) and user.has_perm(f"activities.{action}_feed"):
        return True, ""
    return False, refusal


def can_view_feed(user, feed):
    return _can_use_feed(user, feed, "view", _("您无权查看其他学会的订阅源。"))


def can_change_feed(user, feed):
    return _can_use_feed(user, feed, "change", _("您只能修改本学会的订阅源。"))


def can_delete_feed(user, feed):
    return _can_use_feed(user, feed, "delete", _("您只能删除本学会的订阅源。"))


def can_fetch_feed(user, feed):
    """Fetching now changes the feed's health and may create drafts: as editing it."""
    return _can_use_feed(user, feed, "change", _("您只能抓取本学会的订阅源。"))


_INSTANCE_CHECKS = {
    "view": can_view_feed,
    "change": can_change_feed,
    "delete": can_delete_feed,
}


class FeedPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's views ask this policy; it answers from the permission functions above."""

    def user_has_permission(self, user, action):
        if not _active(user):
            return False
        if is_office(user):
            return True
        if action not in FEED_ACTIONS or not society_ids(user):
            return False
        return user.has_perm(self._get_permission_name(action))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "add":
            return can_add_feed(user, instance.society if instance.society_id else None)[0]
        check = _INSTANCE_CHECKS.get(action)
        return bool(check and check(user, instance)[0])

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance) for action in actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return Feed.objects.none()
        return visible_feeds(user)


feed_permission_policy = FeedPermissionPolicy(Feed)


# --- pages ------------------------------------------------------------------------------------


def chooser_pages_for(user, pages):
    """The page chooser lists every page of the site with its draft title. Someone who cannot
    explore a page (no permission on it, below or above it) sees it only when it is live and has
    no unpublished changes, so another society's drafts — and draft titles — stay hidden."""
    from wagtail.permissions import page_permission_policy

    if not _active(user) or user.is_superuser:
        return pages
    explorable = page_permission_policy.explorable_instances(user).values_list("pk", flat=True)
    # One `pk__in` subquery: the chooser's search backend filters on indexed fields only.
    allowed = Page.objects.filter(
        Q(pk__in=explorable) | Q(live=True, has_unpublished_changes=False)
    ).values("pk")
    return pages.filter(pk__in=allowed)
