"""A notification's words: its kind's subject and body templates inside the one layout every
mail shares (`templates/cms/notifications/email.txt`, `email.html`), with the federation's
name, the link to act on and, for a kind one may turn off, the unsubscribe link."""

from dataclasses import dataclass
from html import unescape

from django.template.loader import render_to_string
from django.utils.html import linebreaks

# The sender every mail names, whatever a site's settings call the site.
FEDERATION_NAME = "中国科协智能制造学会联合体"
# A phone's mail list shows about this many characters of a subject.
SUBJECT_LENGTH = 60


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # the kind's own text, for the inbox
    text_body: str  # the whole plain-text mail
    html_body: str


def render(kind, context, link, unsubscribe_url=""):
    context = {**context, "link": link, "federation_name": FEDERATION_NAME}
    # Plain text: what the template engine escaped for HTML (a title's & or ") reads as it is.
    subject = " ".join(unescape(render_to_string(kind.subject_template, context)).split())
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    text = unescape(render_to_string(kind.text_template, context)).strip()
    if kind.html_template:
        html = render_to_string(kind.html_template, context)
    else:
        html = linebreaks(text, autoescape=True)
    layout = {
        **context,
        "subject": subject,
        "text": text,
        "html": html,
        "unsubscribe_url": unsubscribe_url,
        "kind_label": kind.label,
    }
    return Rendered(
        subject=subject,
        text=text,
        text_body=render_to_string("cms/notifications/email.txt", layout),
        html_body=render_to_string("cms/notifications/email.html", layout),
    )
