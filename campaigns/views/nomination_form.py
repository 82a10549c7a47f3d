"""What the applicant's form page shows beside the fields: each document slot with its limits and
the file stored for it, and the checklist of what is still missing before 提交. The upload of one
slot answers with the same pieces, rendered by the same templates."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from campaigns import permissions
from campaigns.checklist import checklist
from campaigns.forms import limit_text, max_upload_bytes
from campaigns.models import Nomination
from campaigns.nominations import DELETE, WITHDRAW

SLOT_TEMPLATE = "campaigns/includes/slot_stored.html"
CHECKLIST_TEMPLATE = "campaigns/includes/checklist.html"


def nomination_url(nomination, request=None, campaign=None):
    campaign = campaign or nomination.campaign
    return campaign.get_url(request) + campaign.reverse_subpage("nomination", args=[nomination.pk])


def file_url(nomination, slot_code, request=None, campaign=None):
    campaign = campaign or nomination.campaign
    return campaign.get_url(request) + campaign.reverse_subpage(
        "nomination_file", args=[nomination.pk, slot_code]
    )


def upload_url(page, slot, nomination=None, request=None):
    """Where the form sends one slot's file: the draft's, or (no draft yet) the call's, which
    creates the draft."""
    if nomination is None:
        return page.get_url(request) + page.reverse_subpage("apply_upload", args=[slot.pk])
    return page.get_url(request) + page.reverse_subpage(
        "nomination_upload", args=[nomination.pk, slot.pk]
    )


def slot_row(request, page, slot, nomination, records, field=None, applicable=None):
    """One slot of the form: its field, limits, upload address and the file stored for it (if
    the slot is the stored category's). `applicable`: the pks of those slots, when known."""
    if applicable is None:
        applicable = {s.pk for s in page.slots_for(nomination.category)} if nomination else set()
    record = records.get(slot.code) if slot.pk in applicable else None
    return {
        "slot": slot,
        "field": field,
        "record": record,
        "url": file_url(nomination, slot.code, request, page) if record else None,
        "limit": limit_text(slot),
        "max_bytes": max_upload_bytes(slot),
        "upload_url": upload_url(page, slot, nomination, request),
    }


def slot_rows(request, page, form, nomination):
    records = {record.slot_code: record for record in nomination.files.all()} if nomination else {}
    applicable = {bound.field.slot.pk for bound in form.file_fields()} & (
        {slot.pk for slot in page.slots_for(nomination.category)} if nomination else set()
    )
    return [
        slot_row(request, page, bound.field.slot, nomination, records, bound, applicable)
        for bound in form.file_fields()
    ]


def checklist_for(page, nomination):
    """The checklist of `nomination`, or of an empty one before the first save."""
    return checklist(nomination or Nomination(campaign=page))


def render_slot(request, row):
    return render_to_string(SLOT_TEMPLATE, {"row": row}, request)


def render_checklist(request, items):
    return render_to_string(CHECKLIST_TEMPLATE, {"checklist": items}, request)


def script_messages():
    """The Chinese the form's script shows (static/js/nomination_form.js), with `{name}` blanks."""
    return {
        "uploading": _("正在上传 {percent}%……"),
        "checking": _("上传完成，正在检查文件……"),
        "stored": _("{code} 已保存。"),
        "too_large": _(
            "{code} 大小 {size} MB，超过 {limit} MB 上限，未上传。请压缩后重新选择文件。"
        ),
        "failed": _("{code} 上传失败（网络中断或服务器错误），未保存。请重新选择文件上传。"),
        "busy": _("文件正在上传，请等上传完成后再保存或提交。"),
    }


def form_context(request, page, form, nomination=None):
    can = permissions.can_perform
    return {
        "page": page,
        "form": form,
        "nomination": nomination,
        "form_action": nomination_url(nomination, request, page)
        if nomination
        else page.get_url(request) + page.reverse_subpage("apply"),
        "slots": slot_rows(request, page, form, nomination),
        "checklist": checklist_for(page, nomination),
        "events": nomination.events.select_related("actor") if nomination else [],
        "can_withdraw": nomination is not None and can(request.user, nomination, WITHDRAW)[0],
        "can_delete": nomination is not None and can(request.user, nomination, DELETE)[0],
        "script_messages": script_messages(),
    }
