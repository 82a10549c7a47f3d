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
