"""Who is who (`cms.roles`): each role's group is found by the role's code, never by the group's
name, so a group renamed in the admin keeps its people's rights; and the two questions every
permission check asks, `is_office` and `society_ids`, for each demo account."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from activities import permissions as activities_permissions
from cms.demo import DEMO_ACCOUNTS, load_core_demo
from cms.models import GroupRole, MemberSociety
from cms.roles import CACHE_ATTRIBUTE, Role, group_for, is_office, society_ids, users_with_role

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cms.migrations.0009_group_roles")

OFFICE_PAGES = (
    "/admin/cache/",  # cms: the page cache
    "/admin/reports/site-history/",  # cms: Wagtail's site-wide reports
    "/admin/reviewround/",  # campaigns: review rounds
    "/admin/objection/",  # campaigns: objections
)


def fresh(user):
    """The account as the next request loads it (nothing worked out for it yet)."""
    return get_user_model().objects.get(pk=user.pk)


def login(user):
    client = Client()
    client.force_login(user)
    return client


def rename_in_admin(group, name):
    """What an administrator does at 设置 → 用户组 → (the group): change the name and save,
    with every other field of the form as it was."""
    admin = login(get_user_model().objects.get(username="admin"))
    url = reverse("wagtailusers_groups:edit", args=[group.pk])
    document = lxml_html.fromstring(admin.get(url).content)
    form = next(f for f in document.forms if f.get("method", "").lower() == "post")
    data = {}
    for key, value in form.form_values():
        data.setdefault(key, []).append(value)
    data["name"] = [name]
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    group.refresh_from_db()
    assert group.name == name


# --- the demo's roles -------------------------------------------------------------------------


def test_the_demo_groups_keep_their_chinese_names(federation):
    assert {role: group_for(role).name for role in Role} == {
        Role.EDITOR: "秘书处编辑",
        Role.SECRETARY_GENERAL: "秘书长",
        Role.MEMBER_SOCIETY: "成员学会",
        Role.EXPERT: "评审专家",
        Role.APPLICANT: "申报单位",
    }
    for account in DEMO_ACCOUNTS:
        if account.group:
            assert users_with_role(account.group).filter(username=account.username).exists()


@pytest.mark.parametrize(
    ("username", "office", "societies"),
    [
        ("admin", True, set()),
        ("editor", True, set()),
        ("secretary", True, set()),
        ("society", False, {"CMES"}),
        ("expert", False, set()),
        ("applicant", False, set()),
    ],
)
def test_who_is_who_for_each_demo_account(users, username, office, societies):
    user = users[username]
    assert is_office(user) is office
    abbreviations = set(
        MemberSociety.objects.filter(pk__in=society_ids(user)).values_list(
            "abbreviation", flat=True
        )
    )
    assert abbreviations == societies


def test_nobody_is_anyone_signed_out_or_deactivated(users):
    assert not is_office(AnonymousUser()) and society_ids(AnonymousUser()) == frozenset()
    for username in ("admin", "editor", "society"):
        user = fresh(users[username])
        user.is_active = False
        assert not is_office(user), username
        assert society_ids(user) == frozenset(), username


def test_the_answers_are_worked_out_once_a_request(users, django_assert_num_queries):
    user = fresh(users["society"])
    with django_assert_num_queries(2):
        for _ in range(5):
            assert not is_office(user)
            assert society_ids(user)
    assert set(getattr(user, CACHE_ATTRIBUTE)) == {"office", "societies"}


# --- renaming a role's group ------------------------------------------------------------------


def test_a_role_group_renamed_in_the_admin_keeps_its_peoples_rights(users):
    editors = group_for(Role.EDITOR)
    rename_in_admin(editors, "联合体秘书处编辑组")
    rename_in_admin(group_for(Role.MEMBER_SOCIETY), "成员学会联络员")

    editor, society = fresh(users["editor"]), fresh(users["society"])
    assert group_for(Role.EDITOR) == editors
    assert is_office(editor)
    assert activities_permissions.is_office(editor)
    client = login(editor)
    for url in OFFICE_PAGES:
        assert client.get(url).status_code == 200, url
    assert society_ids(society) == {MemberSociety.objects.get(abbreviation="CMES").pk}
    assert not is_office(society)


def test_a_group_merely_named_after_a_role_gives_nothing(users):
    editors = group_for(Role.EDITOR)
    editors.name = "秘书处编辑（原）"
    editors.save()
    impostors = Group.objects.create(name="秘书处编辑")
    stranger = get_user_model().objects.create_user("stranger")
    stranger.groups.add(impostors)

    assert not is_office(fresh(stranger))
    client = login(stranger)
    for url in OFFICE_PAGES:
        assert client.get(url).status_code != 200, url
    assert is_office(fresh(users["editor"]))


def test_loading_the_demo_again_after_a_rename_makes_no_second_group(users):
    secretaries = group_for(Role.SECRETARY_GENERAL)
    secretaries.name = "联合体秘书长"
    secretaries.save()
    load_core_demo()
    assert not Group.objects.filter(name="秘书长").exists()
    assert fresh(users["secretary"]).groups.filter(pk=secretaries.pk).exists()
    assert is_office(fresh(users["secretary"]))


def test_a_role_without_a_group_gets_one_under_its_name(db):
    assert not Group.objects.filter(name="评审专家").exists()
    experts = group_for(Role.EXPERT)
    assert experts.name == "评审专家"
    assert group_for(Role.EXPERT) == experts
    # A group of that name left over from before, without a role, becomes the role's group.
    Group.objects.create(name="申报单位")
    assert group_for(Role.APPLICANT) == Group.objects.get(name="申报单位")
    # If another role's group has taken the name, the new group gets a name of its own.
    group_for(Role.EDITOR).delete()
    taken = group_for(Role.SECRETARY_GENERAL)
    taken.name = "秘书处编辑"
    taken.save()
    editors = group_for(Role.EDITOR)
    assert editors.name == "秘书处编辑（2）" and editors != taken


def test_the_migration_gives_each_role_the_group_named_after_it(federation):
    groups = {role: group_for(role) for role in Role}
    GroupRole.objects.all().delete()
    migration.record_roles(apps, None)
    assert {link.code: link.group for link in GroupRole.objects.select_related("group")} == {
        role.value: group for role, group in groups.items()
    }
