"""A society's group and area follow the society: created with it, renamed with it, and put back
in order by `sync_society_groups`."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from activities.models import SocietyActivitiesPage
from cms.models import MemberSociety

pytestmark = pytest.mark.django_db


def page_permissions(group):
    return {
        (p.page_id, p.permission.codename)
        for p in GroupPagePermission.objects.filter(group=group).select_related("permission")
    }


def test_a_new_society_gets_its_group_page_collection_and_rights(activities_index):
    society = MemberSociety.objects.create(name="中国测试学会", abbreviation="CTS")
    group = Group.objects.get(name="成员学会·CTS")
    assert society.group == group
    page = SocietyActivitiesPage.objects.get(society=society)
    assert page.title == "中国测试学会" and page.live
    assert page.get_parent().pk == activities_index.pk
    assert page_permissions(group) == {(page.pk, "add_page"), (page.pk, "change_page")}
    collection = Collection.objects.get(name="成员学会·CTS")
    assert set(
        GroupCollectionPermission.objects.filter(group=group).values_list(
            "collection_id", "permission__codename"
        )
    ) == {
        (collection.pk, "add_image"),
        (collection.pk, "change_image"),
        (collection.pk, "choose_image"),
    }
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "add_feed", "change_feed", "delete_feed", "view_feed"} <= codenames
    assert "publish_page" not in {codename for _page, codename in page_permissions(group)}


def test_renaming_a_society_renames_its_group_page_and_collection(society_pages):
    society = society_pages["CIS"].society
    group_pk = society.group_id
    collection = Collection.objects.get(name="成员学会·CIS")
    society.abbreviation = "CIS-NEW"
    society.name = "中国仪器仪表学会（新）"
    society.save()
    group = Group.objects.get(pk=group_pk)
    assert group.name == "成员学会·CIS-NEW"
    assert not Group.objects.filter(name="成员学会·CIS").exists()
    page = SocietyActivitiesPage.objects.get(society=society)
    assert page.pk == society_pages["CIS"].pk
    assert page.title == "中国仪器仪表学会（新）"
    collection.refresh_from_db()
    assert collection.name == "成员学会·CIS-NEW"
    assert GroupCollectionPermission.objects.filter(group=group, collection=collection).count() == 3
    assert page_permissions(group) == {(page.pk, "add_page"), (page.pk, "change_page")}


def test_sync_command_creates_missing_areas_and_takes_back_stray_rights(
    society_pages, activities_index
):
    cis = society_pages["CIS"]
    group = cis.society.group
    # Somebody granted the group rights elsewhere, and one society's page went missing.
    change = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.create(group=group, page=activities_index, permission=change)
    GroupPagePermission.objects.create(group=group, page=society_pages["CMES"], permission=change)
    GroupPagePermission.objects.filter(group=group, page=cis).delete()
    caa = society_pages["CAA"]
    caa.delete()

    out = StringIO()
    call_command("sync_society_groups", stdout=out)
    assert "已同步 15 个成员学会" in out.getvalue()
    assert page_permissions(group) == {(cis.pk, "add_page"), (cis.pk, "change_page")}
    new_caa = SocietyActivitiesPage.objects.get(society__abbreviation="CAA")
    assert new_caa.get_parent().pk == activities_index.pk
    assert page_permissions(new_caa.society.group) == {
        (new_caa.pk, "add_page"),
        (new_caa.pk, "change_page"),
    }
    # Running it again changes nothing.
    before = GroupPagePermission.objects.count()
    call_command("sync_society_groups", stdout=StringIO())
    assert GroupPagePermission.objects.count() == before
    assert SocietyActivitiesPage.objects.count() == 15


def test_the_secretariat_may_publish_activities_only(society_pages, activities_index, federation):
    """Approving the last workflow task publishes as the approver, so 秘书处编辑 hold
    publish_page on the activities index — and still not on reports or news."""
    editors = Group.objects.get(name="秘书处编辑")
    assert (activities_index.pk, "publish_page") in page_permissions(editors)
    assert (federation["home"].pk, "publish_page") not in page_permissions(editors)
