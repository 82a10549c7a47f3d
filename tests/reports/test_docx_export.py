"""The monthly report as a Word file, read back the way Word would see it.

Every test writes a real .docx with `export_report` (or through the page route / the management
command) and opens it again with python-docx; where python-docx has no API (East-Asian fonts,
language tags, indents in characters, fields) the XML is inspected directly."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from wagtail.models import PageViewRestriction, Site

from cms.docx_cjk import DOCX_CONTENT_TYPE
from cms.models import FederationSettings, Workstream
from reports.docx_export import export_report
from reports.models import ProgressEntry
from tests.reports.factories import MonthlyReportPageFactory, add_entries

pytestmark = pytest.mark.django_db

THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")
SECTION_TITLES = ["一、当月总体进展情况", "二、重点推进情况（新闻稿）", "三、下月工作计划"]


# --- helpers -------------------------------------------------------------------------------------


def open_docx(data):
    return Document(io.BytesIO(data))


def site():
    return Site.objects.get(is_default_site=True)


def export(report):
    return open_docx(export_report(report, site()))


def texts(document):
    return [p.text for p in document.paragraphs]


def paragraph_after(document, text):
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == text)
    return paragraphs[index + 1]


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def rfonts(run):
    rpr = run._r.rPr
    return None if rpr is None else rpr.find(qn("w:rFonts"))


def east_asia_font(run):
    return rfonts(run).get(qn("w:eastAsia"))


def first_line_indent(paragraph):
    ind = paragraph._p.pPr.find(qn("w:ind"))
    return ind.get(qn("w:firstLineChars")), ind.get(qn("w:firstLine"))


def text_runs(element):
    """Every run that shows text: these are the ones whose font a reader sees."""
    return [r for r in element.iter(qn("w:r")) if r.find(qn("w:t")) is not None]


def heading_texts(document, level):
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def document(report):
    return export(report)


# --- page layout and title block -----------------------------------------------------------------


def test_a4_portrait_with_official_margins(document):
    section = document.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_title_block_is_centred_name_title_and_period(report):
    settings = FederationSettings.for_site(site())
    settings.federation_name = "测试学会联合体"
    settings.save()

    name, title, period = export(report).paragraphs[:3]

    assert [name.text, title.text, period.text] == [
        "测试学会联合体",
        "进展情况月报",
        "2021 年 1-3 月",
    ]
    assert {p.alignment for p in (name, title, period)} == {WD_ALIGN_PARAGRAPH.CENTER}
    assert name.runs[0].bold and title.runs[0].bold


def test_single_month_period_in_title_block(report_index, workstreams):
    report = MonthlyReportPageFactory(parent=report_index, period_start=datetime.date(2021, 7, 1))
    add_entries(report, workstreams, 2)
    assert export(report).paragraphs[2].text == "2021 年 7 月"


# --- sections and numbering ----------------------------------------------------------------------


def test_sections_are_heading_1_in_heiti(document):
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings] == SECTION_TITLES
    for paragraph in headings:
        assert {east_asia_font(run) for run in paragraph.runs} == {"黑体"}


def test_workstreams_numbered_in_workstream_order_with_shared_number(document):
    body = texts(document)
    progress = body[body.index(SECTION_TITLES[0]) + 1 : body.index(SECTION_TITLES[1])]
    items = [t for t in progress if re.match(r"^\d+\.", t)]
    # 战略咨询 (order 10) < 协同创新 (40) < 人才培养 (50), whatever order the editors typed.
    assert items == ["1.战略咨询", "2.协同创新", "3.人才培养"]
    shared = progress[progress.index("1.战略咨询") + 1 : progress.index("2.协同创新")]
    assert "完成智能制造发展战略研究报告初稿。" in shared
    assert "• 召开专家研讨会" in shared
    assert paragraph_with(document, "1.战略咨询").style.name == "Heading 2"


def test_workstream_order_is_data(report):
    Workstream.objects.filter(name="人才培养").update(order=1)
    progress_items = heading_texts(export(report), 2)[:3]
    assert progress_items == ["1.人才培养", "2.战略咨询", "3.协同创新"]


def test_press_releases_numbered_with_paragraphs_and_captions(document):
    body = texts(document)
    news = body[body.index(SECTION_TITLES[1]) + 1 : body.index(SECTION_TITLES[2])]
    assert news[0] == "1.联合体召开2021年度工作会议"
    assert "会议由秘书长主持。" in news
    assert "图1 会议现场" in news
    second = news.index("2.中国智能制造科技进展申报启动")
    assert news[second + 1 :] == ["申报通道将于4月中旬开通。"]
    assert paragraph_with(document, "2.中国智能制造科技进展申报启动").style.name == "Heading 2"
    caption = paragraph_with(document, "图1 会议现场")
    assert caption.style.name == "Caption"
    assert caption.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_plans_numbered_per_workstream(document):
    body = texts(document)
    plans = body[body.index(SECTION_TITLES[2]) + 1 :]
    assert plans == ["1.学术交流", "筹备世界智能制造大会分论坛。"]


def test_picture_is_inline_and_followed_by_its_caption(document):
    drawings = [p for p in document.paragraphs if p._p.find(".//" + qn("w:drawing")) is not None]
    assert len(drawings) == 1
    picture = drawings[0]
    assert picture._p.find(".//" + qn("wp:inline")) is not None
    assert picture.alignment == WD_ALIGN_PARAGRAPH.CENTER
    paragraphs = document.paragraphs
    following = paragraphs[[p._p for p in paragraphs].index(picture._p) + 1]
    assert following.text == "图1 会议现场"
    assert following.style.name == "Caption"
    # The picture travels inside the file, not as a link to the server.
    assert any(rel.reltype.endswith("/image") for rel in document.part.rels.values())


def test_caption_whose_picture_is_missing_is_not_printed(document):
    """A caption without its picture would be a stray centred line in the text."""
    assert "图2 启动仪式" not in texts(document)
    after = paragraph_after(document, "申报通道将于4月中旬开通。")
    assert after.text == SECTION_TITLES[2]
    assert [p.text for p in document.paragraphs if p.style.name == "Caption"] == ["图1 会议现场"]


def test_caption_whose_picture_file_is_gone_is_not_printed(report):
    news = report.press_releases.first().news_page
    picture = news.body[2].value["image"]
    picture.file.storage.delete(picture.file.name)
    picture.renditions.all().delete()

    document = export(report)

    assert "图1 会议现场" not in texts(document)
    assert len(document.inline_shapes) == 0
    assert "各成员学会代表参加会议。" in texts(document)


def test_empty_sections_say_so_as_the_web_page_does(report_index, workstreams):
    report = MonthlyReportPageFactory(
        parent=report_index,
        period_start=datetime.date(2021, 5, 1),
        period_end=datetime.date(2021, 5, 1),
    )
    ProgressEntry.objects.create(page=report, workstream=workstreams[0], body="研究申报方案。")

    body = texts(export(report))

    news_at = body.index(SECTION_TITLES[1])
    assert body[news_at + 1] == "本期无新闻稿。"
    assert body[body.index(SECTION_TITLES[2]) + 1 :] == ["本期无工作计划。"]
    paragraph = paragraph_with(export(report), "本期无工作计划。")
    assert paragraph.style.name == "Normal"


def test_core_properties_are_the_reports(report):
    """Title and author are the report's and the federation's; the dates are the report's
    (its first revision, the revision published), not python-docx's template of 2013."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    shanghai = ZoneInfo("Asia/Shanghai")
    first = report.save_revision()
    MonthlyReportPage = type(report)
    page = MonthlyReportPage.objects.get(pk=report.pk)
    written = timezone.make_aware(datetime.datetime(2021, 4, 2, 9, 30), shanghai)
    published = timezone.make_aware(datetime.datetime(2021, 4, 8, 17, 45), shanghai)
    type(first).objects.filter(pk=first.pk).update(created_at=written)
    second = page.save_revision()
    type(second).objects.filter(pk=second.pk).update(created_at=published)
    second.refresh_from_db()
    second.publish()
    page = MonthlyReportPage.objects.get(pk=report.pk)

    core = export(page).core_properties

    assert core.title == "进展情况月报（2021年1-3月）"
    assert core.author == "中国科协智能制造学会联合体"
    assert core.last_modified_by == "中国科协智能制造学会联合体"
    # python-docx reads the W3CDTF `Z` times back as UTC.
    created = core.created.replace(tzinfo=datetime.UTC).astimezone(shanghai)
    modified = core.modified.replace(tzinfo=datetime.UTC).astimezone(shanghai)
    assert (created.date(), created.hour, created.minute) == (datetime.date(2021, 4, 2), 9, 30)
    assert (modified.date(), modified.hour, modified.minute) == (datetime.date(2021, 4, 8), 17, 45)


# --- fonts ---------------------------------------------------------------------------------------


def test_every_text_run_has_explicit_east_asian_font_and_zh_cn(document):
    parts = [document.element.body] + [s.footer._element for s in document.sections]
    runs = [run for part in parts for run in text_runs(part)]
    assert len(runs) > 20
    for run in runs:
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        assert fonts is not None, text
        assert fonts.get(qn("w:eastAsia")), text
        for attr in THEME_ATTRS:
            assert fonts.get(qn(attr)) is None, (text, attr)
        lang = run.find(qn("w:rPr") + "/" + qn("w:lang"))
        assert lang is not None and lang.get(qn("w:eastAsia")) == "zh-CN", text


def test_styles_and_defaults_carry_no_theme_fonts(document):
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            assert fonts.get(qn(attr)) is None, attr
    for name, font in (("Normal", "仿宋"), ("Heading 1", "黑体"), ("Caption", "楷体")):
        style_fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert style_fonts.get(qn("w:eastAsia")) == font


def test_body_text_in_fangsong_sanhao_with_two_character_indent(document):
    paragraph = paragraph_with(document, "举办智能制造工程师培训班。")
    assert paragraph.style.name == "Normal"
    assert first_line_indent(paragraph) == ("200", "640")
    for run in paragraph.runs:
        assert east_asia_font(run) == "仿宋"
        assert run.font.size == Pt(16)
    assert paragraph.paragraph_format.line_spacing == 1.5


def test_body_font_and_size_follow_the_site_setting(report):
    settings = FederationSettings.for_site(site())
    settings.report_body_font = "宋体"
    settings.report_body_size = "小四"
    settings.save()

    document = export(report)

    paragraph = paragraph_with(document, "举办智能制造工程师培训班。")
    assert first_line_indent(paragraph) == ("200", "480")
    assert {east_asia_font(run) for run in paragraph.runs} == {"宋体"}
    assert {run.font.size for run in paragraph.runs} == {Pt(12)}
    assert document.styles["Normal"].font.size == Pt(12)
    # Headings keep their own faces.
    assert {east_asia_font(r) for r in paragraph_with(document, SECTION_TITLES[0]).runs} == {"黑体"}


# --- footer --------------------------------------------------------------------------------------


def test_footer_page_number_is_a_page_field_between_dashes(document):
    footer = document.sections[0].footer
    paragraph = next(p for p in footer.paragraphs if p.text.strip())
    assert paragraph.text == "— 1 —"
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    sequence = []
    for run in paragraph._p.iter(qn("w:r")):
        for child in run:
            if child.tag == qn("w:fldChar"):
                sequence.append(child.get(qn("w:fldCharType")))
            elif child.tag == qn("w:instrText"):
                sequence.append(f"instr:{child.text}")
            elif child.tag == qn("w:t"):
                sequence.append(child.text)
    assert sequence == ["— ", "begin", "instr: PAGE ", "separate", "1", "end", " —"]


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_bold_becomes_a_bold_run(document):
    paragraph = paragraph_with(document, "完成智能制造发展战略研究报告初稿。")
    runs = [(run.text, bool(run.bold)) for run in paragraph.runs]
    assert runs == [("完成", False), ("智能制造发展战略", True), ("研究报告初稿。", False)]


def test_markdown_list_becomes_one_paragraph_per_item(document):
    body = texts(document)
    start = body.index("本月重点：")
    assert body[start + 1 : start + 3] == ["• 召开专家研讨会", "• 形成咨询建议"]
    for text in body[start + 1 : start + 3]:
        assert first_line_indent(paragraph_with(document, text)) == ("200", "640")


def test_script_never_reaches_the_document(report):
    data = export_report(report, site())
    document = open_docx(data)
    xml = document.element.xml
    assert "推进联合攻关。" in texts(document)
    assert "script" not in xml
    assert "alert" not in xml


# --- HTTP ----------------------------------------------------------------------------------------


def test_docx_route_serves_an_attachment(client, report):
    assert report.docx_url() == report.url + "report.docx"

    response = client.get(report.url + "report.docx")

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    # The report's title for every browser (RFC 5987), an ASCII name for the others.
    assert response["Content-Disposition"] == (
        'attachment; filename="report-2021-01-03.docx"; '
        "filename*=UTF-8''%E8%BF%9B%E5%B1%95%E6%83%85%E5%86%B5%E6%9C%88%E6%8A%A5"
        "%EF%BC%882021%E5%B9%B41-3%E6%9C%88%EF%BC%89.docx"
    )
    assert response["Cache-Control"] == "private, no-store"
    document = open_docx(response.content)
    assert texts(document)[:3] == ["中国科协智能制造学会联合体", "进展情况月报", "2021 年 1-3 月"]
    assert len(document.inline_shapes) == 1


def test_docx_route_is_only_for_reports(client, news_index):
    assert client.get(news_index.url + "report.docx").status_code == 404
    assert client.get("/reports/1999-01/report.docx").status_code == 404


def test_private_report_docx_needs_login(client, django_user_model, report):
    PageViewRestriction.objects.create(page=report, restriction_type="login")
    url = report.url + "report.docx"

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert "next=" in anonymous["Location"]

    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert "一、当月总体进展情况" in texts(open_docx(response.content))


# --- management command --------------------------------------------------------------------------


def test_command_writes_the_same_document(report, tmp_path):
    target = tmp_path / "月报.docx"
    call_command("export_report", "2021-01-03", "-o", str(target))

    written = Document(str(target))
    direct = export(report)
    assert texts(written) == texts(direct)
    assert [p.style.name for p in written.paragraphs] == [p.style.name for p in direct.paragraphs]
    assert len(written.inline_shapes) == len(direct.inline_shapes) == 1


def test_command_names_existing_slugs_for_an_unknown_one(report, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("export_report", "1999-01", "-o", str(tmp_path / "x.docx"))
    message = str(raised.value)
    assert "没有地址名为 1999-01 的月报" in message
    assert "2021-01-03" in message
    assert not (tmp_path / "x.docx").exists()


def test_command_needs_draft_flag_for_unpublished_report(report_index, workstreams, tmp_path):
    report = MonthlyReportPageFactory(
        parent=report_index, period_start=datetime.date(2021, 8, 1), live=False
    )
    add_entries(report, workstreams, 1)
    report.save_revision()
    target = tmp_path / "draft.docx"

    with pytest.raises(CommandError, match="--draft"):
        call_command("export_report", "2021-08", "-o", str(target))
    assert not target.exists()

    call_command("export_report", "2021-08", "-o", str(target), "--draft")
    document = Document(str(target))
    assert document.paragraphs[2].text == "2021 年 8 月"
    assert "1.战略咨询" in texts(document)
