"""Saving an applicant's work as it comes, so that nothing valid is lost to one refusal.

A draft keeps whatever passed: the fields that are valid (a draft may still lack some; the
checklist of `campaigns.checklist.checklist` says which) and every file that passed its checks,
each stored at once, whether it came alone (the upload of one slot) or with the whole form. What
is refused changes nothing: an invalid field keeps its stored value, a refused file leaves its
slot as it was. Submitting is a separate step (`nominations.perform(…, SUBMIT)`), which demands
everything."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns import permissions
from campaigns.models import Nomination, NominationStatus
from campaigns.models.nominations import QUOTA_STATES
from campaigns.nomination_errors import ActionRefused, InvalidNomination
from campaigns.nomination_files import store_file
from campaigns.nominations import (
    CREATE,
    NONE,
    assign_fields,
    locked,
    log_event,
    save_unique,
    update_fields,
)
from campaigns.quotas import lock_campaign


@dataclass
class Progress:
    nomination: Nomination
    # Form field → messages for what was valid on its own but refused on saving (a name another
    # nomination has, a full quota, a file whose slot is not the stored category's).
    errors: dict = field(default_factory=dict)
    stored: list = field(default_factory=list)  # the slots whose file was stored


def save_progress(campaign, user, data, recommender, uploads=(), nomination=None, today=None):
    """Create the draft (`nomination=None`) or update `nomination` with what is valid: `data`
    (some of `NOMINATION_FIELDS`), `recommender` (None: unchanged) and `uploads`, (slot, file,
    passing `CheckResult`) triples. Each part is saved on its own, so a part refused on saving
    is reported in `Progress.errors` and the others are kept. Raises `ActionRefused` when the
    user may not apply or edit now; then nothing is saved."""
    errors = {}
    stored_files = []
    try:
        with transaction.atomic():
            if nomination is None:
                nomination = _create(campaign, user, data, recommender, errors, today)
            else:
                if nomination.status in QUOTA_STATES:
                    lock_campaign(campaign.pk)  # always before the nomination's row
                nomination = _update(nomination, user, data, recommender, errors, today)
            nomination.campaign = campaign
            applicable = {slot.pk for slot in campaign.slots_for(nomination.category)}
            stored = []
            for slot, upload, result in uploads:
                if slot.pk not in applicable:
                    errors.setdefault(f"file_{slot.pk}", []).append(_not_applicable(slot))
                    continue
                stored_files.append(store_file(nomination, slot, upload, result))
                stored.append(slot)
    except Exception:
        for file in stored_files:
            file.storage.delete(file.name)
        raise
    return Progress(nomination, errors, stored)


def _create(campaign, user, data, recommender, errors, today):
    allowed, why = permissions.can_apply(user, campaign, today)
    if not allowed:
        raise ActionRefused(why)
    nomination = Nomination(campaign=campaign, applicant=user, status=NominationStatus.DRAFT)
    name = data.get("project_name", "")
    if name and Nomination.objects.filter(campaign=campaign, project_name=name).exists():
        errors.setdefault("project_name", []).append(_duplicate(name))
        data = {key: value for key, value in data.items() if key != "project_name"}
    assign_fields(nomination, data, recommender)
    save_unique(nomination)
    log_event(nomination, CREATE, user, NONE)
    return nomination


def _update(nomination, user, data, recommender, errors, today):
    nomination = locked(nomination.pk)
    allowed, why = permissions.can_edit(user, nomination, today)
    if not allowed:
        raise ActionRefused(why)
    try:
        with transaction.atomic():
            update_fields(nomination, data, recommender)
    except InvalidNomination as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        nomination.refresh_from_db()
    return nomination


def _duplicate(name):
    return _("项目名称：本征集活动中已有名为“%(name)s”的申报，同一项目不能重复申报。") % {
        "name": name
    }


def _not_applicable(slot):
    return _("%(code)s（%(label)s）只适用于“%(only)s”类别，请先选择该类别并保存。") % {
        "code": slot.code,
        "label": slot.label,
        "only": slot.category_name,
    }
