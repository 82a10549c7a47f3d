"""Every file is built for real: python-docx documents with raw WordprocessingML where python-docx
has no API, MP4 boxes written byte by byte, PDFs written by pypdf."""

import io
import struct
import zipfile

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.parser import parse_xml
from pypdf import PdfWriter

from campaigns.file_checks import (
    DocxUnreadable,
    RequiredSection,
    SlotRules,
    check_file,
    docx_character_count,
    docx_numbered_text,
    docx_text,
    find_sections,
    mp4_duration_seconds,
    pdf_page_count,
)
from cms import upload_mp4
from cms.cjk_text import count_characters_no_spaces, count_form_characters
from cms.upload_checks import DocumentRejected
from tests import hostile_media as hostile

KIB = 1024
MIB = 1024 * 1024

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = " ".join(
    [
        f'xmlns:w="{W}"',
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"',
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"',
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"',
        'xmlns:v="urn:schemas-microsoft-com:vml"',
    ]
)

SECTIONS_2024 = (
    RequiredSection("一", ("背景", "意义")),
    RequiredSection("二", ("创新性",)),
    RequiredSection("三", ("引领性",)),
    RequiredSection("四", ("应用性",)),
)
SECTIONS_2021 = (
    RequiredSection("1", ("创新性",)),
    RequiredSection("2", ("引领性",)),
    RequiredSection("3", ("应用性",)),
    RequiredSection("4", ("经济效益", "社会效益")),
    RequiredSection("5", ("未来发展预期",)),
    RequiredSection("6", ("知识产权",)),
)
HEADINGS_2024 = (
    "一、本项智能制造科技进展的背景和意义",
    "二、本项智能制造科技进展的创新性",
    "三、本项智能制造科技进展的引领性",
    "四、本项智能制造科技进展的应用性",
)
FORM = SlotRules(
    code="文件1",
    label="推荐表",
    kind="word",
    char_limit=5000,
    required_sections=SECTIONS_2024,
    max_size_bytes=20 * MIB,
)
FORM_2021 = SlotRules(
    code="文件1", label="推荐表", kind="word", char_limit=5000, required_sections=SECTIONS_2021
)
VIDEO = SlotRules(code="文件2", label="答辩视频", kind="video", max_video_minutes=12)
COMMITMENT = SlotRules(code="文件3", label="承诺书", kind="pdf")
ACTIVE_AFTER = "，为安全起见不予接受；请去除后（例如用“打印为 PDF”另存为普通 PDF）重新上传"


# --- builders ---------------------------------------------------------------------------------


def docx_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xml(fragment):
    """A WordprocessingML element; the root tag gets the namespace declarations."""
    tag_end = fragment.index(">")
    if fragment[tag_end - 1] == "/":
        tag_end -= 1
    return parse_xml(fragment[:tag_end] + " " + NAMESPACES + fragment[tag_end:])


def add_body_xml(document, fragment):
    document.element.body.sectPr.addprevious(xml(fragment))


def text_box(text):
    """A floating text box as Word writes it: DrawingML for Word 2010+, VML as the fallback."""
    paragraph = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    return (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx><w:txbxContent>{paragraph}</w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape><v:textbox style="mso-fit-shape-to-text:t">'
        f"<w:txbxContent>{paragraph}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def everything_docx():
    """Text in every place Word keeps it, and some that a reader does not see."""
    document = Document()
    document.add_paragraph("智能制造科技进展 GB/T 39116-2020")  # 8 + 2
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "数控机床"  # 4
    nested = table.cell(0, 1).add_table(rows=1, cols=1)
    nested.cell(0, 0).text = "工业机器人"  # 5
    anchor = document.add_paragraph("见文本框")  # 4
    anchor._p.append(xml(text_box("文本框内容")))  # 5, once
    add_body_xml(
        document,
        '<w:sdt><w:sdtPr><w:alias w:val="项目名称"/></w:sdtPr>'
        "<w:sdtContent><w:p><w:r><w:t>内容控件ABC</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    )  # 4 + 1
    add_body_xml(
        document,
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>"
        "<w:t>单击或点击此处输入文字。</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    )  # a prompt: 0
    revised = document.add_paragraph("保留")  # 2
    for fragment in (
        '<w:del w:id="1" w:author="秘书处"><w:r><w:delText>删除的文字</w:delText></w:r></w:del>',
        '<w:ins w:id="2" w:author="秘书处"><w:r><w:t>插入</w:t></w:r></w:ins>',  # 2
        '<w:moveFrom w:id="3" w:author="秘书处"><w:r><w:t>移走</w:t></w:r></w:moveFrom>',
        "<w:r><w:instrText> PAGE </w:instrText></w:r>",
    ):
        revised._p.append(xml(fragment))
    return docx_bytes(document)


EVERYTHING_COUNT = 10 + 4 + 5 + 4 + 5 + 5 + 2 + 2


def form_docx(*paragraphs, headings=()):
    document = Document()
    for heading in headings:
        document.add_heading(heading, level=1)
        document.add_paragraph("正文。")
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    return docx_bytes(document)


def form_of_length(characters):
    """A form of `characters` Chinese characters, in paragraphs of 500."""
    text = ("智能制造" * (characters // 4 + 1))[:characters]
    return form_docx(*(text[i : i + 500] for i in range(0, len(text), 500)))


def add_chinese_list(document):
    """A numbered list "一、", "二、", … in numbering.xml; returns its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        xml(
            '<w:abstractNum w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
            '<w:suff w:val="nothing"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%2."/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(xml('<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def number_paragraph(paragraph, num_id, ilvl=0):
    paragraph._p.get_or_add_pPr().append(
        xml(f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def box(kind, payload=b""):
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def large_box(kind, payload):
    return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload


MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mvhd(timescale, duration, version=0):
    if version == 0:
        times = struct.pack(">IIII", 0, 0, timescale, duration)
    else:
        times = struct.pack(">QQIQ", 0, 0, timescale, duration)
    rest = struct.pack(">IH10x", 0x10000, 0x100) + MATRIX + bytes(24) + struct.pack(">I", 2)
    return box(b"mvhd", bytes([version, 0, 0, 0]) + times + rest)


def ftyp(brand=b"isom"):
    return box(b"ftyp", brand + struct.pack(">I", 512) + b"isomiso2avc1mp41")


def movie(seconds, version=0, timescale=1000):
    return box(b"moov", mvhd(timescale, round(seconds * timescale), version))


def mp4(seconds, version=0, timescale=1000):
    return ftyp() + movie(seconds, version, timescale) + box(b"mdat", bytes(4096))


def pdf(pages, **encryption):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if encryption:
        writer.encrypt(algorithm="RC4-128", **encryption)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- counting characters ----------------------------------------------------------------------


# Word's 字数统计 on each text: 字数 (the forms' limit), 字符数(不计空格).
WORD_COUNTS = [
    ("智能制造", 4, 4),
    ("", 0, 0),
    # Mixed Chinese and Latin: a Latin run glued to Chinese characters splits at them.
    ("智能制造2025年", 6, 9),
    ("5G技术", 3, 4),
    ("智能制造，ABC 123。", 8, 12),
    ("采用 AI 技术", 5, 6),
    # Each whitespace-delimited run of other characters is one word, punctuation and all.
    ("AT&T", 1, 4),
    ("Wi-Fi 6", 2, 6),
    ("http://images.google.com/images?num=30&q", 1, 40),
    ("详见 https://www.miit.gov.cn/zwgk/art_1.html。", 4, 42),
    ("联系 zhang.san@example.com", 3, 23),
    # Standard numbers.
    ("GB/T", 1, 4),
    ("39116-2020", 1, 10),
    ("GB/T 39116-2020", 2, 14),
    ("依据GB/T 39116-2020《智能制造能力成熟度模型》", 17, 29),
    ("ISO/IEC 27001:2022", 2, 17),
    # Numbers and formulas.
    ("3.5", 1, 3),
    ("3.5倍", 2, 4),
    ("效率提升35%", 5, 7),
    ("E=mc²", 1, 5),
    ("y = a + b × x", 7, 7),
    ("25°C", 1, 4),
    ("f(x)=∑a_i·x^i", 1, 13),
    # Full-width letters, digits and punctuation are East Asian: one each.
    ("ＡＢ１２", 4, 4),
    ("（一）背景", 5, 5),
    ("“智能制造”：《指南》、规范；", 15, 15),
    ("技术——数据……", 8, 8),
    ("称为“AI”技术", 7, 8),
    ("迈克尔·乔丹", 6, 6),
    # Ambiguous-width punctuation inside a Latin word belongs to it.
    ("don’t", 1, 5),
    # Whitespace, the ideographic space too, counts nothing; invisible characters neither count
    # nor split a word.
    ("\u3000智 能\t制\n造  ", 4, 4),
    ("GB/T\u300039116", 2, 9),
    ("数字\u200b孪生", 4, 4),
    ("AT\u200b&T", 1, 4),
    ("cafe\u0301 ole\u0301", 2, 7),
    ("智能\ufeff制造", 4, 4),
]


@pytest.mark.parametrize(("text", "words", "no_spaces"), WORD_COUNTS)
def test_form_character_count_is_words_count(text, words, no_spaces):
    assert count_form_characters(text) == words
    assert count_characters_no_spaces(text) == no_spaces


# --- Word forms -------------------------------------------------------------------------------


def test_text_in_every_part_of_the_document_counts_once():
    data = everything_docx()
    assert docx_character_count(data) == EVERYTHING_COUNT
    paragraphs = docx_text(data)
    assert paragraphs.count("文本框内容") == 1
    assert "内容控件ABC" in paragraphs
    assert {"数控机床", "工业机器人"} <= set(paragraphs)
    assert "保留插入" in paragraphs
    joined = "".join(paragraphs)
    for unseen in ("删除的文字", "移走", "PAGE", "单击或点击此处输入文字"):
        assert unseen not in joined


def test_check_file_reports_the_character_count():
    rules = SlotRules(code="文件1", label="推荐表", kind="word", char_limit=5000)
    result = check_file(rules, "推荐表.docx", everything_docx())
    assert result.ok, result.failures
    assert result.facts["characters"] == EVERYTHING_COUNT


def test_a_form_of_exactly_5000_characters_passes():
    rules = SlotRules(code="文件1", label="推荐表", kind="word", char_limit=5000)
    result = check_file(rules, "推荐表.docx", form_of_length(5000))
    assert result.ok, result.failures
    assert result.facts["characters"] == 5000


def test_a_form_of_5001_characters_fails():
    rules = SlotRules(code="文件1", label="推荐表", kind="word", char_limit=5000)
    result = check_file(rules, "推荐表.docx", form_of_length(5001))
    assert not result.ok
    assert result.failures == [
        "文件1 字数 5,001（字符数（不计空格）5,001），"
        "超过 5,000 字上限（按 Word“字数统计”中的“字数”计）"
    ]
    assert result.facts["characters"] == 5001
    assert result.facts["characters_no_spaces"] == 5001


# A paragraph as forms cite their sources: Word's 字数 is 32 (10 Chinese characters, a URL, 及,
# a URL, ，, 依据, GB/T, 39116-2020, 《, 11 Chinese characters, 》, 。); 字符数(不计空格) 180. The
# old count took each ASCII mark inside a URL or standard number for a character: 82.
CITING = (
    "参见智能制造标准体系 "
    "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2021/art_2f2b9e1b8c7a4b6e9f0d1c2b3a4e5f60.html"
    " 及 http://images.google.com/images?num=30&q=robot，"
    "依据 GB/T 39116-2020《智能制造能力成熟度模型》。"
)


def citing_form(paragraphs):
    document = Document()
    document.add_heading("一、本项智能制造科技进展的背景和意义", level=1)  # 18
    for _ in range(paragraphs):
        document.add_paragraph(CITING)
    return docx_bytes(document)


def test_a_form_full_of_urls_is_judged_by_words_count():
    # 18 + 80 × 32 = 2,578 at Word's count: within 3,000. The old count, 18 + 80 × 82 = 6,578,
    # refused it.
    rules = SlotRules(code="文件1", label="推荐表", kind="word", char_limit=3000)
    data = citing_form(80)
    result = check_file(rules, "推荐表.docx", data)
    assert result.ok, result.failures
    assert result.facts["characters"] == docx_character_count(data) == 18 + 80 * 32
    assert result.facts["characters_no_spaces"] == 18 + 80 * 180


def test_a_form_over_the_limit_names_both_counts_and_the_one_the_limit_uses():
    rules = SlotRules(code="文件1", label="推荐表", kind="word", char_limit=3000)
    result = check_file(rules, "推荐表.docx", citing_form(100))
    assert not result.ok
    assert result.failures == [
        "文件1 字数 3,218（字符数（不计空格）18,018），"
        "超过 3,000 字上限（按 Word“字数统计”中的“字数”计）"
    ]


def test_sections_styled_as_headings_are_found():
    result = check_file(FORM, "推荐表.docx", form_docx(headings=HEADINGS_2024))
    assert result.ok, result.failures
    sections = result.facts["sections"]
    assert [s["found"] for s in sections] == [True] * 4
    assert sections[0]["heading"] == HEADINGS_2024[0]
    assert sections[0]["keywords"] == ["背景", "意义"]


def test_sections_in_plain_paragraphs_with_any_marker_are_found():
    data = form_docx(
        "一. 本项智能制造科技进展的背景和意义",
        "正文",
        "  二、本项智能制造科技进展的创新性",
        "首创的协同优化算法。",
        "（三）本项智能制造科技进展的引领性",
        "牵头制定行业标准。",
        "第四部分 本项智能制造科技进展的应用性",
        "效率提升35%。",
    )
    result = check_file(FORM, "推荐表.docx", data)
    assert result.ok, result.failures


def test_missing_sections_are_listed():
    data = form_docx(
        "一、本项智能制造科技进展的背景和意义",
        "行业背景。",
        "二、本项智能制造科技进展的创新性",
        "本项进展具有引领性。",  # no number: not a heading
        "1.1 应用性",  # a subsection, not section 一 and not 四
        "五、本项智能制造科技进展的应用性",  # the wrong number
    )
    result = check_file(FORM, "推荐表.docx", data)
    assert not result.ok
    assert result.failures == ["文件1 缺少必备部分：三、引领性；四、应用性"]
    assert [s["found"] for s in result.facts["sections"]] == [True, True, False, False]
    assert result.facts["sections"][2]["heading"] is None


def test_the_2021_form_with_six_numbered_sections():
    headings = [
        "1.创新性",
        "2. 引领性",
        "3、应用性",
        "4．经济效益或社会效益",
        "(5)未来发展预期",
        "（6）知识产权",
    ]
    with_text = [paragraph for heading in headings for paragraph in (heading, "正文内容。")]
    assert check_file(FORM_2021, "推荐表.docx", form_docx(*with_text)).ok
    assert check_file(FORM_2021, "推荐表.docx", form_docx(headings=headings)).ok


def test_the_2021_form_lists_its_missing_sections():
    headings = ("1.创新性", "2.引领性", "3.应用性", "4.经济效益", "5.未来发展预期")
    data = form_docx(*(paragraph for heading in headings for paragraph in (heading, "内容。")))
    result = check_file(FORM_2021, "推荐表.docx", data)
    assert result.failures == ["文件1 缺少必备部分：4.经济效益和社会效益；6.知识产权"]


def test_automatically_numbered_headings_are_found():
    document = Document()
    num_id = add_chinese_list(document)
    style = document.styles.add_style("申报表一级标题", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(xml(f'<w:numPr><w:numId w:val="{num_id}"/></w:numPr>'))
    for heading in HEADINGS_2024[:2]:
        paragraph = document.add_paragraph(heading.removeprefix(heading[:2]))
        number_paragraph(paragraph, num_id)
        number_paragraph(document.add_paragraph("行业现状"), num_id, ilvl=1)
    for heading in HEADINGS_2024[2:]:
        document.add_paragraph(heading.removeprefix(heading[:2]), style=style)
        document.add_paragraph("牵头制定行业标准。")
    data = docx_bytes(document)

    numbered = docx_numbered_text(data)
    assert "三、本项智能制造科技进展的引领性" in numbered
    assert "1.\t行业现状" in numbered
    assert "一、" not in "".join(docx_text(data))
    result = check_file(FORM, "推荐表.docx", data)
    assert result.ok, result.failures
    # The numbers Word draws are not text: they do not count.
    assert result.facts["characters"] == sum(count_form_characters(p) for p in docx_text(data))


def test_find_sections_on_plain_strings():
    found, missing = find_sections(["一、背景与意义", "二创新性"], SECTIONS_2024[:3])
    assert found == [(SECTIONS_2024[0], "一、背景与意义")]
    assert missing == list(SECTIONS_2024[1:3])


def test_a_file_that_is_not_a_word_document_fails_with_the_upload_check_message():
    result = check_file(FORM, "推荐表.docx", "这不是 Word 文件".encode())
    assert not result.ok
    assert result.failures == ["文件1不是有效的 Word（.docx）文件：文件内容不是 docx 格式。"]


def test_a_docx_whose_document_xml_is_broken_fails():
    document_xml = b"<w:document><w:body>"
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(form_docx("一、背景和意义")))
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = document_xml if name == "word/document.xml" else source.read(name)
            target.writestr(name, content)
    result = check_file(FORM, "推荐表.docx", buffer.getvalue())
    assert result.failures == ["文件1中的 word/document.xml 不是格式正确的 XML。"]
    with pytest.raises(DocxUnreadable):
        docx_text(buffer.getvalue())


# --- videos -----------------------------------------------------------------------------------


def test_an_mp4_under_the_limit_passes_with_its_duration():
    result = check_file(VIDEO, "答辩视频.mp4", mp4(11 * 60 + 59))
    assert result.ok, result.failures
    assert result.facts["duration_seconds"] == 719.0


def test_an_mp4_of_exactly_the_limit_passes():
    assert check_file(VIDEO, "答辩视频.mp4", mp4(12 * 60)).ok


def test_an_mp4_over_the_limit_fails_with_its_duration():
    # Version 1 header with a duration that needs 64 bits.
    data = mp4(12 * 60 + 30, version=1, timescale=10_000_000)
    assert mp4_duration_seconds(data) == 750.0
    result = check_file(VIDEO, "答辩视频.mp4", data)
    assert result.failures == ["文件2 时长 12分30秒，超过 12 分钟上限"]


def test_a_fraction_of_a_second_over_the_limit_is_shown_rounded_up():
    result = check_file(VIDEO, "答辩视频.mp4", mp4(720.2))
    assert result.failures == ["文件2 时长 12分1秒，超过 12 分钟上限"]


def test_a_quicktime_movie_passes():
    data = ftyp(b"qt  ") + box(b"wide") + box(b"mdat", bytes(256)) + movie(600)
    assert mp4_duration_seconds(data) == 600.0
    assert check_file(VIDEO, "答辩视频.mov", data).ok


def test_an_old_quicktime_movie_without_ftyp_passes():
    data = box(b"wide") + box(b"mdat", bytes(256)) + movie(90)
    assert mp4_duration_seconds(data) == 90.0


def test_large_and_open_ended_media_boxes_are_walked():
    data = ftyp() + movie(300) + large_box(b"free", bytes(64)) + struct.pack(">I4s", 0, b"mdat")
    assert mp4_duration_seconds(data + bytes(1000)) == 300.0


def test_a_renamed_executable_fails():
    data = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"This program cannot be run in DOS mode." * 50
    result = check_file(VIDEO, "答辩视频.mp4", data)
    assert result.failures == ["文件2 不是有效的 MP4/MOV 视频文件"]
    with pytest.raises(DocumentRejected) as excinfo:
        mp4_duration_seconds(data)
    assert excinfo.value.code == "invalid"


def test_junk_after_a_valid_box_fails():
    data = ftyp() + movie(60) + b"\x00\x00\x00\x10\x01\x02\x03\x04" + bytes(8)
    assert check_file(VIDEO, "答辩视频.mp4", data).failures == ["文件2 不是有效的 MP4/MOV 视频文件"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(ftyp() + movie(60)[:60], id="cut-in-moov"),
        pytest.param(mp4(60)[:-100], id="cut-in-mdat"),
        pytest.param(ftyp() + box(b"mdat", bytes(256)), id="no-moov"),
        pytest.param(ftyp() + box(b"moov", box(b"trak")) + box(b"mdat"), id="no-mvhd"),
    ],
)
def test_an_incomplete_video_fails(data):
    result = check_file(VIDEO, "答辩视频.mp4", data)
    assert result.failures == ["文件2 视频文件不完整（可能上传中断）"]


def test_a_fragmented_mp4_takes_its_duration_from_the_extends_header():
    mehd = box(b"mehd", bytes(4) + struct.pack(">I", 95_000))
    moov = box(b"moov", mvhd(1000, 0) + box(b"mvex", mehd))
    assert mp4_duration_seconds(ftyp() + moov + box(b"moof") + box(b"mdat")) == 95.0


def test_a_video_without_any_duration_fails():
    data = ftyp() + box(b"moov", mvhd(1000, 0)) + box(b"mdat")
    with pytest.raises(DocumentRejected) as excinfo:
        mp4_duration_seconds(data)
    assert excinfo.value.code == "no_duration"
    assert check_file(VIDEO, "答辩视频.mp4", data).failures[0].startswith("文件2 无法读取视频时长")


# --- PDFs -------------------------------------------------------------------------------------


def test_a_pdf_passes_with_its_page_count():
    result = check_file(COMMITMENT, "承诺书.pdf", pdf(3))
    assert result.ok, result.failures
    assert result.facts["pages"] == 3


def test_a_pdf_without_pages_fails():
    data = pdf(0)
    assert pdf_page_count(data) == 0
    result = check_file(COMMITMENT, "承诺书.pdf", data)
    assert result.failures == ["文件3 是没有任何页面的 PDF 文件"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("承诺书：本单位承诺……".encode(), id="text"),
        pytest.param(b"%PDF-1.7\nnot really a pdf\n", id="pdf-header-only"),
        pytest.param(pdf(2)[:200], id="truncated"),
    ],
)
def test_a_file_that_is_not_a_pdf_fails(data):
    result = check_file(COMMITMENT, "承诺书.pdf", data)
    assert result.failures == ["文件3 不是有效的 PDF 文件"]


def test_an_encrypted_pdf_that_opens_without_a_password_passes():
    result = check_file(COMMITMENT, "承诺书.pdf", pdf(2, user_password="", owner_password="秘书处"))
    assert result.ok, result.failures
    assert result.facts["pages"] == 2


def test_a_password_protected_pdf_fails():
    data = pdf(2, user_password="123456", owner_password="秘书处")
    result = check_file(COMMITMENT, "承诺书.pdf", data)
    assert result.failures == ["文件3 是加密的 PDF 文件，无法读取，请去除密码后重新上传"]


def test_an_active_pdf_fails_naming_what_was_found():
    result = check_file(COMMITMENT, "承诺书.pdf", hostile.js_in_object_stream_pdf())
    assert result.failures == [f"文件3 含有活动内容（JavaScript 脚本）{ACTIVE_AFTER}"]
    result = check_file(COMMITMENT, "承诺书.pdf", hostile.embedded_file_pdf("setup.exe"))
    assert result.failures == [
        f"文件3 含有活动内容（嵌入的可执行文件“setup.exe”（Windows 程序））{ACTIVE_AFTER}"
    ]
    assert "pages" not in result.facts


def test_a_crafted_video_fails_with_the_box_count(monkeypatch):
    monkeypatch.setattr(upload_mp4, "MAX_BOXES", 1_000)  # a small file proves the box limit
    data = hostile.normal_mp4() + hostile.TINY_BOX * 2_000
    result = check_file(VIDEO, "答辩视频.mp4", data)
    assert result.failures == [
        "文件2 视频文件由过多的数据块组成（超过 1,000 个），不是正常导出的视频，"
        "请导出为标准 MP4 后重新上传"
    ]


# --- every slot -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "name", "build"),
    [
        (FORM, "推荐表.docx", lambda: form_of_length(1200)),
        (VIDEO, "答辩视频.mp4", lambda: mp4(600)),
        (COMMITMENT, "承诺书.pdf", lambda: pdf(2)),
        (COMMITMENT, "承诺书.pdf", hostile.launch_pdf),
    ],
    ids=["word", "video", "pdf", "active-pdf"],
)
def test_a_file_on_disk_is_checked_as_its_bytes_are(tmp_path, rules, name, build):
    data = build()
    path = tmp_path / name
    path.write_bytes(data)
    with path.open("rb") as file:
        from_file = check_file(rules, name, file)
    from_bytes = check_file(rules, name, data)
    assert (from_file.ok, from_file.failures, from_file.facts) == (
        from_bytes.ok,
        from_bytes.failures,
        from_bytes.facts,
    )
    assert from_file.facts["size"] == len(data)


def test_a_word_form_over_the_site_limit_is_refused_unread(settings):
    """Word forms are read whole, so the site's limit for .docx files applies before that, even
    in a slot without a limit of its own."""
    settings.LIANHE_DOCX_MAX_UPLOAD_BYTES = 1 * MIB

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read")

    unlimited = SlotRules(code="文件1", label="推荐表", kind="word")
    result = check_file(unlimited, "推荐表.docx", Unreadable(bytes(2 * MIB)))
    assert result.failures == ["文件1 大小 2 MB，超过 1 MB 上限"]


@pytest.mark.parametrize("rules", [FORM, VIDEO, COMMITMENT], ids=lambda rules: rules.kind)
def test_an_empty_file_fails(rules):
    result = check_file(rules, "空.bin", b"")
    assert result.failures == [f"{rules.code} 是空文件"]
    assert result.facts["size"] == 0


def test_an_optional_slot_still_refuses_an_empty_file():
    rules = SlotRules(code="文件4", label="证明材料清单", kind="pdf", required=False)
    assert not check_file(rules, "清单.pdf", b"").ok


def test_a_file_over_the_size_limit_fails_before_it_is_opened():
    rules = SlotRules(code="文件2", label="答辩视频", kind="video", max_size_bytes=1 * KIB)
    result = check_file(rules, "答辩视频.mp4", b"MZ" + bytes(2 * KIB - 2))
    assert result.failures == ["文件2 大小 2 KB，超过 1 KB 上限"]
    assert "duration_seconds" not in result.facts


def test_size_limits_in_megabytes():
    rules = SlotRules(code="文件3", label="承诺书", kind="pdf", max_size_bytes=1 * MIB)
    data = pdf(1)
    assert check_file(rules, "承诺书.pdf", data + bytes(MIB - len(data))).ok
    result = check_file(rules, "承诺书.pdf", data + bytes(MIB * 3 // 2 - len(data)))
    assert result.failures == ["文件3 大小 1.5 MB，超过 1 MB 上限"]
    # Sizes just over the limit are rounded up, never shown equal to it.
    result = check_file(rules, "承诺书.pdf", data + bytes(MIB + 1 - len(data)))
    assert result.failures == ["文件3 大小 1.1 MB，超过 1 MB 上限"]


def test_a_file_exactly_at_the_limit_passes():
    data = mp4(60)
    rules = SlotRules(code="文件2", label="答辩视频", kind="video", max_size_bytes=len(data))
    assert check_file(rules, "答辩视频.mp4", data).ok


def test_an_unknown_slot_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown slot kind"):
        check_file(SlotRules(code="文件5", label="其他", kind="audio"), "a.mp3", b"ID3")
