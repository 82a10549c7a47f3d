"""Helpers of the reports tests: the admin's report form as a browser posts it, pictures and
workstreams for a report's content."""

import io

from django.core.files.images import ImageFile
from django.urls import reverse
from lxml import html as lxml_html
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.test.utils.form_data import inline_formset, nested_form_data


def report_form(start, end, progress=(), plans=(), press=()):
    return nested_form_data(
        {
            "period_start": start,
            "period_end": end,
            "progress_entries": inline_formset(
                [{"workstream": ws.pk, "body": body} for ws, body in progress]
            ),
            "press_releases": inline_formset([{"news_page": page.pk} for page in press]),
            "plan_entries": inline_formset(
                [{"workstream": ws.pk, "body": body} for ws, body in plans]
            ),
        }
    )


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("reports", "monthlyreportpage", parent.pk))


def form_data(html):
    """What a browser submits from the admin edit form as it was rendered."""
    tree = lxml_html.fromstring(html)
    [form] = tree.xpath("//form[@id='page-edit-form']")
    data = {}
    for field in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        name, tag = field.get("name"), field.tag
        if tag == "textarea":  # a browser drops the newline that opens the element
            data[name] = (field.text or "").removeprefix("\r").removeprefix("\n")
        elif tag == "select":
            selected = field.xpath(".//option[@selected]")
            data[name] = selected[0].get("value") if selected else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.get("checked") is not None:
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def png_image(title="会议现场"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name="meeting.png"))


def by_name(workstreams, name):
    return next(w for w in workstreams if w.name == name)
