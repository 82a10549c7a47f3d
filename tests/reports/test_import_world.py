"""Word reports of the shapes the world writes (tests/world_docx.py) import as the report they
are, or are refused with a clear Chinese message and nothing written; never a traceback."""

import pytest
from django.core.management import CommandError

from campaigns.file_checks import SlotRules, check_file
from reports.importer import import_report
from tests import world_docx
from tests.reports.test_import import (
    counts,
    parsed_seed,
    run_command,
    seed_text,
    snapshot,
    to_docx,
    write,
)

pytestmark = pytest.mark.django_db

FORM = SlotRules(code="文件1", label="推荐表", kind="word")


@pytest.fixture
def site(news_index, report_index, workstreams):
    return {"news_index": news_index, "report_index": report_index}


@pytest.fixture
def from_text(site, tmp_path):
    """The seed report imported from its text, as every Word variant must give it again."""
    return snapshot(import_report(write(tmp_path, "seed.txt", seed_text())).page)


def test_word_numbering_gives_the_sections_and_items(from_text, tmp_path):
    """一、二、三、 and 1. 2. drawn by Word's automatic numbering (chineseCounting and decimal
    levels of one list, a restart at 二 by a start override, a level override drawing the
    press releases 1、2、): the same report as the typed text."""
    data = world_docx.numbered_report(parsed_seed())
    result = import_report(write(tmp_path, "numbered.docx", data))
    assert result.warnings == []
    assert snapshot(result.page) == from_text
    assert check_file(FORM, "numbered.docx", data).ok


@pytest.mark.parametrize(
    "variant",
    [world_docx.strict, world_docx.with_comment, world_docx.template, world_docx.missing_media],
    ids=["strict-open-xml", "xml-comment-in-body", "dotx-template", "missing-picture-part"],
)
def test_packages_python_docx_could_not_follow_import_as_the_report(from_text, tmp_path, variant):
    data = variant(to_docx(parsed_seed()))
    name = "report.dotx" if variant is world_docx.template else "report.docx"
    result = import_report(write(tmp_path, name, data))
    assert result.warnings == []
    assert snapshot(result.page) == from_text
    assert check_file(FORM, name, data).ok


@pytest.mark.parametrize(
    "variant, message",
    [
        (
            world_docx.bad_crc,
            "文件“report.docx”已损坏：word/document.xml 的校验和（CRC）不符。",
        ),
        (
            lambda base: world_docx.bad_crc(base, "word/media/image1.png"),
            "文件“report.docx”已损坏：word/media/image1.png 的校验和（CRC）不符。",
        ),
        (
            world_docx.encrypted,
            "文件“report.docx”设有打开密码（文件已加密），无法读取其内容：请在 Word 中打开它，"
            "在“文件 → 信息”中取消“用密码进行加密”，保存后再上传。",
        ),
    ],
    ids=["bad-crc-document", "bad-crc-picture", "password-protected"],
)
def test_damaged_or_encrypted_files_are_refused_and_change_nothing(
    site, tmp_path, variant, message
):
    data = variant(to_docx(parsed_seed()))
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        run_command(write(tmp_path, "report.docx", data), "--publish")
    assert str(excinfo.value) == message
    assert excinfo.value.returncode == 1
    assert counts() == before
    # The nomination checks say the same of the file.
    assert check_file(FORM, "report.docx", data).failures == [
        "文件1" + message.removeprefix("文件“report.docx”")
    ]


def test_a_password_protected_doc_named_docx_is_not_called_a_legacy_doc(site, tmp_path):
    data = world_docx.encrypted()
    failures = check_file(FORM, "推荐表.docx", data).failures
    assert "97-2003" not in failures[0]
    assert "密码" in failures[0]
