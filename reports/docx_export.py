"""A monthly report as a Word file in the official layout (python-docx).

The shape follows the paper report: a centred title block, the sections 一、二、三 as Heading 1,
numbered workstream items and press-release titles as Heading 2, body text with a two-character
first-line indent, photo captions in the Caption style, and `— N —` page numbers."""

import datetime
import io
import logging

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from lxml import html as lxml_html
from wagtail.rich_text import expand_db_html

from cms.docx_cjk import (
    add_page_number_footer,
    add_text_paragraph,
    set_document_defaults,
    set_first_line_indent,
    setup_a4,
    style_paragraph_style,
    style_run,
)
from cms.image_copies import export_copy
from cms.models import FederationSettings
from cms.sanitise import markdown_to_unsafe_html, sanitise_html

logger = logging.getLogger(__name__)

HEADING_FONT = "黑体"
ITEM_FONT = "楷体"
TITLE_FONT = "宋体"
CAPTION_FONT = "楷体"
SECTION_TITLES = ("一、当月总体进展情况", "二、重点推进情况（新闻稿）", "三、下月工作计划")
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th"}
PICTURE_WIDTH = Cm(14)


class ReportLayout:
    """Fonts and sizes of one export, taken from the site settings."""

    def __init__(self, settings):
        self.federation_name = settings.federation_name
        self.header = settings.report_header
        self.body_font = settings.report_body_font
        self.body_size = settings.report_body_size


def layout_for(site):
    settings = FederationSettings.for_site(site) if site else FederationSettings()
    return ReportLayout(settings)


def new_document(layout):
    document = Document()
    setup_a4(document)
    set_document_defaults(document, layout.body_font, layout.body_size)
    style_paragraph_style(document, "Heading 1", HEADING_FONT, "三号", space_before=6)
    style_paragraph_style(document, "Heading 2", ITEM_FONT, "三号", bold=True, space_before=6)
    caption = style_paragraph_style(document, "Caption", CAPTION_FONT, "四号", space_before=6)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_page_number_footer(document)
    core = document.core_properties
    core.language = "zh-CN"
    return document


def _heading(document, text, level, font, size, bold):
    paragraph = document.add_paragraph(style=f"Heading {level}")
    set_first_line_indent(paragraph, 2, size)
    style_run(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _inline_runs(paragraph, element, layout, bold=False, italic=False):
    """Runs for an element's text and its inline children, keeping bold and italic."""

    def add(text, b, i):
        if text:
            run = style_run(paragraph.add_run(text), layout.body_font, layout.body_size, bold=b)
            run.italic = i or None

    add(element.text, bold, italic)
    for child in element:
        if not isinstance(child.tag, str):
            add(child.tail, bold, italic)
            continue
        tag = child.tag.lower()
        if tag == "br":
            paragraph.add_run().add_break()
        elif tag not in BLOCK_TAGS and tag not in ("ul", "ol", "table"):
            _inline_runs(
                paragraph,
                child,
                layout,
                bold=bold or tag in ("strong", "b"),
                italic=italic or tag in ("em", "i"),
            )
        add(child.tail, bold, italic)


def _block_elements(root):
    """Block-level elements in reading order, each with its list marker (or None)."""
    for element in root:
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in ("ul", "ol"):
            for number, item in enumerate(element.findall("li"), start=1):
                yield item, (f"{number}." if tag == "ol" else "•")
        elif tag in ("table", "thead", "tbody", "tr", "div"):
            yield from _block_elements(element)
        elif tag in BLOCK_TAGS:
            yield element, None


def add_html(document, html, layout):
    """Sanitised HTML (rendered Markdown or rich text) as indented body paragraphs."""
    if not html.strip():
        return
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for element, marker in _block_elements(root):
        paragraph = add_text_paragraph(
            document, "", layout.body_font, layout.body_size, indent_chars=2
        )
        if marker:
            style_run(paragraph.add_run(f"{marker} "), layout.body_font, layout.body_size)
        heading = element.tag.lower().startswith("h")
        _inline_runs(paragraph, element, layout, bold=heading)


def add_markdown(document, text, layout):
    add_html(document, sanitise_html(markdown_to_unsafe_html(text)), layout)


def add_picture(document, image):
    """The picture, centred; False when it could not be read."""
    try:
        # Made when the picture was uploaded (`cms.image_copies`); made now only if missing.
        rendition = export_copy(image)
        with rendition.file.open("rb") as handle:
            data = io.BytesIO(handle.read())
    except (OSError, ValueError):
        # A missing or unreadable original leaves the caption without its picture rather than
        # failing the whole export.
        logger.warning("Picture %s could not be read for the report export", image.pk)
        return False
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(data, width=PICTURE_WIDTH)
    return True


def add_caption(document, text, layout):
    paragraph = document.add_paragraph(style="Caption")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style_run(paragraph.add_run(text), CAPTION_FONT, "四号")
    return paragraph


def add_news_body(document, news, layout):
    for block in news.body:
        if block.block_type == "paragraph":
            add_html(document, sanitise_html(expand_db_html(block.value.source)), layout)
        elif block.block_type == "heading":
            paragraph = add_text_paragraph(
                document, "", layout.body_font, layout.body_size, indent_chars=2
            )
            style_run(paragraph.add_run(block.value), layout.body_font, layout.body_size, bold=True)
        elif block.block_type == "image":
            # A caption describes its picture: without the picture it would be a stray centred
            # line in the middle of the text.
            image = block.value.get("image")
            if image and add_picture(document, image) and block.value.get("caption"):
                add_caption(document, block.value["caption"], layout)


def add_empty_note(document, text, layout):
    add_text_paragraph(document, text, layout.body_font, layout.body_size, indent_chars=2)


def add_workstream_groups(document, groups, layout, empty_text):
    if not groups:
        add_empty_note(document, empty_text, layout)
    for number, (workstream, entries) in enumerate(groups, start=1):
        _heading(document, f"{number}.{workstream.name}", 2, ITEM_FONT, layout.body_size, True)
        for entry in entries:
            add_markdown(document, entry.body, layout)


def build_document(page, layout, revision=None):
    document = new_document(layout)
    add_text_paragraph(
        document, layout.federation_name, TITLE_FONT, "二号", bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=1.5,
    )  # fmt: skip
    add_text_paragraph(
        document, layout.header, TITLE_FONT, "小初", bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=1.2,
    )  # fmt: skip
    add_text_paragraph(
        document, page.period.spaced_label, ITEM_FONT, "三号",
        align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12,
    )  # fmt: skip

    progress, news_title, plans = SECTION_TITLES
    _heading(document, progress, 1, HEADING_FONT, "三号", False)
    add_workstream_groups(document, page.progress_groups(), layout, _("本期无进展条目。"))

    _heading(document, news_title, 1, HEADING_FONT, "三号", False)
    news_pages = page.press_release_pages()
    if not news_pages:
        add_empty_note(document, _("本期无新闻稿。"), layout)
    for number, news in enumerate(news_pages, start=1):
        _heading(document, f"{number}.{news.title}", 2, ITEM_FONT, layout.body_size, True)
        add_news_body(document, news, layout)

    _heading(document, plans, 1, HEADING_FONT, "三号", False)
    add_workstream_groups(document, page.plan_groups(), layout, _("本期无工作计划。"))
    set_core_properties(document, page, layout, revision)
    return document


def _utc(moment):
    """python-docx writes a datetime as it is with a `Z`: give it UTC, naive."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


def report_dates(page, revision=None):
    """(created, modified) of the report as a document: created when its first revision was
    saved, modified when the revision exported was saved (the live one by default)."""
    if revision is None:
        revision = page.live_revision if page.live else None
    first = page.revisions.order_by("created_at", "id").first() if page.pk else None
    modified = (
        (revision.created_at if revision else None)
        or page.last_published_at
        or page.latest_revision_created_at
    )
    created = (first.created_at if first else None) or page.first_published_at or modified
    return created, modified or created


def set_core_properties(document, page, layout, revision=None):
    """The file's properties are the report's, not those of python-docx's template (2013)."""
    core = document.core_properties
    core.title = page.title
    core.subject = layout.header
    core.author = layout.federation_name
    core.last_modified_by = layout.federation_name
    core.comments = _("由联合系统导出")
    core.revision = 1
    created, modified = report_dates(page, revision)
    if created:
        core.created = _utc(created)
    if modified:
        core.modified = _utc(modified)
        core.last_printed = _utc(modified)


def export_report(page, site=None, revision=None):
    """The report as .docx bytes; `revision` (the one `page` was loaded from, live by default)
    dates the file."""
    buffer = io.BytesIO()
    build_document(page, layout_for(site), revision).save(buffer)
    return buffer.getvalue()
