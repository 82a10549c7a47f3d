"""`cms.upload_pdf`: active PDFs are refused with a message naming what was found, wherever it
hides (escaped names, object streams); sound ones pass with their page count; files built to
exhaust a reader are refused within bounds, each check also run under a 512 MB address space
limit."""

import time

import pytest

from cms import upload_pdf
from cms.upload_checks import DocumentRejected
from cms.upload_pdf import MAX_OBJECTS, check_pdf, pdf_page_count
from tests import hostile_media as hostile

AFTER = "，为安全起见不予接受；请去除后（例如用“打印为 PDF”另存为普通 PDF）重新上传"
TOO_COMPLEX = "PDF 文件结构过于复杂或已损坏，无法检查，请用“打印为 PDF”另存后重新上传"
TOO_MANY = f"PDF 文件包含的对象过多（超过 {MAX_OBJECTS:,} 个），无法检查，请精简或拆分后重新上传"


def refusal(data):
    with pytest.raises(DocumentRejected) as refused:
        check_pdf(data)
    return refused.value.code, refused.value.message


def active(found):
    return ("active_content", f"含有活动内容（{found}）{AFTER}")


ACTIVE = {
    "javascript-open-action": (hostile.js_open_action_pdf, "JavaScript 脚本"),
    "javascript-names-tree": (hostile.js_names_tree_pdf, "JavaScript 脚本"),
    "javascript-escaped-names": (hostile.js_escaped_names_pdf, "JavaScript 脚本"),
    "javascript-annotation-and-field": (hostile.js_annotation_pdf, "JavaScript 脚本"),
    "javascript-in-object-stream": (hostile.js_in_object_stream_pdf, "JavaScript 脚本"),
    "launch": (hostile.launch_pdf, "启动外部程序“cmd.exe”的动作（Launch）"),
    "embedded-exe": (hostile.embedded_file_pdf, "嵌入的可执行文件“setup.exe”（Windows 程序）"),
    "embedded-program-named-txt": (
        lambda: hostile.embedded_file_pdf("说明.txt"),
        "嵌入的可执行文件“说明.txt”（Windows 程序）",
    ),
    "embedded-document": (
        lambda: hostile.embedded_file_pdf("数据.xlsx", b"PK\x03\x04 not a program"),
        "嵌入文件“数据.xlsx”",
    ),
    "file-attachment-annotation": (
        hostile.file_attachment_annotation_pdf,
        "嵌入的可执行文件“readme.txt”（Windows 程序）",
    ),
    "submit-form-and-rich-media": (
        hostile.submit_form_pdf,
        "提交表单数据的动作（SubmitForm）；富媒体内容（RichMedia）",
    ),
}


@pytest.mark.parametrize("case", list(ACTIVE))
def test_active_content_is_refused_naming_what_was_found(case):
    build, found = ACTIVE[case]
    assert refusal(build()) == active(found)


def test_escaped_names_are_what_they_spell():
    data = hostile.js_escaped_names_pdf()
    assert b"/JavaScript" not in data and b"/JS" not in data
    assert b"/J#61vaScript" in data


def test_javascript_inside_a_compressed_object_stream_is_found():
    data = hostile.js_in_object_stream_pdf()
    assert b"JavaScript" not in data and b"/ObjStm" in data
    assert refusal(data) == active("JavaScript 脚本")


def test_everything_found_is_named_once():
    objects = hostile.one_page(
        catalog=b"/OpenAction 4 0 R /Names << /JavaScript << /Names [(a) 4 0 R] >> >>",
        page=b"/AA << /O << /S /Launch /F (run.bat) >> >>",
        obj4=b"<< /S /JavaScript /JS (x) >>",
    )
    assert refusal(hostile.hand_pdf(objects)) == active(
        "JavaScript 脚本；启动外部程序“run.bat”的动作（Launch）"
    )


def test_sound_pdfs_pass_with_their_page_count():
    assert check_pdf(hostile.clean_pdf(3)).pages == 3
    assert check_pdf(hostile.clean_hand_pdf()).pages == 1  # a link with a /URI action is fine
    assert check_pdf(hostile.object_stream_pdf(hostile.one_page())).pages == 1
    assert check_pdf(hostile.many_pages_pdf(300)).pages == 300


def test_the_page_count_alone_does_not_refuse_active_content():
    assert pdf_page_count(hostile.js_open_action_pdf()) == 1


def test_a_file_that_is_not_a_pdf():
    assert refusal(b"MZ\x90\x00")[0] == "invalid"
    assert refusal(b"%PDF-1.7\nnot really a pdf\n") == ("invalid", "不是有效的 PDF 文件")


def test_too_many_objects_are_refused_before_they_are_read():
    started = time.monotonic()
    assert refusal(hostile.many_objects_pdf(MAX_OBJECTS + 10)) == ("too_many_objects", TOO_MANY)
    assert time.monotonic() - started < 5


def test_a_decompression_bomb_in_an_object_stream():
    assert refusal(hostile.object_stream_bomb_pdf()) == (
        "too_complex",
        TOO_COMPLEX,
    )


def test_arrays_nested_deeper_than_the_parser_goes():
    assert refusal(hostile.deep_arrays_pdf(100_000)) == ("too_complex", TOO_COMPLEX)


def test_reading_is_budgeted(monkeypatch):
    """A file that makes pypdf read it again and again is stopped by the read budget."""
    monkeypatch.setattr(upload_pdf, "READ_BUDGET_FACTOR", 1)
    monkeypatch.setattr(upload_pdf, "READ_BUDGET_EXTRA", 0)
    assert refusal(hostile.clean_pdf()) == ("too_complex", TOO_COMPLEX)


def test_the_pass_over_the_objects_gives_up_at_its_deadline(monkeypatch):
    monkeypatch.setattr(upload_pdf, "MAX_SECONDS", -1)
    assert refusal(hostile.clean_pdf()) == ("too_complex", TOO_COMPLEX)


def test_cross_reference_rows_that_point_nowhere_cost_no_more_than_the_bounds():
    # 500 rows pointing at the start of a 20 MB file: never a search of the file for each.
    started = time.monotonic()
    assert check_pdf(hostile.lying_offsets_pdf(500, padding=20 * 1024 * 1024)).pages == 1
    assert time.monotonic() - started < upload_pdf.MAX_SECONDS


LIMITED = {
    "clean": (lambda: hostile.clean_pdf(2), "PdfFacts(pages=2)"),
    "javascript-in-object-stream": (hostile.js_in_object_stream_pdf, "active_content"),
    "embedded-exe": (hostile.embedded_file_pdf, "active_content"),
    "many-objects": (lambda: hostile.many_objects_pdf(MAX_OBJECTS + 1), "too_many_objects"),
    "two-thousand-pages": (lambda: hostile.many_pages_pdf(2_000), "PdfFacts(pages=2000)"),
    "object-stream-bomb": (hostile.object_stream_bomb_pdf, "too_complex"),
    "lying-offsets": (lambda: hostile.lying_offsets_pdf(500, 1024 * 1024), "PdfFacts(pages=1)"),
    "deep-arrays": (hostile.deep_arrays_pdf, "too_complex"),
}


def test_every_check_runs_within_512_mb_of_address_space(tmp_path):
    """All the files above, one after the other in one process limited to 512 MB."""
    paths = []
    for case, (build, _expected) in LIMITED.items():
        paths.append(tmp_path / f"{case}.pdf")
        paths[-1].write_bytes(build())
    results = hostile.run_limited("pdf", *paths)
    for (case, (_build, expected)), result in zip(LIMITED.items(), results, strict=True):
        assert result.get("value", result.get("code")) == expected, (case, result)
        assert result["seconds"] < upload_pdf.MAX_SECONDS, (case, result)
    assert results[-1]["peak_bytes"] < hostile.ADDRESS_SPACE_LIMIT
