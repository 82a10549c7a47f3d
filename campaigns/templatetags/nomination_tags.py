import math

from django import template
from django.utils.translation import gettext as _

from cms.upload_checks import megabytes

register = template.Library()


@register.filter
def file_facts(facts):
    """What the checks measured, as one line:
    `共 4,213 字；必备部分 4/4；时长 10分32秒；3 页；1.2 MB`."""
    facts = facts or {}
    parts = []
    if "characters" in facts:
        parts.append(_("共 %(count)s 字") % {"count": f"{facts['characters']:,}"})
    if facts.get("sections"):
        sections = facts["sections"]
        # A heading with nothing under it is not the section yet.
        found = sum(1 for s in sections if s.get("found") and not s.get("empty"))
        parts.append(_("必备部分 %(found)d/%(total)d") % {"found": found, "total": len(sections)})
    if "duration_seconds" in facts:
        minutes, seconds = divmod(math.ceil(facts["duration_seconds"]), 60)
        parts.append(_("时长 %(m)d分%(s)d秒") % {"m": minutes, "s": seconds})
    if "pages" in facts:
        parts.append(_("%(pages)d 页") % {"pages": facts["pages"]})
    if "size" in facts:
        parts.append(file_size(facts["size"]))
    return "；".join(parts)


def file_size(size):
    if size >= 1024 * 1024:
        return f"{megabytes(size)} MB"
    return f"{max(1, math.ceil(size / 1024))} KB"
