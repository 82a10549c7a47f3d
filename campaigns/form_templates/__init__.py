"""Blank forms an applicant downloads from a campaign page, generated from the campaign's data.

* 文件1, the recommendation form (推荐表), one for each Word slot: the title, the header table,
  the note with the slot's character limit, and the slot's sections laid out the way the 2024
  form prescribes — 一级标题 小三黑体加粗, 二级标题 四号宋体加粗,
  三级标题 小四宋体加粗 首行缩进2字符, 正文 小四宋体 首行缩进2字符, all at 1.5 line spacing —
  with sample sub-headings under each section.
* 文件3, the commitment letter (承诺书), in the wording of the campaign's year (seed 000 for 2021,
  seed 001 for 2024 and, as the latest wording, for every other year).

Both use the Chinese document helpers of `cms.docx_cjk` (shared with the report export), so every
run has explicit East-Asian fonts and a zh-CN language tag. Here the registry of a campaign's
templates; the forms are `recommendation` and `commitment`, on the shared `layout`, named by
`naming`. Callers import from this package."""

import re
from dataclasses import dataclass

from campaigns.form_templates.commitment import COMMITMENT_CODE, commitment_letter
from campaigns.form_templates.layout import (
    BODY_PLACEHOLDER,
    EXPLANATION_LEAD,
    LEVEL1_PLACEHOLDER,
    LEVEL2_PLACEHOLDER,
    LEVEL3_PLACEHOLDER,
    PLACEHOLDERS,
)
from campaigns.form_templates.naming import (
    commitment_title,
    programme_name,
    recommendation_title,
    recommender_label,
    safe_filename_part,
    short_label,
)
from campaigns.form_templates.recommendation import (
    note_text,
    numbered_title,
    recommendation_form,
    sample_markers,
)
from campaigns.models import SlotKind

__all__ = [
    "BODY_PLACEHOLDER",
    "COMMITMENT",
    "COMMITMENT_CODE",
    "EXPLANATION_LEAD",
    "LEVEL1_PLACEHOLDER",
    "LEVEL2_PLACEHOLDER",
    "LEVEL3_PLACEHOLDER",
    "PLACEHOLDERS",
    "RECOMMENDATION",
    "FormTemplate",
    "commitment_letter",
    "find_template",
    "note_text",
    "numbered_title",
    "programme_name",
    "recommendation_form",
    "recommender_label",
    "safe_filename_part",
    "sample_markers",
    "short_label",
    "template_kind",
    "templates_for",
]

RECOMMENDATION = "recommendation"
COMMITMENT = "commitment"


@dataclass(frozen=True)
class FormTemplate:
    campaign: object
    slot: object
    kind: str
    index: int = 1  # 1, 2, … among templates sharing the slot code (the MIIT call's two 文件1)

    @property
    def code(self):
        return self.slot.code

    @property
    def category(self):
        return self.slot.category_name

    @property
    def title(self):
        if self.kind == COMMITMENT:
            return commitment_title(self.campaign)
        return recommendation_title(self.campaign, self.slot)

    @property
    def filename(self):
        """`2024-文件1-推荐表.docx`."""
        name = "承诺书" if self.kind == COMMITMENT else short_label(self.slot.label)
        parts = [str(self.campaign.year), self.code, name]
        return "-".join(safe_filename_part(p) for p in parts if p) + ".docx"

    @property
    def ascii_filename(self):
        """For clients that cannot read an RFC 5987 name: `2024-china-progress-form.docx`."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "", self.campaign.slug or "").strip("-.") or (
            f"{self.campaign.year}-campaign"
        )
        kind = "commitment" if self.kind == COMMITMENT else "form"
        suffix = f"-{self.index}" if self.index > 1 else ""
        return f"{slug}-{kind}{suffix}.docx"

    def render(self):
        if self.kind == COMMITMENT:
            return commitment_letter(self.campaign)
        return recommendation_form(self.campaign, self.slot)


def template_kind(slot):
    """Which blank form a slot offers: every Word slot its 文件1-style form, the 文件3 slot the
    commitment letter, the others none. (The campaign page's download list applies the same
    rule.)"""
    if slot.kind == SlotKind.WORD:
        return RECOMMENDATION
    if slot.code == COMMITMENT_CODE:
        return COMMITMENT
    return None


def templates_for(campaign):
    """The campaign's downloadable templates, in slot order."""
    templates = []
    seen = {}
    for slot in campaign.document_slots.all():
        kind = template_kind(slot)
        if kind is None:
            continue
        seen[slot.code] = seen.get(slot.code, 0) + 1
        templates.append(FormTemplate(campaign, slot, kind, seen[slot.code]))
    return templates


def find_template(campaign, code, category=None):
    """The template for slot `code` (and, where a campaign has one form per category, for
    `category`; without it, the first). None if there is no such template."""
    candidates = [t for t in templates_for(campaign) if t.code == code]
    if category:
        candidates = [t for t in candidates if t.category == category]
    return candidates[0] if candidates else None
