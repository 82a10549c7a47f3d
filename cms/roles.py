"""Who is who: the federation's roles, the groups that hold them, and the two questions every
permission check asks — is this person the secretariat (`is_office`), and which member
societies do they work for (`society_ids`).

A role is a Django group the federation's code relies on: the office's two groups, the member
societies' people, the experts, the applicants. The code finds a role's group by its stable
code (`GroupRole`, one row per role), never by the group's name, which the admin may change
(用户组 → 编辑): a group renamed there keeps its people's rights. `group_for` gives a role's
group, created under the role's Chinese name the first time (the demo, a first applicant).

The admin's viewsets that are the office's alone share one permission policy,
`OfficePermissionPolicy`.

Each member society also has a group of its own ("成员学会·CMES", `MemberSociety.group`);
being in it is what makes someone work for that society."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from wagtail.permission_policies.base import ModelPermissionPolicy


class Role(models.TextChoices):
    """The roles of DESIGN.md; the label is the name their group is created with."""

    EDITOR = "editor", "秘书处编辑"
    SECRETARY_GENERAL = "secretary_general", "秘书长"
    MEMBER_SOCIETY = "member_society", "成员学会"
    EXPERT = "expert", "评审专家"
    APPLICANT = "applicant", "申报单位"


# The secretariat (秘书处): its editors and the secretary-general.
OFFICE_ROLES = (Role.EDITOR, Role.SECRETARY_GENERAL)

# Permission checks run many times per request (one per listing row and button): the answers
# are kept on the user object, which lives as long as the request, under this one attribute.
CACHE_ATTRIBUTE = "_lianhe_roles"


def _active(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _cached(user, key, compute):
    cache = getattr(user, CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(user, CACHE_ATTRIBUTE, cache)  # on the user behind request.user's lazy object
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def is_office(user):
    """The secretariat: superusers and the people of the groups of 秘书处编辑 and 秘书长."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return _cached(user, "office", lambda: user.groups.filter(role__code__in=OFFICE_ROLES).exists())


def roles_of(user):
    """The role codes of `user`'s groups (every role for a superuser)."""
    if not _active(user):
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    return _cached(
        user,
        "roles",
        lambda: frozenset(
            user.groups.filter(role__isnull=False).values_list("role__code", flat=True)
        ),
    )


def society_ids(user):
    """The member societies whose groups `user` is in."""
    if not _active(user):
        return frozenset()
    return _cached(
        user,
        "societies",
        lambda: frozenset(
            user.groups.filter(member_society__isnull=False).values_list(
                "member_society", flat=True
            )
        ),
    )


def users_with_role(role):
    """The accounts in the group of `role`."""
    return get_user_model().objects.filter(groups__role__code=role)


def office_people():
    """Who the secretariat's notifications go to: the active people of its two roles. Not the
    superusers, who may act as office (`is_office`) but are the site's technical
    administrators, not its staff."""
    return (
        get_user_model()
        .objects.filter(groups__role__code__in=OFFICE_ROLES, is_active=True)
        .distinct()
    )


class OfficePermissionPolicy(ModelPermissionPolicy):
    """The office may take `actions` (every action unless given) on the model's instances,
    nobody else any; subclasses narrow it per instance or let others look."""

    actions = None

    def __init__(self, model, actions=None):
        super().__init__(model)
        if actions is not None:
            self.actions = tuple(actions)

    def user_has_permission(self, user, action):
        return (self.actions is None or action in self.actions) and is_office(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def group_for(role):
    """The group of `role`: the one its code is recorded on, else one created under the role's
    name (or an unused variant of it, should another group have taken the name) and recorded."""
    from django.contrib.auth.models import Group

    from cms.models import GroupRole

    role = Role(role)
    existing = GroupRole.objects.select_related("group").filter(code=role).first()
    if existing is not None:
        return existing.group
    try:
        with transaction.atomic():
            group = Group.objects.filter(name=role.label, role__isnull=True).first()
            if group is None:
                group = Group.objects.create(name=_free_name(Group, role.label))
            GroupRole.objects.create(group=group, code=role)
    except IntegrityError:  # another request recorded the role at the same moment
        return GroupRole.objects.select_related("group").get(code=role).group
    return group


def _free_name(group_model, name):
    candidate, number = name, 1
    while group_model.objects.filter(name=candidate).exists():
        number += 1
        candidate = f"{name}（{number}）"
    return candidate
