from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms import caching
from cms.models import MemberSociety, Workstream


class MemberSocietyViewSet(SnippetViewSet):
    model = MemberSociety
    icon = "group"
    menu_label = _("成员学会")
    list_display = ["name", "abbreviation", "name_en", "member_since", "active"]
    list_filter = ["active"]
    search_fields = ["name", "name_en", "abbreviation"]
    ordering = ["pk"]


class WorkstreamViewSet(SnippetViewSet):
    model = Workstream
    icon = "list-ul"
    menu_label = _("工作板块")
    list_display = ["name", "synonyms", "name_en", "order"]
    ordering = ["order", "name"]


class FederationViewSetGroup(SnippetViewSetGroup):
    items = (MemberSocietyViewSet, WorkstreamViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("联合体")
    menu_name = "federation"


register_snippet(FederationViewSetGroup)


hooks.register("is_request_cacheable", caching.is_request_cacheable)


@hooks.register("insert_editor_js")
def editor_guard_js():
    """Keeps the editor's background saves from racing the person's own (static/js)."""
    return format_html('<script src="{}"></script>', static("js/editor-guard.js"))
