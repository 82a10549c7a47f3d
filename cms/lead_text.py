"""A page's lead (导语, 摘要) and the body it introduces.

The report importer takes a press release's lead from its first sentence, and demo and feed
activities have a summary that is also their first paragraph: printed above the body, the same
sentence would be read twice, on the page and in a search excerpt."""

import re

from cms.search_text import field_text

# A lead cut to fit ends with an ellipsis; what is left of it still opens the body.
_TRAILING_ELLIPSIS = re.compile(r"(…+|\.{3,})$")
_SPACE = re.compile(r"\s+")


def _normalised(text):
    return _SPACE.sub("", text or "")


def body_repeats_lead(lead, body_text):
    """True when `body_text` opens with `lead` (whitespace aside, a cut lead by what is left)."""
    lead = _TRAILING_ELLIPSIS.sub("", _normalised(lead))
    return bool(lead) and _normalised(body_text).startswith(lead)


class LeadMixin:
    """For a page type with a lead field (`lead_field`) and a `body` StreamField: `show_lead` tells
    the template whether to print the lead, and the search text leaves a repeated lead out."""

    lead_field = "lead"

    @property
    def show_lead(self):
        lead = getattr(self, self.lead_field)
        return bool(lead) and not body_repeats_lead(lead, field_text(self, "body"))

    def search_text(self):
        text = super().search_text()
        lead = getattr(self, self.lead_field)
        if lead and not self.show_lead:
            # The body says it already: drop the lead's own line from the text.
            lines = text.split("\n")
            if lead in lines:
                lines.remove(lead)
            text = "\n".join(lines)
        return text
