"""Yes/no fields in the admin's compare view read as words (是/否), not as Python's True/False.

Wagtail compares a BooleanField with its generic comparison, which prints the value itself; the
registry is global, so this applies to every model's yes/no fields (the entries' 隐藏 too)."""

from django.db import models
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.admin.compare import FieldComparison, TextDiff, register_comparison_class


def yes_no(value):
    if value is None:
        return ""
    return _("是") if value else _("否")


class BooleanFieldComparison(FieldComparison):
    def htmldiff(self):
        a, b = yes_no(self.val_a), yes_no(self.val_b)
        if self.val_a != self.val_b:
            return TextDiff([("deletion", a), ("addition", b)]).to_html()
        return escape(a)


register_comparison_class(models.BooleanField, comparison_class=BooleanFieldComparison)
