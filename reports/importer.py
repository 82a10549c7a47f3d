"""Import a legacy monthly report (plain text, Markdown or .docx) into a MonthlyReportPage.

Three steps: the readers of `reports.import_blocks` turn the file into blocks; `parse_report`
(`reports.import_structure`) finds the report's structure in them (title block, sections 一/二/三
with their numbered items) without writing anything; `write_report` resolves workstreams and
writes the pages, all in one transaction.
"""

import html
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from cms.cjk_text import char_count
from cms.models import NewsIndexPage, NewsPage, Workstream
from cms.periods import Period
from cms.sanitise import validate_markdown
from reports.import_blocks import (
    CAPTION,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    ReportImportError,
    looks_like_heading,
    read_blocks,
)
from reports.import_structure import (
    PLAN,
    PRESS,
    PROGRESS,
    ParsedReport,
    lead_of,
    news_date,
    parse_report,
)
from reports.models import (
    MonthlyReportPage,
    PlanEntry,
    PressRelease,
    ProgressEntry,
    ReportIndexPage,
)

MAX_WORKSTREAM_NAME = 20
MAX_CAPTION = 200


@dataclass
class ImportResult:
    page: MonthlyReportPage
    created: bool
    warnings: list = field(default_factory=list)
    new_workstreams: list = field(default_factory=list)
    news_pages: list = field(default_factory=list)
    published: bool = False


# Importing ------------------------------------------------------------------------------------


def import_report(path: Path, *, publish=False, user=None) -> ImportResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportImportError(
            _("无法读取文件 %(path)s：%(error)s") % {"path": path, "error": exc}
        ) from exc
    return import_report_bytes(data, path.name, publish=publish, user=user)


def import_report_bytes(data: bytes, filename: str, *, publish=False, user=None) -> ImportResult:
    blocks = read_blocks(data, filename)
    parsed = parse_report(blocks)
    return write_report(parsed, publish=publish, user=user)


# Writing --------------------------------------------------------------------------------------


@dataclass
class _Run:
    """One import's settings and what it has to report back."""

    period: Period
    publish: bool
    user: object
    warnings: list
    new_workstreams: list = field(default_factory=list)


def write_report(parsed: ParsedReport, *, publish=False, user=None) -> ImportResult:
    run = _Run(parsed.period, publish, user, list(parsed.warnings))
    try:
        with transaction.atomic():
            return _write(parsed, run)
    except ValidationError as exc:
        raise ReportImportError("；".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise ReportImportError(_("没有发布权限：%(error)s") % {"error": exc}) from exc


def _write(parsed, run):
    report_index = _report_index()
    progress = _entries(parsed.items_of(PROGRESS), _("一、当月总体进展情况"), run)
    plans = _entries(parsed.items_of(PLAN), _("三、下月工作计划"), run)
    releases = [item for item in parsed.items_of(PRESS) if _has_text(item, run)]
    if run.publish and not (progress or plans or releases):
        raise ReportImportError(
            _(
                "月报中没有可导入的内容（当月进展、新闻稿和下月计划均为空），不予发布："
                "请检查文件的章节和条目后再导入。"
            )
        )
    existing = _existing_report(run.period)
    news_pages = _write_news(releases, existing, report_index, run) if releases else []
    relations = {
        "progress_entries": [
            ProgressEntry(workstream=workstream, body=body, sort_order=i)
            for i, (workstream, body) in enumerate(progress)
        ],
        "plan_entries": [
            PlanEntry(workstream=workstream, body=body, sort_order=i)
            for i, (workstream, body) in enumerate(plans)
        ],
        "press_releases": [
            PressRelease(news_page=news, sort_order=i) for i, news in enumerate(news_pages)
        ],
    }
    if existing is None:
        page = _create_report(report_index, relations, run)
    else:
        page = _update_report(existing, relations, run)
    return ImportResult(
        page, existing is None, run.warnings, run.new_workstreams, news_pages, run.publish
    )


def _report_index():
    report_index = ReportIndexPage.objects.order_by("path").first()
    if report_index is None:
        raise ReportImportError(_("尚未建立月报栏目（ReportIndexPage），无法导入月报。"))
    return report_index


def _existing_report(period):
    """The report of exactly this period, to be updated; refuses a period that overlaps another
    report before anything is written."""
    page = MonthlyReportPage.objects.filter(
        period_start=period.start, period_end=period.end
    ).first()
    probe = MonthlyReportPage(
        pk=page.pk if page else None, period_start=period.start, period_end=period.end
    )
    clash = probe.overlapping_reports().first()
    if clash is not None:
        raise ReportImportError(
            _("报告期%(period)s与已有的《%(title)s》重叠：每个月只能有一份月报。")
            % {"period": period.label, "title": clash.title}
        )
    return page


def _entries(items, section, run):
    """[(workstream, body)] for the items of a progress or plan section."""
    entries = []
    for position, item in enumerate(items, start=1):
        number = item.number or position
        body = markdown_body(item.blocks)
        if not body.strip():
            run.warnings.append(
                _("“%(section)s”第 %(number)s 项（%(name)s）没有内容，未导入。")
                % {"section": section, "number": number, "name": item.title}
            )
            continue
        workstream = _workstream(item, run)
        if workstream is None:
            continue
        try:
            validate_markdown(body)
        except ValidationError as exc:
            raise ReportImportError(
                _("“%(section)s”第 %(number)s 项（%(name)s）：%(error)s")
                % {
                    "section": section,
                    "number": number,
                    "name": workstream.name,
                    "error": "".join(exc.messages),
                }
            ) from exc
        entries.append((workstream, body))
    return entries


def markdown_body(blocks):
    """An entry's Markdown: paragraphs apart, the items of one list on consecutive lines."""
    body = ""
    previous = None
    for block in blocks:
        if body:
            together = block.kind == LIST_ITEM and previous.kind == LIST_ITEM
            body += "\n" if together else "\n\n"
        body += block.markdown
        previous = block
    return body


def _workstream(item, run):
    workstream = Workstream.objects.match(item.title)
    if workstream is not None:
        return workstream
    name = _clean_name(item.title)
    if char_count(name) > MAX_WORKSTREAM_NAME or not looks_like_heading(name):
        lost = "\n".join([item.title, *(block.text for block in item.blocks)])
        run.warnings.append(
            _("无法识别的工作板块“%(name)s”，该项内容未导入：%(text)s")
            % {"name": item.title, "text": lost}
        )
        return None
    highest = Workstream.objects.aggregate(highest=Max("order"))["highest"]
    workstream = Workstream.objects.create(name=name, order=(highest or 0) + 1)
    run.new_workstreams.append(workstream)
    run.warnings.append(_("新建工作板块：%(name)s") % {"name": name})
    return workstream


def _clean_name(name):
    return " ".join(name.split()).translate(str.maketrans({"(": "（", ")": "）"}))


def _has_text(item, run):
    if any(block.kind in (PARAGRAPH, LIST_ITEM) for block in item.blocks):
        return True
    run.warnings.append(_("新闻稿《%(title)s》没有正文，未导入。") % {"title": item.title})
    return False


def _save(page, run):
    """A new revision, published when asked. A live page's content is never written otherwise:
    `save_revision` stores only the revision and its bookkeeping fields."""
    revision = page.save_revision(user=run.user, log_action=True)
    if run.publish:
        revision.publish(user=run.user)
    return revision


# News pages -----------------------------------------------------------------------------------


def _write_news(items, existing_report, report_index, run):
    news_index = _news_index(report_index)
    previous = _previous_press_releases(existing_report)
    pages = []
    for number, item in enumerate(items, start=1):
        fields = _news_fields(item, run.period)
        page = _matching_news(item.title, previous, news_index)
        if page is None:
            slug = _free_slug(news_index, f"news-{run.period.slug}-{number}")
            page = NewsPage(slug=slug, live=False, **fields)
            news_index.add_child(instance=page)
            log(instance=page, action="wagtail.create", user=run.user)
            _save(page, run)
        else:
            latest = page.get_latest_revision_as_object()
            for name, value in fields.items():
                setattr(latest, name, value)
            _save(latest, run)
        pages.append(page)
    kept = {page.pk for page in pages}
    for page in previous:
        if page.pk not in kept:
            run.warnings.append(
                _("原新闻稿《%(title)s》已不在本次导入的月报中，已取消关联但未删除。")
                % {"title": page.title}
            )
    return pages


def _news_index(report_index):
    site = report_index.get_site()
    root = site.root_page if site is not None else report_index.get_parent()
    news_index = NewsIndexPage.objects.descendant_of(root).order_by("path").first()
    if news_index is None:
        raise ReportImportError(_("尚未建立新闻栏目（NewsIndexPage），无法导入月报中的新闻稿。"))
    return news_index


def _previous_press_releases(report):
    if report is None:
        return []
    latest = report.get_latest_revision_as_object()
    ids = [link.news_page_id for link in latest.press_releases.all()]
    pages = NewsPage.objects.in_bulk(ids)
    return [pages[pk] for pk in ids if pk in pages]


def _matching_news(title, previous, news_index):
    for page in previous:
        if title in (page.title, page.draft_title):
            return page
    siblings = NewsPage.objects.child_of(news_index).order_by("path")
    return siblings.filter(title=title).first() or siblings.filter(draft_title=title).first()


def _news_fields(item, period):
    paragraphs = [block.text for block in item.blocks if block.kind in (PARAGRAPH, LIST_ITEM)]
    return {
        "title": item.title,
        "date": news_date("\n".join([item.title, *paragraphs]), period),
        "lead": lead_of(paragraphs[0]),
        "body": _stream_blocks(item.blocks),
    }


def _stream_blocks(blocks):
    """The news body: a list's items in one rich-text paragraph as a list, as the editor
    would write it."""
    stream, items = [], []

    def flush():
        if items:
            tag = "ol" if items[0].marker[:-1].isdigit() else "ul"
            listed = "".join(f"<li>{html.escape(block.text)}</li>" for block in items)
            stream.append({"type": "paragraph", "value": f"<{tag}>{listed}</{tag}>"})
            items.clear()

    for block in blocks:
        if block.kind == LIST_ITEM:
            items.append(block)
            continue
        flush()
        stream.append(_stream_block(block))
    flush()
    return stream


def _stream_block(block):
    if block.kind == CAPTION:
        return {"type": "image", "value": {"image": None, "caption": block.text[:MAX_CAPTION]}}
    if block.kind == HEADING:
        return {"type": "heading", "value": block.text}
    return {"type": "paragraph", "value": f"<p>{html.escape(block.text)}</p>"}


def _free_slug(parent, base):
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# The report page ------------------------------------------------------------------------------


def _create_report(report_index, relations, run):
    page = MonthlyReportPage(period_start=run.period.start, period_end=run.period.end, live=False)
    page.derive_title_and_slug()
    for name, objects in relations.items():
        setattr(page, name, objects)
    report_index.add_child(instance=page)
    log(instance=page, action="wagtail.create", user=run.user)
    _save(page, run)
    return page


def _update_report(existing, relations, run):
    """The new state is built on the latest revision, so a live report keeps its live content
    until the new revision is published."""
    latest = existing.get_latest_revision_as_object()
    for name, objects in relations.items():
        setattr(latest, name, objects)
    _save(latest, run)
    existing.refresh_from_db()
    return existing
