"""Helpers for Word documents in the Chinese official style (python-docx).

Word picks the East-Asian font of a run from `w:eastAsia`; when a theme font attribute is present
it wins, and with no zh-CN language tag Word may fall back to a Japanese face. So every run gets
explicit fonts, no theme attributes and `w:lang w:eastAsia="zh-CN"`.
"""

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Chinese size names in points.
FONT_SIZES = {
    "初号": 42,
    "小初": 36,
    "一号": 26,
    "小一": 24,
    "二号": 22,
    "小二": 18,
    "三号": 16,
    "小三": 15,
    "四号": 14,
    "小四": 12,
    "五号": 10.5,
    "小五": 9,
}

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
LATIN_FONT = "Times New Roman"


def size_pt(size):
    """A size name (三号) or a number of points."""
    if isinstance(size, str):
        return FONT_SIZES[size]
    return size


def _get_or_add(parent, tag):
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    return element


def set_rpr_fonts(rpr, east_asia, latin=LATIN_FONT):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_FONT_ATTRS:
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    lang = _get_or_add(rpr, "w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def style_run(run, font, size, bold=False):
    run.font.name = LATIN_FONT
    run.font.size = Pt(size_pt(size))
    run.font.bold = bold
    set_rpr_fonts(run._element.get_or_add_rPr(), font)
    return run


def set_first_line_indent(paragraph, chars, size):
    """Indent by `chars` characters, as Word's own dialog writes it: `w:firstLineChars` (hundredths
    of a character) for Word, and the same width in twips for readers that ignore the former."""
    ppr = paragraph._p.get_or_add_pPr()
    ind = _get_or_add(ppr, "w:ind")
    ind.set(qn("w:firstLineChars"), str(int(chars * 100)))
    ind.set(qn("w:firstLine"), str(round(chars * size_pt(size) * 20)))


def set_line_spacing(paragraph, multiple=None, exact_pt=None):
    fmt = paragraph.paragraph_format
    if multiple is not None:
        fmt.line_spacing = multiple
    elif exact_pt is not None:
        fmt.line_spacing = Pt(exact_pt)


def add_text_paragraph(
    document,
    text,
    font,
    size,
    *,
    bold=False,
    align=None,
    indent_chars=0,
    style=None,
    space_before=0,
    space_after=0,
    line_spacing=1.5,
):
    paragraph = document.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if indent_chars:
        set_first_line_indent(paragraph, indent_chars, size)
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    set_line_spacing(paragraph, multiple=line_spacing)
    if text:
        style_run(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def add_field(paragraph, instruction, font, size, placeholder="1"):
    """A complex field (PAGE, NUMPAGES, …) whose result Word recomputes when it opens the file."""

    def run_with(child):
        run = paragraph.add_run()
        style_run(run, font, size)
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    style_run(paragraph.add_run(placeholder), font, size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def setup_a4(document, top=37, bottom=35, left=28, right=26):
    """A4 portrait with the margins of GB/T 9704 (official documents)."""
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(210)
        section.page_height = Mm(297)
        section.top_margin = Mm(top)
        section.bottom_margin = Mm(bottom)
        section.left_margin = Mm(left)
        section.right_margin = Mm(right)


def set_document_defaults(document, font, size):
    """Strip theme fonts from the defaults and every style so no run inherits a theme face."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults"))
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            set_rpr_fonts(rpr, font)
    # The template's other styles (Heading 3–9, Title, their linked character styles, table
    # styles) name theme fonts too; an editor applying one in Word would get the theme's
    # East-Asian face (often a Japanese one). Without the theme attributes they inherit the
    # defaults set here.
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in _THEME_FONT_ATTRS:
            fonts.attrib.pop(qn(attr), None)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(size_pt(size))
    set_rpr_fonts(normal.element.get_or_add_rPr(), font)


def add_page_number_footer(document, font="宋体", size="四号"):
    """`— N —` centred in the footer, N being a PAGE field."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style_run(paragraph.add_run("— "), font, size)
        add_field(paragraph, "PAGE", font, size)
        style_run(paragraph.add_run(" —"), font, size)


def style_paragraph_style(
    document,
    name,
    font,
    size,
    *,
    bold=False,
    line_spacing=1.5,
    space_before=0,
    space_after=0,
):
    """Give a built-in paragraph style (Heading 1, …) explicit fonts, size, weight and spacing,
    black and upright, so that text an editor later puts in that style looks like the form."""
    style = document.styles[name]
    style.font.name = LATIN_FONT
    style.font.size = Pt(size_pt(size))
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_rpr_fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = line_spacing
    return style


def add_heading_paragraph(
    document, text, level, font, size, *, bold=True, indent_chars=0, line_spacing=1.5
):
    """A heading in the Word style `Heading {level}` (so it shows in the navigation pane), with
    its font, size, weight, indent and line spacing also set directly on the paragraph."""
    return add_text_paragraph(
        document,
        text,
        font,
        size,
        bold=bold,
        indent_chars=indent_chars,
        style=f"Heading {level}",
        line_spacing=line_spacing,
    )


def style_paragraph_mark(paragraph, font, size, bold=False):
    """Fonts for the paragraph mark: what Word uses for text typed into an empty paragraph
    (an empty table cell, a blank line left for the applicant)."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        # w:rPr comes after every other paragraph property except w:sectPr and w:pPrChange.
        successor = ppr.find(qn("w:sectPr"))
        if successor is None:
            successor = ppr.find(qn("w:pPrChange"))
        if successor is not None:
            successor.addprevious(rpr)
        else:
            ppr.append(rpr)
    set_rpr_fonts(rpr, font)
    if bold:
        _get_or_add(rpr, "w:b")
    half_points = str(round(size_pt(size) * 2))
    for tag in ("w:sz", "w:szCs"):
        _get_or_add(rpr, tag).set(qn("w:val"), half_points)
    # Keep the schema order of the children python-docx may not have created itself.
    order = ["w:rFonts", "w:b", "w:sz", "w:szCs", "w:lang"]
    for tag in order:
        element = rpr.find(qn(tag))
        if element is not None:
            rpr.remove(element)
            rpr.append(element)
    return paragraph


def set_cell_text(
    cell,
    text,
    font,
    size,
    *,
    bold=False,
    align=None,
    vertical=WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    line_spacing=1.0,
):
    """Write `text` into a table cell's first paragraph with explicit East-Asian fonts; an empty
    `text` leaves the cell blank but with its paragraph mark in the same fonts."""
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    set_line_spacing(paragraph, multiple=line_spacing)
    style_paragraph_mark(paragraph, font, size, bold=bold)
    if text:
        style_run(paragraph.add_run(text), font, size, bold=bold)
    if vertical is not None:
        cell.vertical_alignment = vertical
    return paragraph


def set_column_widths(table, widths_mm):
    """Fixed column widths (Word reads the cell widths, LibreOffice the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)
