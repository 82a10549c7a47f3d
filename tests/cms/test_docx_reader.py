"""The one Word reader (cms.docx_reader) and its numbering, on documents written part by part:
every list format Chinese documents use, restarts and overrides, tables and merged cells."""

import pytest

from cms.cn_numerals import chinese_numeral, digit_numeral, number_value
from cms.docx_reader import DocxUnreadable, read_paragraphs
from tests.hostile_docx import rebuilt, valid_docx
from tests.world_docx import W, numbering_xml


def _level(ilvl, number_format, text, start=1, extra=""):
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
        f'{extra}<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/></w:lvl>'
    )


def _document(body, numbering=None):
    document = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'.encode()
    parts = {"word/document.xml": document}
    if numbering is not None:
        parts["word/numbering.xml"] = numbering
    return rebuilt(valid_docx(), replace_parts=parts)


def _p(text, num_id=None, ilvl=0):
    number = (
        f'<w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
        if num_id
        else ""
    )
    return f"<w:p>{number}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _labels(data):
    return [p.number for p in read_paragraphs(data)]


@pytest.mark.parametrize(
    "number_format, text, expected",
    [
        ("chineseCounting", "%1、", ["一、", "二、", "三、"]),
        ("ideographTraditional", "%1.", ["甲.", "乙.", "丙."]),
        ("ideographZodiac", "%1", ["子", "丑", "寅"]),
        ("decimalEnclosedCircle", "%1", ["①", "②", "③"]),
        ("decimalEnclosedCircleChinese", "%1", ["①", "②", "③"]),
        ("ideographEnclosedCircle", "%1", ["㈠", "㈡", "㈢"]),
        ("decimalEnclosedParen", "%1", ["⑴", "⑵", "⑶"]),
        ("decimalFullWidth", "%1．", ["１．", "２．", "３．"]),
        ("chineseLegalSimplified", "第%1条", ["第壹条", "第贰条", "第叁条"]),
        ("upperRoman", "%1.", ["I.", "II.", "III."]),
        ("lowerLetter", "(%1)", ["(a)", "(b)", "(c)"]),
        ("decimal", "（%1）", ["（1）", "（2）", "（3）"]),
        ("bullet", "\uf06c", ["", "", ""]),
    ],
)
def test_every_list_format_is_drawn_as_word_draws_it(number_format, text, expected):
    numbering = numbering_xml({"0": [_level(0, number_format, text)]}, {"1": ("0", "")})
    data = _document("".join(_p(f"第{n}项", 1) for n in range(3)), numbering)
    assert _labels(data) == expected


def test_counting_goes_on_past_ten_and_a_hundred():
    numbering = numbering_xml(
        {"0": [_level(0, "chineseCounting", "%1、", start=9)]}, {"1": ("0", "")}
    )
    labels = _labels(_document("".join(_p("x", 1) for _ in range(4)), numbering))
    assert labels == ["九、", "十、", "十一、", "十二、"]
    numbering = numbering_xml(
        {"0": [_level(0, "chineseCounting", "%1、", start=100)]}, {"1": ("0", "")}
    )
    labels = _labels(_document("".join(_p("x", 1) for _ in range(3)), numbering))
    assert labels == ["一百、", "一百零一、", "一百零二、"]


def test_levels_restart_under_their_parent_and_lists_restart_by_override():
    numbering = numbering_xml(
        {"0": [_level(0, "chineseCounting", "%1、"), _level(1, "decimal", "%2.")]},
        {
            "1": ("0", ""),
            "2": ("0", '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'),
            "3": (
                "0",
                '<w:lvlOverride w:ilvl="1"><w:lvl w:ilvl="1"><w:start w:val="1"/>'
                '<w:numFmt w:val="decimalEnclosedCircle"/><w:suff w:val="nothing"/>'
                '<w:lvlText w:val="%2"/></w:lvl></w:lvlOverride>',
            ),
        },
    )
    body = (
        _p("a", 1)
        + _p("b", 1, 1)
        + _p("c", 1, 1)
        + _p("d", 1)
        + _p("e", 1, 1)
        # A new list on the same definition continues it, unless it restarts.
        + _p("f", 3)
        + _p("g", 3, 1)
        + _p("h", 2)
        + _p("i", 2, 1)
    )
    assert _labels(_document(body, numbering)) == [
        "一、", "1.", "2.", "二、", "1.", "三、", "①", "一、", "1.",
    ]  # fmt: skip


def test_legal_numbering_draws_every_level_in_digits():
    numbering = numbering_xml(
        {
            "0": [
                _level(0, "chineseCounting", "%1、"),
                _level(1, "decimal", "%1.%2", extra="<w:isLgl/>"),
            ]
        },
        {"1": ("0", "")},
    )
    assert _labels(_document(_p("a", 1) + _p("b", 1, 1), numbering)) == ["一、", "1.1"]


def test_a_paragraph_with_num_id_0_is_not_numbered_and_unknown_lists_are_ignored():
    numbering = numbering_xml({"0": [_level(0, "decimal", "%1.")]}, {"1": ("0", "")})
    body = _p("a", 1) + _p("b", 0) + _p("c", 42) + _p("d", 1)
    assert _labels(_document(body, numbering)) == ["1.", "", "", "2."]


def test_table_cells_are_read_once_even_when_merged():
    cell = "<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
    merged = cell.format(props='<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>', text="合并单元格")
    row = f"<w:tr>{merged}{cell.format(props='', text='右')}</w:tr>"
    nested = f"<w:tbl><w:tr>{cell.format(props='', text='内层')}</w:tr></w:tbl>"
    outer = f"<w:tr><w:tc>{nested}<w:p/></w:tc></w:tr>"
    paragraphs = read_paragraphs(_document(_p("前") + f"<w:tbl>{row}{outer}</w:tbl>" + _p("后")))
    assert [(p.text, p.in_table) for p in paragraphs if p.text] == [
        ("前", False), ("合并单元格", True), ("右", True), ("内层", True), ("后", False),
    ]  # fmt: skip


def test_a_package_without_its_main_part_is_unreadable_not_a_crash():
    data = rebuilt(valid_docx(), drop=("word/document.xml",))
    with pytest.raises(DocxUnreadable) as excinfo:
        read_paragraphs(data)
    assert excinfo.value.message == "无法读取 Word 文档的内容（文件已损坏）"


@pytest.mark.parametrize(
    "value, numeral",
    [(1, "一"), (10, "十"), (12, "十二"), (40, "四十"), (99, "九十九"), (100, "一百"),
     (101, "一百零一"), (110, "一百一十"), (1001, "一千零一"), (2021, "二千零二十一")],
)  # fmt: skip
def test_chinese_numerals_both_ways(value, numeral):
    assert chinese_numeral(value) == numeral
    assert number_value(numeral) == value


def test_numeral_edge_cases():
    assert chinese_numeral(12, legal=True) == "拾贰"
    assert chinese_numeral(10000) == "10000"
    assert digit_numeral(2021) == "二〇二一"
    assert number_value("两") == 2
    assert number_value("叁") == 3
    assert number_value("１２") == 12  # full-width digits
    assert number_value("二三") is None
    assert number_value("") is None
    assert number_value("第") is None
