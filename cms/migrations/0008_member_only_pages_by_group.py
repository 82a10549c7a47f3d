"""A page limited to "logged-in users" was open to anyone who registers (registration takes any
e-mail address). Every such restriction becomes one to the federation's own groups: the
secretariat (秘书处编辑, 秘书长) and the member societies (成员学会 and each 成员学会·XXX).
Without any of those groups, the page is left to superusers, never opened wider."""

from django.db import migrations
from django.db.models import Q

MEMBER_GROUPS = Q(name__in=["秘书处编辑", "秘书长", "成员学会"]) | Q(name__startswith="成员学会·")


def logged_in_to_groups(apps, schema_editor):
    restriction_model = apps.get_model("wagtailcore", "PageViewRestriction")
    group_model = apps.get_model("auth", "Group")
    groups = list(group_model.objects.filter(MEMBER_GROUPS))
    for restriction in restriction_model.objects.filter(restriction_type="login"):
        restriction.restriction_type = "groups"
        restriction.save(update_fields=["restriction_type"])
        restriction.groups.add(*groups)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_about_member_societies"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(logged_in_to_groups, migrations.RunPython.noop)]
