"""Chinese names for the permissions Django and Wagtail store in English.

Django writes "Can add <verbose name>" into the database when it creates a model's permissions,
and Wagtail's migrations add a few of their own ("Publish any page"); the admin's group and user
forms show these names as stored, where no catalogue reaches them. After every migrate they are
renamed once; Django never renames an existing permission, so the names stay."""

from django.apps import apps as global_apps
from django.utils import translation

ACTIONS = {"add": "可添加", "change": "可修改", "delete": "可删除", "view": "可查看"}

# Wagtail's own permissions, by codename.
WAGTAIL = {
    "access_admin": "可进入后台",
    "bulk_delete_page": "可删除含子页面的页面",
    "lock_page": "可锁定/解锁自己锁定的页面",
    "unlock_page": "可解锁任何页面",
    "publish_page": "可发布任何页面",
    "choose_image": "可在选择器中选用图片",
    "choose_document": "可在选择器中选用文档",
}


def rename_permissions(app_config=None, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    # This receiver may run before Django's own for the same app (cms is installed first):
    # create that app's permissions now (Django's receiver then finds them) to rename them too.
    if app_config is not None:
        create_permissions(
            app_config, verbosity=0, using=using, apps=kwargs.get("apps", global_apps)
        )
    changed = []
    with translation.override("zh-hans"):
        for permission in Permission.objects.using(using).select_related("content_type"):
            name = WAGTAIL.get(permission.codename)
            action = permission.codename.split("_", 1)[0]
            model = permission.content_type.model_class()
            if name is None and action in ACTIONS and permission.name.startswith("Can "):
                if model is None or permission.codename != f"{action}_{model._meta.model_name}":
                    continue
                name = f"{ACTIONS[action]}{model._meta.verbose_name}"
            if name and permission.name != name:
                permission.name = name
                changed.append(permission)
    Permission.objects.using(using).bulk_update(changed, ["name"])
