"""Issue 11 §3: the blank 文件1 the campaign page offers, still holding its placeholders, no longer
passes the automatic check as 必备部分 4/4. A section needs content under its heading, and any
placeholder the blank form writes (`campaigns.form_templates.PLACEHOLDERS`, the one definition)
is refused with a message naming it and its section. The blank form is the real one, downloaded
from the campaign page and read back; the filled one is that file filled in with python-docx."""

import io

import pytest
from docx import Document

from campaigns.demo import CAMPAIGNS, build_campaign
from campaigns.file_checks import check_file
from campaigns.form_templates import (
    BODY_PLACEHOLDER,
    EXPLANATION_LEAD,
    LEVEL1_PLACEHOLDER,
    LEVEL2_PLACEHOLDER,
    LEVEL3_PLACEHOLDER,
    PLACEHOLDERS,
)
from campaigns.models import Nomination
from campaigns.templatetags.nomination_tags import file_facts
from tests.campaigns.nomination_helpers import (
    apply_url,
    complete_files,
    form_data,
    login,
    open_campaign,
    page_text,
    prepare_site,
)

pytestmark = pytest.mark.django_db

SECTIONS = "一、背景和意义；二、创新性；三、引领性；四、应用性"


@pytest.fixture
def campaign(federation):
    return open_campaign(prepare_site(federation))


def blank_form(client, campaign, code="文件1", category=None):
    query = {"category": category} if category else {}
    response = client.get(f"{campaign.url}templates/{code}/", query)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def fill(data, text_for=None):
    """The blank form filled in as an applicant does: each placeholder replaced by text of one's
    own (`text_for(paragraph text)` may keep some, returning None)."""
    document = Document(io.BytesIO(data))
    for number, paragraph in enumerate(document.paragraphs):
        if not any(p in paragraph.text for p in PLACEHOLDERS):
            continue
        replacement = text_for(paragraph.text) if text_for else None
        if replacement is None and text_for is not None:
            continue
        text = paragraph.text
        for placeholder in PLACEHOLDERS:
            text = text.replace(placeholder, f"本项目的实际内容{number}")
        paragraph.text = replacement or text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rules(campaign, code="文件1"):
    return campaign.document_slots.get(code=code).rules()


def test_every_placeholder_is_in_the_blank_form(campaign, users):
    text = "\n".join(
        p.text
        for p in Document(io.BytesIO(blank_form(login(users["applicant"]), campaign))).paragraphs
    )
    for placeholder in (LEVEL2_PLACEHOLDER, LEVEL3_PLACEHOLDER, BODY_PLACEHOLDER):
        assert placeholder in text
    assert EXPLANATION_LEAD in text


def test_the_blank_form_fails_naming_each_placeholder_and_its_sections(campaign, users):
    result = check_file(
        rules(campaign), "推荐表.docx", blank_form(login(users["applicant"]), campaign)
    )
    assert not result.ok
    assert result.failures == [
        f"文件1 以下必备部分的标题下没有内容：{SECTIONS}",
        f"文件1 仍有模板中的占位文字“（二级标题）”（{SECTIONS}），请替换为实际内容",
        f"文件1 仍有模板中的占位文字“（三级标题）”（{SECTIONS}），请替换为实际内容",
        f"文件1 仍有模板中的占位文字“正文……”（{SECTIONS}），请替换为实际内容",
    ]
    # Headings alone are not the sections: 0 of 4, not 4/4.
    assert "必备部分 0/4" in file_facts(result.facts)


def test_the_filled_form_passes(campaign, users):
    filled = fill(blank_form(login(users["applicant"]), campaign))
    result = check_file(rules(campaign), "推荐表.docx", filled)
    assert result.ok, result.failures
    assert "必备部分 4/4" in file_facts(result.facts)


def test_one_placeholder_left_in_one_section_is_named(campaign, users):
    left = {"seen": 0}

    def keep_the_third_body(text):
        if text == BODY_PLACEHOLDER:
            left["seen"] += 1
            if left["seen"] == 3:
                return None  # 三、引领性's 正文…… stays
        return (
            text.replace(LEVEL2_PLACEHOLDER, "行业现状")
            .replace(LEVEL3_PLACEHOLDER, "国内外对比")
            .replace(BODY_PLACEHOLDER, "本项进展的正文。")
        )

    data = fill(blank_form(login(users["applicant"]), campaign), keep_the_third_body)
    result = check_file(rules(campaign), "推荐表.docx", data)
    assert result.failures == ["文件1 仍有模板中的占位文字“正文……”（三、引领性），请替换为实际内容"]


def test_a_heading_with_only_the_forms_explanation_under_it_is_empty(campaign, users):
    """The form prints 说明：… under some headings: guidance, not content."""
    document = Document(io.BytesIO(fill(blank_form(login(users["applicant"]), campaign))))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("二、"))
    # Remove what the applicant wrote under 二, keeping the printed 说明.
    following = paragraphs[start + 1 :]
    for paragraph in following:
        if paragraph.text.startswith("三、"):
            break
        if not paragraph.text.startswith(EXPLANATION_LEAD):
            paragraph._p.getparent().remove(paragraph._p)
    buffer = io.BytesIO()
    document.save(buffer)
    result = check_file(rules(campaign), "推荐表.docx", buffer.getvalue())
    assert result.failures == ["文件1 以下必备部分的标题下没有内容：二、创新性"]
    assert "必备部分 3/4" in file_facts(result.facts)


def test_a_form_without_sections_still_refuses_its_placeholders(federation, users):
    index = prepare_site(federation)
    miit = build_campaign(index, CAMPAIGNS[2])[0]
    slot = miit.document_slots.filter(code="文件1").first()
    data = blank_form(login(users["applicant"]), miit, category=slot.category_name)
    result = check_file(slot.rules(), "场景.docx", data)
    assert f"文件1 仍有模板中的占位文字“{LEVEL1_PLACEHOLDER}”，请替换为实际内容" in result.failures
    assert check_file(slot.rules(), "场景.docx", fill(data)).ok


def test_the_applicant_uploading_the_blank_form_is_refused_and_nothing_is_stored(campaign, users):
    client = login(users["applicant"])
    blank = blank_form(client, campaign)
    files = {**complete_files(), "文件1": ("推荐表.docx", blank)}
    response = client.post(apply_url(campaign), form_data(campaign, files=files))
    assert response.status_code == 200
    assert "文件1 仍有模板中的占位文字“正文……”" in page_text(response)
    nomination = Nomination.objects.get()
    assert not nomination.files.filter(slot_code="文件1").exists()
    # Filled, the same form is taken.
    files = {"文件1": ("推荐表.docx", fill(blank))}
    response = client.post(
        f"{campaign.url}nominations/{nomination.pk}/", form_data(campaign, files=files)
    )
    assert response.status_code == 302
    assert nomination.files.get(slot_code="文件1").check_ok
