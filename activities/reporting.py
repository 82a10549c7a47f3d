"""What the member societies' activities tell the monthly reports: the entries of a period.

`reports` asks for them (`reports.sync`, and the report's edit view for its suggestions); nothing
here knows the reports. Unlike milestones, an activity reaches a report only when an editor
includes it there; this module says which activities a period has and how each reads in a report.
Each entry's `origin_key` is `activity:<page id>`, stable across edits and moves of the page."""

import re

from django.db.models import Q

from activities.models import ActivityKind, ActivityPage
from cms.cn_dates import cn_date_range
from cms.linked_entries import LinkedEntry, Origin, sentence
from cms.models import Workstream
from cms.restrictions import public_q

# An activity without a workstream is most often a meeting or forum between societies: the
# report files it under 学术交流 (or its synonym 技术交流), or under the first workstream when a
# site renamed that one away, so an entry always has a workstream and an editor may move it.
DEFAULT_WORKSTREAM = "学术交流"

# "召开会议", "开展调研"; a forum, training, class or anything else is "举办".
VERBS = {ActivityKind.MEETING: "召开", ActivityKind.VISIT: "开展"}


def origin_key(page_id):
    return f"{Origin.ACTIVITY}:{page_id}"


def activities_in(period):
    """Published, public activities whose days overlap [period.start, period.end], in date
    order. A single-day activity has no end date. `period`: a report's period, or anything with
    `start` and `end` dates."""
    overlapping = Q(start_date__lte=period.end) & (
        Q(end_date__gte=period.start) | Q(end_date__isnull=True, start_date__gte=period.start)
    )
    return (
        ActivityPage.objects.live()
        .filter(public_q())
        .filter(overlapping)
        .defer_streamfields()
        .select_related("workstream", "society")
        .order_by("start_date", "pk")
    )


def entries_for(period):
    """A linked entry for each activity of the period (see `activities_in`), in date order."""
    return [entry for _page, entry in pages_and_entries(period)]


def pages_and_entries(period):
    """[(ActivityPage, LinkedEntry), …] of the period, in date order: the page too, for an
    editor choosing which activities to include."""
    return _pairs(activities_in(period))


def _pairs(pages):
    default = _DefaultWorkstream()
    pairs = [
        (
            page,
            LinkedEntry(
                origin=Origin.ACTIVITY,
                origin_key=origin_key(page.pk),
                workstream=page.workstream or default.get(),
                body=activity_text(page),
                link_url=page.get_url() or "",
                date=page.start_date,
            ),
        )
        for page in pages
    ]
    # A site without any workstream has nowhere to file an activity.
    return [(page, entry) for page, entry in pairs if entry.workstream is not None]


def entry_for(page_id, period):
    """The linked entry of the activity `page_id` if it is one of the period, else None."""
    pages = activities_in(period).filter(pk=page_id)
    for _page, entry in _pairs(pages):
        return entry
    return None


_SPACES = re.compile(r"\s+")
# Python-Markdown cannot escape "<": angle brackets become their full-width forms instead, so a
# society's text can neither carry HTML nor turn into a list, heading or link in the report.
_PLAIN = str.maketrans({"<": "＜", ">": "＞"})
_MARKDOWN = re.compile(r"([\\`*_\[\]#])")


def plain(text):
    """A society's plain text, safe and literal in the report's Markdown, on one line."""
    text = _SPACES.sub(" ", text or "").strip().translate(_PLAIN)
    return _MARKDOWN.sub(r"\\\1", text)


def activity_text(page):
    """`2021年7月9日，中国机械工程学会在山东潍坊举办“智能制造论坛”。论坛交流了……`"""
    when = cn_date_range(page.start_date, page.end_date)
    who = page.society.name if page.society_id else ""
    where = f"在{page.place.strip()}" if page.place.strip() else ""
    verb = VERBS.get(page.kind, "举办")
    title = page.title.strip().strip('“”"')
    text = f"{when}，{who}{where}{verb}“{title}”。"
    summary = page.summary.strip()
    if summary:
        text += sentence(summary)
    return plain(text)


class _DefaultWorkstream:
    """The workstream of activities that name none, looked up once and only if needed."""

    def __init__(self):
        self._looked_up = False
        self._workstream = None

    def get(self):
        if not self._looked_up:
            workstreams = Workstream.objects.all()  # one query: `match` reads the same rows
            self._workstream = workstreams.match(DEFAULT_WORKSTREAM) or next(
                iter(workstreams), None
            )
            self._looked_up = True
        return self._workstream
