"""Each person's choice per kind (e-mail, off, daily digest) and the signed one-click link that
turns a kind off without signing in."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from cms.models import Mode, NotificationPreference
from cms.notifications.kinds import all_kinds, get_kind
from cms.roles import roles_of

UNSUBSCRIBE_SALT = "lianhe.notifications.unsubscribe"


def modes_for(users, kind):
    """{user pk: mode} for `kind`, in one query; a required kind is always e-mailed."""
    if kind.required:
        return {user.pk: Mode.EMAIL for user in users}
    chosen = dict(
        NotificationPreference.objects.filter(
            user__in=[user.pk for user in users], kind=kind.code
        ).values_list("user_id", "mode")
    )
    return {user.pk: chosen.get(user.pk, kind.default_mode) for user in users}


def preferences_of(user):
    """[(kind, mode)] for every kind the person may choose for: those not required that are
    sent to people of one of the person's roles."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mode"))
    roles = roles_of(user)
    return [
        (kind, chosen.get(kind.code, kind.default_mode))
        for kind in all_kinds().values()
        if not kind.required and (not kind.roles or roles & set(kind.roles))
    ]


def set_mode(user, code, mode):
    kind = get_kind(code)
    if kind.required:
        return
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind.code, defaults={"mode": Mode(mode)}
    )


def unsubscribe_token(user, code):
    return signing.dumps({"u": user.pk, "k": code}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_path(user, code):
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user, code)])


def read_unsubscribe_token(token):
    """(user, kind) a token was signed for, or None when it was altered or names nobody.
    Tokens do not expire: an old mail's link must still work."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    kind = all_kinds().get(data.get("k"))
    if user is None or kind is None or kind.required:
        return None
    return user, kind
