"""Feed entries → what is kept of them: their text and HTML cleaned for the body's rich text,
their kind guessed from the title, their date read (and refused when no calendar has it).
No database here: `activities.ingest` stores what this gives."""

import datetime
import hashlib
import html
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import nh3
from django.utils.translation import gettext as _
from lxml import html as lxml_html

from activities.models import ActivityKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
# RSS appeared in 1999: an earlier date is a placeholder (1970-01-01, 0001-01-01), and a
# publication date more than a year after the fetch is a typo (9999-12-31, 2201 for 2021).
EARLIEST_DATE = datetime.date(1999, 1, 1)
LATEST_AHEAD = datetime.timedelta(days=366)

# What the body's rich text (cms.blocks.BodyBlock paragraph: bold, italic, link, ol, ul) holds.
BODY_TAGS = {"p", "br", "b", "strong", "i", "em", "a", "ul", "ol", "li"}
BODY_BLOCKS = {"p", "ul", "ol"}
_HEADING_OPEN = re.compile(r"<h[1-6](\s[^>]*)?>", re.IGNORECASE)
_HEADING_CLOSE = re.compile(r"</h[1-6]\s*>", re.IGNORECASE)
_DIV_OPEN = re.compile(r"<(div|section|article|blockquote)(\s[^>]*)?>", re.IGNORECASE)
_DIV_CLOSE = re.compile(r"</(div|section|article|blockquote)\s*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|tr|blockquote)\s*>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_EMPTY_LINK = re.compile(r'<a(?:\s+href="")?\s*>(.*?)</a>', re.S)

# Title words → kind, the first match wins (云课堂 before 培训 and 会议: a cloud class is a
# class even when it is about a meeting).
KIND_WORDS = [
    (("云课堂",), ActivityKind.CLASS),
    (("论坛",), ActivityKind.FORUM),
    (("培训",), ActivityKind.TRAINING),
    (("调研", "走访"), ActivityKind.VISIT),
    (("会议", "年会", "研讨会"), ActivityKind.MEETING),
]


# Text and HTML ----------------------------------------------------------------------------------


def plain_text(markup):
    """The text of an HTML fragment, on one line (scripts and styles dropped, not shown)."""
    if not markup:
        return ""
    spaced = _BLOCK_END.sub(lambda m: m.group(0) + " ", markup)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return _SPACES.sub(" ", text).strip()


def truncate(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _wrap_inline_runs(markup):
    """Put text and inline elements that sit between blocks into paragraphs, so the rich text
    holds blocks only (what the editor expects)."""
    fragments = lxml_html.fragments_fromstring(markup) if markup.strip() else []
    out = []
    run = []

    def flush():
        text = "".join(run).strip()
        if text:
            out.append(f"<p>{text}</p>")
        run.clear()

    for fragment in fragments:
        if isinstance(fragment, str):
            run.append(html.escape(fragment, quote=False))
            continue
        serialised = lxml_html.tostring(fragment, encoding="unicode", with_tail=False)
        if fragment.tag in BODY_BLOCKS:
            flush()
            out.append(serialised)
        else:
            run.append(serialised)
        if fragment.tail:
            run.append(html.escape(fragment.tail, quote=False))
    flush()
    return "".join(out)


def sanitise_body(markup):
    """Entry HTML → rich text the body paragraph accepts. feedparser has sanitised it once, but
    not links, authors or enclosures, and its allowlist is wider than ours: everything is
    cleaned again here (no script, iframe, event attributes or non-http(s) links)."""
    if not markup:
        return ""
    markup = _HEADING_OPEN.sub("<p><b>", markup)
    markup = _HEADING_CLOSE.sub("</b></p>", markup)
    markup = _DIV_OPEN.sub("<p>", markup)
    markup = _DIV_CLOSE.sub("</p>", markup)
    cleaned = nh3.clean(
        markup,
        tags=BODY_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )
    # A link whose address was removed (javascript:, data:… by nh3 or feedparser) is left as
    # its text.
    cleaned = _EMPTY_LINK.sub(r"\1", cleaned)
    return _wrap_inline_runs(cleaned)


def guess_kind(title):
    for words, kind in KIND_WORDS:
        if any(word in title for word in words):
            return kind
    return ActivityKind.OTHER


def http_url(value):
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


# Entries ----------------------------------------------------------------------------------------


@dataclass
class FeedItem:
    """What is kept of one parsed entry."""

    guid: str
    link: str
    title: str
    html: str
    summary: str
    published: datetime.date | None
    content_hash: str
    # Why the date the entry gives was not used ("" when it gave none or a good one).
    date_problem: str = ""

    @property
    def key(self):
        if self.guid:
            identity = "id:" + self.guid
        elif self.link:
            identity = "link:" + self.link
        else:
            identity = "hash:" + self.content_hash
        return hashlib.sha256(identity.encode("utf-8")).hexdigest()

    @property
    def label(self):
        return self.title or self.guid or self.link or self.content_hash[:12]


def _entry_html(entry):
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            if content.get("type") == "text/plain":
                return "<p>" + html.escape(value) + "</p>"
            return value
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    if summary and detail.get("type") == "text/plain":
        return "<p>" + html.escape(summary) + "</p>"
    return summary


def _quoted(value):
    return "“" + truncate(_SPACES.sub(" ", str(value)).strip(), 40) + "”"


def entry_date(entry, today):
    """(the entry's day in Shanghai or None, why a date it gives was not used or ""). The first
    usable of its publication, update and creation dates; feedparser hands over whatever the
    feed wrote, normalised into a tuple that may not be a date at all (0000-00-00 becomes year
    -1) or that no time zone can hold (9999-12-31T23:00:00Z is year 10000 in Shanghai)."""
    problem = ""
    for name in ("published", "updated", "created"):
        parsed = entry.get(f"{name}_parsed")
        written = entry.get(name) or ""
        if not parsed:
            if written and not problem:
                problem = _("%(date)s无法识别") % {"date": _quoted(written)}
            continue
        try:
            moment = datetime.datetime(*parsed[:6], tzinfo=datetime.UTC)
            day = moment.astimezone(SHANGHAI).date()
        except (TypeError, ValueError, OverflowError):
            day = None
        shown = _quoted(written or parsed)
        if day is None:
            why = _("%(date)s无法识别") % {"date": shown}
        elif day < EARLIEST_DATE:
            why = _("%(date)s早于 %(year)s 年") % {"date": shown, "year": EARLIEST_DATE.year}
        elif today is not None and day > today + LATEST_AHEAD:
            why = _("%(date)s晚于抓取日一年以上") % {"date": shown}
        else:
            return day, ""
        problem = problem or why
    return None, problem


def to_item(entry, today=None):
    """What is kept of a parsed entry; `today` (Shanghai) bounds its date."""
    body_html = _entry_html(entry)
    title = plain_text(entry.get("title") or "")
    text = plain_text(body_html)
    content_hash = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    summary = plain_text(entry.get("summary") or "") or text
    published, date_problem = entry_date(entry, today)
    return FeedItem(
        guid=(entry.get("id") or "").strip()[:1000],
        link=(entry.get("link") or "").strip()[:1000],
        title=title,
        html=body_html,
        summary=summary,
        published=published,
        content_hash=content_hash,
        date_problem=date_problem,
    )
