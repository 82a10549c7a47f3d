"""The seed report and the ways the import tests write it (text, Markdown, Word), what an import
leaves behind (counts, a report's entries and press releases), and the import command run."""

import io

from django.conf import settings
from django.core.management import call_command
from docx import Document
from PIL import Image as PILImage
from wagtail.models import Page

from cms.models import NewsPage, Workstream
from reports.import_blocks import CAPTION, read_text
from reports.importer import parse_report
from reports.models import MonthlyReportPage


def seed_path():
    shared = settings.BASE_DIR.parent / "shared" / "seeds" / "002_498d708e97c125c2.txt"
    if shared.exists():
        return shared
    return settings.BASE_DIR / "reports/demo/report-2021-01-03.txt"


def seed_text():
    return seed_path().read_text(encoding="utf-8")


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def counts():
    return {
        "pages": Page.objects.count(),
        "news": NewsPage.objects.count(),
        "reports": MonthlyReportPage.objects.count(),
        "workstreams": Workstream.objects.count(),
    }


def latest(page):
    return MonthlyReportPage.objects.get(pk=page.pk).get_latest_revision_as_object()


def entries(page, relation="progress_entries"):
    return [(e.workstream.name, e.body) for e in getattr(latest(page), relation).all()]


def news_snapshot(page):
    """Each press release as (title, date, lead, [(block type, text)]) from its latest revision."""
    result = []
    for link in latest(page).press_releases.all():
        news = NewsPage.objects.get(pk=link.news_page_id).get_latest_revision_as_object()
        blocks = []
        for block in news.body:
            if block.block_type == "image":
                blocks.append(("image", block.value["caption"]))
            elif block.block_type == "paragraph":
                blocks.append(("paragraph", block.value.source))
            else:
                blocks.append((block.block_type, block.value))
        result.append((news.title, news.date, news.lead, blocks))
    return result


def snapshot(page):
    return (
        entries(page, "progress_entries"),
        news_snapshot(page),
        entries(page, "plan_entries"),
    )


def parsed_seed():
    return parse_report(read_text(seed_text()))


def to_markdown(parsed):
    """The seed report written by hand in Markdown: headings, paragraphs, both caption forms."""
    lines = ["# 中国科协智能制造学会联合体", "", "进展情况月报", "", parsed.period.spaced_label, ""]
    captions = 0
    for section in parsed.sections:
        lines += [f"## {section.heading}", ""]
        for number, item in enumerate(section.items, start=1):
            lines += [f"### {number}.{item.title}", ""]
            for block in item.blocks:
                if block.kind == CAPTION:
                    captions += 1
                    form = "![{}](photo{}.jpg)" if captions % 2 else "*{}*"
                    lines += [form.format(block.text, captions), ""]
                else:
                    # Hard-wrapped after the first comma, as an editor's text editor might.
                    head, comma, tail = block.text.partition("，")
                    lines += [head + comma, tail, ""] if tail else [head, ""]
    return "\n".join(lines)


def picture():
    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 24), (30, 30, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def to_docx(parsed):
    """The seed report in the exporter's shape: title block, Heading 1 sections, Heading 2 items
    and press-release titles, Normal body, pictures with Caption paragraphs, a page-number
    footer."""
    document = Document()
    document.add_paragraph("中国科协智能制造学会联合体")
    document.add_paragraph("进展情况月报")
    document.add_paragraph(parsed.period.spaced_label)
    for section in parsed.sections:
        document.add_paragraph(section.heading, style="Heading 1")
        for number, item in enumerate(section.items, start=1):
            document.add_paragraph(f"{number}.{item.title}", style="Heading 2")
            for block in item.blocks:
                if block.kind == CAPTION:
                    document.add_paragraph().add_run().add_picture(picture())
                    document.add_paragraph(block.text, style="Caption")
                else:
                    document.add_paragraph(block.text)
    document.sections[0].footer.paragraphs[0].text = "— 1 —"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def run_command(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_report", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
