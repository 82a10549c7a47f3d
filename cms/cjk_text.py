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


# Letters and digits of alphabetic scripts form words; wide (CJK) and half-width katakana letters
# are each a character of their own.
_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"})
# Combining marks and invisible format characters (zero-width space, joiners, BOM) belong to the
# character they sit next to, so they neither count nor end a word.
_ATTACHED_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Cf"})


def _is_word_char(char):
    if unicodedata.category(char) not in _WORD_CATEGORIES:
        return False
    return unicodedata.east_asian_width(char) not in ("W", "F", "H")


def count_form_characters(text):
    """Characters as the nomination forms count them ("字数").

    * each Chinese character, kana or hangul syllable counts one, and so does each full-width
      letter or digit;
    * each run of Latin (or Greek, Cyrillic, …) letters and digits counts one, as a word:
      "GB" and "39116" are one each;
    * every punctuation mark or symbol counts one, full-width or ASCII: "GB/T 39116-2020" is
      GB, /, T, 39116, -, 2020 = 6, and "3.5" is 3, ., 5 = 3;
    * whitespace (including the ideographic space), control characters, combining marks and
      zero-width characters do not count.
    """
    count = 0
    in_word = False
    for char in text or "":
        if _is_word_char(char):
            if not in_word:
                count += 1
            in_word = True
        elif unicodedata.category(char) in _ATTACHED_CATEGORIES:
            continue
        elif char.isspace() or unicodedata.category(char) == "Cc":
            in_word = False
        else:
            count += 1
            in_word = False
    return count
