"""Chinese text helpers."""

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def char_count(text):
    """Characters as Chinese forms count them: every character but whitespace counts one."""
    return len(_WHITESPACE.sub("", text or ""))


def is_wide(char):
    return unicodedata.east_asian_width(char) in ("W", "F")


def display_width(text):
    """Width in Chinese-character units: a wide character is one, a narrow one a half."""
    return sum(1 if is_wide(c) else 0.5 for c in text)


def join_broken_lines(left, right):
    """Join two pieces of a line that a PDF broke: no space between Chinese characters, one space
    between two Latin words."""
    if not left:
        return right
    if not right:
        return left
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


# Combining marks and invisible format characters (zero-width space, joiners, BOM, soft hyphen)
# belong to the character they sit next to: they neither count nor split a word.
_ATTACHED_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Cf"})
# Ideographs, kana, hangul, full-width forms and wide punctuation; half-width katakana and hangul.
_EAST_ASIAN_WIDTHS = frozenset({"W", "F", "H"})

_EAST_ASIAN, _OTHER, _SPACE, _ATTACHED, _AMBIGUOUS = range(5)


def _kind(char):
    if char.isspace():  # the ideographic space U+3000 too
        return _SPACE
    category = unicodedata.category(char)
    if category in _ATTACHED_CATEGORIES:
        return _ATTACHED
    if category == "Cc":
        return _SPACE
    width = unicodedata.east_asian_width(char)
    if width in _EAST_ASIAN_WIDTHS:
        return _EAST_ASIAN
    if width == "A" and category[0] in "PS":
        return _AMBIGUOUS
    return _OTHER


def _kinds(text):
    """The kind of each character that is not attached to its neighbour, in order. A run of
    ambiguous-width punctuation (“ ” ‘ ’ … — · ℃ §) is East Asian when the character before or
    after the run is, as Chinese text types them; otherwise it is part of the other text."""
    kinds = [_kind(char) for char in text]
    kinds = [kind for kind in kinds if kind != _ATTACHED]
    i = 0
    while i < len(kinds):
        if kinds[i] != _AMBIGUOUS:
            i += 1
            continue
        end = i
        while end < len(kinds) and kinds[end] == _AMBIGUOUS:
            end += 1
        before = kinds[i - 1] if i else None
        after = kinds[end] if end < len(kinds) else None
        kind = _EAST_ASIAN if _EAST_ASIAN in (before, after) else _OTHER
        kinds[i:end] = [kind] * (end - i)
        i = end
    return kinds


def count_form_characters(text):
    """The "字数" of `text` as Word's 字数统计 shows it, which the nomination forms' limits use.

    * each East Asian character counts one: Chinese characters, kana, hangul, full-width letters
      and digits ("ＡＢ１２" is 4), and East Asian punctuation (，。、：（）《》 and the like);
    * each run of other characters between whitespace and East Asian characters counts one, as
      a word, whatever it holds: "AT&T", a URL, "GB/T", "39116-2020", "3.5" and "E=mc²" are one
      each, "GB/T 39116-2020" is two, and "智能制造2025年" is 智 能 制 造 2025 年 = 6;
    * punctuation whose width Unicode leaves ambiguous (“ ” ‘ ’ … — · ℃ §) is East Asian next to
      East Asian text ("技术——数据" is 6, "称为“AI”技术" is 7) and part of the word otherwise
      ("don’t" and "25°C" are one each);
    * whitespace (the ideographic space U+3000 too) and control characters count nothing and end
      a word; combining marks and zero-width characters count nothing and do not end one.

    Count each paragraph on its own, so that a word does not run on into the next.
    """
    count = 0
    in_word = False
    for kind in _kinds(text or ""):
        if kind == _OTHER:
            count += not in_word
            in_word = True
        else:
            count += kind == _EAST_ASIAN
            in_word = False
    return count


def count_characters_no_spaces(text):
    """The "字符数(不计空格)" of `text` as Word's 字数统计 shows it: every character but
    whitespace and control characters counts one; combining marks and zero-width characters,
    which belong to a character beside them, count nothing."""
    return sum(1 for kind in _kinds(text or "") if kind != _SPACE)
