"""下载 Word 稿: the Word file of a report's draft for those who write or approve it.

Reports are reviewed as Word documents, so the admin offers the file of the revision being looked
at: the latest revision from the edit view, the revision under moderation from the dashboard, each
side of the compare view. The file is built from that revision, never stored (only the published
export is, see `reports.export_store`)."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from wagtail.admin.panels import Panel
from wagtail.models import Site, TaskState

from cms.docx_cjk import DOCX_CONTENT_TYPE
from reports.docx_export import export_report

LATEST = "latest"
LIVE = "live"


def may_review(user, page):
    """Whoever may edit the report, publish it, or act on its current moderation task."""
    if not user.is_authenticated:
        return False
    perms = page.permissions_for_user(user)
    if perms.can_edit() or perms.can_publish():
        return True
    task = page.current_workflow_task
    return bool(task and task.specific.get_actions(page, user))


def word_draft_url(page, revision=LATEST):
    return reverse("reports_word_draft", args=(page.pk, str(revision)))


def filename_for(page):
    return f"{page.title}.docx"


def content_disposition(filename, fallback):
    """RFC 6266 with both names: `filename*` (RFC 5987, UTF-8) for every current browser and
    Word, the ASCII `filename` for clients that do not read `filename*`. Django's
    `content_disposition_header` sends only `filename*` for a non-ASCII name."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def docx_response(data, page):
    # The bytes are in memory already; a plain response also keeps `.content` for the caches.
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        filename_for(page), f"report-{page.slug}.docx"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _revision_of(page, revision):
    if revision == LATEST:
        return page.latest_revision
    if revision == LIVE:
        return page.live_revision if page.live else None
    if revision == "earliest":
        return page.revisions.order_by("created_at", "id").first()
    if revision.isascii() and revision.isdigit() and len(revision) < 19:  # never an overflow
        return page.revisions.filter(pk=int(revision)).first()
    return None


def word_draft_view(request, page_id, revision=LATEST):
    """The admin's 下载 Word 稿 (a GET, so a link can start the download)."""
    from reports.models import MonthlyReportPage

    page = get_object_or_404(MonthlyReportPage, pk=page_id)
    if not may_review(request.user, page):
        raise PermissionDenied
    chosen = _revision_of(page, revision)
    if chosen is None:
        if revision != LATEST:
            raise Http404
        content = page  # a report saved without a revision (an import, a fixture)
    else:
        content = chosen.as_object()
    # Named after the revision's own title: a draft may have moved to another period.
    return docx_response(export_report(content, site=page.get_site(), revision=chosen), content)


def draft_response_for_path(request, path):
    """The preview's 下载 Word 版 of a report that has no live page at `path` yet: the latest
    draft, for those who may review it (anyone else gets the 404 of a page that is not there)."""
    from reports.models import MonthlyReportPage

    site = Site.find_for_request(request)
    if site is None:
        return None
    url_path = f"{site.root_page.url_path}{path}"
    page = MonthlyReportPage.objects.filter(url_path=url_path, live=False).first()
    if page is None or not may_review(request.user, page):
        return None
    return word_draft_view(request, page.pk)


class WordDraftComparison:
    """A row of the compare view with the Word file of each side. The compare view binds the
    panels with its request; the two revisions are in the URL it was called with."""

    is_field = True
    is_child_relation = False

    def __init__(self, page, revision_a, revision_b):
        self.page = page
        self.revisions = (revision_a, revision_b)

    def bind(self, obj_a, obj_b):
        return self

    def field_label(self):
        return _("Word 稿")

    def has_changed(self):
        return True

    def htmldiff(self):
        labels = [_("下载 Word 稿（较早版本）"), _("下载 Word 稿（较新版本）")]
        if self.revisions[0] == LIVE:
            labels[0] = _("下载 Word 稿（已发布版本）")
        return format_html_join(
            " ",
            '<a class="button button-small button-secondary" href="{}" download>{}</a>',
            (
                (word_draft_url(self.page, revision), label)
                for revision, label in zip(self.revisions, labels, strict=True)
            ),
        )


class WordDraftPanel(Panel):
    """Shown nowhere in the edit form; contributes the 下载 Word 稿 row to the compare view."""

    class BoundPanel(Panel.BoundPanel):
        def is_shown(self):
            return False

        def get_comparison(self):
            # Wagtail's page compare URL passes (page id, revision a, revision b) positionally.
            match = getattr(self.request, "resolver_match", None)
            if match is None or match.url_name != "revisions_compare" or len(match.args) != 3:
                return []
            if self.instance is None or not may_review(self.request.user, self.instance):
                return []
            row = WordDraftComparison(self.instance, match.args[1], match.args[2])
            return [row.bind]


def awaiting_reports(user):
    """The reports waiting for `user`'s review, each with the Word file of its revision."""
    from reports.models import MonthlyReportPage

    states = (
        TaskState.objects.reviewable_by(user)
        .select_related("revision", "workflow_state")
        .order_by("-started_at")
    )
    rows = []
    for state in states:
        page = state.revision.content_object
        page = getattr(page, "specific_deferred", page)
        if isinstance(page, MonthlyReportPage):
            rows.append(
                {
                    "state": state,
                    "page": page,
                    "title": state.revision.object_str or page.title,
                    "word_url": word_draft_url(page, state.revision_id),
                    "edit_url": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                    "submitted_by": state.revision.user,
                }
            )
    return rows
