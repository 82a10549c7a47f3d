"""Word reports of the shapes the world writes (tests/world_docx.py) import as the report they
are, or are refused with a clear Chinese message and nothing written; never a traceback."""

import pytest
from django.core.management import CommandError

from campaigns.file_checks import SlotRules, check_file
from cms.sanitise import render_markdown
from reports.importer import import_report
from tests import world_docx
from tests.reports.import_helpers import (
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


# --- Markdown lists ---------------------------------------------------------------------------

PLAN_LIST = (
    "# 进展情况月报\n\n2021年7月\n\n## 一、当月总体进展情况\n\n### 1.战略咨询\n\n"
    "本月完成三项工作：\n\n- 完成调研报告初稿\n- 召开专家研讨会\n    - 线上线下结合\n"
    "- 报送中国科协\n\n## 三、下月工作计划\n\n"
    "1. 继续推进智能制造科技进展申报\n2. 加强联合体宣传工作\n3. 提升成员学会服务水平\n"
)


def test_a_plan_section_written_as_a_numbered_list_keeps_every_plan(site, tmp_path):
    result = import_report(write(tmp_path, "report.md", PLAN_LIST))
    latest = result.page.get_latest_revision_as_object()
    [plan] = latest.plan_entries.all()
    assert plan.workstream.name == "综合"
    assert plan.body == (
        "1. 继续推进智能制造科技进展申报\n2. 加强联合体宣传工作\n3. 提升成员学会服务水平"
    )
    assert "“三、下月工作计划”未按工作板块分项，其内容已归入“综合”一项，请核对。" in (
        result.warnings
    )
    assert not any("没有内容" in warning for warning in result.warnings)


def test_bullets_stay_a_list_with_its_nesting(site, tmp_path):
    result = import_report(write(tmp_path, "report.md", PLAN_LIST))
    [entry] = result.page.get_latest_revision_as_object().progress_entries.all()
    assert entry.workstream.name == "战略咨询"
    assert entry.body == (
        "本月完成三项工作：\n\n- 完成调研报告初稿\n- 召开专家研讨会\n    - 线上线下结合\n"
        "- 报送中国科协"
    )
    # The body renders as the list it was.
    html = render_markdown(entry.body)
    assert html.count("<li>") == 4
    assert "<ul>" in html


def test_list_items_naming_workstreams_are_entries(site, tmp_path):
    text = (
        "# 进展情况月报\n\n2021年7月\n\n## 三、下月工作计划\n\n1. 战略咨询\n\n"
        "组织专家评审研究报告。\n\n2. 人才培养\n\n举办第二期工程师培训班。\n"
    )
    result = import_report(write(tmp_path, "report.md", text))
    plans = result.page.get_latest_revision_as_object().plan_entries.all()
    assert [(plan.workstream.name, plan.body) for plan in plans] == [
        ("战略咨询", "组织专家评审研究报告。"),
        ("人才培养", "举办第二期工程师培训班。"),
    ]
    assert result.warnings == []


@pytest.mark.parametrize(
    "text",
    [
        "# 进展情况月报\n\n2021年7月\n\n## 一、当月总体进展情况\n\n## 三、下月工作计划\n",
        "# 进展情况月报\n\n2021年7月\n\n## 一、当月总体进展情况\n\n### 1.战略咨询\n\n"
        "## 二、重点推进情况（新闻稿）\n\n### 1.联合体召开会议\n",
    ],
    ids=["sections-only", "items-without-content"],
)
def test_an_empty_report_is_never_published(site, tmp_path, text):
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        run_command(write(tmp_path, "report.md", text), "--publish")
    assert str(excinfo.value) == (
        "月报中没有可导入的内容（当月进展、新闻稿和下月计划均为空），不予发布："
        "请检查文件的章节和条目后再导入。"
    )
    assert counts() == before
