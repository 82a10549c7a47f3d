"""The blank forms a campaign offers (文件1 推荐表, 文件3 承诺书), read back with python-docx.

Every test builds the campaigns of `campaigns.demo` (seeds 000, 001, 004) as real pages, renders
the .docx and opens it again; where python-docx has no API (East-Asian fonts, language tags,
indents in characters, fields) the XML is inspected directly."""

import io
from urllib.parse import quote

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import html as lxml_html

from campaigns.demo import CAMPAIGNS, build_campaign, demo_open_campaign, ensure_campaign_index
from campaigns.form_templates import (
    commitment_letter,
    find_template,
    numbered_title,
    recommendation_form,
    sample_markers,
    templates_for,
)
from cms.demo import ensure_societies
from cms.docx_cjk import DOCX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")

SECTIONS_2024 = [
    "一、本项智能制造科技进展的背景和意义",
    "二、本项智能制造科技进展的创新性",
    "三、本项智能制造科技进展的引领性",
    "四、本项智能制造科技进展的应用性",
]
SECTIONS_2021 = [
    "1.本项智能制造科技进展的背景和意义",
    "2.本项智能制造科技进展创新性和引领性（与同类、同行业的科技进展进行横向对比，要有指标、数据支撑）",
    "3.本项智能制造科技进展目前的应用情况",
    "4.本项智能制造科技进展应用前后，给企业带来的成本、生产效率、绿色环保等经济效益与社会效益方面的提升（前后数据的对比，能用表格最好）",
    "5.本项智能制造科技进展进一步开发、推广应用的适用性以及未来可预测的经济、社会效益",
    "6.本项智能制造科技进展所取得的知识产权情况",
]
NOTE_2024 = (
    "注意：请务必围绕本项“智能制造科技进展”，进行规范化、对应阐述。"
    "文字控制在5000字以内，必须包含以下4个方面的内容。"
)
COMMITMENTS = [
    "1.推荐科技进展所涉及的内容和相关数据真实准确，无欺瞒和作假行为。",
    "2.推荐科技进展的相关技术系合法使用，知识产权权属清晰，无知识产权纠纷。",
    "3.贵公司提供的所有文件已做脱密处理，不涉及国家、军事、商业秘密。",
    "4.推荐科技进展可以接受相关部门的监督检查。",
]


# --- helpers ----------------------------------------------------------------------------------


def open_docx(data):
    return Document(io.BytesIO(data))


def texts(document):
    return [p.text for p in document.paragraphs]


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def paragraph_after(document, text):
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == text)
    return paragraphs[index + 1]


def heading_texts(document, level):
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def east_asia_font(run):
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def first_line_indent(paragraph):
    ind = paragraph._p.pPr.find(qn("w:ind"))
    return ind.get(qn("w:firstLineChars")), ind.get(qn("w:firstLine"))


def text_runs(element):
    return [r for r in element.iter(qn("w:r")) if r.find(qn("w:t")) is not None]


def all_text_runs(document):
    runs = text_runs(document.element.body)
    for section in document.sections:
        runs += text_runs(section.footer._element)
    return runs


def assert_runs(paragraph, font, size, bold):
    runs = [r for r in paragraph.runs if r.text]
    assert runs, paragraph.text
    for run in runs:
        assert east_asia_font(run) == font, (paragraph.text, run.text)
        assert run.font.size == Pt(size), (paragraph.text, run.text)
        assert bool(run.font.bold) is bold, (paragraph.text, run.text)


def row_texts(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def campaign_index(home, workstreams):
    ensure_societies()
    return ensure_campaign_index(home)


@pytest.fixture
def campaign_2021(campaign_index):
    return build_campaign(campaign_index, CAMPAIGNS[0])[0]


@pytest.fixture
def campaign_2024(campaign_index):
    return build_campaign(campaign_index, CAMPAIGNS[1])[0]


@pytest.fixture
def miit(campaign_index):
    return build_campaign(campaign_index, CAMPAIGNS[2])[0]


@pytest.fixture
def form_2024(campaign_2024):
    return open_docx(recommendation_form(campaign_2024))


# --- numbering --------------------------------------------------------------------------------


def test_section_numbers_take_the_punctuation_of_their_kind():
    assert numbered_title("一", "背景") == "一、背景"
    assert numbered_title("十二", "其他") == "十二、其他"
    assert numbered_title("1", "背景") == "1.背景"
    assert numbered_title("一、", "背景") == "一、背景"
    assert numbered_title("（1）", "背景") == "（1）背景"
    assert numbered_title("", "背景") == "背景"
    # The sample sub-headings continue the ladder 一、 → 1. → （1） → ①.
    assert sample_markers("一") == ("1.", "（1）")
    assert sample_markers("1") == ("（1）", "①")


# --- 文件1, 2024 ------------------------------------------------------------------------------


def test_2024_form_title_and_page(form_2024):
    paragraphs = form_2024.paragraphs
    assert paragraphs[0].text == "文件1"
    title = paragraphs[1]
    assert title.text == "“2024中国智能制造科技进展”推荐表"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert_runs(title, "宋体", 18, bold=True)  # 小二
    section = form_2024.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert form_2024.core_properties.title == "“2024中国智能制造科技进展”推荐表"
    assert form_2024.core_properties.language == "zh-CN"


def test_2024_form_table(form_2024):
    (table,) = form_2024.tables
    assert row_texts(table) == [
        ["项目名称", "", "", ""],  # the value cell spans three columns
        ["推荐学会或专家", "", "申报单位", ""],
        ["联系人", "", "电话", ""],
        ["邮箱", "", "", ""],
    ]
    assert len(table.rows[0]._tr.tc_lst) == 2
    assert len(table.rows[3]._tr.tc_lst) == 2
    assert table.style.name == "Table Grid"
    for label in ("项目名称", "推荐学会或专家", "申报单位", "联系人", "电话", "邮箱"):
        cell = next(c for row in table.rows for c in row.cells if c.text == label)
        assert_runs(cell.paragraphs[0], "宋体", 12, bold=True)
    # An empty value cell types in 宋体 too: its paragraph mark carries the fonts.
    mark = table.cell(1, 1).paragraphs[0]._p.pPr.find(qn("w:rPr"))
    assert mark.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_2024_form_note_and_sections_in_order(form_2024):
    note = paragraph_with(form_2024, NOTE_2024)
    assert note.runs[0].text == "注意：" and note.runs[0].font.bold
    assert heading_texts(form_2024, 1) == SECTIONS_2024
    paragraphs = texts(form_2024)
    positions = [paragraphs.index(s) for s in SECTIONS_2024]
    assert positions == sorted(positions)
    assert paragraphs.index(NOTE_2024) < positions[0]
    # The explanations follow their sections as 说明：…
    assert paragraph_after(form_2024, SECTIONS_2024[0]).text == "1.（二级标题）"
    assert paragraph_after(form_2024, SECTIONS_2024[1]).text == (
        "说明：可从本项进展科技突破的水平或实质性的升级改进程度、解决重点方向技术的难易程度、"
        "专利及授权情况3个方面阐述，与同类、同行业的科技进展进行横向对比，要有指标、数据支撑。"
    )
    assert paragraph_after(form_2024, SECTIONS_2024[2]).text.startswith(
        "说明：可从掌握智能制造行业或产业领域中技术源头"
    )
    assert paragraph_after(form_2024, SECTIONS_2024[3]).text.startswith(
        "说明：本项科技进展应用前后，在经济效益、社会效益、应用和推广程度3个方面的提升"
    )


def test_2024_form_levels_follow_the_prescribed_layout(form_2024):
    for text in SECTIONS_2024:  # 一级标题 小三 黑体 加粗 1.5倍行距
        heading = paragraph_with(form_2024, text)
        assert heading.style.name == "Heading 1"
        assert_runs(heading, "黑体", 15, bold=True)
        assert heading.paragraph_format.line_spacing == 1.5

    paragraphs = texts(form_2024)
    assert paragraphs.count("1.（二级标题）") == 4  # a sample under every section
    level2 = paragraph_with(form_2024, "1.（二级标题）")  # 四号 宋体 加粗 1.5倍行距
    assert level2.style.name == "Heading 2"
    assert_runs(level2, "宋体", 14, bold=True)
    assert level2.paragraph_format.line_spacing == 1.5

    level3 = paragraph_with(
        form_2024, "（1）（三级标题）"
    )  # 小四 宋体 加粗 首行缩进2字符 1.5倍行距
    assert level3.style.name == "Heading 3"
    assert_runs(level3, "宋体", 12, bold=True)
    assert first_line_indent(level3) == ("200", "480")
    assert level3.paragraph_format.line_spacing == 1.5

    body = paragraph_with(form_2024, "正文……")  # 小四 宋体 首行缩进2字符 1.5倍行距
    assert_runs(body, "宋体", 12, bold=False)
    assert first_line_indent(body) == ("200", "480")
    assert body.paragraph_format.line_spacing == 1.5

    explanation = paragraph_after(form_2024, SECTIONS_2024[1])  # 说明 in the 正文 layout
    assert east_asia_font(explanation.runs[1]) == "宋体"
    assert explanation.runs[1].font.size == Pt(12)
    assert first_line_indent(explanation) == ("200", "480")

    # The Heading styles themselves carry the levels, for text an applicant styles in Word.
    style = form_2024.styles["Heading 1"]
    assert style.font.size == Pt(15) and style.font.bold
    assert style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"


def test_every_run_has_east_asian_fonts_and_no_theme_fonts(campaign_2024, campaign_2021, miit):
    documents = [
        recommendation_form(campaign_2024),
        recommendation_form(campaign_2021),
        commitment_letter(campaign_2024),
        commitment_letter(campaign_2021),
        *(t.render() for t in templates_for(miit)),
    ]
    for data in documents:
        document = open_docx(data)
        runs = all_text_runs(document)
        assert len(runs) > 10
        for run in runs:
            fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")), run.xpath("string(.)")
            for attr in THEME_ATTRS:
                assert fonts.get(qn(attr)) is None
            lang = run.find(qn("w:rPr")).find(qn("w:lang"))
            assert lang.get(qn("w:eastAsia")) == "zh-CN"
        for fonts in document.styles.element.iter(qn("w:rFonts")):
            for attr in THEME_ATTRS:
                assert fonts.get(qn(attr)) is None


def test_footer_has_page_numbers(form_2024):
    footer = form_2024.sections[0].footer._element
    instructions = [i.text.strip() for i in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]


# --- 文件1, 2021 and the government call ------------------------------------------------------


def test_2021_form_has_its_six_sections(campaign_2021):
    document = open_docx(recommendation_form(campaign_2021))
    assert texts(document)[1] == "“2021中国智能制造科技进展”推荐表"
    assert heading_texts(document, 1) == SECTIONS_2021
    assert (
        "注意：请务必围绕本项“智能制造科技进展”，进行规范化、对应阐述。"
        "文字控制在5000字以内，必须包含以下6个方面的内容。"
    ) in texts(document)
    # Sections numbered 1. have their samples one step further down the ladder.
    assert paragraph_after(document, SECTIONS_2021[0]).text == "（1）（二级标题）"
    assert heading_texts(document, 3)[0] == "①（三级标题）"
    for text in SECTIONS_2021:
        assert_runs(paragraph_with(document, text), "黑体", 15, bold=True)


def test_government_call_has_one_form_per_category_and_no_commitment(miit):
    templates = templates_for(miit)
    assert [(t.code, t.category, t.title) for t in templates] == [
        ("文件1", "智能制造优秀场景", "智能制造优秀场景申报书"),
        ("文件1", "智能制造示范工厂", "智能制造示范工厂申报书"),
    ]
    assert find_template(miit, "文件3") is None
    assert find_template(miit, "文件1").category == "智能制造优秀场景"
    assert find_template(miit, "文件1", "智能制造示范工厂").title == "智能制造示范工厂申报书"
    assert find_template(miit, "文件1", "先行区") is None

    scenes = open_docx(templates[0].render())
    assert texts(scenes)[1] == "智能制造优秀场景申报书"
    assert "注意：文字控制在3000字以内。" in texts(scenes)
    assert row_texts(scenes.tables[0])[1] == ["推荐单位", "", "申报单位", ""]
    # No sections given: one sample of every level shows the layout.
    assert heading_texts(scenes, 1) == ["一、（一级标题）"]
    factory = open_docx(templates[1].render())
    assert texts(factory)[1] == "智能制造示范工厂申报书"
    assert not any(t.startswith("注意") for t in texts(factory))
    assert templates[0].filename == "2021-文件1-智能制造优秀场景申报书.docx"
    assert templates[1].ascii_filename == "2021-miit-pilot-demonstration-form-2.docx"


# --- 文件3 ------------------------------------------------------------------------------------


def test_2024_commitment_letter(campaign_2024):
    document = open_docx(commitment_letter(campaign_2024))
    paragraphs = texts(document)
    assert paragraphs[:2] == ["文件3", "“2024中国智能制造科技进展”承诺书"]
    intro = document.paragraphs[2]
    assert "公司（申报单位名称）已了解“2024中国智能制造科技进展”工作方案中的征集范围、遴选标准" in (
        intro.text
    )
    assert "参评“2024中国智能制造科技进展”遴选。我们已如实填写“2024中国智能制造科技进展”推荐表" in (
        intro.text
    )
    assert intro.text.endswith("并对本次推荐郑重承诺如下：")
    # The blanks for the company and the project are underlined.
    blanks = [r for r in intro.runs if not r.text.strip()]
    assert len(blanks) == 2 and all(r.font.underline for r in blanks)
    assert paragraphs[3:7] == COMMITMENTS
    assert paragraphs[7] == (
        "本单位如果违反以上承诺，自愿退出本次“2024年智能制造科技进展”科技成果遴选活动。"
    )
    assert paragraphs[8:] == [
        "推荐学会（盖章）或推荐专家（签字）：",
        "申报单位（盖章）：",
        "年  月  日",
    ]
    for paragraph in document.paragraphs[3:8]:
        assert_runs(paragraph, "宋体", 12, bold=False)
        assert first_line_indent(paragraph) == ("200", "480")


def test_2021_commitment_letter_keeps_the_2021_wording(campaign_2021):
    paragraphs = texts(open_docx(commitment_letter(campaign_2021)))
    assert paragraphs[1] == "“2021中国智能制造科技进展”承诺书"
    assert (
        "公司（请完善公司名称）已了解“2021中国智能制造科技进展”工作方案中的征集范围、评选标准"
        in (paragraphs[2])
    )
    assert "参评“2021中国智能制造十大科技进展”评选" in paragraphs[2]
    assert paragraphs[3:7] == COMMITMENTS
    assert paragraphs[7] == (
        "本单位如果违反以上承诺，自愿退出本次“2021年智能制造十大科技进展”科技成果评选活动。"
    )
    assert paragraphs[8] == "推荐单位（盖章）/推荐人（签字）："


def test_other_years_use_the_latest_wording(campaign_index):
    from django.utils import timezone

    today = timezone.localdate()
    campaign = build_campaign(campaign_index, demo_open_campaign(today))[0]
    paragraphs = texts(open_docx(commitment_letter(campaign)))
    assert paragraphs[1] == f"“{today.year}中国智能制造科技进展”承诺书"
    assert f"参评“{today.year}中国智能制造科技进展”遴选" in paragraphs[2]
    assert paragraphs[8] == "推荐学会（盖章）或推荐专家（签字）："


# --- downloads over HTTP ----------------------------------------------------------------------


def test_download_form_over_http(client, campaign_2024):
    response = client.get(f"{campaign_2024.url}templates/文件1/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="2024-china-progress-form.docx"; ')
    assert disposition.endswith(f"filename*=UTF-8''{quote('2024-文件1-推荐表.docx')}")
    disposition.encode("ascii")  # the header itself stays ASCII
    assert response["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    document = open_docx(response.content)
    assert heading_texts(document, 1) == SECTIONS_2024

    response = client.get(f"{campaign_2024.url}templates/文件3/")
    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote('2024-文件3-承诺书.docx')}" in response["Content-Disposition"]
    assert texts(open_docx(response.content))[1] == "“2024中国智能制造科技进展”承诺书"


def test_download_by_category(client, miit):
    response = client.get(f"{miit.url}templates/文件1/", {"category": "智能制造示范工厂"})
    assert response.status_code == 200
    assert texts(open_docx(response.content))[1] == "智能制造示范工厂申报书"


@pytest.mark.parametrize("code", ["文件9", "文件2", "文件4", "form"])
def test_unknown_code_or_slot_without_template_is_404(client, campaign_2024, code):
    assert client.get(f"{campaign_2024.url}templates/{code}/").status_code == 404


def test_government_call_without_commitment_slot_is_404(client, miit):
    assert client.get(f"{miit.url}templates/文件3/").status_code == 404
    response = client.get(f"{miit.url}templates/文件1/", {"category": "先行区"})
    assert response.status_code == 404


def download_links(response):
    tree = lxml_html.fromstring(response.content.decode())
    return [(a.get("href"), a.text_content()) for a in tree.xpath("//ul[@class='downloads']//a")]


def test_campaign_page_links_its_templates(client, campaign_2024, miit):
    response = client.get(campaign_2024.url)
    assert response.status_code == 200
    links = download_links(response)
    assert [text for _href, text in links] == [
        "下载模板：文件1 “2024中国智能制造科技进展”推荐表（Word）",
        "下载模板：文件3 承诺书（Word，签字盖章后扫描成 PDF 上传）",
    ]
    for href, _text in links:
        download = client.get(href)
        assert download.status_code == 200
        assert download["Content-Type"] == DOCX_CONTENT_TYPE

    links = download_links(client.get(miit.url))
    assert len(links) == 2
    titles = [texts(open_docx(client.get(href).content))[1] for href, _text in links]
    assert titles == ["智能制造优秀场景申报书", "智能制造示范工厂申报书"]
