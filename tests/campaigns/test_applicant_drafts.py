"""Issue 11 §3, through the views the applicant uses: each file uploaded on its own and kept with
the draft at once, only the refused one chosen again, the checklist before 提交 (and the same list
when a submission is refused), 删除草稿 instead of 撤回申报 on a draft, required fields marked, the
file inputs' accept= and limits. Real files throughout (python-docx, MP4 boxes, pypdf)."""

import json
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client, override_settings
from lxml import html as lxml_html
from wagtail.models import ModelLogEntry

from campaigns.models import Nomination, NominationFile, NominationStatus
from campaigns.nomination_errors import ActionRefused, InvalidNomination
from campaigns.nomination_files import check_upload
from campaigns.nominations import CREATE, DELETE, DELETE_LOG_ACTION, RETURN, SUBMIT, perform
from cms import upload_mp4
from cms.models import MemberSociety
from tests import hostile_docx
from tests import hostile_media as hostile
from tests.campaigns.nomination_helpers import (
    apply_url,
    box,
    closed_campaign,
    complete_files,
    docx_form,
    exe,
    file_url,
    form_data,
    government_campaign,
    login,
    make_applicant,
    make_nomination,
    mp4,
    nomination_url,
    open_campaign,
    page_text,
    pdf,
    prepare_site,
    snapshot,
    too_long,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(federation):
    return prepare_site(federation)


@pytest.fixture
def campaign(index):
    return open_campaign(index)


@pytest.fixture
def cmes(federation):
    return MemberSociety.objects.get(abbreviation="CMES")


@pytest.fixture
def applicant(users):
    return login(users["applicant"])


def slot(campaign, code, category=None):
    category = category or campaign.categories.first().name
    return next(s for s in campaign.slots_for(category) if s.code == code)


def new_upload_url(campaign, code):
    return f"{campaign.url}apply/upload/{slot(campaign, code).pk}/"


def draft_upload_url(nomination, code):
    return f"{nomination_url(nomination)}upload/{slot(nomination.campaign, code).pk}/"


def upload(client, url, campaign, code, name, content, **fields):
    """What the form's script sends: every field of the form and the one file."""
    data = form_data(campaign, files={code: (name, content)}, **fields)
    data.pop("action")
    return client.post(url, data)


def stored(nomination):
    return dict(nomination.files.values_list("slot_code", "original_name"))


# --- one file at a time -----------------------------------------------------------------------


def test_the_first_upload_creates_the_draft_and_each_file_is_kept_at_once(campaign, applicant):
    response = upload(
        applicant, new_upload_url(campaign, "文件1"), campaign, "文件1", "推荐表.docx", docx_form()
    )
    assert response.status_code == 200
    answer = response.json()
    nomination = Nomination.objects.get()
    assert nomination.status == NominationStatus.DRAFT
    assert [e.action for e in nomination.events.all()] == [CREATE]
    # The fields sent along are saved with it.
    assert nomination.project_name == "面向离散制造的数字孪生产线协同优化系统"
    assert nomination.recommender_society.abbreviation == "CMES"
    assert stored(nomination) == {"文件1": "推荐表.docx"}
    assert answer["nomination_url"].endswith(nomination_url(nomination))
    assert answer["message"] == "文件1 已保存（共 1,200 字；必备部分 4/4；37 KB）。"
    slot_html = lxml_html.fromstring(answer["slot_html"])
    assert "已保存，检查通过" in slot_html.text_content()
    assert [unquote(href) for href in slot_html.xpath("//a/@href")] == [
        file_url(nomination, "文件1")
    ]
    checklist = lxml_html.fromstring(answer["checklist_html"]).text_content()
    assert "文件1" not in checklist
    assert "文件2（答辩视频）：必须提交，尚未上传。" in checklist

    # The next files join that draft, one by one.
    url = draft_upload_url(nomination, "文件2")
    assert upload(applicant, url, campaign, "文件2", "答辩视频.mp4", mp4(720)).status_code == 200
    url = draft_upload_url(nomination, "文件3")
    assert upload(applicant, url, campaign, "文件3", "承诺书.pdf", pdf()).status_code == 200
    assert Nomination.objects.count() == 1
    assert stored(nomination) == {
        "文件1": "推荐表.docx",
        "文件2": "答辩视频.mp4",
        "文件3": "承诺书.pdf",
    }
    downloaded = applicant.get(file_url(nomination, "文件3"))
    assert b"".join(downloaded.streaming_content) == pdf()


@pytest.mark.parametrize(
    ("code", "name", "content", "message"),
    [
        ("文件2", "答辩视频.mp4", exe(), "文件2 不是有效的 MP4/MOV 视频文件"),
        ("文件2", "答辩视频.mp4", mp4(12 * 60 + 5), "文件2 时长 12分5秒，超过 12 分钟上限"),
        ("文件3", "承诺书.pdf", docx_form(100), "文件3 不是有效的 PDF 文件"),
        ("文件1", "推荐表.docx", docx_form(5001), too_long(5001, 5000)),
        ("文件1", "推荐表.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "另存为 .docx"),
        ("文件3", "承诺书.pdf", b"", "文件3 是空文件"),
        # Issue 12: active PDFs and crafted videos, refused naming what was found.
        (
            "文件3",
            "承诺书.pdf",
            hostile.js_open_action_pdf(),
            "文件3 含有活动内容（JavaScript 脚本），为安全起见不予接受",
        ),
        (
            "文件3",
            "承诺书.pdf",
            hostile.embedded_file_pdf("setup.exe"),
            "文件3 含有活动内容（嵌入的可执行文件“setup.exe”（Windows 程序））",
        ),
        (
            "文件2",
            "答辩视频.mp4",
            hostile.normal_mp4() + hostile.TINY_BOX * 2_000,
            "文件2 视频文件由过多的数据块组成（超过 1,000 个）",
        ),
    ],
    ids=[
        "exe-as-mp4",
        "video-too-long",
        "docx-as-pdf",
        "form-too-long",
        "legacy-doc",
        "empty",
        "javascript-pdf",
        "embedded-program-pdf",
        "tiny-boxes-mp4",
    ],
)
def test_a_refused_file_changes_nothing_and_the_others_stay(
    campaign, users, cmes, applicant, code, name, content, message, monkeypatch
):
    """The issue's case: 文件2 refused, 文件1 and 文件3 (valid) still there; a refused
    replacement keeps the file it would have replaced."""
    monkeypatch.setattr(upload_mp4, "MAX_BOXES", 1_000)  # a small file proves the box limit
    nomination = make_nomination(campaign, users["applicant"], cmes, "已有草稿", submit=False)
    before = {f.slot_code: f.file.open("rb").read() for f in nomination.files.all()}
    unchanged = snapshot()
    response = upload(
        applicant,
        draft_upload_url(nomination, code),
        campaign,
        code,
        name,
        content,
        project_name="已有草稿",
        applicant_organisation="本不该保存的单位",
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert response.json()["slot"] == code
    assert snapshot() == unchanged
    assert {f.slot_code: f.file.open("rb").read() for f in nomination.files.all()} == before
    nomination.refresh_from_db()
    assert nomination.applicant_organisation == "某某大学"  # a refused upload saves nothing


def test_a_refused_first_file_makes_no_draft(campaign, applicant):
    response = upload(
        applicant, new_upload_url(campaign, "文件2"), campaign, "文件2", "视频.mp4", exe()
    )
    assert response.status_code == 400
    assert "文件2 不是有效的 MP4/MOV 视频文件" in response.json()["error"]
    assert Nomination.objects.count() == 0
    assert NominationFile.objects.count() == 0


def test_a_hostile_word_file_uploaded_on_its_own_changes_nothing(campaign, applicant):
    base = docx_form(1200)
    on_disk = hostile_docx.files_on_disk()
    url = new_upload_url(campaign, "文件1")
    errors = {}
    for name in ("mz_polyglot", "docm_utf16", "lying_size_bomb"):
        data = hostile_docx.hostile(name, base)
        response = upload(applicant, url, campaign, "文件1", "推荐表.docx", data)
        assert response.status_code == 400, name
        errors[name] = response.json()["error"]
    wrong = {n: error for n, error in errors.items() if hostile_docx.REFUSALS[n] not in error}
    assert wrong == {}
    assert all(error.startswith("文件1") for error in errors.values())
    assert Nomination.objects.count() == 0
    assert NominationFile.objects.count() == 0
    assert hostile_docx.files_on_disk() == on_disk


def test_a_file_over_the_size_limit_is_refused_with_the_limit_unread(campaign, applicant):
    commitment = slot(campaign, "文件3")
    commitment.max_size_mb = 1
    commitment.save()
    oversized = pdf() + b"%" * (1024 * 1024)
    response = upload(
        applicant, new_upload_url(campaign, "文件3"), campaign, "文件3", "承诺书.pdf", oversized
    )
    assert response.status_code == 400
    assert response.json()["error"] == "文件3 大小 1 MB，超过 1 MB 上限"
    assert Nomination.objects.count() == 0


def test_uploads_are_only_for_the_applicant_while_the_nomination_is_editable(
    index, campaign, users, cmes, applicant
):
    draft = make_nomination(campaign, users["applicant"], cmes, "草稿项目", submit=False)
    submitted = make_nomination(campaign, users["applicant"], cmes, "已提交项目")
    unchanged = snapshot()
    files = ("文件3", "承诺书.pdf", pdf())

    response = upload(Client(), draft_upload_url(draft, "文件3"), campaign, *files)
    assert response.status_code == 403 and response.json()["error"] == "请先登录，再上传文件。"
    stranger = login(make_applicant("stranger"))
    assert upload(stranger, draft_upload_url(draft, "文件3"), campaign, *files).status_code == 404
    response = upload(applicant, draft_upload_url(submitted, "文件3"), campaign, *files)
    assert response.status_code == 403
    assert "申报当前状态为“已提交，待学会推荐”，不能修改。" in response.json()["error"]
    assert applicant.get(draft_upload_url(draft, "文件3")).status_code == 405
    other = closed_campaign(index)
    response = upload(
        applicant, f"{other.url}apply/upload/{slot(other, '文件3').pk}/", other, *files
    )
    assert response.status_code == 403 and "截止" in response.json()["error"]
    # A slot of another campaign is no slot of this one.
    foreign = f"{nomination_url(draft)}upload/{slot(other, '文件3').pk}/"
    assert upload(applicant, foreign, campaign, *files).status_code == 404
    response = applicant.post(draft_upload_url(draft, "文件3"), {"project_name": "x"})
    assert response.status_code == 400
    assert response.json()["error"] == "文件3：请选择要上传的文件。"
    # The form's CSRF token is required, as for the form itself.
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(users["applicant"])
    assert upload(guarded, draft_upload_url(draft, "文件3"), campaign, *files).status_code == 403
    assert snapshot() == unchanged


def test_a_category_only_slot_asks_for_its_category_first(index, users):
    campaign = government_campaign(index)
    applicant = login(users["applicant"])
    scene = slot(campaign, "文件1", "智能制造优秀场景")
    data = form_data(
        campaign,
        category="智能制造优秀场景",
        files={"文件1": ("场景.docx", docx_form(800, headings=()))},
        recommender="type:省（区、市）",
        recommender_name="江苏省",
    )
    data.pop("action")
    data["category"] = ""
    response = applicant.post(f"{campaign.url}apply/upload/{scene.pk}/", data)
    assert response.status_code == 400
    assert "只适用于“智能制造优秀场景”类别：请先选择类别。" in response.json()["error"]
    assert Nomination.objects.count() == 0
    data["category"] = "智能制造优秀场景"
    data[f"file_{scene.pk}"] = SimpleUploadedFile("场景.docx", docx_form(800, headings=()))
    assert applicant.post(f"{campaign.url}apply/upload/{scene.pk}/", data).status_code == 200
    assert stored(Nomination.objects.get()) == {"文件1": "场景.docx"}


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=64 * 1024)
def test_a_video_spooled_to_disk_is_measured_without_being_read(campaign, applicant, monkeypatch):
    """Videos run to hundreds of MB: the check reads only the boxes' headers from the temporary
    file."""
    big = mp4(600) + box(b"free", bytes(1024 * 1024))
    upload_file = TemporaryUploadedFile("答辩视频.mp4", "video/mp4", len(big), None)
    upload_file.write(big)
    upload_file.seek(0)
    read, bytes_read = upload_file.file.read, []

    def counted_read(size=-1):
        if size is None or size < 0:
            raise AssertionError("the check read the whole video")
        data = read(size)
        bytes_read.append(len(data))
        return data

    monkeypatch.setattr(upload_file.file, "read", counted_read)
    result = check_upload(slot(campaign, "文件2"), upload_file)
    assert result.ok, result.failures
    assert result.facts["duration_seconds"] == 600
    assert sum(bytes_read) < 1024
    monkeypatch.undo()

    # Through the endpoint, the same file (Django spools it to disk) is stored whole.
    response = upload(
        applicant, new_upload_url(campaign, "文件2"), campaign, "文件2", "答辩视频.mp4", big
    )
    assert response.status_code == 200, response.content
    record = NominationFile.objects.get()
    assert record.size == len(big) and record.facts["duration_seconds"] == 600
    with record.file.open("rb") as handle:
        assert handle.read() == big


# --- the whole form without the script ---------------------------------------------------------


def test_without_the_script_only_the_refused_file_is_chosen_again(campaign, applicant, cmes):
    files = {**complete_files(), "文件2": ("答辩视频.mp4", mp4(13 * 60))}
    response = applicant.post(apply_url(campaign), form_data(campaign, cmes, "submit", files=files))
    assert response.status_code == 200
    assert "文件2 时长 13分0秒，超过 12 分钟上限" in page_text(response)
    nomination = Nomination.objects.get()
    assert nomination.status == NominationStatus.DRAFT
    assert set(stored(nomination)) == {"文件1", "文件3"}
    # The page is the draft's and shows what is stored beside each slot.
    text = page_text(response)
    assert "推荐表.docx（共 1,200 字；必备部分 4/4；37 KB）" in text

    again = {"文件2": ("答辩视频（剪辑后）.mp4", mp4(11 * 60))}
    response = applicant.post(
        nomination_url(nomination), form_data(campaign, cmes, "submit", files=again)
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED
    assert stored(nomination)["文件2"] == "答辩视频（剪辑后）.mp4"


# --- the checklist ----------------------------------------------------------------------------


def checklist_items(response):
    tree = lxml_html.fromstring(response.content.decode())
    return [li.text_content() for li in tree.xpath('//div[@id="checklist"]//li')]


def test_the_checklist_lists_what_is_missing_and_a_submission_is_refused_with_it(
    campaign, applicant, cmes
):
    response = applicant.get(apply_url(campaign))
    assert checklist_items(response) == [
        "项目名称：必须填写。",
        "类别：必须选择。",
        "推荐单位：必须选择。",
        "申报单位：必须填写。",
        "联系人：必须填写。",
        "电话：必须填写。",
        "邮箱：必须填写。",
        f"文件1（“{campaign.year}中国智能制造科技进展”推荐表）：必须提交，尚未上传。",
        "文件2（答辩视频）：必须提交，尚未上传。",
        "文件3（承诺书）：必须提交，尚未上传。",
    ]
    # A draft may be saved with only a name.
    response = applicant.post(
        apply_url(campaign),
        {"project_name": "只有名称的草稿", "action": "save"},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    page = applicant.get(nomination_url(nomination))
    missing = checklist_items(page)
    assert "项目名称：必须填写。" not in missing and len(missing) == 9
    assert "提交前还需完成 9 项" in page_text(page)

    # Submitting refuses with that same list, on the server, and submits nothing.
    data = {"project_name": "只有名称的草稿", "action": "submit"}
    response = applicant.post(nomination_url(nomination), data)
    assert response.status_code == 200
    text = page_text(response)
    assert all(item in text for item in missing)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.DRAFT
    with pytest.raises(InvalidNomination) as refusal:
        perform(nomination, SUBMIT, nomination.applicant)
    assert refusal.value.messages == missing

    # Complete, the checklist says so.
    response = applicant.post(
        nomination_url(nomination),
        form_data(campaign, cmes, files=complete_files(), project_name="只有名称的草稿"),
    )
    assert response.status_code == 302
    page = applicant.get(nomination_url(nomination))
    assert checklist_items(page) == []
    assert "材料已齐全，可以提交。" in page_text(page)


def test_an_empty_form_makes_no_draft(campaign, applicant):
    response = applicant.post(apply_url(campaign), {"action": "save"})
    assert response.status_code == 200
    assert "没有可保存的内容：请至少填写项目名称或选择一个文件。" in page_text(response)
    assert Nomination.objects.count() == 0


# --- deleting a draft -------------------------------------------------------------------------


def test_a_draft_is_deleted_with_its_files_and_the_deletion_is_logged(
    campaign, users, cmes, django_capture_on_commit_callbacks
):
    nomination = make_nomination(campaign, users["applicant"], cmes, "要删除的草稿", submit=False)
    names = [(f.file.storage, f.file.name) for f in nomination.files.all()]
    assert all(storage.exists(name) for storage, name in names)
    applicant = login(users["applicant"])

    page = lxml_html.fromstring(applicant.get(nomination_url(nomination)).content.decode())
    assert page.xpath('//a[text()="删除草稿"]/@href') == [f"{nomination_url(nomination)}delete/"]
    assert not page.xpath('//button[text()="撤回申报"]')  # a draft is not withdrawn
    confirm = applicant.get(f"{nomination_url(nomination)}delete/")
    assert confirm.status_code == 200
    assert "确定删除申报草稿“要删除的草稿”吗？" in page_text(confirm)
    assert Nomination.objects.filter(pk=nomination.pk).exists()  # asking deletes nothing

    with pytest.raises(ActionRefused, match="只有申报账号本人"):
        perform(nomination, DELETE, users["editor"])
    stranger = login(make_applicant("stranger"))
    assert stranger.post(f"{nomination_url(nomination)}delete/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(f"{nomination_url(nomination)}delete/")
    assert response.status_code == 302 and response["Location"] == "/accounts/nominations/"
    assert not Nomination.objects.filter(pk=nomination.pk).exists()
    assert not NominationFile.objects.exists()
    assert not any(storage.exists(name) for storage, name in names)
    entry = ModelLogEntry.objects.get(action=DELETE_LOG_ACTION)
    assert entry.user == users["applicant"] and entry.label == "要删除的草稿"
    assert entry.object_id == str(nomination.pk) and entry.deleted
    assert entry.data["from_status"] == NominationStatus.DRAFT
    assert entry.data["files"] == ["文件1", "文件2", "文件3"]
    assert "草稿“要删除的草稿”已删除" in page_text(applicant.get(response["Location"]))


def test_only_drafts_are_deleted_and_only_others_are_withdrawn(campaign, users, cmes):
    submitted = make_nomination(campaign, users["applicant"], cmes, "已提交项目")
    draft = make_nomination(campaign, users["applicant"], cmes, "草稿项目", submit=False)
    applicant = login(users["applicant"])
    unchanged = snapshot()
    response = applicant.post(f"{nomination_url(submitted)}delete/")
    assert response.status_code == 403
    assert "申报当前状态为“已提交，待学会推荐”，不能删除草稿。" in page_text(response)
    response = applicant.post(f"{nomination_url(draft)}withdraw/", {"reason": ""})
    assert response.status_code == 403
    assert "申报当前状态为“草稿”，不能撤回。" in page_text(response)
    assert snapshot() == unchanged

    # A nomination returned for changes is edited again and keeps 撤回申报, not 删除草稿.
    perform(submitted, RETURN, users["society"], "请补充数据。")
    page = applicant.get(nomination_url(submitted))
    tree = lxml_html.fromstring(page.content.decode())
    assert submitted.__class__.objects.get(pk=submitted.pk).status == NominationStatus.RETURNED
    assert tree.xpath('//button[text()="撤回申报"]')
    assert not tree.xpath('//a[text()="删除草稿"]')


# --- what the form shows ----------------------------------------------------------------------


def test_required_fields_are_marked_and_inputs_say_what_they_take(campaign, applicant):
    tree = lxml_html.fromstring(applicant.get(apply_url(campaign)).content.decode())
    for name in ("project_name", "category", "recommender", "applicant_organisation", "phone"):
        field = tree.xpath(f'//*[@name="{name}"]')[0]
        assert field.get("required") is not None and field.get("aria-required") == "true", name
        label = tree.xpath(f'//label[@for="id_{name}"]')[0]
        assert label.xpath('.//span[@class="required-mark"]'), name
    assert tree.xpath('//*[@name="recommender_name"]')[0].get("required") is None
    # The expert's name has its own block, which the script shows only for an expert.
    assert tree.xpath('//p[@id="field-recommender_name"]//input[@name="recommender_name"]')

    def file_input(code):
        slot_block = tree.xpath(f'//div[@data-slot-code="{code}"]')[0]
        return slot_block, slot_block.xpath(".//input[@type='file']")[0]

    block, field = file_input("文件1")
    assert field.get("accept") == ".docx"
    assert field.get("data-max-bytes") == str(20 * 1024 * 1024)
    assert field.get("aria-required") == "true"
    assert "Word 文档（.docx），不超过 20 MB，不超过 5,000 字" in block.text_content()
    block, field = file_input("文件2")
    assert field.get("accept") == ".mp4,.mov"
    assert "MP4 或 MOV 视频，不超过 500 MB，时长不超过 12 分钟" in block.text_content()
    block, field = file_input("文件4")
    assert field.get("accept") == ".pdf" and field.get("aria-required") is None
    assert "PDF 文档，不超过 50 MB" in block.text_content()
    assert not block.xpath('.//span[@class="required-mark"]')  # optional in 2024


@pytest.mark.parametrize("files", [1, 3])
def test_the_draft_page_queries_do_not_grow_with_its_files(
    campaign, users, cmes, files, django_assert_max_num_queries
):
    chosen = dict(list(complete_files().items())[:files])
    nomination = make_nomination(campaign, users["applicant"], cmes, "草稿", False, files=chosen)
    applicant = login(users["applicant"])
    applicant.get(nomination_url(nomination))
    with django_assert_max_num_queries(33):
        response = applicant.get(nomination_url(nomination))
    assert response.status_code == 200
    assert page_text(response).count("已保存，检查通过") == files


def test_a_script_message_block_is_on_the_page(campaign, applicant):
    tree = lxml_html.fromstring(applicant.get(apply_url(campaign)).content.decode())
    script = tree.xpath('//script[@id="nomination-script-messages"]')[0]
    texts = json.loads(script.text)
    assert "{percent}" in texts["uploading"] and "{limit}" in texts["too_large"]
    assert tree.xpath('//script[contains(@src, "js/nomination_form.js")]')
