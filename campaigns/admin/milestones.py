"""The milestones in the Wagtail admin ("里程碑"): Wagtail's generic listing and forms."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.models import Milestone


class MilestoneViewSet(ModelViewSet):
    model = Milestone
    icon = "date"
    menu_label = _("里程碑")
    add_to_admin_menu = False
    list_display = ["title", "campaign", "kind", "date", "end_date", "workstream"]
    list_filter = ["campaign", "kind"]
    search_fields = ["title", "description"]
    ordering = ["-date"]
    form_fields = ["campaign", "kind", "date", "end_date", "title", "description", "workstream"]
    copy_view_enabled = False
