"""Each member society's own area: its activities page, its collection for pictures, and what its
group may do there — add and edit pages under its own page and submit them; the secretariat's
editors approve (workflow "秘书处审核" on the activities index).

`sync_society_area` is idempotent; it runs when a society is saved (`signal_handlers`) and for
every society in `manage.py sync_society_groups`."""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from activities.models import ActivitiesIndexPage, SocietyActivitiesPage
from cms.models import MemberSociety
from cms.models.snippets import ensure_society_group
from cms.roles import Role, group_for

WORKFLOW_NAME = "秘书处审核"
# A society may draft and submit; publishing is the secretariat's.
SOCIETY_PAGE_PERMISSIONS = ("add_page", "change_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
# Model permissions let Wagtail show the feeds menu; `permissions.FeedPermissionPolicy` narrows
# them to the society's own feeds.
SOCIETY_MODEL_PERMISSIONS = (
    ("activities", "add_feed"),
    ("activities", "change_feed"),
    ("activities", "delete_feed"),
    ("activities", "view_feed"),
)
SOCIETY_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
)


def activities_index():
    return ActivitiesIndexPage.objects.first()


def ensure_moderation_workflow(index):
    """Activities under `index` go to the secretariat's editors for approval."""
    editors = group_for(Role.EDITOR)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.set([editors])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    # Approving the last task publishes the page as the approver (Wagtail's
    # publish_workflow_state checks publish permission), so the moderators need publish_page
    # here — only on the activities, not on reports and news.
    for codename in MODERATOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    return workflow


def _society_slug(society):
    return slugify(society.abbreviation) or f"society-{society.pk}"


def ensure_society_page(society, index):
    page = SocietyActivitiesPage.objects.filter(society=society).first()
    if page is None:
        # Created live without a revision: it has no content to moderate, and fifteen
        # publications (log entries, signals) would make every society's set-up slow.
        page = SocietyActivitiesPage(
            title=society.name, slug=_society_slug(society), society=society, live=True
        )
        index.add_child(instance=page)
    elif page.title != society.name:
        page.title = society.name
        page.save_revision().publish()
    return page


def ensure_society_collection(society, group=None):
    """The society's collection, found through its group's permission first so that a renamed
    abbreviation renames the collection (its pictures stay with the society) instead of
    starting an empty one."""
    name = f"成员学会·{society.abbreviation}"
    collection = None
    if group is not None:
        collection = (
            Collection.objects.filter(group_permissions__group=group)
            .exclude(depth=1)
            .order_by("pk")
            .first()
        )
    if collection is None:
        collection = Collection.objects.filter(name=name).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=name)
    elif collection.name != name and not Collection.objects.filter(name=name).exists():
        collection.name = name
        collection.save(update_fields=["name"])
    return collection


def _grant_model_permissions(group):
    for app_label, codename in SOCIETY_MODEL_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def _grant_page_permissions(group, page):
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=SOCIETY_PAGE_PERMISSIONS
    )
    # A society's group works on its own page only: anything granted elsewhere is taken back.
    GroupPagePermission.objects.filter(group=group).exclude(page=page).delete()
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _grant_collection_permissions(group, collection):
    GroupCollectionPermission.objects.filter(group=group).exclude(collection=collection).delete()
    for app_label, codename in SOCIETY_COLLECTION_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )


@transaction.atomic
def sync_society_area(society, index=None):
    """Create or update `society`'s page, collection and group permissions. Without an
    activities index (a site being set up) only the group is made."""
    group = ensure_society_group(society)
    if society.group_id != group.pk:
        MemberSociety.objects.filter(pk=society.pk).update(group=group)
        society.group = group
    _grant_model_permissions(group)
    index = index or activities_index()
    if index is None:
        return None
    page = ensure_society_page(society, index)
    _grant_page_permissions(group, page)
    _grant_collection_permissions(group, ensure_society_collection(society, group))
    return page


def sync_all_society_areas():
    index = activities_index()
    if index is not None:
        ensure_moderation_workflow(index)
    return [sync_society_area(society, index) for society in MemberSociety.objects.order_by("pk")]
