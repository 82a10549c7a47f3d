"""The applicant's pages under a campaign page: apply, a nomination (edit, submit, withdraw) and its
files. Thin: the form validates, `campaigns.nominations` decides and records."""

import mimetypes
import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from campaigns import drafts, permissions
from campaigns.checklist import checklist
from campaigns.forms import NominationForm
from campaigns.models import Nomination
from campaigns.nomination_errors import ActionRefused, InvalidNomination
from campaigns.nomination_files import download_name
from campaigns.nominations import SUBMIT, WITHDRAW, perform
from campaigns.views.nomination_form import file_url, form_context, nomination_url
from cms.accounts import is_email_verified
from cms.docx_cjk import DOCX_CONTENT_TYPE

CONTENT_TYPES = {
    "word": DOCX_CONTENT_TYPE,
    "pdf": "application/pdf",
}


def refused(request, page, reason, status=403):
    context = {
        "page": page,
        "title": page.title,
        "reason": reason,
        "links_template": "campaigns/includes/refused_links.html",
        "verify": request.user.is_authenticated and not is_email_verified(request.user),
    }
    return render(request, "components/refused.html", context, status=status)


def _own_nomination(request, page, pk):
    nomination = (
        Nomination.objects.filter(pk=pk, campaign=page, applicant=request.user)
        .select_related("recommender_society")
        .first()
    )
    if nomination is None:
        raise Http404
    nomination.campaign = page
    return nomination


def _form_page(request, page, form, nomination=None, status=200):
    context = form_context(request, page, form, nomination)
    return render(request, "campaigns/nomination_form.html", context, status=status)


def _files(request, page, nomination):
    applicable = {slot.code: slot for slot in page.slots_for(nomination.category)}
    return [
        {
            "record": record,
            "slot": applicable.get(record.slot_code),
            "url": file_url(nomination, record.slot_code, request, page),
        }
        for record in nomination.files.all()
    ]


def _save(request, page, form, nomination=None):
    """Keep what is valid in the posted form, every passing file included, then submit if asked
    and nothing is missing; the response either way."""
    if nomination is None and not form.has_content():
        # Nothing typed, nothing chosen: no empty draft.
        form.add_error(None, _("没有可保存的内容：请至少填写项目名称或选择一个文件。"))
        return _form_page(request, page, form)
    try:
        progress = drafts.save_progress(
            page,
            request.user,
            form.valid_data(),
            form.recommender,
            form.uploads,
            nomination=nomination,
        )
    except ActionRefused as refusal:
        return refused(request, page, refusal.reason)
    nomination = progress.nomination
    for field, errors in progress.errors.items():
        form.add_error(field, errors)
    if form.errors:
        return _form_page(request, page, form, nomination)
    if form.wants_submit:
        missing = checklist(nomination)
        for item in missing:
            form.add_error(item.key if item.key in form.fields else None, item.message)
        if missing:
            return _form_page(request, page, form, nomination)
        try:
            perform(nomination, SUBMIT, request.user)
        except ActionRefused as refusal:
            return refused(request, page, refusal.reason)
        except InvalidNomination as error:
            form.add_error(None, error.messages)
            return _form_page(request, page, form, nomination)
        messages.success(request, _("申报已提交，等待推荐单位推荐。"))
    else:
        messages.success(request, _("草稿已保存。提交前仍可修改。"))
    return redirect(nomination_url(nomination, request, page))


def apply_view(request, page):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    allowed, reason = permissions.can_apply(request.user, page)
    if not allowed:
        return refused(request, page, reason)
    form = NominationForm(page, request.POST or None, request.FILES or None)
    if request.method == "POST":
        form.is_valid()
        return _save(request, page, form)
    return _form_page(request, page, form)


def nomination_view(request, page, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    nomination = _own_nomination(request, page, pk)
    editable, reason = permissions.can_edit(request.user, nomination)
    if request.method == "POST":
        if not editable:
            return refused(request, page, reason)
        form = NominationForm(page, request.POST, request.FILES, nomination=nomination)
        form.is_valid()
        return _save(request, page, form, nomination)
    if editable:
        return _form_page(request, page, NominationForm(page, nomination=nomination), nomination)
    context = {
        "page": page,
        "nomination": nomination,
        "not_editable": reason,
        "events": nomination.events.select_related("actor"),
        "files": _files(request, page, nomination),
        "can_withdraw": permissions.can_perform(request.user, nomination, WITHDRAW)[0],
    }
    return render(request, "campaigns/nomination_detail.html", context)


def withdraw_view(request, page, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    nomination = _own_nomination(request, page, pk)
    if request.method != "POST":
        return redirect(nomination_url(nomination, request, page))
    try:
        reason = request.POST.get("reason", "")[:2000]
        perform(nomination, WITHDRAW, request.user, reason)
    except ActionRefused as refusal:
        return refused(request, page, refusal.reason)
    messages.success(request, _("申报已撤回，所占推荐名额已释放。"))
    return redirect(nomination_url(nomination, request, page))


def nomination_file_view(request, page, pk, code):
    """A nomination's file, for whoever may see the nomination (its applicant, the recommending
    society's people, the office, the experts assigned to it in an open or closed round and not
    excluded); everyone else gets 404. Range requests are answered so that a video plays in the
    page and can be sought; a PDF asked for with `?inline=1` is shown in the page (inline, and
    framable by this site only)."""
    from campaigns import review

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    nomination = Nomination.objects.filter(pk=pk, campaign=page).first()
    if nomination is None or not (
        permissions.can_view(request.user, nomination)[0]
        or review.can_see_files(request.user, nomination)
    ):
        raise Http404
    record = nomination.files.filter(slot_code=code).first()
    if record is None or not record.file:
        raise Http404
    slot = next((s for s in page.slots_for(nomination.category) if s.code == code), None)
    content_type = CONTENT_TYPES.get(slot.kind if slot else "") or (
        mimetypes.guess_type(record.file.name)[0] or "application/octet-stream"
    )
    is_video = content_type.startswith("video/")
    # `?inline=1` shows a PDF in the experts' page (an iframe of this same origin); other files
    # are downloads, whatever the query.
    inline = content_type == CONTENT_TYPES["pdf"] and request.GET.get("inline") == "1"
    handle = record.file.open("rb")
    ranged = _byte_range(request.headers.get("Range", ""), record.file.size)
    if ranged is None:
        response = FileResponse(
            handle,
            as_attachment=not (is_video or inline),  # a video plays in the page
            filename=download_name(record, slot),
            content_type=content_type,
        )
    elif ranged is _UNSATISFIABLE:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{record.file.size}"
    else:
        start, end = ranged
        response = StreamingHttpResponse(
            _read_range(handle, start, end), status=206, content_type=content_type
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{record.file.size}"
        # A part of a download is a download too (as the whole file's response says).
        response["Content-Disposition"] = content_disposition_header(
            not (is_video or inline), record.original_name
        )
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


_UNSATISFIABLE = object()
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header, size):
    """(first, last) byte of a single `bytes=` range, `_UNSATISFIABLE`, or None to send the whole
    file (no header, or one this view does not serve, such as several ranges)."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    # A position longer than any file can be (Python refuses to convert more than 4,300 digits
    # at all) stands for "beyond the end": the header is answered, never a 500.
    first, last = (_position(text) for text in match.groups())
    if first == "":  # the last `last` bytes
        length = int(last)
        if length == 0 or size == 0:
            return _UNSATISFIABLE
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return _UNSATISFIABLE
    return start, end


_MAX_DIGITS = 18  # up to an exabyte


def _position(text):
    digits = text.lstrip("0") or text[:1]  # "" stays "" (an open end), "000" is "0"
    if len(digits) > _MAX_DIGITS:
        return str(10**_MAX_DIGITS)
    return digits


def _read_range(handle, start, end, block=64 * 1024):
    try:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            data = handle.read(min(block, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()
