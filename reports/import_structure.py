"""The structure of a legacy monthly report in the readers' blocks (`reports.import_blocks`),
found without writing anything: the title block with the period, the sections 一/二/三 and their
numbered items (`parse_report`), and a press release's date and lead (`news_date`, `lead_of`).
`reports.importer` writes what is found."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cms.cjk_text import char_count
from cms.cn_numerals import number_value
from cms.models import Workstream
from cms.periods import Period, add_months, last_of_month
from reports.import_blocks import (
    HEADING,
    LIST_ITEM,
    NUMBERED_ITEM,
    SECTION_HEADING,
    ReportImportError,
    looks_like_heading,
)

PROGRESS = "progress"
PRESS = "press"
PLAN = "plan"
UNKNOWN = "unknown"

PERIOD_RANGE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月?\s*[-－—–~～至到]\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月"
)
PERIOD_SINGLE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
YEARLESS_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
SENTENCE_END = re.compile(r"^.*?[。！？!?]")
# Where the entries of a section written without workstreams go.
GENERAL_WORKSTREAM = "综合"
MAX_LEAD = 120


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


# A press release ----------------------------------------------------------------------------


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
