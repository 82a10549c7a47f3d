"""Import a legacy monthly report (plain text, Markdown or .docx) into a MonthlyReportPage.

Two steps: `parse_report` turns the readers' blocks into the report's structure (title block,
sections 一/二/三 with their numbered items) without writing anything; `write_report`
resolves workstreams and writes the pages, all in one transaction.
"""

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from cms.cjk_text import char_count
from cms.cn_numerals import number_value
from cms.models import NewsIndexPage, NewsPage, Workstream
from cms.periods import Period, add_months, last_of_month
from cms.sanitise import validate_markdown
from cms.upload_checks import HEAD_BYTES, OLE2, TEXT, ZIP, check_upload, container_of, megabytes
from reports.import_blocks import (
    CAPTION,
    HEADING,
    LIST_ITEM,
    NUMBERED_ITEM,
    PARAGRAPH,
    SECTION_HEADING,
    UnreadableText,
    decode_text,
    looks_like_heading,
    read_docx,
    read_markdown,
    read_text,
)
from reports.models import (
    MonthlyReportPage,
    PlanEntry,
    PressRelease,
    ProgressEntry,
    ReportIndexPage,
)

PROGRESS = "progress"
PRESS = "press"
PLAN = "plan"
UNKNOWN = "unknown"

DOCX_SUFFIXES = {".docx", ".docm", ".doc", ".dotx"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}

PERIOD_RANGE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月?\s*[-－—–~～至到]\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月"
)
PERIOD_SINGLE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
YEARLESS_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
SENTENCE_END = re.compile(r"^.*?[。！？!?]")
MAX_WORKSTREAM_NAME = 20
# Where the entries of a section written without workstreams go.
GENERAL_WORKSTREAM = "综合"
MAX_LEAD = 120
MAX_CAPTION = 200


class ReportImportError(Exception):
    """The report cannot be imported; the message says why, in Chinese."""


@dataclass
class Item:
    number: int | None
    title: str
    level: int = 0  # of the heading that started it
    styled: bool = False  # started by a Word or Markdown heading, not by numbering alone
    blocks: list = field(default_factory=list)


@dataclass
class Section:
    kind: str  # PROGRESS, PRESS or PLAN
    heading: str
    number: int = 0  # 一 is 1
    items: list = field(default_factory=list)
    loose: list = field(default_factory=list)  # blocks before the first item


@dataclass
class ParsedReport:
    period: Period
    sections: list
    warnings: list = field(default_factory=list)

    def items_of(self, kind):
        return [item for section in self.sections if section.kind == kind for item in section.items]


@dataclass
class ImportResult:
    page: MonthlyReportPage
    created: bool
    warnings: list = field(default_factory=list)
    new_workstreams: list = field(default_factory=list)
    news_pages: list = field(default_factory=list)
    published: bool = False


# Reading --------------------------------------------------------------------------------------


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


def read_blocks(data, filename):
    """The blocks of the file, read according to its content and, failing that, its name."""
    if not data.strip():
        raise ReportImportError(_("%(name)s 是空文件。") % {"name": filename})
    limit = settings.LIANHE_DOCX_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ReportImportError(
            _("%(name)s 过大：不能超过 %(limit)s MB。")
            % {"name": filename, "limit": megabytes(limit)}
        )
    suffix = Path(filename).suffix.lower()
    label = _("文件“%(name)s”") % {"name": filename}
    if suffix in DOCX_SUFFIXES or container_of(data[:HEAD_BYTES]) in (ZIP, OLE2):
        return read_docx(data, label=label)
    check_upload(data, TEXT, label)  # a program or another binary file, named .txt or .md
    try:
        text = decode_text(data)
    except UnreadableText as exc:
        raise ReportImportError(
            _("%(name)s 的文字编码无法识别：请保存为 UTF-8 或 GB18030 编码的文本。")
            % {"name": filename}
        ) from exc
    if suffix in MARKDOWN_SUFFIXES:
        return read_markdown(text)
    return read_text(text)


# Parsing --------------------------------------------------------------------------------------


def parse_report(blocks) -> ParsedReport:
    """The report's structure. Raises ReportImportError when there is no period or no section."""
    warnings = []
    title_block = []
    sections = []
    for block in blocks:
        kind = _section_kind(block, sections[-1].number + 1 if sections else 1)
        if kind is not None:
            number = number_value(SECTION_HEADING.match(block.text).group(1)) or 0
            sections.append(Section(kind, block.text, number))
            if kind == UNKNOWN:
                warnings.append(
                    _("无法识别的章节“%(section)s”，其内容未导入。") % {"section": block.text}
                )
        elif sections:
            _add_to_section(sections[-1], block, warnings)
        else:
            title_block.append(block)
    for section in sections:
        _place_loose_blocks(section, warnings)
    if not any(section.kind != UNKNOWN for section in sections):
        raise ReportImportError(
            _(
                "无法识别的月报：未找到“一、当月总体进展情况”“二、重点推进情况（新闻稿）”"
                "“三、下月工作计划”等章节标题。"
            )
        )
    period = _period_of(title_block)
    warnings[:0] = _title_block_warnings(title_block)
    known = [section for section in sections if section.kind != UNKNOWN]
    return ParsedReport(period, known, warnings)


def _section_kind(block, expected_number):
    """PROGRESS, PRESS, PLAN; UNKNOWN for a section the report does not know; None when the
    block is no section heading. A Chinese-numbered line without a known keyword counts as a
    section only when it continues the section numbering: lists such as `一、…` inside a press
    release stay in it."""
    match = SECTION_HEADING.match(block.text)
    if not match or not looks_like_heading(block.text):
        return None
    rest = match.group(2)
    if "重点推进" in rest or "新闻稿" in rest:
        return PRESS
    if "计划" in rest:
        return PLAN
    if "进展" in rest:
        return PROGRESS
    if number_value(match.group(1)) == expected_number:
        return UNKNOWN
    return None


def _add_to_section(section, block, warnings):
    if section.kind == UNKNOWN:
        warnings.append(
            _("“%(section)s”中的内容未导入：%(text)s")
            % {"section": section.heading, "text": block.text}
        )
        return
    item = _item_heading(section, block)
    if item is not None:
        section.items.append(item)
    elif section.items:
        section.items[-1].blocks.append(block)
    else:
        section.loose.append(block)


def _place_loose_blocks(section, warnings):
    """Content before a section's first item: in a progress or plan section written without
    any workstream (a plain list of next month's plans) it becomes one entry of the general
    workstream, so that nothing is lost; elsewhere it cannot belong to any item."""
    if not section.loose:
        return
    if section.kind in (PROGRESS, PLAN) and not section.items:
        section.items.append(Item(None, GENERAL_WORKSTREAM, blocks=section.loose))
        warnings.append(
            _("“%(section)s”未按工作板块分项，其内容已归入“%(workstream)s”一项，请核对。")
            % {"section": section.heading, "workstream": GENERAL_WORKSTREAM}
        )
        return
    for block in section.loose:
        warnings.append(
            _("“%(section)s”中第一项之前的内容未能归入任何一项，未导入：%(text)s")
            % {"section": section.heading, "text": block.text}
        )


def _item_heading(section, block):
    """A new item starting at `block`, else None.

    Word and Markdown say what is a heading; plain text only has the numbering, so there a
    numbered line counts when it continues the item numbering or names a known workstream,
    and a numbered list inside an entry's text stays in the entry."""
    styled = bool(block.kind == HEADING and (block.style or block.level))
    first = section.items[0] if section.items else None
    if first is not None and first.styled and (not styled or block.level > first.level):
        return None  # body text or a sub-heading inside an item
    if block.kind == LIST_ITEM:
        # A Markdown list is content; only an item naming a workstream (`1. 战略咨询`) opens
        # an entry, as a numbered line does in plain text.
        if block.level or section.kind == PRESS or not looks_like_heading(block.text):
            return None
        workstream = Workstream.objects.match(block.text)
        number = int(block.marker[:-1]) if block.marker[:-1].isdigit() else None
        return Item(number, block.text) if workstream is not None else None
    match = NUMBERED_ITEM.match(block.text)
    if match is None:
        return Item(None, block.text, block.level, styled) if styled else None
    number, rest = int(match.group(1)), match.group(2).strip()
    if not looks_like_heading(rest):
        return None
    expected = (section.items[-1].number or len(section.items)) + 1 if section.items else 1
    if styled or number == expected:
        return Item(number, rest, block.level, styled)
    if section.kind != PRESS and Workstream.objects.match(rest) is not None:
        return Item(number, rest, block.level, styled)
    return None


def _period_of(title_block):
    for block in title_block:
        period = parse_period(block.text)
        if period is not None:
            return period
    raise ReportImportError(
        _("无法识别的月报：标题部分没有报告期（例如“2021 年 1-3 月”或“2021年7月”）。")
    )


def parse_period(text):
    """The report period named in `text`, or None."""
    match = PERIOD_RANGE.search(text)
    if match:
        year, month, end_year, end_month = match.groups()
        return _period(int(year), int(month), int(end_year or year), int(end_month), text)
    match = PERIOD_SINGLE.search(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return _period(year, month, year, month, text)
    return None


def _period(year, month, end_year, end_month, text):
    if not (1 <= month <= 12 and 1 <= end_month <= 12) or (end_year, end_month) < (year, month):
        raise ReportImportError(_("报告期“%(text)s”不是有效的月份范围。") % {"text": text})
    return Period.of(datetime.date(year, month, 1), datetime.date(end_year, end_month, 1))


def _title_block_warnings(title_block):
    """The title block holds the federation's name, the report's name and the period; anything
    that reads like running text was probably misplaced."""
    return [
        _("标题部分的内容未导入：%(text)s") % {"text": block.text}
        for block in title_block
        if parse_period(block.text) is None
        and (char_count(block.text) > 30 or not looks_like_heading(block.text))
    ]


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


def news_date(text, period):
    """The event's date: the first full date in the text near the period; failing that the first
    month-and-day that falls inside the period; failing that the period's first day."""
    earliest = add_months(period.start, -1)
    latest = last_of_month(add_months(period.end, 1))
    for match in FULL_DATE.finditer(text):
        day = _date(*(int(g) for g in match.groups()))
        if day is not None and earliest <= day <= latest:
            return day
    # A full date outside the window must not be read again as a month and day of this year.
    for match in YEARLESS_DATE.finditer(FULL_DATE.sub("", text)):
        month, day_of_month = int(match.group(1)), int(match.group(2))
        for year in range(period.start.year, period.end.year + 1):
            day = _date(year, month, day_of_month)
            if day is not None and period.start <= day <= period.end:
                return day
    return period.start


def _date(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def lead_of(paragraph):
    """The first sentence, shortened to fit a lead."""
    match = SENTENCE_END.match(paragraph)
    sentence = match.group(0) if match else paragraph
    if len(sentence) > MAX_LEAD:
        sentence = sentence[: MAX_LEAD - 1] + "…"
    return sentence


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
