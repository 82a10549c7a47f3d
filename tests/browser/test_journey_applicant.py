"""Issue 11 §3 in a real browser: the applicant signs in, applies to the demo's open call, has a
file refused (the blank 文件1 downloaded from the call, then a Word file passed off as the PDF)
and chooses only that one again; each file uploads on its own with its result beside it, the
checklist follows, 推荐专家姓名 shows only for an expert; the applicant submits and finds the
nomination in 我的申报."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.expect import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PROJECT = "面向离散制造的数字孪生产线协同优化系统（浏览器）"
SHOTS = ARTIFACTS / "journey_applicant"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def slot(page, code):
    return page.locator(f".slot[data-slot-code='{code}']")


def choose(page, code, path):
    """Choose a file for a slot and wait until its upload has been answered."""
    block = slot(page, code)
    with page.expect_response(lambda r: "/upload/" in r.url and r.request.method == "POST"):
        block.locator("input[type=file]").set_input_files(str(path))
    expect(block.locator(".slot-progress")).to_be_hidden()
    return block


def test_applicant_keeps_every_passing_file_and_submits(page, demo, login, tmp_path, downloads_dir):
    from django.utils import timezone

    from campaigns.models import Nomination
    from tests.campaigns.nomination_helpers import docx_form, mp4, pdf

    year = timezone.localdate().year
    good_form = tmp_path / "推荐表.docx"
    good_form.write_bytes(docx_form(1500))
    video = tmp_path / "答辩视频.mp4"
    video.write_bytes(mp4(11 * 60 + 30))
    fake_pdf = tmp_path / "承诺书.pdf"
    fake_pdf.write_bytes(docx_form(100))  # a Word file named .pdf
    commitment = tmp_path / "承诺书（签字）.pdf"
    commitment.write_bytes(pdf(2))
    oversized = tmp_path / "承诺书（扫描）.pdf"
    oversized.write_bytes(pdf() + b"%" * (21 * 1024 * 1024))

    login("applicant", path="/accounts/login/")
    page.goto(f"/campaigns/{year}-china-progress-demo/")
    with page.expect_download() as info:
        page.get_by_role("list", name="模板下载").get_by_role(
            "link", name=re.compile(r"下载模板：文件1")
        ).click()
    blank = downloads_dir / "blank-文件1.docx"
    info.value.save_as(blank)
    page.get_by_role("link", name="在线申报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("在线申报")

    # Required fields are marked; the checklist lists everything at first.
    expect(page.locator("#id_project_name")).to_have_attribute("aria-required", "true")
    expect(page.locator("label[for=id_contact_person] .required-mark")).to_be_visible()
    expect(page.locator("#checklist .checklist-count")).to_have_text("10")
    expect(slot(page, "文件2").locator("input[type=file]")).to_have_attribute("accept", ".mp4,.mov")
    expect(slot(page, "文件2")).to_contain_text(
        "MP4 或 MOV 视频，不超过 500 MB，时长不超过 12 分钟"
    )

    # 推荐专家姓名 only when an expert recommends.
    name_field = page.locator("#field-recommender_name")
    expect(name_field).to_be_hidden()
    page.select_option("#id_recommender", "expert")
    expect(name_field).to_be_visible()
    page.select_option("#id_recommender", label="中国机械工程学会")
    expect(name_field).to_be_hidden()

    page.fill("#id_project_name", PROJECT)
    page.select_option("#id_category", "智能制造技术")
    expect(page.locator("#checklist li[data-key=project_name]")).to_be_hidden()
    expect(page.locator("#checklist .checklist-count")).to_have_text("7")

    # The blank template is refused, naming its placeholders; nothing is stored, no draft made.
    block = choose(page, "文件1", blank)
    expect(block.locator(".slot-error")).to_contain_text("仍有模板中的占位文字“正文……”")
    expect(block.locator(".slot-error")).to_contain_text("标题下没有内容")
    assert Nomination.objects.filter(project_name=PROJECT).count() == 0

    # The filled form makes the draft at once; the address becomes the draft's.
    block = choose(page, "文件1", good_form)
    expect(block.locator(".slot-stored")).to_contain_text("已保存，检查通过")
    expect(block.locator(".slot-stored")).to_contain_text("共 1,500 字；必备部分 4/4")
    expect(page).to_have_url(re.compile(r"/nominations/\d+/$"))
    block = choose(page, "文件2", video)
    expect(block.locator(".slot-stored")).to_contain_text("时长 11分30秒")

    # Too big: refused in the page before anything is sent.
    slot(page, "文件3").locator("input[type=file]").set_input_files(str(oversized))
    expect(slot(page, "文件3").locator(".slot-error")).to_contain_text("超过 20 MB 上限，未上传")
    # Not a PDF: refused by the server; 文件1 and 文件2 are still there.
    block = choose(page, "文件3", fake_pdf)
    expect(block.locator(".slot-error")).to_have_text("文件3 不是有效的 PDF 文件")
    expect(block.locator(".slot-stored")).to_contain_text("尚未上传")
    expect(slot(page, "文件1").locator(".slot-stored")).to_contain_text("推荐表.docx")
    expect(slot(page, "文件2").locator(".slot-stored")).to_contain_text("答辩视频.mp4")
    expect(page.locator("#checklist")).to_contain_text("文件3（承诺书）：必须提交，尚未上传。")
    shot(page, "1-文件3-refused")
    nomination = Nomination.objects.get(project_name=PROJECT)
    assert set(nomination.files.values_list("slot_code", flat=True)) == {"文件1", "文件2"}

    # Only 文件3 is chosen again.
    block = choose(page, "文件3", commitment)
    expect(block.locator(".slot-stored")).to_contain_text("2 页")
    expect(block.locator(".slot-error")).to_be_empty()

    # A reload keeps everything: the draft is the page.
    page.reload()
    for code, name in (
        ("文件1", "推荐表.docx"),
        ("文件2", "答辩视频.mp4"),
        ("文件3", "承诺书（签字）.pdf"),
    ):
        expect(slot(page, code).locator(".slot-stored")).to_contain_text(name)
    expect(page.locator("#id_project_name")).to_have_value(PROJECT)
    expect(page.get_by_role("link", name="删除草稿")).to_be_visible()
    expect(page.get_by_role("button", name="撤回申报")).to_have_count(0)

    page.fill("#id_applicant_organisation", "某某智能装备有限公司")
    page.fill("#id_contact_person", "张三")
    page.fill("#id_phone", "010-68799025")
    expect(page.locator("#checklist .checklist-count")).to_have_text("1")
    page.fill("#id_email", "zhangsan@example.com")
    expect(page.locator("#checklist .checklist-done")).to_be_visible()
    shot(page, "2-ready")
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("main p.success")).to_contain_text("申报已提交")
    expect(page.locator("main")).to_contain_text("已提交，待学会推荐")
    shot(page, "3-submitted")

    page.get_by_role("link", name="我的申报").click()
    row = page.locator("table.nominations tr", has_text=PROJECT)
    expect(row).to_contain_text("已提交，待学会推荐")
    shot(page, "4-my-nominations")
    nomination.refresh_from_db()
    assert nomination.status == "submitted"
    assert {f.slot_code: f.original_name for f in nomination.files.all()} == {
        "文件1": "推荐表.docx",
        "文件2": "答辩视频.mp4",
        "文件3": "承诺书（签字）.pdf",
    }


def test_applicant_deletes_a_draft_after_confirming(page, demo, login, tmp_path):
    from django.utils import timezone

    from campaigns.models import Nomination
    from tests.campaigns.nomination_helpers import pdf

    year = timezone.localdate().year
    commitment = tmp_path / "承诺书.pdf"
    commitment.write_bytes(pdf())
    login("applicant", path="/accounts/login/")
    page.goto(f"/campaigns/{year}-china-progress-demo/apply/")
    page.fill("#id_project_name", "要删除的草稿（浏览器）")
    choose(page, "文件3", commitment)
    page.reload()
    page.get_by_role("link", name="删除草稿").click()
    expect(page.locator("main")).to_contain_text("确定删除申报草稿“要删除的草稿（浏览器）”吗？")
    expect(page.locator("main")).to_contain_text("文件3 承诺书.pdf")
    shot(page, "5-delete-confirm")
    page.get_by_role("button", name="确认删除草稿").click()
    expect(page.locator("main p.success")).to_contain_text("草稿“要删除的草稿（浏览器）”已删除")
    expect(page.locator("table.nominations")).not_to_contain_text("要删除的草稿")
    assert not Nomination.objects.filter(project_name="要删除的草稿（浏览器）").exists()


def test_applicant_uploads_a_form_numbered_by_word_and_full_of_links(page, demo, login, tmp_path):
    """Issue 13 in the browser: headings numbered by Word (no 一、 typed) are found, and a form
    citing long addresses is counted as Word's 字数统计 counts it, one word per address."""
    from django.utils import timezone

    from campaigns.file_checks import docx_character_count
    from tests.campaigns.nomination_helpers import word_numbered_form

    paragraph = (
        "本项成果已在多家企业应用，详见 http://images.google.com/images?num=30&q=智能制造 "
        "与 https://www.example.org/reports/2021/digital-twin.html ，并与 AT&T 合作验证。"
    )
    data = word_numbered_form(paragraph)
    form = tmp_path / "推荐表（自动编号）.docx"
    form.write_bytes(data)
    characters = docx_character_count(data)

    login("applicant", path="/accounts/login/")
    page.goto(f"/campaigns/{timezone.localdate().year}-china-progress-demo/apply/")
    page.fill("#id_project_name", "自动编号的推荐表（浏览器）")
    block = choose(page, "文件1", form)
    expect(block.locator(".slot-error")).to_be_empty()
    expect(block.locator(".slot-stored")).to_contain_text("已保存，检查通过")
    expect(block.locator(".slot-stored")).to_contain_text(f"共 {characters:,} 字；必备部分 4/4")
    shot(page, "6-word-numbered-form")
    # Four headings and four paragraphs of 40-odd words each: the addresses did not count
    # character by character.
    assert characters < 4 * (len(paragraph) - 60)
