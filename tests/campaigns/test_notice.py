"""The public notice (公示) and its objections: starting the notice after the final round is
confirmed, its period in Asia/Shanghai dates, the public list, who may object and until when,
attachments behind a permission check, the office's decisions (disqualify, promote the next-ranked
item), the periodic job that closes the notice, a permission matrix and query counts."""

import datetime
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from pypdf import PdfReader

from campaigns import objections
from campaigns.models import (
    Nomination,
    NominationEvent,
    NominationStatus,
    Objection,
    PublicNotice,
    ReviewEvent,
    ReviewRound,
    RoundEntry,
)
from campaigns.models.review import ObjectionStatus, RoundKind, RoundStatus
from campaigns.nomination_errors import ActionRefused
from campaigns.notice import close_due_notices, period_text, start_notice
from campaigns.recommenders import SOCIETY_RECOMMENDER
from cms.accounts import mark_email_verified
from cms.models import MemberSociety
from cms.storage import private_storage
from tests import hostile_docx
from tests import hostile_media as hostile
from tests.campaigns.nomination_helpers import (
    closed_campaign,
    docx_form,
    exe,
    page_text,
    pdf,
    prepare_site,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.timedelta(days=1)


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def campaign(federation):
    return closed_campaign(prepare_site(federation))


@pytest.fixture
def cmes(federation):
    return MemberSociety.objects.get(abbreviation="CMES")


def login(user):
    client = Client()
    client.force_login(user)
    return client


def make_user(username, verified=False):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.com")
    if verified:
        mark_email_verified(user)
    return user


def final_round(campaign, society, applicant, items=12, selected=10, status=RoundStatus.CONFIRMED):
    """A final round as the tally leaves it: `items` entries ranked 1…n, the top `selected`
    advanced."""
    round_ = ReviewRound.objects.create(
        campaign=campaign,
        kind=RoundKind.FINAL,
        opens_on=datetime.date(2024, 10, 20),
        closes_on=datetime.date(2024, 10, 31),
        advance_count=selected,
        status=status,
    )
    nominations = Nomination.objects.bulk_create(
        Nomination(
            campaign=campaign,
            project_name=f"智能制造项目{rank:02d}",
            category=campaign.categories.first().name,
            recommender_type=SOCIETY_RECOMMENDER,
            recommender_society=society,
            applicant_organisation=f"申报单位{rank:02d}有限公司",
            contact_person="张三",
            phone="010-68799025",
            email="zhangsan@example.com",
            applicant=applicant,
            status=NominationStatus.PASSED,
        )
        for rank in range(1, items + 1)
    )
    RoundEntry.objects.bulk_create(
        RoundEntry(
            round=round_,
            nomination=nomination,
            rank=rank,
            score=100 - rank,
            advanced=rank <= selected,
        )
        for rank, nomination in enumerate(nominations, start=1)
    )
    return round_


@pytest.fixture
def round_(campaign, cmes, users):
    return final_round(campaign, cmes, users["applicant"])


@pytest.fixture
def notice(campaign, round_, users):
    return start_notice(campaign, users["editor"], timezone.localdate() - DAY)


def entry(round_, rank):
    return RoundEntry.objects.get(round=round_, rank=rank)


def notice_url(campaign):
    return f"{campaign.url}notice/"


def objection_url(campaign, entry_):
    return f"{campaign.url}notice/objection/{entry_.pk}/"


def attachment_url(objection):
    return f"{objection.notice.campaign.url}notice/objections/{objection.pk}/attachment/"


def decide_url(objection):
    return reverse("objection:inspect", args=[objection.pk])


def state(round_):
    """What a refused request must leave as it was."""
    return (
        list(
            RoundEntry.objects.filter(round=round_)
            .order_by("rank")
            .values_list("rank", "advanced", "disqualified", "disqualified_reason")
        ),
        list(Objection.objects.order_by("pk").values_list("pk", "status", "promoted_next")),
        NominationEvent.objects.count(),
        stored_files(),
        ReviewEvent.objects.count(),
    )


def stored_files():
    storage = private_storage()
    if not storage.exists("objections"):
        return []
    return sorted(
        f"{folder}/{name}"
        for folder in storage.listdir("objections")[0]
        for name in storage.listdir(f"objections/{folder}")[1]
    )


def shanghai(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --- starting the notice ----------------------------------------------------------------------


def test_start_refused_until_the_final_round_is_confirmed(campaign, cmes, users):
    office = users["editor"]
    with pytest.raises(ActionRefused, match="终评结果尚未经评审组长确认"):
        start_notice(campaign, office)
    round_ = final_round(campaign, cmes, users["applicant"], status=RoundStatus.CLOSED)
    with pytest.raises(ActionRefused, match="终评结果尚未经评审组长确认"):
        start_notice(campaign, office)
    assert not PublicNotice.objects.exists()

    round_.status = RoundStatus.CONFIRMED
    round_.save()
    for someone in ("society", "expert", "applicant"):
        with pytest.raises(ActionRefused, match="只有联合体秘书处可以发布公示"):
            start_notice(campaign, users[someone])
    assert not PublicNotice.objects.exists()

    notice = start_notice(campaign, office, datetime.date(2024, 11, 1))
    assert (notice.starts_on, notice.ends_on) == (
        datetime.date(2024, 11, 1),
        datetime.date(2024, 11, 7),
    )
    with pytest.raises(ActionRefused, match="已经发布过公示"):
        start_notice(campaign, office)
    assert PublicNotice.objects.count() == 1


def test_period_is_seven_days_in_shanghai_dates(campaign, round_, users):
    # 17:30 UTC on 31 October is already 1 November in Shanghai.
    moment = datetime.datetime(2024, 10, 31, 17, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        notice = start_notice(campaign, users["editor"])
    assert notice.starts_on == datetime.date(2024, 11, 1)
    assert notice.ends_on == datetime.date(2024, 11, 7)
    assert (notice.ends_on - notice.starts_on).days + 1 == campaign.notice_days == 7
    assert period_text(notice) == "公示期：2024年11月1日至2024年11月7日"


def test_start_through_the_admin(campaign, round_, users):
    office = login(users["editor"])
    response = office.post(
        reverse("publicnotice:add"), {"campaign": campaign.pk, "starts_on": "2024-11-01"}
    )
    assert response.status_code == 302
    notice = PublicNotice.objects.get()
    assert notice.ends_on == datetime.date(2024, 11, 7)
    assert "2024年11月1日至2024年11月7日" in page_text(office.get(reverse("publicnotice:index")))
    # Twice: refused with the reason, nothing more created.
    response = office.post(reverse("publicnotice:add"), {"campaign": campaign.pk})
    assert response.status_code == 200
    assert "已经发布过公示" in page_text(response)
    assert PublicNotice.objects.count() == 1


# --- the public page --------------------------------------------------------------------------


def test_notice_page_lists_the_selected_items(campaign, round_, notice, cmes):
    text = page_text(Client().get(notice_url(campaign)))
    period = period_text(notice)
    assert period in text and "年" in period and "至" in period
    for rank in range(1, 11):
        assert f"智能制造项目{rank:02d}" in text
        assert f"申报单位{rank:02d}有限公司" in text
    assert "智能制造项目11" not in text and "智能制造项目12" not in text
    assert cmes.name in text
    assert text.count("提出异议") == 10
    # Ranked in order.
    assert (
        text.index("智能制造项目01") < text.index("智能制造项目02") < text.index("智能制造项目10")
    )


def test_notice_page_before_it_starts_and_without_notice(campaign, round_, users):
    assert Client().get(notice_url(campaign)).status_code == 404
    start_notice(campaign, users["editor"], timezone.localdate() + 2 * DAY)
    response = Client().get(notice_url(campaign))
    assert response.status_code == 200
    text = page_text(response)
    assert "公示将于" in text and "智能制造项目01" not in text


def test_notice_page_after_the_period_keeps_the_list_without_objection_links(
    campaign, round_, users
):
    start_notice(campaign, users["editor"], timezone.localdate() - 10 * DAY)
    text = page_text(Client().get(notice_url(campaign)))
    assert "智能制造项目01" in text and "公示已于" in text and "提出异议" not in text


# --- objections -------------------------------------------------------------------------------


def test_society_user_files_an_objection(campaign, round_, notice, users):
    target = entry(round_, 3)
    client = login(users["society"])
    assert client.get(objection_url(campaign, target)).status_code == 200
    response = client.post(objection_url(campaign, target), {"reason": "数据与公开报道不符。"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.filed_by == users["society"]
    assert objection.nomination == target.nomination
    assert objection.notice == notice
    assert objection.reason == "数据与公开报道不符。"
    assert objection.status == ObjectionStatus.PENDING and not objection.attachment
    assert "数据与公开报道不符。" not in page_text(Client().get(notice_url(campaign)))


def test_verified_visitor_files_an_objection_with_a_pdf(campaign, round_, notice, settings):
    visitor = make_user("visitor", verified=True)
    content = pdf(pages=2)
    response = login(visitor).post(
        objection_url(campaign, entry(round_, 1)),
        {"reason": "知识产权存在争议。", "attachment": SimpleUploadedFile("证据.pdf", content)},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.filed_by == visitor
    assert objection.attachment.name.startswith(f"objections/{notice.pk}/")
    assert objection.attachment.name.endswith(".pdf") and "证据" not in objection.attachment.name
    with objection.attachment.open("rb") as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages) == 2
    # Private: outside MEDIA_ROOT, served only through the permission-checked view.
    assert objection.attachment.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not objection.attachment.path.startswith(str(settings.MEDIA_ROOT))


def test_objection_refused_for_anonymous_and_unverified(campaign, round_, notice, users):
    target = entry(round_, 1)
    before = state(round_)
    response = Client().post(objection_url(campaign, target), {"reason": "异议。"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (make_user("unverified"), users["expert"]):
        response = login(user).post(objection_url(campaign, target), {"reason": "异议。"})
        assert response.status_code == 403
        assert "请先验证您的邮箱" in page_text(response)
    assert state(round_) == before and not Objection.objects.exists()


def test_objection_after_the_period_is_refused_and_nothing_stored(campaign, round_, users):
    notice = start_notice(campaign, users["editor"], datetime.date(2024, 11, 1))
    target = entry(round_, 1)
    before = state(round_)
    for moment in (shanghai(2024, 11, 8, 0, 1), shanghai(2024, 11, 20, 12)):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            response = login(users["society"]).post(
                objection_url(campaign, target),
                {"reason": "逾期异议。", "attachment": SimpleUploadedFile("a.pdf", pdf())},
            )
        assert response.status_code == 403
        assert "公示已于 2024年11月7日 结束，不再受理异议。" in page_text(response)
    assert state(round_) == before
    # The last day still counts, to its last minute in Shanghai.
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2024, 11, 7, 23, 59)):
        response = login(users["society"]).post(
            objection_url(campaign, target), {"reason": "最后一天的异议。"}
        )
    assert response.status_code == 302
    # A notice closed early refuses as well.
    notice.closed_at = timezone.now()
    notice.save()
    with pytest.raises(ActionRefused, match="公示已于"):
        objections.file_objection(
            notice, users["society"], target, "关闭后。", today=datetime.date(2024, 11, 3)
        )
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "   "}, "异议理由：必须填写。"),
        ({"reason": "理由", "attachment": ("a.exe.pdf", exe())}, "只接受 PDF、图片"),
        ({"reason": "理由", "attachment": ("a.pdf", b"%PDF-1.4 broken")}, "附件"),
        (
            {"reason": "理由", "attachment": ("证据.pdf", hostile.js_open_action_pdf())},
            "附件含有活动内容（JavaScript 脚本），为安全起见不予接受",
        ),
        (
            {"reason": "理由", "attachment": ("证据.pdf", hostile.js_in_object_stream_pdf())},
            "附件含有活动内容（JavaScript 脚本）",
        ),
        (
            {"reason": "理由", "attachment": ("证据.pdf", hostile.launch_pdf())},
            "附件含有活动内容（启动外部程序“cmd.exe”的动作（Launch））",
        ),
        (
            {"reason": "理由", "attachment": ("证据.pdf", hostile.embedded_file_pdf())},
            "附件含有活动内容（嵌入的可执行文件“setup.exe”（Windows 程序））",
        ),
        ({"reason": "理由" * 2501}, "不能超过 5000 字"),
    ],
)
def test_bad_objection_is_refused_and_nothing_stored(
    campaign, round_, notice, users, data, message
):
    data = dict(data)
    if "attachment" in data:
        name, content = data["attachment"]
        data["attachment"] = SimpleUploadedFile(name, content)
    before = state(round_)
    response = login(users["society"]).post(objection_url(campaign, entry(round_, 1)), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert state(round_) == before


def png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "build", "extension"),
    [
        ("照片.png", png, ".png"),
        ("说明.docx", lambda: docx_form(200, headings=()), ".docx"),
        ("证据.pdf", hostile.clean_hand_pdf, ".pdf"),
    ],
)
def test_images_word_files_and_plain_pdfs_are_accepted(
    campaign, round_, notice, users, name, build, extension
):
    content = build()
    response = login(users["society"]).post(
        objection_url(campaign, entry(round_, 1)),
        {"reason": "理由", "attachment": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.attachment.name.endswith(extension)
    with objection.attachment.open("rb") as handle:
        assert handle.read() == content


def test_attachment_over_the_limit_is_refused_unread(campaign, round_, notice, users):
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4")
    upload.size = objections.MAX_ATTACHMENT_BYTES + 1
    before = state(round_)
    with pytest.raises(objections.InvalidObjection, match="超过 20 MB 上限"):
        objections.file_objection(notice, users["society"], entry(round_, 1), "理由", upload)
    assert state(round_) == before and not Objection.objects.exists()


def test_every_hostile_word_file_is_refused_as_an_attachment_and_stored_nowhere(
    campaign, round_, notice, users
):
    """The checks of the apply form, for every upload: a zip bomb with lying sizes, macro
    documents, polyglots… each refused with its reason; no objection, no file."""
    client = login(users["society"])
    before = state(round_)  # with the files in storage
    wrong = {}
    for name in hostile_docx.APPLY_HOSTILE:
        upload = SimpleUploadedFile("证据.docx", hostile_docx.hostile(name))
        response = client.post(
            objection_url(campaign, entry(round_, 1)), {"reason": "理由", "attachment": upload}
        )
        expected = hostile_docx.REFUSALS[name]
        if name == "mz_polyglot":  # judged by its leading bytes, a program is no kind taken
            expected = "附件：只接受 PDF、图片（PNG/JPEG）或 Word（.docx）文件。"
        if response.status_code != 400 or expected not in page_text(response):
            wrong[name] = response.status_code
    assert wrong == {}
    assert state(round_) == before and not Objection.objects.exists()


def test_an_attachment_picture_must_be_what_its_bytes_say(campaign, round_, notice, users):
    client = login(users["society"])
    picture = io.BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(picture, "PNG")
    cut = SimpleUploadedFile("截图.png", picture.getvalue()[:30])
    response = client.post(
        objection_url(campaign, entry(round_, 1)), {"reason": "理由", "attachment": cut}
    )
    assert response.status_code == 400
    assert "附件：图片文件已损坏，无法打开。" in page_text(response)
    whole = SimpleUploadedFile("截图.jpg", picture.getvalue())  # a PNG, whatever its name
    response = client.post(
        objection_url(campaign, entry(round_, 1)), {"reason": "理由", "attachment": whole}
    )
    assert response.status_code == 302
    assert Objection.objects.get().attachment.name.endswith(".png")


def test_objection_against_an_unlisted_item_is_404(campaign, round_, notice, users):
    response = login(users["society"]).get(objection_url(campaign, entry(round_, 11)))
    assert response.status_code == 404


# --- decisions --------------------------------------------------------------------------------


def file(notice, round_, user, rank=2, attachment=None):
    return objections.file_objection(
        notice, user, entry(round_, rank), "核心数据造假。", attachment
    )


def test_upheld_with_promotion_disqualifies_and_moves_the_next_up(campaign, round_, notice, users):
    objection = file(notice, round_, users["society"])
    office = login(users["editor"])
    assert "核心数据造假。" in page_text(office.get(decide_url(objection)))
    response = office.post(
        decide_url(objection),
        {
            "decision": ObjectionStatus.UPHELD,
            "reason": "经核实，应用数据不实。",
            "promote_next": "on",
        },
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and objection.promoted_next
    assert objection.decided_by == users["editor"] and objection.decided_at
    assert objection.decision_reason == "经核实，应用数据不实。"
    second, eleventh, twelfth = entry(round_, 2), entry(round_, 11), entry(round_, 12)
    assert second.disqualified and not second.advanced
    assert second.disqualified_reason == "经核实，应用数据不实。"
    assert (
        second.nomination.status == NominationStatus.PASSED
    )  # the nomination's status is left as is
    assert eleventh.advanced and not twelfth.advanced
    assert list(
        NominationEvent.objects.filter(nomination=second.nomination).values_list(
            "action", "actor__username", "reason"
        )
    ) == [("disqualify", "editor", "经核实，应用数据不实。")]
    assert NominationEvent.objects.filter(nomination=eleventh.nomination, action="promote").exists()
    # Still ten selected.
    assert RoundEntry.objects.filter(round=round_, advanced=True).count() == 10

    text = page_text(Client().get(notice_url(campaign)))
    assert "智能制造项目02 取消入选 取消理由：经核实，应用数据不实。" in text
    assert "智能制造项目11 递补" in text
    assert "智能制造项目12" not in text
    assert text.count("提出异议") == 10  # not against the disqualified item


def test_upheld_without_promotion_moves_nobody_up(campaign, round_, notice, users):
    objection = file(notice, round_, users["society"])
    objections.decide_objection(objection, users["editor"], ObjectionStatus.UPHELD, "材料不实。")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and not objection.promoted_next
    assert entry(round_, 2).disqualified
    assert not entry(round_, 11).advanced
    assert RoundEntry.objects.filter(round=round_, advanced=True).count() == 9
    assert not NominationEvent.objects.filter(action="promote").exists()
    text = page_text(Client().get(notice_url(campaign)))
    assert "取消入选" in text and "递补" not in text


def test_dismissed_changes_nothing(campaign, round_, notice, users):
    objection = file(notice, round_, users["society"])
    before = state(round_)
    response = login(users["editor"]).post(
        decide_url(objection), {"decision": ObjectionStatus.DISMISSED, "reason": "异议缺乏依据。"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED and not objection.promoted_next
    entries, _objections, events, _files, _log = before
    assert state(round_)[0] == entries and NominationEvent.objects.count() == events
    text = page_text(Client().get(notice_url(campaign)))
    assert "取消理由" not in text and "递补" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": ObjectionStatus.UPHELD, "reason": ""}, "处理意见：必须填写理由。"),
        ({"decision": "maybe", "reason": "理由"}, "处理结果：请选择"),
        (
            {"decision": ObjectionStatus.DISMISSED, "reason": "理由", "promote_next": "on"},
            "异议不成立时不能递补",
        ),
    ],
)
def test_bad_decision_changes_nothing(campaign, round_, notice, users, data, message):
    objection = file(notice, round_, users["society"])
    before = state(round_)
    response = login(users["editor"]).post(decide_url(objection), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert state(round_) == before


def test_decided_objection_cannot_be_decided_again(campaign, round_, notice, users):
    objection = file(notice, round_, users["society"])
    objections.decide_objection(objection, users["editor"], ObjectionStatus.DISMISSED, "缺乏依据。")
    before = state(round_)
    with pytest.raises(ActionRefused, match="该异议已处理"):
        objections.decide_objection(objection, users["editor"], ObjectionStatus.UPHELD, "改判。")
    assert state(round_) == before


def test_promotion_without_anyone_left_is_refused(campaign, cmes, users):
    round_ = final_round(campaign, cmes, users["applicant"], items=3, selected=3)
    notice = start_notice(campaign, users["editor"])
    objection = file(notice, round_, users["society"], rank=1)
    before = state(round_)
    with pytest.raises(objections.InvalidObjection, match="没有可递补的项目"):
        objections.decide_objection(
            objection, users["editor"], ObjectionStatus.UPHELD, "不实。", True
        )
    assert state(round_) == before


def test_the_notice_and_its_objections_are_logged(campaign, cmes, users):
    round_ = final_round(campaign, cmes, users["applicant"])
    notice = start_notice(campaign, users["editor"], timezone.localdate() - DAY)
    upheld = file(notice, round_, users["society"], rank=2)
    dismissed = file(notice, round_, users["society"], rank=3)
    before = ReviewEvent.objects.count()
    with pytest.raises(ActionRefused):
        objections.decide_objection(upheld, users["society"], ObjectionStatus.UPHELD, "不实。")
    with pytest.raises(objections.InvalidObjection):
        objections.decide_objection(upheld, users["editor"], ObjectionStatus.UPHELD, " ")
    assert ReviewEvent.objects.count() == before
    objections.decide_objection(
        upheld, users["editor"], ObjectionStatus.UPHELD, "经核实不实。", True
    )
    objections.decide_objection(dismissed, users["editor"], ObjectionStatus.DISMISSED, "缺乏依据。")
    assert close_due_notices(notice.ends_on) == 0  # its last day
    assert close_due_notices(notice.ends_on + DAY) == 1
    assert close_due_notices(notice.ends_on + 2 * DAY) == 0

    def log(subject, pk):
        return list(
            ReviewEvent.objects.filter(subject=subject, subject_id=pk)
            .order_by("pk")
            .values_list("action", "actor__username", "from_status", "to_status", "reason")
        )

    assert log("notice", notice.pk) == [
        ("start", "editor", "", "published", ""),
        ("close", None, "published", "closed", ""),
    ]
    assert log("objection", upheld.pk) == [
        ("file", "society", "", "pending", "核心数据造假。"),
        ("uphold", "editor", "pending", "upheld", "经核实不实。"),
    ]
    assert log("objection", dismissed.pk) == [
        ("file", "society", "", "pending", "核心数据造假。"),
        ("dismiss", "editor", "pending", "dismissed", "缺乏依据。"),
    ]
    assert ReviewEvent.objects.get(subject="objection", action="uphold").nomination == (
        entry(round_, 2).nomination
    )


# --- attachments ------------------------------------------------------------------------------


def test_attachment_only_for_the_office_and_the_filer(campaign, round_, notice, users):
    filer = make_user("filer", verified=True)
    objection = file(notice, round_, filer, attachment=SimpleUploadedFile("e.pdf", pdf()))
    for user in (filer, users["editor"], users["secretary"]):
        response = login(user).get(attachment_url(objection))
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for user in (users["society"], users["expert"], users["applicant"], make_user("other", True)):
        assert login(user).get(attachment_url(objection)).status_code == 404, user
    response = Client().get(attachment_url(objection))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # The filer finds the link on the notice page.
    assert "附件" in page_text(login(filer).get(notice_url(campaign)))


# --- the periodic job -------------------------------------------------------------------------


def test_run_periodic_jobs_closes_the_notice_the_day_after_it_ends(campaign, round_, users):
    notice = start_notice(campaign, users["editor"], datetime.date(2024, 11, 1))
    # The last day, to its last minute (15:59 UTC): still open.
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2024, 11, 7, 23, 59)):
        call_command("run_periodic_jobs", "--only", "close_notices", stdout=io.StringIO())
    notice.refresh_from_db()
    assert notice.closed_at is None
    # Just after midnight in Shanghai (still 7 November in UTC): closed.
    moment = shanghai(2024, 11, 8, 0, 5)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("run_periodic_jobs", "--only", "close_notices", stdout=io.StringIO())
    notice.refresh_from_db()
    assert notice.closed_at == moment
    # Idempotent: a later run leaves the closing time alone.
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2024, 11, 9)):
        assert close_due_notices() == 0
    notice.refresh_from_db()
    assert notice.closed_at == moment


def test_the_job_is_registered_and_scheduled(settings):
    from campaigns.tasks import close_notices
    from cms.jobs import all_jobs

    assert "close_notices" in all_jobs()
    assert settings.CELERY_BEAT_SCHEDULE["close_notices"]["task"] == close_notices.name
    assert close_notices.name == "campaigns.tasks.close_notices"


# --- permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            None,
            {"page": 200, "form": 302, "attachment": 302, "admin": 302, "decide": 302, "add": 302},
        ),
        (
            "applicant",  # verified email: may object, not open others' attachments or the admin
            {"page": 200, "form": 200, "attachment": 404, "admin": 302, "decide": 302, "add": 302},
        ),
        (
            "society",  # the filer; has admin access, but the objections are not its business
            {"page": 200, "form": 200, "attachment": 200, "admin": 302, "decide": 404, "add": 302},
        ),
        (
            "expert",  # neither a society nor a verified email
            {"page": 200, "form": 403, "attachment": 404, "admin": 302, "decide": 302, "add": 302},
        ),
        (
            "editor",
            {"page": 200, "form": 403, "attachment": 200, "admin": 200, "decide": 200, "add": 200},
        ),
    ],
)
def test_permission_matrix(campaign, round_, notice, users, who, expected):
    objection = file(
        notice, round_, users["society"], attachment=SimpleUploadedFile("e.pdf", pdf())
    )
    client = login(users[who]) if who else Client()
    urls = {
        "page": notice_url(campaign),
        "form": objection_url(campaign, entry(round_, 1)),
        "attachment": attachment_url(objection),
        "admin": reverse("objection:index"),
        "decide": decide_url(objection),
        "add": reverse("publicnotice:add"),
    }
    got = {name: client.get(url).status_code for name, url in urls.items()}
    assert got == expected
    # Nobody but the office can decide.
    before = state(round_)
    response = client.post(
        decide_url(objection), {"decision": ObjectionStatus.UPHELD, "reason": "x"}
    )
    if who == "editor":
        assert response.status_code == 302
    else:
        assert response.status_code in (302, 403, 404)
        assert state(round_) == before


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("items", [10, 1000])
def test_notice_page_queries_do_not_grow(
    campaign, cmes, users, items, django_assert_max_num_queries
):
    round_ = final_round(campaign, cmes, users["applicant"], items=items + 2, selected=items)
    notice = start_notice(campaign, users["editor"])
    objection = file(notice, round_, users["society"], rank=1)
    objections.decide_objection(objection, users["editor"], ObjectionStatus.UPHELD, "不实。", True)
    client = login(users["society"])
    client.get(notice_url(campaign))  # warm the site and page caches
    # Wagtail's routing, the session and the base template take ~19; the notice itself five
    # (notice, round, entries with nominations and societies, promotions, own objections).
    with django_assert_max_num_queries(25):
        response = client.get(notice_url(campaign))
    assert response.status_code == 200
    assert page_text(response).count("智能制造项目") >= items + 1
