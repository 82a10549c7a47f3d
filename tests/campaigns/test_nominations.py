"""Nominations end to end: the applicant's form on the site, the society's recommendation and the
office's formal review in the admin, the event log, who may see what, and every kind of bad input
refused with a message while nothing changes."""

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import permissions
from campaigns.models import Nomination, NominationFile, NominationStatus, Quota
from campaigns.nomination_errors import ActionRefused, InvalidNomination
from campaigns.nominations import CORRECT, ENDORSE, REJECT, RETURN, SUBMIT, perform
from campaigns.recommenders import SOCIETY_RECOMMENDER
from campaigns.views.nominations import CONTENT_TYPES
from cms import upload_mp4
from cms.models import MemberSociety
from tests import hostile_docx
from tests import hostile_media as hostile
from tests.campaigns.nomination_helpers import (
    apply_url,
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
    make_society_user,
    mp4,
    nomination_url,
    open_campaign,
    page_text,
    pdf,
    prepare_site,
    review_url,
    snapshot,
    too_long,
    truncated_mp4,
)
from tests.cms.factories import MemberSocietyFactory

pytestmark = pytest.mark.django_db


# --- fixtures and helpers ---------------------------------------------------------------------


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
def caa(federation):
    return MemberSociety.objects.get(abbreviation="CAA")


def endorsed(nomination, society_user):
    return perform(nomination, ENDORSE, society_user)


def events_of(nomination):
    return list(
        nomination.events.values_list(
            "action", "actor__username", "from_status", "to_status", "reason"
        )
    )


# --- the whole way ----------------------------------------------------------------------------


def test_draft_submit_endorse_pass_with_every_change_logged(campaign, users, cmes):
    applicant = login(users["applicant"])
    response = applicant.post(
        apply_url(campaign), form_data(campaign, cmes, files=complete_files())
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert response["Location"].endswith(nomination_url(nomination))
    assert nomination.status == NominationStatus.DRAFT
    assert nomination.recommender_society == cmes
    assert nomination.recommender_type == SOCIETY_RECOMMENDER
    files = {f.slot_code: f for f in nomination.files.all()}
    assert set(files) == {"文件1", "文件2", "文件3"}
    assert all(f.check_ok and not f.check_failures for f in files.values())
    assert files["文件1"].facts["characters"] == 1200
    assert files["文件2"].facts["duration_seconds"] == 600
    assert files["文件3"].facts["pages"] == 1
    assert files["文件1"].original_name == "推荐表.docx"

    # The applicant sees what the checks measured.
    text = page_text(applicant.get(nomination_url(nomination)))
    assert "共 1,200 字" in text and "必备部分 4/4" in text
    assert "时长 10分0秒" in text and "1 页" in text

    response = applicant.post(nomination_url(nomination), form_data(campaign, cmes, "submit"))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED and nomination.submitted_at

    society = login(users["society"])
    assert nomination.project_name in page_text(society.get(reverse("nomination:index")))
    response = society.post(review_url(nomination), {"action": "endorse", "reason": ""})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ENDORSED

    office = login(users["editor"])
    text = page_text(office.get(review_url(nomination)))
    # The automatic checks beside the decision.
    assert "自动检查" in text and "共 1,200 字" in text and "材料齐全，自动检查全部通过" in text
    assert "通过形式审查" in text and "退回修改" in text and "不通过" in text
    response = office.post(review_url(nomination), {"action": "pass", "reason": "材料齐全。"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.PASSED

    assert events_of(nomination) == [
        ("create", "applicant", "", NominationStatus.DRAFT, ""),
        ("submit", "applicant", NominationStatus.DRAFT, NominationStatus.SUBMITTED, ""),
        ("endorse", "society", NominationStatus.SUBMITTED, NominationStatus.ENDORSED, ""),
        ("pass", "editor", NominationStatus.ENDORSED, NominationStatus.PASSED, "材料齐全。"),
    ]
    assert all(event.at for event in nomination.events.all())
    # The log is visible on the nomination, to the office and to the applicant.
    assert "材料齐全。" in page_text(office.get(review_url(nomination)))
    assert "材料齐全。" in page_text(applicant.get(nomination_url(nomination)))
    assert "通过形式审查" in page_text(applicant.get(reverse("my_nominations")))
    # Times read as Chinese dates, in Asia/Shanghai.
    local = timezone.localtime(nomination.events.get(action="pass").at)
    when = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    assert when in page_text(applicant.get(nomination_url(nomination)))
    assert when in page_text(office.get(review_url(nomination)))
    updated = timezone.localtime(Nomination.objects.get(pk=nomination.pk).updated_at)
    assert f"{updated.year}年{updated.month}月{updated.day}日" in page_text(
        applicant.get(reverse("my_nominations"))
    )


@pytest.mark.parametrize(
    ("actor", "action", "to_status", "before"),
    [
        ("society", "return", NominationStatus.RETURNED, NominationStatus.SUBMITTED),
        ("editor", "correct", NominationStatus.CORRECTION, NominationStatus.ENDORSED),
        ("secretary", "reject", NominationStatus.REJECTED, NominationStatus.ENDORSED),
        ("editor", "pass", NominationStatus.PASSED, NominationStatus.ENDORSED),
    ],
)
def test_decisions_need_a_reason(campaign, users, cmes, actor, action, to_status, before):
    nomination = make_nomination(campaign, users["applicant"], cmes, "需要理由的项目")
    if before == NominationStatus.ENDORSED:
        nomination = endorsed(nomination, users["society"])
    client = login(users[actor])
    unchanged = snapshot()

    response = client.post(review_url(nomination), {"action": action, "reason": "   "})
    assert response.status_code == 400
    assert "必须填写理由" in page_text(response)
    assert snapshot() == unchanged

    response = client.post(review_url(nomination), {"action": action, "reason": "缺少盖章。"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == to_status
    assert events_of(nomination)[-1] == (action, actor, before, to_status, "缺少盖章。")


def test_returned_and_corrected_nominations_come_back(campaign, users, cmes):
    applicant = login(users["applicant"])
    nomination = make_nomination(
        campaign, users["applicant"], cmes, "面向离散制造的数字孪生产线协同优化系统"
    )
    login(users["society"]).post(
        review_url(nomination), {"action": "return", "reason": "请补充数据。"}
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.RETURNED
    assert "请补充数据。" in page_text(applicant.get(nomination_url(nomination)))

    response = applicant.post(nomination_url(nomination), form_data(campaign, cmes, "submit"))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED

    endorsed(nomination, users["society"])
    office = login(users["editor"])
    office.post(review_url(nomination), {"action": "correct", "reason": "承诺书未签字。"})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.CORRECTION

    files = {"文件3": ("承诺书（已签字）.pdf", pdf(2))}
    response = applicant.post(
        nomination_url(nomination), form_data(campaign, cmes, "submit", files=files)
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    # Corrected, it goes straight back to formal review: the society's recommendation stands.
    assert nomination.status == NominationStatus.ENDORSED
    assert nomination.files.get(slot_code="文件3").facts["pages"] == 2
    S = NominationStatus
    assert [e[3] for e in events_of(nomination)] == [
        S.DRAFT, S.SUBMITTED, S.RETURNED, S.SUBMITTED, S.ENDORSED, S.CORRECTION, S.ENDORSED,
    ]  # fmt: skip


def test_applicant_may_not_decide_and_society_may_not_review(campaign, users, cmes):
    nomination = make_nomination(campaign, users["applicant"], cmes, "越权操作的项目")
    applicant = login(users["applicant"])
    # The applicant has no admin at all.
    assert applicant.post(review_url(nomination), {"action": "endorse"}).status_code == 302
    society = login(users["society"])
    response = society.post(review_url(nomination), {"action": "pass", "reason": "好"})
    assert response.status_code == 400
    assert "不是您现在可以做的决定" in page_text(response)
    with pytest.raises(ActionRefused, match="只有联合体秘书处"):
        perform(endorsed(nomination, users["society"]), "pass", users["society"], "好")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ENDORSED


# --- who sees what ----------------------------------------------------------------------------


def test_society_sees_and_acts_only_on_its_own_nominations(campaign, users, cmes, caa):
    ours = make_nomination(campaign, users["applicant"], cmes, "本学会推荐的项目")
    theirs = make_nomination(campaign, make_applicant("other"), caa, "其他学会推荐的项目")
    draft = make_nomination(campaign, users["applicant"], cmes, "尚未提交的草稿", submit=False)
    society = login(users["society"])

    listing = page_text(society.get(reverse("nomination:index")))
    assert ours.project_name in listing
    assert theirs.project_name not in listing
    assert draft.project_name not in listing  # drafts are the applicant's own business
    found = page_text(society.get(reverse("nomination:index"), {"q": "其他学会"}))
    assert theirs.project_name not in found  # search stays within what one may see
    found = page_text(society.get(reverse("nomination:index"), {"q": "本学会"}))
    assert ours.project_name in found

    assert society.get(review_url(theirs)).status_code == 404
    assert society.get(review_url(draft)).status_code == 404
    unchanged = snapshot()
    assert society.post(review_url(theirs), {"action": "endorse"}).status_code == 404
    assert society.get(file_url(theirs, "文件1")).status_code == 404
    assert snapshot() == unchanged

    caa_user = make_society_user("caa-member", caa)
    assert login(caa_user).post(review_url(theirs), {"action": "endorse"}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == NominationStatus.ENDORSED

    # The office sees everything.
    listing = page_text(login(users["secretary"]).get(reverse("nomination:index")))
    assert ours.project_name in listing and theirs.project_name in listing


def test_files_only_for_those_who_may_see_the_nomination(campaign, users, cmes, caa):
    nomination = make_nomination(campaign, users["applicant"], cmes, "文件权限测试项目")
    url = file_url(nomination, "文件3")
    expected = nomination.files.get(slot_code="文件3").file.open("rb").read()

    response = login(users["applicant"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"

    assert login(users["society"]).get(url).status_code == 200  # the recommending society
    assert login(users["editor"]).get(url).status_code == 200  # the office
    assert login(make_applicant("stranger")).get(url).status_code == 404
    assert login(make_society_user("caa-member", caa)).get(url).status_code == 404
    assert login(users["expert"]).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # Nor can another applicant open the nomination itself.
    assert login(make_applicant("stranger2")).get(nomination_url(nomination)).status_code == 404


def test_admin_is_closed_to_applicants_and_experts(campaign, users, cmes):
    nomination = make_nomination(campaign, users["applicant"], cmes, "后台权限测试项目")
    for username in ("applicant", "expert"):
        client = login(users[username])
        assert client.get(reverse("nomination:index")).status_code == 302
        assert client.get(review_url(nomination)).status_code == 302
    # Nothing can be added, edited or deleted in the admin.
    office = login(users["editor"])
    html = office.get(reverse("nomination:index")).content.decode()
    assert "/admin/nomination/new/" not in html
    assert office.get(f"/admin/nomination/edit/{nomination.pk}/").status_code == 404
    assert office.get(f"/admin/nomination/delete/{nomination.pk}/").status_code == 404


def test_unverified_applicant_cannot_apply(campaign):
    user = get_user_model().objects.create_user("newcomer", "newcomer@example.com", "x-1234-abc")
    client = login(user)
    response = client.get(apply_url(campaign))
    assert response.status_code == 403
    assert "请先验证您的邮箱" in page_text(response)
    response = client.post(apply_url(campaign), form_data(campaign, files=complete_files()))
    assert response.status_code == 403
    assert Nomination.objects.count() == 0


def test_apply_needs_login(campaign):
    response = Client().get(apply_url(campaign))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- bad input --------------------------------------------------------------------------------


# Each case: the changes to a complete form, the message, and what the draft keeps: the slots
# whose files are stored, and the field whose bad value was not saved (None: no draft at all).
BAD_FORMS = {
    "recommender outside the campaign": (
        lambda campaign: {"recommender": f"society:{MemberSocietyFactory(name='中国测试学会').pk}"},
        "推荐单位：“中国测试学会”不是本征集活动的推荐学会",
        {"文件1", "文件2", "文件3"},
        ("recommender_society", None),
    ),
    "category the campaign does not have": (
        lambda campaign: {"category": "智能制造先行区"},
        "类别：“智能制造先行区”不是本征集活动的征集类别，可选类别为：智能制造技术、",
        {"文件1", "文件2", "文件3"},
        ("category", ""),
    ),
    "form over the character limit": (
        lambda campaign: {"files": {"文件1": ("推荐表.docx", docx_form(5001))}},
        too_long(5001, 5000),
        {"文件2", "文件3"},
        None,
    ),
    "renamed .exe as MP4": (
        lambda campaign: {"files": {"文件2": ("答辩视频.mp4", exe())}},
        "文件2 不是有效的 MP4/MOV 视频文件",
        {"文件1", "文件3"},
        None,
    ),
    "truncated MP4": (
        lambda campaign: {"files": {"文件2": ("答辩视频.mp4", truncated_mp4())}},
        "文件2 视频文件不完整",
        {"文件1", "文件3"},
        None,
    ),
    "video over the time limit": (
        lambda campaign: {"files": {"文件2": ("答辩视频.mp4", mp4(12 * 60 + 1))}},
        "文件2 时长 12分1秒，超过 12 分钟上限",
        {"文件1", "文件3"},
        None,
    ),
    "Word form as PDF": (
        lambda campaign: {"files": {"文件3": ("承诺书.pdf", docx_form(100))}},
        "文件3 不是有效的 PDF 文件",
        {"文件1", "文件2"},
        None,
    ),
    "PDF with JavaScript as 文件3": (
        lambda campaign: {"files": {"文件3": ("承诺书.pdf", hostile.js_escaped_names_pdf())}},
        "文件3 含有活动内容（JavaScript 脚本），为安全起见不予接受",
        {"文件1", "文件2"},
        None,
    ),
    "PDF with an embedded program as 文件3": (
        lambda campaign: {
            "files": {"文件3": ("承诺书.pdf", hostile.file_attachment_annotation_pdf())}
        },
        "文件3 含有活动内容（嵌入的可执行文件“readme.txt”（Windows 程序））",
        {"文件1", "文件2"},
        None,
    ),
    "MP4 of too many boxes": (
        lambda campaign: {
            "files": {"文件2": ("答辩视频.mp4", hostile.normal_mp4() + hostile.TINY_BOX * 2_000)}
        },
        "文件2 视频文件由过多的数据块组成",
        {"文件1", "文件3"},
        None,
    ),
    "missing required files": (
        lambda campaign: {"action": "submit", "only": {"文件1": ("推荐表.docx", docx_form())}},
        "文件2（答辩视频）：必须提交，尚未上传。",
        {"文件1"},
        None,
    ),
    "project name over its limit": (
        lambda campaign: {"project_name": "智" * 201},
        "项目名称：不能超过 200 个字符（现有 201 个）",
        {"文件1", "文件2", "文件3"},
        ("project_name", ""),
    ),
    "missing contact": (
        lambda campaign: {"action": "submit", "contact_person": ""},
        "联系人：必须填写。",
        {"文件1", "文件2", "文件3"},
        ("contact_person", ""),
    ),
    "expert without a name": (
        lambda campaign: {"action": "submit", "recommender": "expert", "recommender_name": ""},
        "推荐专家姓名：由专家推荐时必须填写推荐专家的姓名。",
        {"文件1", "文件2", "文件3"},
        ("recommender_name", ""),
    ),
}


@pytest.mark.parametrize("case", list(BAD_FORMS))
def test_bad_input_is_refused_with_a_message_and_everything_else_is_kept(
    campaign, users, case, monkeypatch
):
    """Issue 11: one refusal no longer costs the applicant the rest. The bad value or file is
    refused with its message and stored nowhere; every passing file and every valid field are
    kept in the draft, which is not submitted."""
    make_draft, message, kept_files, refused_field = BAD_FORMS[case]
    monkeypatch.setattr(upload_mp4, "MAX_BOXES", 1_000)  # a small file proves the box limit
    changes = make_draft(campaign)
    files = changes.pop("only", None) or {**complete_files(), **changes.pop("files", {})}
    client = login(users["applicant"])
    response = client.post(apply_url(campaign), form_data(campaign, files=files, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    nomination = Nomination.objects.get()
    assert nomination.status == NominationStatus.DRAFT and nomination.submitted_at is None
    assert set(nomination.files.values_list("slot_code", flat=True)) == kept_files
    assert nomination.applicant_organisation == "某某智能装备有限公司"  # valid: kept
    if refused_field:
        name, stored = refused_field
        assert getattr(nomination, name) == stored
    # The page is now the draft's: saving again updates it rather than making another.
    html = response.content.decode()
    assert f'action="{nomination_url(nomination)}"' in html
    assert [e[0] for e in events_of(nomination)] == ["create"]


def test_a_bad_file_leaves_its_slot_as_it_was_and_the_rest_is_saved(campaign, users, cmes):
    nomination = make_nomination(campaign, users["applicant"], cmes, "已有草稿", submit=False)
    before = nomination.files.get(slot_code="文件2")
    files_before = nomination.files.count()
    client = login(users["applicant"])
    for bad in (exe(), truncated_mp4()):
        data = form_data(
            campaign,
            cmes,
            files={"文件2": ("新视频.mp4", bad), "文件3": ("新承诺书.pdf", pdf(2))},
            project_name="已有草稿",
            applicant_organisation="改过的单位名称",
        )
        response = client.post(nomination_url(nomination), data)
        assert response.status_code == 200
        assert "文件2" in page_text(response)
        after = nomination.files.get(slot_code="文件2")
        assert (after.original_name, after.file.name) == (before.original_name, before.file.name)
        assert after.file.open("rb").read() == before.file.open("rb").read()
    assert nomination.files.count() == files_before
    # The other file and the fields passed: kept.
    assert nomination.files.get(slot_code="文件3").original_name == "新承诺书.pdf"
    nomination.refresh_from_db()
    assert nomination.applicant_organisation == "改过的单位名称"
    assert nomination.status == NominationStatus.DRAFT


def test_the_same_project_twice_is_a_form_error(campaign, users, cmes):
    make_nomination(campaign, make_applicant("first"), cmes, "数字孪生产线")
    client = login(users["applicant"])
    response = client.post(
        apply_url(campaign),
        form_data(campaign, cmes, files=complete_files(), project_name="数字孪生产线"),
    )
    assert response.status_code == 200
    assert "项目名称：本征集活动中已有名为“数字孪生产线”的申报，同一项目不能重复申报。" in (
        page_text(response)
    )
    assert Nomination.objects.filter(project_name="数字孪生产线").count() == 1
    # The files are not lost: they wait in a draft that has no name yet.
    draft = Nomination.objects.get(applicant=users["applicant"])
    assert draft.project_name == "" and draft.status == NominationStatus.DRAFT
    assert draft.files.count() == 3
    unchanged = snapshot()
    # The service itself refuses too (a race past the form ends the same way).
    with pytest.raises(InvalidNomination, match="同一项目不能重复申报"):
        make_nomination(campaign, users["applicant"], cmes, "数字孪生产线")
    assert snapshot() == unchanged


def test_after_the_deadline_nothing_can_be_submitted_or_changed(index, users, cmes):
    campaign = closed_campaign(index)
    draft = Nomination.objects.create(
        campaign=campaign,
        applicant=users["applicant"],
        project_name="逾期项目",
        category=campaign.categories.first().name,
        recommender_type=SOCIETY_RECOMMENDER,
        recommender_society=cmes,
        applicant_organisation="某某公司",
        contact_person="王五",
        phone="010-1",
        email="w@example.com",
    )
    closes = campaign.call_window()[1]
    message = f"申报已于 {closes.year}年{closes.month}月{closes.day}日 截止，不能再提交或修改申报。"
    client = login(users["applicant"])
    unchanged = snapshot()

    response = client.post(
        nomination_url(draft),
        form_data(campaign, cmes, "submit", files=complete_files(), project_name="逾期项目"),
    )
    assert response.status_code == 403
    assert message in page_text(response)
    response = client.post(apply_url(campaign), form_data(campaign, cmes, files=complete_files()))
    assert response.status_code == 403
    assert message in page_text(response)
    with pytest.raises(ActionRefused, match="截止"):
        perform(draft, SUBMIT, users["applicant"])
    assert snapshot() == unchanged
    # The page says so, and the nomination can still be read.
    assert message in page_text(client.get(nomination_url(draft)))


def test_the_closing_day_itself_is_open(index, users, cmes):
    from django.utils import timezone

    from campaigns.models.milestones import MilestoneKind
    from tests.campaigns.nomination_helpers import DAY

    today = timezone.localdate()
    campaign = open_campaign(
        index,
        slug="closes-today",
        milestones=[
            (MilestoneKind.CALL_OPENS, today - 30 * DAY, None, "开通"),
            (MilestoneKind.SUBMISSIONS_CLOSE, today, None, "截止"),
        ],
    )
    nomination = make_nomination(campaign, users["applicant"], cmes, "最后一天提交的项目")
    assert nomination.status == NominationStatus.SUBMITTED
    allowed, reason = permissions.can_apply(users["applicant"], campaign, today + DAY)
    assert not allowed and "截止" in reason


# --- quotas -----------------------------------------------------------------------------------


@pytest.fixture
def quota_campaign(index):
    return open_campaign(index, slug="quota-call", quotas=[("成员学会", "智能制造技术", 1)])


def test_quota_is_enforced_and_a_withdrawal_gives_the_place_back(quota_campaign, users, cmes):
    campaign = quota_campaign
    first = make_nomination(campaign, make_applicant("first"), cmes, "第一项")
    client = login(users["applicant"])
    response = client.post(
        apply_url(campaign), form_data(campaign, cmes, "submit", files=complete_files())
    )
    assert response.status_code == 200
    assert (
        "推荐名额：中国机械工程学会在“智能制造技术”类别的推荐名额为 1 项，已全部使用"
        in page_text(response)
    )
    # Not submitted; the draft and its files wait for a place (or another recommender).
    refused = Nomination.objects.get(applicant=users["applicant"])
    assert refused.status == NominationStatus.DRAFT and refused.files.count() == 3
    refused.delete()

    # Another category, another society: not limited by this quota.
    other = make_nomination(campaign, users["applicant"], cmes, "另一类别", category="智能产品")
    assert other.status == NominationStatus.SUBMITTED

    second = make_nomination(campaign, users["applicant"], cmes, "第二项", submit=False)
    # A nomination sent back by its society keeps its place.
    perform(first, RETURN, users["society"], "请修改")
    with pytest.raises(InvalidNomination, match="已全部使用"):
        perform(second, SUBMIT, users["applicant"])

    response = login(first.applicant).post(
        nomination_url(first) + "withdraw/", {"reason": "不再参加"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == NominationStatus.WITHDRAWN
    assert events_of(first)[-1] == (
        "withdraw",
        "first",
        NominationStatus.RETURNED,
        NominationStatus.WITHDRAWN,
        "不再参加",
    )
    assert perform(second, SUBMIT, users["applicant"]).status == NominationStatus.SUBMITTED


def test_a_rejected_nomination_gives_its_place_back(quota_campaign, users, cmes):
    campaign = quota_campaign
    first = endorsed(
        make_nomination(campaign, make_applicant("first"), cmes, "第一项"), users["society"]
    )
    second = make_nomination(campaign, users["applicant"], cmes, "第二项", submit=False)
    with pytest.raises(InvalidNomination):
        perform(second, SUBMIT, users["applicant"])
    perform(first, REJECT, users["editor"], "不属于征集范围。")
    assert perform(second, SUBMIT, users["applicant"]).status == NominationStatus.SUBMITTED


def test_a_changed_recommender_is_counted_against_the_new_quota(quota_campaign, users, cmes, caa):
    campaign = quota_campaign
    make_nomination(campaign, make_applicant("first"), caa, "中国自动化学会的项目")
    nomination = make_nomination(campaign, users["applicant"], cmes, "改推荐单位的项目")
    perform(nomination, RETURN, users["society"], "请改由自动化学会推荐")
    unchanged = snapshot()
    response = login(users["applicant"]).post(
        nomination_url(nomination),
        form_data(campaign, caa, "save", project_name="改推荐单位的项目"),
    )
    assert response.status_code == 200
    assert "中国自动化学会在“智能制造技术”类别的推荐名额为 1 项" in page_text(response)
    assert snapshot() == unchanged


def test_federation_call_without_quotas_limits_nothing(campaign, users, cmes):
    assert not Quota.objects.filter(page=campaign).exists()
    for number in range(4):
        nomination = make_nomination(campaign, users["applicant"], cmes, f"不限名额的项目{number}")
        assert nomination.status == NominationStatus.SUBMITTED


def test_government_call_counts_each_recommender_separately(index, users):
    campaign = government_campaign(index, quotas=[("省（区、市）", "智能制造优秀场景", 1)])
    client = login(users["applicant"])
    scene = {"文件1": ("场景申报书.docx", docx_form(800, headings=()))}

    def apply(name, province, **changes):
        fields = {
            "category": "智能制造优秀场景",
            "action": "submit",
            "files": scene,
            "project_name": name,
            "recommender": "type:省（区、市）",
            "recommender_name": province,
            **changes,
        }
        data = form_data(campaign, **fields)
        return client.post(apply_url(campaign), data)

    assert apply("江苏省场景一", "江苏省").status_code == 302
    response = apply("江苏省场景二", " 江苏省 ")
    assert response.status_code == 200
    assert "江苏省在“智能制造优秀场景”类别的推荐名额为 1 项，已全部使用" in page_text(response)
    assert apply("浙江省场景一", "浙江省").status_code == 302
    # No society here; the type and the name are what counts.
    assert set(Nomination.objects.values_list("recommender_type", "recommender_name")) == {
        ("省（区、市）", "江苏省"),
        ("省（区、市）", "浙江省"),
    }
    # A 3000-character limit per scenario.
    response = apply(
        "超字数场景", "安徽省", files={"文件1": ("场景.docx", docx_form(3001, headings=()))}
    )
    assert too_long(3001, 3000) in page_text(response)
    response = apply("没有推荐单位名称", "")
    assert "推荐单位名称：必须填写推荐单位（省（区、市））的名称" in page_text(response)
    # A recommender type the call does not have.
    response = apply("未知类型", "某市", recommender="type:地级市")
    assert "推荐单位：“type:地级市”不在本征集活动的推荐单位之内" in page_text(response)


# --- demo -------------------------------------------------------------------------------------


@pytest.mark.demo
def test_demo_applicant_applies_and_the_office_finds_the_demo_nomination(db):
    from django.core.management import call_command

    from campaigns.demo import DEMO_NOMINATION
    from campaigns.models import CampaignPage

    call_command("load_demo")
    call_command("load_demo")  # safe to run twice: still one demo nomination
    campaign = CampaignPage.objects.get(slug__endswith="-china-progress-demo")
    nomination = Nomination.objects.get(campaign=campaign)
    assert nomination.project_name == DEMO_NOMINATION and "演示" in nomination.project_name
    assert nomination.status == NominationStatus.ENDORSED
    assert all(f.check_ok for f in nomination.files.all())
    assert [e[0] for e in events_of(nomination)] == ["create", "submit", "endorse"]

    applicant = Client()
    assert applicant.login(username="applicant", password="lianhe-applicant")
    assert applicant.get(apply_url(campaign)).status_code == 200
    office = Client()
    assert office.login(username="editor", password="lianhe-editor")
    assert DEMO_NOMINATION in page_text(office.get(reverse("nomination:index")))
    assert "通过形式审查" in page_text(office.get(review_url(nomination)))
    society = Client()
    assert society.login(username="society", password="lianhe-society")
    assert DEMO_NOMINATION in page_text(society.get(reverse("nomination:index")))


def test_corrections_are_possible_after_the_deadline_until_the_first_round(campaign, users, cmes):
    """Formal review runs after submissions close; a nomination returned for correction can be
    corrected then, but not once the first round has begun."""
    import datetime

    from campaigns.models import Milestone
    from campaigns.models.milestones import MilestoneKind

    nomination = make_nomination(campaign, users["applicant"], cmes, "截止后补正的项目")
    endorsed(nomination, users["society"])
    perform(nomination, CORRECT, users["editor"], reason="承诺书未签字。")

    close = campaign.milestones.get(kind=MilestoneKind.SUBMISSIONS_CLOSE).date
    first_round = campaign.milestones.get(kind=MilestoneKind.FIRST_ROUND).date
    after_deadline = close + datetime.timedelta(days=1)
    assert after_deadline < first_round
    nomination.refresh_from_db()
    assert permissions.can_edit(users["applicant"], nomination, today=after_deadline) == (True, "")
    assert permissions.can_perform(
        users["applicant"], nomination, SUBMIT, today=after_deadline
    ) == (True, "")
    # A new nomination is still refused after the deadline.
    allowed, reason = permissions.can_apply(users["applicant"], campaign, today=after_deadline)
    assert not allowed and "截止" in reason

    allowed, reason = permissions.can_edit(users["applicant"], nomination, today=first_round)
    assert not allowed and "第一轮遴选" in reason
    allowed, _reason = permissions.can_perform(
        users["applicant"], nomination, SUBMIT, today=first_round
    )
    assert not allowed
    assert Milestone.objects.filter(campaign=campaign, kind=MilestoneKind.FIRST_ROUND).exists()


# --- hostile files (issue 12) -----------------------------------------------------------------


def test_every_hostile_word_file_is_refused_by_the_apply_form_and_stored_nowhere(campaign, users):
    """Macro documents in any spelling, polyglots, packages without relationships, hostile XML
    and lying zip headers: each refused as 文件1 with the reason, no file kept anywhere."""
    client = login(users["applicant"])
    base = docx_form(1200)
    on_disk = hostile_docx.files_on_disk()
    not_shown = []
    for number, name in enumerate(hostile_docx.APPLY_HOSTILE):
        files = {"文件1": ("推荐表.docx", hostile_docx.hostile(name, base))}
        data = form_data(campaign, files=files, project_name=f"恶意文件测试项目{number}")
        response = client.post(apply_url(campaign), data)
        assert response.status_code == 200, name
        if f"文件1{hostile_docx.REFUSALS[name]}" not in page_text(response):
            not_shown.append(name)
    assert not_shown == []
    assert NominationFile.objects.count() == 0
    assert hostile_docx.files_on_disk() == on_disk


def test_a_file_downloads_under_its_slot_and_checked_type_never_its_upload_name(
    campaign, users, cmes
):
    files = {**complete_files(), "文件1": ("推荐表.exe", docx_form(1200))}
    nomination = make_nomination(campaign, users["applicant"], cmes, "下载名称项目", files=files)
    assert nomination.files.get(slot_code="文件1").original_name == "推荐表.exe"
    response = login(users["editor"]).get(file_url(nomination, "文件1"))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert disposition.endswith(f"filename*=utf-8''{quote('文件1-推荐表.docx')}")
    assert ".exe" not in disposition
    assert response["Content-Type"] == CONTENT_TYPES["word"]
    video = login(users["editor"]).get(file_url(nomination, "文件2"))
    assert video["Content-Disposition"] == f"inline; filename*=utf-8''{quote('文件2-答辩视频.mp4')}"
