"""The public notice (公示) under a campaign page: the list of selected items, the objection form
and an objection's attachment. Thin: `campaigns.notice` and `campaigns.objections` decide and
record."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import objections
from campaigns.models import Objection, PublicNotice
from campaigns.nomination_errors import ActionRefused
from campaigns.notice import (
    can_object,
    can_view_attachment,
    final_round,
    listed_entry,
    notice_entries,
    notice_state,
    period_text,
)
from campaigns.views.nominations import refused


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("异议理由"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
        error_messages={"required": gettext_lazy("异议理由：必须填写。")},
    )
    attachment = forms.FileField(
        label=gettext_lazy("附件（可选）"),
        required=False,
        help_text=gettext_lazy("PDF、图片（PNG/JPEG）或 Word（.docx），不超过 20 MB。"),
    )


def notice_url(page, request=None):
    return page.get_url(request) + page.reverse_subpage("notice")


def objection_url(page, entry_id, request=None):
    return page.get_url(request) + page.reverse_subpage("objection", args=[entry_id])


def attachment_url(page, objection_id, request=None):
    return page.get_url(request) + page.reverse_subpage("objection_attachment", args=[objection_id])


def _notice_of(page):
    notice = PublicNotice.objects.filter(campaign=page).first()
    if notice is None:
        raise Http404
    notice.campaign = page
    return notice


def notice_view(request, page):
    """Public: the selected items with the period; while the notice is open, a link to object to
    each. Before the notice starts there is nothing to show yet."""
    notice = _notice_of(page)
    today = timezone.localdate()
    started = today >= notice.starts_on
    is_open, state = notice_state(notice, today)
    entries = []
    if started:
        round_ = final_round(page)
        entries = notice_entries(round_) if round_ else []
    for entry in entries:
        entry.objection_url = objection_url(page, entry.pk, request)
    own = []
    if request.user.is_authenticated:
        own = list(
            Objection.objects.filter(notice=notice, filed_by=request.user)
            .select_related("nomination")
            .order_by("-filed_at")
        )
        for objection in own:
            if objection.attachment:
                objection.attachment_url = attachment_url(page, objection.pk, request)
    context = {
        "page": page,
        "notice": notice,
        "period": period_text(notice),
        "started": started,
        "is_open": is_open,
        "state": state,
        "entries": entries,
        "own_objections": own,
    }
    return render(request, "campaigns/notice/notice.html", context)


def objection_view(request, page, entry_id):
    """The objection form for one listed item: member-society people and verified visitors,
    during the notice period only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    notice = _notice_of(page)
    allowed, reason = can_object(request.user, notice)
    if not allowed:
        return refused(request, page, reason)
    entry = listed_entry(notice, entry_id)
    if entry is None:
        raise Http404
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objections.file_objection(
                notice,
                request.user,
                entry,
                form.cleaned_data["reason"],
                form.cleaned_data.get("attachment"),
            )
        except ActionRefused as refusal:
            return refused(request, page, refusal.reason)
        except objections.InvalidObjection as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("异议已提交，联合体秘书处将予以处理。"))
            return redirect(notice_url(page, request))
    status = 400 if request.method == "POST" else 200
    context = {
        "page": page,
        "notice": notice,
        "period": period_text(notice),
        "entry": entry,
        "form": form,
    }
    return render(request, "campaigns/notice/objection_form.html", context, status=status)


def objection_attachment_view(request, page, pk):
    """An objection's attachment, for its filer and the office only; everyone else gets 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    objection = Objection.objects.filter(pk=pk, notice__campaign=page).first()
    if objection is None or not objection.attachment:
        raise Http404
    if not can_view_attachment(request.user, objection)[0]:
        raise Http404
    extension = "." + objection.attachment.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        objection.attachment.open("rb"),
        as_attachment=True,
        filename=_("异议附件-%(pk)d%(ext)s") % {"pk": objection.pk, "ext": extension},
        content_type=objections.ATTACHMENT_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
