"""`manage.py check_files`: the office runs the slot checks on files received by other routes."""

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from cms import upload_mp4
from tests import hostile_docx
from tests import hostile_media as hostile
from tests.campaigns.nomination_helpers import (
    docx_form,
    exe,
    government_campaign,
    open_campaign,
    prepare_site,
    too_long,
    truncated_mp4,
)

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
ACTIVE_AFTER = "，为安全起见不予接受；请去除后（例如用“打印为 PDF”另存为普通 PDF）重新上传"


@pytest.fixture
def index(federation):
    return prepare_site(federation)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_one_line_per_file_and_exit_status_1_on_failure(index, tmp_path, capsys):
    campaign = open_campaign(index, slug="cli-call")
    good = write(tmp_path, "good.docx", docx_form(1200))
    long = write(tmp_path, "long.docx", docx_form(5001))
    with pytest.raises(CommandError) as failed:
        call_command("check_files", campaign.slug, "文件1", good, long)
    assert failed.value.returncode == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{good}: OK", f"{long}: {too_long(5001, 5000)}"]

    call_command("check_files", campaign.slug, "文件1", good)
    assert capsys.readouterr().out.splitlines() == [f"{good}: OK"]

    fake = write(tmp_path, "fake.mp4", exe())
    cut = write(tmp_path, "cut.mp4", truncated_mp4())
    missing = str(tmp_path / "missing.mp4")
    with pytest.raises(CommandError):
        call_command("check_files", campaign.slug, "文件2", fake, cut, missing)
    assert capsys.readouterr().out.splitlines() == [
        f"{fake}: 文件2 不是有效的 MP4/MOV 视频文件",
        f"{cut}: 文件2 视频文件不完整（可能上传中断）",
        f"{missing}: 文件2 文件不存在或不是普通文件",
    ]


def test_unknown_campaign_slot_or_ambiguous_slot(index, tmp_path):
    campaign = government_campaign(index)
    path = write(tmp_path, "scene.docx", docx_form(800, headings=()))
    with pytest.raises(CommandError, match="没有 slug 为“nowhere”的征集活动"):
        call_command("check_files", "nowhere", "文件1", path)
    with pytest.raises(CommandError, match="没有申报文件“文件9”"):
        call_command("check_files", campaign.slug, "文件9", path)
    with pytest.raises(CommandError, match="请用 --category 指定"):
        call_command("check_files", campaign.slug, "文件1", path)
    call_command("check_files", campaign.slug, "文件1", path, category="智能制造优秀场景")


def test_exit_status_as_run_from_the_shell(index, tmp_path, capsys):
    """Run as `manage.py check_files …`, a failing file makes the process exit with status 1."""
    campaign = open_campaign(index, slug="shell-call")
    empty = write(tmp_path, "empty.pdf", b"")
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "check_files", campaign.slug, "文件3", empty]).execute()
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert f"{empty}: 文件3 是空文件" in captured.out
    assert "1 个文件未通过检查" in captured.err


def test_hostile_files_are_refused_naming_what_was_found(index, tmp_path, capsys, monkeypatch):
    """Issue 12: the command reads files as the upload checks do (a video's box headers only, a
    PDF object by object) and refuses active PDFs and crafted videos."""
    campaign = open_campaign(index, slug="hostile-call")
    clean = write(tmp_path, "clean.pdf", hostile.clean_pdf(2))
    script = write(tmp_path, "script.pdf", hostile.js_escaped_names_pdf())
    program = write(tmp_path, "program.pdf", hostile.embedded_file_pdf("setup.exe"))
    with pytest.raises(CommandError):
        call_command("check_files", campaign.slug, "文件3", clean, script, program)
    assert capsys.readouterr().out.splitlines() == [
        f"{clean}: OK",
        f"{script}: 文件3 含有活动内容（JavaScript 脚本）{ACTIVE_AFTER}",
        f"{program}: 文件3 含有活动内容（嵌入的可执行文件“setup.exe”（Windows 程序））"
        + ACTIVE_AFTER,
    ]

    monkeypatch.setattr(upload_mp4, "MAX_BOXES", 1_000)  # a small file proves the box limit
    tiny = str(hostile.write_tiny_boxes_mp4(tmp_path / "tiny.mp4", count=2_000))
    large = str(hostile.write_sparse_large_mp4(tmp_path / "large.mp4", media_bytes=300 * MIB))
    with pytest.raises(CommandError):
        call_command("check_files", campaign.slug, "文件2", large, tiny)
    assert capsys.readouterr().out.splitlines() == [
        f"{large}: OK",
        f"{tiny}: 文件2 视频文件由过多的数据块组成（超过 1,000 个），不是正常导出的视频，"
        "请导出为标准 MP4 后重新上传",
    ]


def test_every_macro_document_is_refused_with_its_reason(index, tmp_path, capsys):
    campaign = open_campaign(index, slug="hostile-call")
    paths = {
        name: write(tmp_path, f"{name}.docx", hostile_docx.hostile(name, docx_form(1200)))
        for name in hostile_docx.MACRO
    }
    with pytest.raises(CommandError) as failed:
        call_command("check_files", campaign.slug, "文件1", *paths.values())
    assert failed.value.returncode == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(paths)
    expected = [f"{path}: 文件1{hostile_docx.REFUSALS[name]}" for name, path in paths.items()]
    assert [line for line, start in zip(lines, expected, strict=True) if start not in line] == []
