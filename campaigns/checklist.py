"""What a nomination still lacks before it can be submitted: the applicant's checklist above 提交,
and the reasons a submission is refused (the quota apart)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.models import Nomination
from campaigns.nomination_errors import InvalidNomination
from campaigns.recommenders import category_error, recommender_choice_of, resolve_recommender


@dataclass(frozen=True)
class Missing:
    """What a nomination still lacks before it can be submitted: `key` is the form field (a
    nomination field, or `file_<slot id>`), `message` names it and what is wanted."""

    key: str
    message: str


# The fields a submitted nomination must have, in the form's order.
REQUIRED_TEXT_FIELDS = ("applicant_organisation", "contact_person", "phone", "email")


def _required_text(nomination, name):
    if (getattr(nomination, name) or "").strip():
        return []
    label = Nomination._meta.get_field(name).verbose_name
    return [Missing(name, _("%(label)s：必须填写。") % {"label": label})]


def checklist(nomination):
    """Everything `nomination` still lacks before it can be submitted, in the form's order: the
    applicant's checklist above 提交 and the reasons a submission is refused (the quota apart)."""
    campaign = nomination.campaign
    items = _required_text(nomination, "project_name")
    if not nomination.category:
        items.append(Missing("category", _("类别：必须选择。")))
    elif error := category_error(campaign, nomination.category):
        items.append(Missing("category", error))
    choice = recommender_choice_of(nomination)
    if not choice:
        items.append(Missing("recommender", _("推荐单位：必须选择。")))
    else:
        try:
            resolve_recommender(campaign, choice, nomination.recommender_name)
        except InvalidNomination as error:
            items += [
                Missing(field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
    for name in REQUIRED_TEXT_FIELDS:
        items += _required_text(nomination, name)
    files = {record.slot_code: record for record in nomination.files.all()} if nomination.pk else {}
    for slot in campaign.slots_for(nomination.category):
        record = files.get(slot.code)
        key = f"file_{slot.pk}"
        if record is None:
            if slot.required:
                items.append(
                    Missing(
                        key,
                        _("%(code)s（%(label)s）：必须提交，尚未上传。")
                        % {"code": slot.code, "label": slot.label},
                    )
                )
        elif not record.check_ok:
            items.append(
                Missing(
                    key,
                    _("%(code)s（%(label)s）未通过检查：%(failures)s")
                    % {
                        "code": slot.code,
                        "label": slot.label,
                        "failures": "；".join(record.check_failures),
                    },
                )
            )
    return items


def submission_problems(nomination):
    """Why `nomination` cannot be submitted as it stands (empty when it can)."""
    return [item.message for item in checklist(nomination)]
