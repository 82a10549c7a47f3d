"""The checks of a Word form: the zip-safety checks of `cms.upload_docx` first, then the text of
the paragraphs read by `cms.docx_reader` (numbering, text boxes, revisions), counted with
`cms.cjk_text.count_form_characters` and searched for the form's required sections
(`campaigns.file_checks.sections`): each must have content under its heading, and no
placeholder of the blank form (`campaigns.form_templates.PLACEHOLDERS`) may be left in."""

from django.utils.translation import gettext as _

from campaigns.file_checks.rules import problem
from campaigns.file_checks.sections import (
    ONLY_MARKER,
    compact_text,
    find_sections,
    section_bodies,
    section_spans,
)
from campaigns.form_templates import EXPLANATION_LEAD, PLACEHOLDERS
from cms.cjk_text import count_characters_no_spaces, count_form_characters
from cms.docx_reader import DocxUnreadable, read_paragraphs
from cms.upload_checks import DocumentRejected
from cms.upload_docx import check_docx


def check_word(rules, file, facts):
    data = file.read()  # within LIANHE_DOCX_MAX_UPLOAD_BYTES (`check_file`)
    try:
        check_docx(data, label=rules.code)
        paragraphs = read_paragraphs(data)
    except DocumentRejected as exc:
        return [" ".join(exc.messages)]
    except DocxUnreadable as exc:
        return [problem(rules, exc)]
    failures = []
    # The limit is on Word's 字数; 字符数(不计空格) is shown beside it, as Word shows both.
    characters = sum(count_form_characters(p.text) for p in paragraphs)
    facts["characters"] = characters
    facts["characters_no_spaces"] = sum(count_characters_no_spaces(p.text) for p in paragraphs)
    if rules.char_limit is not None and characters > rules.char_limit:
        failures.append(
            _(
                "%(file)s 字数 %(count)s（字符数（不计空格）%(no_spaces)s），"
                "超过 %(limit)s 字上限（按 Word“字数统计”中的“字数”计）"
            )
            % {
                "file": rules.code,
                "count": f"{characters:,}",
                "no_spaces": f"{facts['characters_no_spaces']:,}",
                "limit": f"{rules.char_limit:,}",
            }
        )
    texts = [p.numbered_text for p in paragraphs]
    bodies = section_bodies(texts, rules.required_sections)
    if rules.required_sections:
        found, missing = find_sections(texts, rules.required_sections)
        empty = [section for section, body in bodies.items() if not _has_content(section, body)]
        facts["sections"] = _section_facts(rules.required_sections, dict(found), empty)
        if missing:
            failures.append(
                _("%(file)s 缺少必备部分：%(sections)s")
                % {"file": rules.code, "sections": "；".join(map(_section_name, missing))}
            )
        if empty:
            failures.append(
                _("%(file)s 以下必备部分的标题下没有内容：%(sections)s")
                % {"file": rules.code, "sections": "；".join(map(_section_name, empty))}
            )
    failures += _placeholder_failures(rules, texts)
    return failures


def docx_text(data: bytes) -> list[str]:
    """The text of every paragraph of `word/document.xml`, in document order: body, tables
    (nested too), text boxes (once), content controls; without deleted or moved-away revisions,
    field codes or placeholder prompts. Run `cms.upload_docx.check_docx` on untrusted data
    first. Raises `DocxUnreadable` when the document cannot be read."""
    return [p.text for p in read_paragraphs(data)]


def docx_numbered_text(data: bytes) -> list[str]:
    """`docx_text` with the numbers Word shows before automatically numbered paragraphs
    ("一、", "1.") put back in front, as a reader sees the headings."""
    return [p.numbered_text for p in read_paragraphs(data)]


def docx_character_count(data: bytes) -> int:
    """The 字数 of the document as Word's 字数统计 shows it, which the forms' limits use
    (`count_form_characters`).

    Paragraphs are counted one by one, so a word never runs on from one paragraph into the
    next; automatic list numbers are not text and do not count."""
    return sum(count_form_characters(text) for text in docx_text(data))


def _section_name(section):
    *first, last = section.keywords or ("",)
    joined = "、".join(first) + "和" + last if first else last
    separator = "." if section.number.isascii() else "、"
    return f"{section.number}{separator}{joined}"


def _section_facts(sections, found, empty):
    return [
        {
            "number": section.number,
            "keywords": list(section.keywords),
            "found": section in found,
            "heading": found.get(section),
            "empty": section in empty,
        }
        for section in sections
    ]


def _has_content(section, body):
    """Whether any paragraph under `section`'s heading is the applicant's own text: not blank, not
    a placeholder of the blank form with its list marker, not the form's printed explanation."""
    explanation = (
        compact_text(EXPLANATION_LEAD + section.explanation) if section.explanation else None
    )
    for text in body:
        compact = compact_text(text)
        if not compact or compact == explanation:
            continue
        for placeholder in _COMPACT_PLACEHOLDERS.values():
            compact = compact.replace(placeholder, "")
        if ONLY_MARKER.fullmatch(compact):  # "1." or "（1）" left of "1.（二级标题）"
            continue
        if any(character.isalnum() for character in compact):
            return True
    return False


_COMPACT_PLACEHOLDERS = {placeholder: compact_text(placeholder) for placeholder in PLACEHOLDERS}


def _placeholder_failures(rules, texts):
    """One failure for each placeholder of the blank form still in the document, naming the
    sections that hold it."""
    where = {}
    owner = {}
    for section, (start, end) in section_spans(texts, rules.required_sections).items():
        for index in range(start, end):
            owner[index] = section
    for index, text in enumerate(texts):
        compact = compact_text(text)
        for placeholder, needle in _COMPACT_PLACEHOLDERS.items():
            if needle in compact:
                sections = where.setdefault(placeholder, [])
                section = owner.get(index)
                if section is not None and section not in sections:
                    sections.append(section)
    failures = []
    for placeholder, sections in where.items():
        if sections:
            failures.append(
                _(
                    "%(file)s 仍有模板中的占位文字“%(placeholder)s”（%(sections)s），"
                    "请替换为实际内容"
                )
                % {
                    "file": rules.code,
                    "placeholder": placeholder,
                    "sections": "；".join(map(_section_name, sections)),
                }
            )
        else:
            failures.append(
                _("%(file)s 仍有模板中的占位文字“%(placeholder)s”，请替换为实际内容")
                % {"file": rules.code, "placeholder": placeholder}
            )
    return failures
