from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "网站核心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from cms.permission_names import rename_permissions

        post_migrate.connect(rename_permissions, dispatch_uid="cms_permission_names")

        from wagtail.signals import page_published

        from cms.search_text import reindex_after_publish

        page_published.connect(reindex_after_publish, dispatch_uid="cms_search_reindex")

        from wagtail.models import Page

        # Registration is open to any e-mail address, so "any logged-in user" is anyone: a
        # private page is limited to groups (the secretariat, the societies), and the privacy
        # dialog offers nothing else. Page types may still narrow this further.
        Page.private_page_options = ["groups"]

        from wagtail.images import get_image_model

        from cms import caching
        from cms.models import FederationSettings, MemberSociety, Workstream

        caching.connect_page_signals()
        caching.watch_models(FederationSettings, MemberSociety, Workstream, get_image_model())

        from django.db.models.signals import post_save

        from cms.image_copies import prepare_export_copy

        post_save.connect(
            prepare_export_copy, sender=get_image_model(), dispatch_uid="cms_image_export_copy"
        )
