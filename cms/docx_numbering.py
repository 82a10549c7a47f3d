"""The numbers Word draws before automatically numbered paragraphs, worked out from
numbering.xml and styles.xml: Chinese documents are often written with auto-numbered headings,
whose "一、" is not in the text at all (chineseCounting, decimal, ideographTraditional, …, with
restarts, start overrides and lists defined through numbering styles)."""

import re

from cms.cn_numerals import chinese_numeral, digit_numeral
from cms.docx_xml import flag_is_on, is_on, to_int, w_attribute, w_child, w_child_value, w_children


class Numbering:
    """The labels of one document's numbered paragraphs: `label` is called once per paragraph,
    in document order, as Word counts."""

    def __init__(self, numbering_root, styles_root):
        self.abstracts = {}  # abstractNumId -> {ilvl: level element}
        self.style_links = {}  # numbering style name -> abstractNumId defining it
        self.nums = {}  # numId -> (abstractNumId, {ilvl: start override}, {ilvl: level})
        self.styles = {}  # paragraph styleId -> (numId, ilvl, basedOn)
        self.default_style = None
        self.counters = {}
        self.started = set()
        if numbering_root is not None:
            self._read_numbering(numbering_root)
        if styles_root is not None:
            self._read_styles(styles_root)

    def _read_numbering(self, root):
        for abstract in w_children(root, "abstractNum"):
            abstract_id = w_attribute(abstract, "abstractNumId")
            self.abstracts[abstract_id] = {
                to_int(w_attribute(level, "ilvl"), 0): level
                for level in w_children(abstract, "lvl")
            }
            link = w_child_value(abstract, "styleLink")
            if link:
                self.style_links[link] = abstract_id
            link = w_child_value(abstract, "numStyleLink")
            if link:
                self.abstracts[abstract_id] = link  # resolved through the style when used
        for num in w_children(root, "num"):
            starts, levels = {}, {}
            for override in w_children(num, "lvlOverride"):
                ilvl = to_int(w_attribute(override, "ilvl"), 0)
                start = to_int(w_child_value(override, "startOverride"), None)
                if start is not None:
                    starts[ilvl] = start
                level = w_child(override, "lvl")
                if level is not None:  # this list draws the level its own way
                    levels[ilvl] = level
            self.nums[w_attribute(num, "numId")] = (
                w_child_value(num, "abstractNumId"),
                starts,
                levels,
            )

    def _read_styles(self, root):
        for style in w_children(root, "style"):
            if w_attribute(style, "type") != "paragraph":
                continue
            style_id = w_attribute(style, "styleId")
            num_pr = w_child(w_child(style, "pPr"), "numPr")
            self.styles[style_id] = (
                w_child_value(num_pr, "numId"),
                to_int(w_child_value(num_pr, "ilvl"), None),
                w_child_value(style, "basedOn"),
            )
            if is_on(w_attribute(style, "default")):
                self.default_style = style_id

    def label(self, paragraph):
        p_pr = w_child(paragraph, "pPr")
        style_id = w_child_value(p_pr, "pStyle") or self.default_style
        num_pr = w_child(p_pr, "numPr")
        style_num, style_ilvl = self._style_numbering(style_id)
        num_id = w_child_value(num_pr, "numId") or style_num
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, levels = self._levels(num_id)
        if not levels:
            return ""
        ilvl = to_int(w_child_value(num_pr, "ilvl"), None)
        if ilvl is None:
            ilvl = style_ilvl if style_ilvl is not None else _level_of_style(levels, style_id)
        if ilvl not in levels:
            return ""
        return self._next_label(num_id, abstract_id, levels, ilvl)

    def _style_numbering(self, style_id):
        num_id = ilvl = None
        seen = set()
        while style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style_num, style_ilvl, style_id = self.styles[style_id]
            num_id = num_id or style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        return num_id, ilvl

    def _levels(self, num_id):
        abstract_id = self.nums[num_id][0]
        levels = self.abstracts.get(abstract_id)
        if isinstance(levels, str):  # numStyleLink: the list is defined by a numbering style
            linked_num = self._style_numbering(levels)[0]
            abstract_id = (
                self.style_links.get(levels) or self.nums.get(linked_num, (None, {}, {}))[0]
            )
            levels = self.abstracts.get(abstract_id)
        levels = levels if isinstance(levels, dict) else {}
        overridden = self.nums[num_id][2]
        return abstract_id, {**levels, **overridden} if overridden else levels

    def _next_label(self, num_id, abstract_id, levels, ilvl):
        # Word continues a list across every num that shares its abstract definition, unless a
        # num restarts it with a start override.
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in self.nums[num_id][1].items():
                counters[level] = start - 1
        counters[ilvl] = counters.get(ilvl, _start(levels, ilvl) - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        return _render_label(levels, ilvl, counters)


def _start(levels, ilvl):
    return to_int(w_child_value(levels.get(ilvl), "start"), 1)


def _level_of_style(levels, style_id):
    for ilvl, level in levels.items():
        if style_id and w_child_value(level, "pStyle") == style_id:
            return ilvl
    return 0


_SUFFIXES = {"tab": "\t", "space": " ", "nothing": ""}


def _render_label(levels, ilvl, counters):
    level = levels[ilvl]
    number_format = w_child_value(level, "numFmt") or "decimal"
    if number_format in ("bullet", "none"):
        return ""

    def placeholder(match):
        shown = int(match.group(1)) - 1
        value = counters.get(shown, _start(levels, shown))
        if flag_is_on(w_child(level, "isLgl")):  # legal numbering: "1.1", whatever the formats
            return str(value)
        return format_number(value, w_child_value(levels.get(shown), "numFmt") or "decimal")

    text = re.sub(r"%([1-9])", placeholder, w_child_value(level, "lvlText") or "")
    return text + _SUFFIXES.get(w_child_value(level, "suff") or "tab", "\t")


CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}
LEGAL_FORMATS = {"chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"}
# Formats that count through a fixed series of signs, from 1.
SERIES = {
    "ideographTraditional": "甲乙丙丁戊己庚辛壬癸",  # the heavenly stems
    "ideographZodiac": "子丑寅卯辰巳午未申酉戌亥",  # the earthly branches
    "decimalEnclosedCircle": "".join(chr(0x2460 + n) for n in range(20)),  # ①
    "decimalEnclosedCircleChinese": "".join(chr(0x2460 + n) for n in range(20)),
    "ideographEnclosedCircle": "".join(chr(0x3220 + n) for n in range(10)),  # ㈠
    "decimalEnclosedParen": "".join(chr(0x2474 + n) for n in range(20)),  # ⑴
    "decimalEnclosedFullstop": "".join(chr(0x2488 + n) for n in range(20)),  # ⒈
}
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def format_number(value, number_format):
    """`value` as the list format `number_format` (w:numFmt) draws it; digits when the format
    is unknown or the value out of its range, as Word falls back."""
    if number_format in CHINESE_FORMATS:
        return chinese_numeral(value)
    if number_format == "ideographDigital":
        return digit_numeral(value)
    if number_format in LEGAL_FORMATS:
        return chinese_numeral(value, legal=True)
    series = SERIES.get(number_format)
    if series and 0 < value <= len(series):
        return series[value - 1]
    if number_format in ("upperLetter", "lowerLetter") and value > 0:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("upperRoman", "lowerRoman") and 0 < value < 4000:
        roman = _roman(value)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format in ("decimalFullWidth", "decimalFullWidth2"):
        return str(value).translate(_FULL_WIDTH_DIGITS)
    return str(value)


def _roman(value):
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"))
    numerals += ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    result = ""
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        result += numeral * count
    return result
