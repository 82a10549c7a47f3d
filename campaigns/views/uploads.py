"""The applicant's two small endpoints beside the form: one slot's file uploaded on its own (the
form's script sends each file as soon as it is chosen, with a progress bar), and the deletion of
a draft, confirmed on a page of its own."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from campaigns import drafts, permissions
from campaigns.checklist import checklist
from campaigns.forms import NominationForm
from campaigns.nomination_errors import ActionRefused
from campaigns.nominations import DELETE, perform
from campaigns.templatetags.nomination_tags import file_facts
from campaigns.views.nomination_form import (
    nomination_url,
    render_checklist,
    render_slot,
    slot_row,
)
from campaigns.views.nominations import _own_nomination, refused


def _answer(payload, status=200):
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


def _refusal(message, status, slot=None):
    return _answer({"error": message, "slot": slot.code if slot else ""}, status)


def _nomination_and_permission(request, page, pk):
    """(the applicant's own nomination or None for a new one, allowed, reason)."""
    nomination = _own_nomination(request, page, pk) if pk is not None else None
    if nomination is None:
        return None, *permissions.can_apply(request.user, page)
    return nomination, *permissions.can_edit(request.user, nomination)


def upload_view(request, page, slot_id, pk=None):
    """POST one slot's file (`file_<slot id>`) with the form's other fields. A file that passes is
    stored at once, with the draft: the first one of a new nomination creates the draft, and the
    fields that are valid are saved with it. A refused file changes nothing. JSON either way:
    `error` (and status 400/403) or the slot's and the checklist's new HTML."""
    if not request.user.is_authenticated:
        return _refusal(_("请先登录，再上传文件。"), 403)
    if request.method != "POST":
        return _refusal(_("请在申报表中选择文件上传。"), 405)
    slot = page.document_slots.filter(pk=slot_id).first()
    if slot is None:
        raise Http404
    nomination, allowed, reason = _nomination_and_permission(request, page, pk)
    if not allowed:
        return _refusal(reason, 403, slot)
    name = NominationForm.file_field_name(slot)
    upload = request.FILES.get(name)
    if upload is None:
        return _refusal(_("%(code)s：请选择要上传的文件。") % {"code": slot.code}, 400, slot)
    # Only this slot's file: the others stay as they are.
    form = NominationForm(
        page, request.POST, MultiValueDict({name: [upload]}), nomination=nomination
    )
    form.is_valid()
    if name in form.errors:
        return _refusal("；".join(form.errors[name]), 400, slot)
    try:
        progress = drafts.save_progress(
            page, request.user, form.valid_data(), form.recommender, form.uploads, nomination
        )
    except ActionRefused as refusal:
        return _refusal(refusal.reason, 403, slot)
    nomination = progress.nomination
    if name in progress.errors:
        return _refusal("；".join(progress.errors.pop(name)), 400, slot)
    records = {record.slot_code: record for record in nomination.files.all()}
    row = slot_row(request, page, slot, nomination, records)
    field_errors = {key: list(errors) for key, errors in form.errors.items()}
    for key, errors in progress.errors.items():
        field_errors.setdefault(key, []).extend(errors)
    return _answer(
        {
            "message": _("%(code)s 已保存（%(facts)s）。")
            % {"code": slot.code, "facts": file_facts(records[slot.code].facts)},
            "nomination_url": nomination_url(nomination, request, page),
            "slot_html": render_slot(request, row),
            "checklist_html": render_checklist(request, checklist(nomination)),
            "field_errors": field_errors,
        }
    )


def delete_view(request, page, pk):
    """删除草稿: a page that asks, and a POST that deletes the draft with its files."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    nomination = _own_nomination(request, page, pk)
    allowed, reason = permissions.can_perform(request.user, nomination, DELETE)
    if not allowed:
        return refused(request, page, reason)
    if request.method == "POST":
        name = nomination.display_name
        try:
            perform(nomination, DELETE, request.user)
        except ActionRefused as refusal:
            return refused(request, page, refusal.reason)
        messages.success(
            request, _("草稿“%(name)s”已删除，已上传的文件一并删除。") % {"name": name}
        )
        return redirect("my_nominations")
    context = {
        "page": page,
        "nomination": nomination,
        "files": list(nomination.files.all()),
        "back": nomination_url(nomination, request, page),
    }
    return render(request, "campaigns/delete_draft.html", context)
