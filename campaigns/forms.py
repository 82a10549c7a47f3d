"""The applicant's nomination form and the reviewers' decision form."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Nomination, NominationStatus, SlotKind
from campaigns.nomination_errors import InvalidNomination
from campaigns.nomination_files import check_upload
from campaigns.nominations import ACTION_LABELS, NOMINATION_FIELDS
from campaigns.recommenders import (
    NO_RECOMMENDER,
    category_error,
    recommender_choice_of,
    recommender_choices,
    resolve_recommender,
)
from cms.upload_checks import megabytes

SAVE = "save"
SUBMIT = "submit"


def _max_length_message(label, limit):
    return gettext_lazy("%(label)s：不能超过 %(limit)d 个字符（现有 %%(show_value)d 个）。") % {
        "label": label,
        "limit": limit,
    }


def _text_field(name, **kwargs):
    model_field = Nomination._meta.get_field(name)
    label = str(model_field.verbose_name)
    return forms.CharField(
        label=label,
        max_length=model_field.max_length,
        error_messages={
            "required": _("%(label)s：必须填写。") % {"label": label},
            "max_length": _max_length_message(label, model_field.max_length),
        },
        **kwargs,
    )


# What the file chooser offers for each kind of slot.
ACCEPT = {SlotKind.WORD: ".docx", SlotKind.VIDEO: ".mp4,.mov", SlotKind.PDF: ".pdf"}


def max_upload_bytes(slot):
    """The largest file the slot takes: its own limit, and for Word forms the site's limit for
    any .docx, whichever is smaller."""
    limit = slot.rules().max_size_bytes
    if slot.kind == SlotKind.WORD:
        docx_limit = settings.LIANHE_DOCX_MAX_UPLOAD_BYTES
        limit = min(limit, docx_limit) if limit else docx_limit
    return limit


def limit_text(slot):
    """What the slot takes, shown beside its input: `Word 文档（.docx），不超过 20 MB，不超过
    5,000 字`."""
    parts = [
        {
            SlotKind.WORD: _("Word 文档（.docx）"),
            SlotKind.VIDEO: _("MP4 或 MOV 视频"),
            SlotKind.PDF: _("PDF 文档"),
        }[slot.kind]
    ]
    if limit := max_upload_bytes(slot):
        parts.append(_("不超过 %(size)s MB") % {"size": megabytes(limit)})
    if slot.kind == SlotKind.WORD and slot.char_limit:
        parts.append(_("不超过 %(count)s 字") % {"count": f"{slot.char_limit:,}"})
    if slot.kind == SlotKind.VIDEO and slot.max_video_minutes:
        parts.append(
            _("时长不超过 %(minutes)s 分钟") % {"minutes": f"{float(slot.max_video_minutes):g}"}
        )
    return _("，").join(parts)


class NominationForm(forms.Form):
    """Fields of a nomination plus one upload per document slot of the campaign. Choices come from
    the campaign; values outside them are refused with a message naming the field.

    A draft (a new nomination, or one still in 草稿) may lack any field: what is there is checked,
    what is missing is listed by `checklist.checklist` and demanded on submission. A nomination
    that was submitted before (returned for changes) keeps every field filled in."""

    project_name = _text_field("project_name")
    category = forms.CharField(label=gettext_lazy("类别"), widget=forms.Select)
    recommender = forms.CharField(label=gettext_lazy("推荐单位"), widget=forms.Select)
    recommender_name = forms.CharField(
        label=gettext_lazy("推荐专家姓名"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("由专家推荐时填写推荐专家的姓名。"),
        error_messages={"max_length": _max_length_message(gettext_lazy("推荐专家姓名"), 100)},
    )
    applicant_organisation = _text_field("applicant_organisation")
    contact_person = _text_field("contact_person")
    phone = _text_field(
        "phone",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        validators=[
            RegexValidator(
                r"^[0-9+\-()（）\s,，转]*[0-9][0-9+\-()（）\s,，转]*$",
                gettext_lazy("电话：只能包含数字、空格和“+ - ( )”，例如 010-68799025。"),
            )
        ],
    )
    email = forms.EmailField(
        label=gettext_lazy("邮箱"),
        max_length=254,
        error_messages={
            "required": gettext_lazy("邮箱：必须填写。"),
            "invalid": gettext_lazy("邮箱：请填写有效的邮箱地址，例如 name@example.com。"),
        },
    )
    # Filled in for a submission, marked as such on the form.
    REQUIRED = (
        "project_name",
        "category",
        "recommender",
        "applicant_organisation",
        "contact_person",
        "phone",
        "email",
    )

    def __init__(self, campaign, *args, nomination=None, **kwargs):
        if nomination is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(nomination, name) for name in NOMINATION_FIELDS},
                "recommender": recommender_choice_of(nomination),
                "recommender_name": nomination.recommender_name,
            }
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.nomination = nomination
        self.draft = nomination is None or nomination.status == NominationStatus.DRAFT
        self.slots = list(campaign.document_slots.all())
        self.uploads = []
        self.recommender = None
        categories = [c.name for c in campaign.categories.all()]
        self.fields["category"].widget.choices = [("", "—"), *((n, n) for n in categories)]
        self.fields["recommender"].widget.choices = [
            ("", "—"),
            *recommender_choices(campaign),
        ]
        if campaign.recommender_types.exists():
            name_field = self.fields["recommender_name"]
            name_field.label = _("推荐单位名称")
            name_field.help_text = _("填写推荐单位的名称，例如“江苏省”“宁波市”或中央企业名称。")
            name_field.error_messages["max_length"] = _max_length_message(name_field.label, 100)
        for field_name in ("category", "recommender"):
            label = self.fields[field_name].label
            self.fields[field_name].error_messages["required"] = _("%(label)s：必须选择。") % {
                "label": label
            }
        for field_name in self.REQUIRED:
            field = self.fields[field_name]
            # Marked for everyone; enforced here only where a blank would undo a submission.
            field.required = not self.draft
            field.widget.attrs.update({"required": True, "aria-required": "true"})
        existing = {f.slot_code: f for f in nomination.files.all()} if nomination else {}
        applicable = self._applicable()
        for slot in self.slots:
            label = f"{slot.code} {slot.label}"
            if slot.category_name:
                label += _("（仅“%(category)s”类别）") % {"category": slot.category_name}
            stored = existing.get(slot.code) if slot in applicable else None
            attrs = {"accept": ACCEPT.get(slot.kind, ""), "aria-describedby": f"limit-{slot.pk}"}
            if limit := max_upload_bytes(slot):
                attrs["data-max-bytes"] = str(limit)
            if slot.required and stored is None:
                attrs["aria-required"] = "true"
            field = forms.FileField(
                label=label,
                required=False,
                help_text=slot.description,
                widget=forms.FileInput(attrs=attrs),
                error_messages={"empty": _("%(code)s 是空文件") % {"code": slot.code}},
            )
            field.slot = slot
            field.existing = stored
            self.fields[self.file_field_name(slot)] = field

    @staticmethod
    def file_field_name(slot):
        return f"file_{slot.pk}"

    def file_fields(self):
        return [self[self.file_field_name(slot)] for slot in self.slots]

    def _applicable(self, category=None):
        category = category or (self.nomination.category if self.nomination else None)
        return self.campaign.slots_for(category) if category else []

    def clean_category(self):
        category = self.cleaned_data["category"]
        if not category:
            return category  # a draft's, still to be chosen
        if error := category_error(self.campaign, category):
            raise forms.ValidationError(error, code="invalid_category")
        return category

    def clean_project_name(self):
        name = self.cleaned_data["project_name"].strip()
        if not name:
            return name
        others = Nomination.objects.filter(campaign=self.campaign, project_name=name)
        if self.nomination is not None:
            others = others.exclude(pk=self.nomination.pk)
        if others.exists():
            raise forms.ValidationError(
                _("项目名称：本征集活动中已有名为“%(name)s”的申报，同一项目不能重复申报。")
                % {"name": name},
                code="duplicate",
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if "recommender" in cleaned:
            try:
                self.recommender = resolve_recommender(
                    self.campaign,
                    cleaned["recommender"],
                    cleaned.get("recommender_name", ""),
                    draft=self.draft,
                )
            except InvalidNomination as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        # The files go with the category being saved: the one chosen, else the stored one.
        category = cleaned.get("category") or ("" if "category" in cleaned else None)
        if category is None and self.nomination is not None:
            category = self.nomination.category
        for slot in self.slots:
            field_name = self.file_field_name(slot)
            upload = cleaned.get(field_name)
            if not upload:
                continue
            if error := self._slot_error(slot, category or ""):
                self.add_error(field_name, error)
                continue
            result = check_upload(slot, upload)
            if result.ok:
                self.uploads.append((slot, upload, result))
            else:
                self.add_error(field_name, result.failures)
        return cleaned

    def _slot_error(self, slot, category):
        if not slot.category_name or slot.category_name == category:
            return None
        if not category:
            return _("%(code)s（%(label)s）只适用于“%(only)s”类别：请先选择类别。") % {
                "code": slot.code,
                "label": slot.label,
                "only": slot.category_name,
            }
        return _("%(code)s（%(label)s）只适用于“%(only)s”类别，所选类别是“%(category)s”。") % {
            "code": slot.code,
            "label": slot.label,
            "only": slot.category_name,
            "category": category,
        }

    def valid_data(self):
        """The nomination's fields that passed (after `is_valid()`): what a save keeps."""
        return {
            name: self.cleaned_data[name]
            for name in NOMINATION_FIELDS
            if name in self.cleaned_data and name not in self.errors
        }

    def has_content(self):
        """Whether there is anything to keep: a field filled in, a recommender, a file."""
        chosen = self.recommender not in (None, NO_RECOMMENDER)
        return chosen or bool(self.uploads) or any(self.valid_data().values())

    @property
    def wants_submit(self):
        return self.data.get("action") == SUBMIT


class DecisionForm(forms.Form):
    """A recommender's or the office's decision: the action and the reason."""

    action = forms.ChoiceField(label=gettext_lazy("决定"))
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _max_length_message(gettext_lazy("理由"), 2000)},
    )

    def __init__(self, actions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, ACTION_LABELS[a]) for a in actions]
        self.fields["action"].error_messages["invalid_choice"] = _(
            "决定：“%(value)s”不是您现在可以做的决定。"
        )
