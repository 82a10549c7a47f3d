"""The required sections of a Word form: where each heading is, and what is under it.

A heading is the first paragraph that starts with the section's number as a list marker in any
common form and contains all its keywords (`find_sections`); its body runs to the next heading
found (`section_bodies`)."""

import re
import unicodedata

from cms.cn_numerals import NUMERAL_CHARACTERS, number_value

NUMBER = rf"\d{{1,3}}|[{NUMERAL_CHARACTERS}]{{1,3}}"
# After NFKC: full-width brackets, digits and stops are ASCII, "、" stays.
SECTION_MARKER = re.compile(
    rf"""\s*(?:
        第(?P<ordinal>{NUMBER})(?:部分|章|节|项|条)?
      | [(\[【〔](?P<bracketed>{NUMBER})[)\]】〕]
      | (?P<bare>{NUMBER})(?:[、,:)]|\.(?!\d)|\s)
    )""",
    re.VERBOSE,
)
# A list marker and nothing else (after NFKC, "①" is "1").
ONLY_MARKER = re.compile(rf"第?[(\[【〔]?(?:{NUMBER})[)\]】〕]?(?:部分|章|节|项|条)?[、,.:\s]*")


def find_sections(paragraphs, sections):
    """Which of `sections` the paragraphs contain, and which they miss.

    A section is found in the first paragraph that starts with its number as a list marker in any
    common form (一、 一. （一） 第一部分 1. 1、 1． (1) 1) …, full- or half-width, after optional
    whitespace) and contains all its keywords, whatever the paragraph's style. Numbers are
    compared by value, so "1." satisfies section "一". "1.1" is a subsection, not section 1.

    Returns `(found, missing)`: a list of `(section, paragraph text)` and a list of sections, both
    in the order of `sections`.
    """
    headings = _heading_indexes(paragraphs, sections)
    found = [(s, paragraphs[headings[s]].strip()) for s in sections if s in headings]
    missing = [s for s in sections if s not in headings]
    return found, missing


def section_bodies(paragraphs, sections):
    """The paragraphs under each section found: from after its heading to the next heading found
    (or the end of the document), as `{section: [text, …]}` in the order of `sections`."""
    return {
        section: paragraphs[start:end]
        for section, (start, end) in section_spans(paragraphs, sections).items()
    }


def section_spans(paragraphs, sections):
    """`{section: (first, end)}`: the indexes of the paragraphs under each section found."""
    headings = _heading_indexes(paragraphs, sections)
    starts = sorted(set(headings.values()))
    spans = {}
    for section in sections:
        if section not in headings:
            continue
        index = headings[section]
        following = [start for start in starts if start > index]
        spans[section] = (index + 1, following[0] if following else len(paragraphs))
    return spans


def _heading_indexes(paragraphs, sections):
    markers = [(_marker_value(text), compact_text(text)) for text in paragraphs]
    indexes = {}
    for section in sections:
        index = _heading_of(section, markers)
        if index is not None:
            indexes[section] = index
    return indexes


def _marker_value(text):
    match = SECTION_MARKER.match(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    return number_value(match.group("ordinal") or match.group("bracketed") or match.group("bare"))


def _heading_of(section, markers):
    value = number_value(section.number)
    keywords = [compact_text(keyword) for keyword in section.keywords]
    for index, (marker, compact) in enumerate(markers):
        if marker is not None and marker == value and all(k in compact for k in keywords):
            return index
    return None


def compact_text(text):
    """`text` without any whitespace, after NFKC (full-width forms as ASCII)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
