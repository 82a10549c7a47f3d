"""Keep a report's linked entries in step with their sources.

The other apps say what belongs in a period (`campaigns.reporting.entries_for`,
`activities.reporting.entries_for`); a report's progress section gets the entries of its own
period, its plan section the milestones of the month after. Campaign entries are automatic;
activities are opt-in: an editor includes one from the suggestions on the report's edit view,
and from then on the sync keeps it in step like a milestone (or removes it when the activity is
unpublished or deleted), but it never adds an activity by itself.

`sync_report` compares by `origin_key` and is idempotent:

* it builds on the report's latest revision, so an editor's unpublished changes are kept;
* it adds what is missing (at the end of its section), updates what follows its source, removes
  what lost its source, and never touches manual entries, rewritten texts or hidden flags;
* nothing changed → nothing is written;
* a report never published gets a new draft revision;
* a published report is a record: it gets a new draft revision only, never a change of the live
  page, and is flagged 来源已变更 until it is published again or the change is discarded.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cms.linked_entries import Origin
from cms.locks import locked
from cms.periods import add_months, first_of_month, last_of_month
from reports.models import MonthlyReportPage, PlanEntry, ProgressEntry

logger = logging.getLogger(__name__)

SYNC_LOG_ACTION = "reports.sync"
DISCARD_LOG_ACTION = "reports.discard_source_changes"

PROGRESS = "progress_entries"
PLANS = "plan_entries"
SECTION_MODELS = {PROGRESS: ProgressEntry, PLANS: PlanEntry}
SECTION_NAMES = {PROGRESS: "一、当月总体进展情况", PLANS: "三、下月工作计划"}


def _sources():
    """(automatic, opt-in): each app that feeds the reports offers `entries_for(period)`.
    What an automatic source reports for a period belongs in the report; what an opt-in source
    reports (member societies' activities) belongs there only once an editor included it."""
    from activities.reporting import entries_for as activity_entries
    from campaigns.reporting import entries_for as campaign_entries

    return [campaign_entries], [activity_entries]


def included_keys(entries):
    """The origin keys of the linked entries among `entries`: for an opt-in source, what an
    editor included (and has not deleted since)."""
    return {entry.origin_key for entry in entries if entry.is_linked}


def desired_entries(report, included=None):
    """{section: [linked entry, …]} that the sources want in this report now. `included`: the
    origin keys the report's progress section holds (by default the report's own entries, i.e.
    the live content of a page, a revision's content of a revision object); an opt-in entry is
    wanted only if it is among them, so the sync never adds one by itself."""
    if included is None:
        included = included_keys(report.progress_entries.all())
    period = report.period
    following = period.next_month()
    automatic, opt_in = _sources()
    progress, plans = [], []
    for entries_for in automatic:
        progress += entries_for(period)
        plans += [entry for entry in entries_for(following) if entry.origin == Origin.MILESTONE]
    for entries_for in opt_in:
        progress += [entry for entry in entries_for(period) if entry.origin_key in included]
    return {PROGRESS: progress, PLANS: plans}


def new_entry(model, wanted):
    """A report entry (`ProgressEntry`/`PlanEntry`) linked to the source entry `wanted`."""
    return model(
        workstream=wanted.workstream,
        body=wanted.body,
        synced_body=wanted.body,
        origin=wanted.origin,
        origin_key=wanted.origin_key,
        link_url=wanted.link_url,
    )


def fingerprint(desired):
    """A stable digest of what the sources want, to recognise a change an editor dismissed."""
    data = {
        section: sorted([e.origin_key, e.workstream_id, e.body, e.link_url] for e in entries)
        for section, entries in desired.items()
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class SectionChanges:
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.added or self.updated or self.removed)


@dataclass
class SyncResult:
    report: MonthlyReportPage
    changes: dict = field(default_factory=dict)  # section → SectionChanges
    revision: object = None  # the draft revision saved, if any
    flagged: bool = False  # the report is (now) marked 来源已变更
    dismissed: bool = False  # the change equals one an editor discarded: nothing written

    @property
    def changed(self):
        return self.revision is not None

    def count(self, kind):
        return sum(len(getattr(c, kind)) for c in self.changes.values())

    def summary(self):
        title = self.report.title
        if self.dismissed:
            return _("%(title)s：来源变更已被放弃，未保存新草稿") % {"title": title}
        if not self.changed:
            return _("%(title)s：无变化") % {"title": title}
        text = _("%(title)s：新增 %(added)d 条，更新 %(updated)d 条，删除 %(removed)d 条") % {
            "title": title,
            "added": self.count("added"),
            "updated": self.count("updated"),
            "removed": self.count("removed"),
        }
        if self.flagged:
            return text + _("；已发布的月报保持不变，新草稿待审核（来源已变更）")
        return text + _("；已保存为草稿")


def _apply(entry, wanted):
    """Bring a linked entry up to date with its source; True if anything changed. A hidden entry
    is left as it is (readers do not see it); a rewritten one keeps its text and workstream."""
    if entry.hidden:
        return False
    if entry.edited:
        values = {"link_url": wanted.link_url, "origin": wanted.origin}
    else:
        values = {
            "origin": wanted.origin,
            "workstream_id": wanted.workstream_id,
            "body": wanted.body,
            "synced_body": wanted.body,
            "link_url": wanted.link_url,
        }
    changed = False
    for name, value in values.items():
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed = True
    if changed and "workstream_id" in values:
        entry.workstream = wanted.workstream
    return changed


def reconcile(entries, desired, model):
    """The section's new entry list and what changed. Order is kept; new entries go last."""
    wanted_by_key = {entry.origin_key: entry for entry in desired}
    changes = SectionChanges()
    result, seen = [], set()
    for entry in entries:
        entry.note_edit()
        if not entry.is_linked:
            result.append(entry)
            continue
        wanted = wanted_by_key.get(entry.origin_key)
        if wanted is None or entry.origin_key in seen:
            changes.removed.append(entry)
            continue
        seen.add(entry.origin_key)
        if _apply(entry, wanted):
            changes.updated.append(entry)
        result.append(entry)
    for wanted in desired:
        if wanted.origin_key in seen:
            continue
        seen.add(wanted.origin_key)
        entry = new_entry(model, wanted)
        changes.added.append(entry)
        result.append(entry)
    return result, changes


def _visible(entries):
    """What readers see of a section: its shown entries, in order."""
    return [(e.workstream_id, e.body, e.link_url) for e in entries if not e.hidden]


def _live_state(report):
    """The sections as published (the page's own rows; revisions never write them)."""
    return {
        section: _visible(model.objects.filter(page_id=report.pk).order_by("sort_order", "pk"))
        for section, model in SECTION_MODELS.items()
    }


def sync_report(report, user=None):
    """Bring one report's linked entries up to date (see the module docstring)."""
    with transaction.atomic():
        report = locked(MonthlyReportPage.objects.filter(pk=report.pk)).first()
        if report is None:  # deleted meanwhile
            return None
        latest = report.get_latest_revision_as_object()
        # Opt-in entries stay as long as the latest revision (the editors' work) holds them.
        desired = desired_entries(report, included_keys(latest.progress_entries.all()))
        published = report.has_been_published
        live_state = _live_state(report) if published else None
        result = SyncResult(report=report)
        new_lists = {}
        for section, model in SECTION_MODELS.items():
            entries, changes = reconcile(
                list(getattr(latest, section).all()), desired[section], model
            )
            new_lists[section] = entries
            result.changes[section] = changes
        if not any(result.changes.values()):
            return result
        digest = fingerprint(desired)
        if published and digest == report.dismissed_source_hash:
            result.dismissed = True
            return result

        for section, entries in new_lists.items():
            for position, entry in enumerate(entries):
                entry.sort_order = position
            setattr(latest, section, entries)
        result.revision = latest.save_revision(user=user, log_action=SYNC_LOG_ACTION, clean=False)
        if published:
            # The live page stays as approved; the flag says a newer draft carries the sources.
            draft_state = {section: _visible(entries) for section, entries in new_lists.items()}
            result.flagged = draft_state != live_state
            MonthlyReportPage.objects.filter(pk=report.pk).update(
                source_changed=result.flagged, dismissed_source_hash=""
            )
        return result


def reports_affected_by(dates):
    """Reports whose progress section (their period contains the day) or plan section (the day
    falls in the month after their period) a source dated on one of `dates` belongs to."""
    condition = Q()
    for month_start in sorted({first_of_month(day) for day in dates}):
        month_end = last_of_month(month_start)
        before = add_months(month_start, -1)
        condition |= Q(period_start__lte=month_end, period_end__gte=month_start)
        condition |= Q(period_end__gte=before, period_end__lte=last_of_month(before))
    if not condition:
        return MonthlyReportPage.objects.none()
    return MonthlyReportPage.objects.filter(condition).order_by("period_start")


def sync_reports(reports, user=None):
    results = []
    for report in reports:
        result = sync_report(report, user=user)
        if result is not None:
            if result.changed:
                logger.info("Report sync: %s", result.summary())
            results.append(result)
    return results


def sync_reports_for_dates(dates):
    return sync_reports(list(reports_affected_by(dates)))


def sync_all_reports():
    return sync_reports(list(MonthlyReportPage.objects.order_by("period_start")))


def clear_source_changed(report):
    MonthlyReportPage.objects.filter(pk=report.pk, source_changed=True).update(source_changed=False)


def discard_source_changes(report, user=None):
    """The editor keeps the report as approved: the live content becomes the latest revision
    again, the sources as they are now are remembered as dismissed (a later sync with the same
    sources writes nothing; a different change makes a new draft) and the flag clears."""
    with transaction.atomic():
        page = locked(MonthlyReportPage.objects.filter(pk=report.pk)).get()
        if not page.has_been_published:
            raise ValueError("Only a published report has approved content to go back to.")
        # The database row holds what was last published.
        revision = page.save_revision(user=user, changed=False, clean=False)
        from wagtail.log_actions import log

        log(instance=page, action=DISCARD_LOG_ACTION, user=user, revision=revision)
        MonthlyReportPage.objects.filter(pk=page.pk).update(
            source_changed=False,
            dismissed_source_hash=fingerprint(desired_entries(page)),
            has_unpublished_changes=not page.live,
        )
        return revision
