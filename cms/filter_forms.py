"""The visitors' filters of the public listings (activities, the 双十 showcase). Each condition
is checked on its own: a bad one is named in a note and ignored, the others still apply."""

from django import forms
from django.utils.translation import gettext_lazy as _


def ignored(label):
    """The note for a value outside a select's choices (`invalid_choice`)."""
    return _("%(label)s：“%%(value)s”不在可选范围内，已忽略这一条件。") % {"label": label}


class FilterForm(forms.Form):
    def filters(self):
        """The valid, non-empty conditions (call after `is_valid()`)."""
        return {
            key: value
            for key, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "")
        }

    def notes(self):
        """What was ignored, and why."""
        return [error for field in self for error in field.errors]
