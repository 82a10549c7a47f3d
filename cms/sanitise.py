"""Markdown written by editors, rendered to HTML that is safe to show.

Rendering always sanitises (nh3 with an allowlist); `validate_markdown` additionally refuses
text that tries to carry script, so the editor learns about it instead of seeing it vanish."""

import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from lxml import html as lxml_html

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]

_DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "form", "svg", "math"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20]+")


def sanitise_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def markdown_to_unsafe_html(text):
    return markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")


def render_markdown(text):
    """Markdown → sanitised HTML, marked safe for templates."""
    return mark_safe(sanitise_html(markdown_to_unsafe_html(text)))  # noqa: S308 (sanitised)


def script_problems(text):
    """What in this Markdown would run script in a browser, described for the editor."""
    raw = markdown_to_unsafe_html(text)
    if not raw.strip():
        return []
    problems = []
    for element in lxml_html.fragments_fromstring(f"<div>{raw}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in _DANGEROUS_TAGS:
            problems.append(_("<%(tag)s> 标签") % {"tag": tag})
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                problems.append(_("%(attr)s 事件属性") % {"attr": lowered})
            elif lowered in _URL_ATTRIBUTES and _BAD_SCHEME.match(_CONTROL.sub("", value)):
                problems.append(_("%(scheme)s 链接") % {"scheme": value.split(":", 1)[0].strip()})
    return list(dict.fromkeys(problems))


def validate_markdown(text):
    problems = script_problems(text)
    if problems:
        raise ValidationError(
            _("正文不能包含脚本，请删除：%(problems)s。") % {"problems": "、".join(problems)},
            code="script",
        )
