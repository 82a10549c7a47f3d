"""Chinese numerals, both ways: 12 → 十二 as Word and the forms write them, and 十二 / 拾贰 / 12 →
12 as headings and section numbers are read."""

import unicodedata

CHINESE_DIGITS = "〇一二三四五六七八九"
LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
_LEGAL = str.maketrans(CHINESE_DIGITS + "十百千", LEGAL_DIGITS + "拾佰仟")
_VALUES = {
    **{digit: value for value, digit in enumerate(CHINESE_DIGITS)},
    **{digit: value for value, digit in enumerate(LEGAL_DIGITS)},
    "两": 2,
}
_UNIT_VALUES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# Every character `number_value` reads, for the patterns that find numbers in text.
NUMERAL_CHARACTERS = "".join(_VALUES) + "".join(_UNIT_VALUES)


def chinese_numeral(value, legal=False):
    """A count as Word's chineseCounting writes it: 1 → 一, 10 → 十, 12 → 十二, 40 → 四十,
    101 → 一百零一, 110 → 一百一十, 2021 → 二千零二十一; numbers outside 0–9999 stay in digits.
    `legal` gives the forms of amounts (壹佰零壹)."""
    if not 0 <= value < 10000:
        return str(value)
    if value < 10:
        text = CHINESE_DIGITS[value]
    else:
        text, pending_zero = "", False
        for amount, unit in _UNITS:
            digit, value = divmod(value, amount)
            if digit:
                if pending_zero:
                    text += "零"
                # "十二", not "一十二", at the start; "一百一十" inside a number.
                text += "" if unit == "十" and digit == 1 and not text else CHINESE_DIGITS[digit]
                text += unit
                pending_zero = False
            elif text:
                pending_zero = True
        if value:
            text += ("零" if pending_zero else "") + CHINESE_DIGITS[value]
    return text.translate(_LEGAL) if legal else text


def number_value(number):
    """The value of a number written in digits or Chinese numerals: "3", "三", "叁", "十二",
    "一百零一", "两" → 3, 3, 3, 12, 101, 2; None if it is none."""
    number = unicodedata.normalize("NFKC", number or "").strip()
    if not number:
        return None
    if number.isdigit():
        return int(number)
    total, digit = 0, None
    for char in number:
        if char in "零〇" and digit is None and total:  # the zero of 一百零一
            continue
        if char in _VALUES:
            if digit is not None:  # "二三" is no number
                return None
            digit = _VALUES[char]
        elif char in _UNIT_VALUES:
            total += (1 if digit is None else digit) * _UNIT_VALUES[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def digit_numeral(value):
    """Digit by digit, as years are written: 2021 → 二〇二一 (Word's ideographDigital)."""
    return "".join(CHINESE_DIGITS[int(d)] for d in str(value)) if value >= 0 else str(value)
