"""A demo call in expert review, so that the `expert` account can score at once: submissions
closed, five nominations made through the real services (with real, passing files, recommended
and passed in formal review on the call's dates), and its first round open with `expert` on the
panel (as 评审组长) and the 2024 justification rule. One nomination comes from the expert's own
(demo) organisation, so the automatic conflict of interest shows too. Everything is marked 演示;
a second run changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import CampaignPage, JustificationRule, Nomination, PanelMember, ReviewRound
from campaigns.models.milestones import MilestoneKind
from campaigns.models.review import Aggregation, RoundKind, RuleScope
from cms.models import AccountProfile, MemberSociety

DAY = datetime.timedelta(days=1)
DEMO_EXPERT_ORGANISATION = "某高校（演示）"
APPLICANT_USERNAME = "demo-applicants"
ROUND_DAYS = 28
PDF_LINES = (
    "IMAC demo file (not a real document)",
    "File 3: signed and stamped commitment letter",
    "Demo data only.",
)
# (project, organisation, recommender: a society's abbreviation or an expert's name)
NOMINATIONS = [
    ("【演示】面向航空发动机叶片的五轴联动智能加工系统", "【演示】某航空装备有限公司", "CMES"),
    ("【演示】新能源汽车电池包激光焊接质量在线检测装备", "【演示】某汽车零部件有限公司", "CMES"),
    ("【演示】基于工业互联网的纺织印染全流程智能工厂", "【演示】某纺织集团", "王五（演示）"),
    ("【演示】大型船舶分段智能焊接机器人工作站", "【演示】某船舶重工有限公司", "赵六（演示）"),
    # The demo expert's organisation: excluded.
    ("【演示】数控机床故障预测与健康管理云平台", DEMO_EXPERT_ORGANISATION, "CMES"),
]


def ensure_demo_expert():
    """The demo `expert` account works at a (demo) university, so its conflicts can be shown."""
    expert = get_user_model().objects.filter(username="expert").first()
    if expert is None:
        return None
    profile, _created = AccountProfile.objects.get_or_create(user=expert)
    if not profile.organisation:
        profile.organisation = DEMO_EXPERT_ORGANISATION
        profile.save(update_fields=["organisation"])
    return profile


def review_campaign_spec(today):
    """The call of this year's review demo: it closed 40 days ago, its first round began a week
    ago (after submissions closed, as `campaigns.round_dates` requires) and runs four weeks."""
    from campaigns.demo import SECTIONS_2024, demo_open_campaign, federation_slots

    year = today.year
    name = f"{year}中国智能制造科技进展"
    spec = demo_open_campaign(today)
    spec.update(
        slug=f"{year}-china-progress-review-demo",
        title=f"{year} 中国智能制造科技进展·初评（演示）",
        introduction=(
            "<p>【演示数据】本征集活动用于演示专家评审：申报已截止，第一轮遴选（初评）正在"
            "线上评分，评审专家账号 expert 可直接评分。</p>"
        ),
        slots=federation_slots(year, SECTIONS_2024, False),
        milestones=[
            (MilestoneKind.CALL_OPENS, today - 100 * DAY, None, f"【演示】“{name}”申报通道开通"),
            (MilestoneKind.SUBMISSIONS_CLOSE, today - 40 * DAY, None, f"【演示】“{name}”申报截止"),
            (MilestoneKind.FORMAL_REVIEW, today - 30 * DAY, None, f"【演示】“{name}”形式审查"),
            (MilestoneKind.FIRST_ROUND, today - 7 * DAY, today - 7 * DAY + ROUND_DAYS * DAY,
             f"【演示】“{name}”第一轮遴选（初评，线上评审）"),
            (MilestoneKind.FINAL_ROUND, today + 40 * DAY, None, f"【演示】“{name}”第二轮遴选（终评）"),
        ],
    )  # fmt: skip
    return spec


def _applicant():
    """The demo applicants' account: it cannot sign in (no usable password), it only owns the
    review demo's nominations, so the `applicant` account's own list stays as it was."""
    from cms.accounts import mark_email_verified

    user, created = get_user_model().objects.get_or_create(
        username=APPLICANT_USERNAME, defaults={"email": "demo-applicants@imac.example.org"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    mark_email_verified(user)
    return user


def _uploads(campaign, category, project_name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.demo import files as demo_files
    from campaigns.nomination_files import check_upload

    builders = {
        "word": (".docx", lambda slot: demo_files.recommendation_form(
            project_name.removeprefix("【演示】"), slot.form_sections(), demo_files.DEMO_PARAGRAPH,
            demo_files.DEMO_TABLE)),
        "video": (".mp4", lambda slot: demo_files.video(seconds=300)),
        "pdf": (".pdf", lambda slot: demo_files.pdf(lines=PDF_LINES)),
    }  # fmt: skip
    uploads = []
    for slot in campaign.slots_for(category):
        if not slot.required:
            continue
        extension, build = builders[slot.kind]
        upload = SimpleUploadedFile(f"{slot.code}（演示）{extension}", build(slot))
        uploads.append((slot, upload, check_upload(slot, upload)))
    return uploads


def _nominate(campaign, project_name, organisation, recommender, users, submitted_on):
    """One nomination through the services: applied and submitted while the call was open,
    recommended, then passed in formal review."""
    from campaigns.nominations import ENDORSE, PASS, perform, save_nomination
    from campaigns.recommenders import EXPERT_RECOMMENDER, SOCIETY_RECOMMENDER, Recommender

    if recommender.isascii():
        society = MemberSociety.objects.get(abbreviation=recommender)
        choice = Recommender(SOCIETY_RECOMMENDER, society=society)
        endorser = users["society"]
    else:
        choice = Recommender(EXPERT_RECOMMENDER, name=recommender)
        endorser = users["editor"]  # an expert's letter reaches the office
    category = campaign.categories.first().name
    nomination = save_nomination(
        campaign,
        users["applicants"],
        {
            "project_name": project_name,
            "category": category,
            "applicant_organisation": organisation,
            "contact_person": "联系人（演示）",
            "phone": "010-00000000",
            "email": "demo-applicants@imac.example.org",
        },
        choice,
        _uploads(campaign, category, project_name),
        submit=True,
        today=submitted_on,
    )
    perform(nomination, ENDORSE, endorser, "【演示】同意推荐。")
    nomination = perform(nomination, PASS, users["editor"], "【演示】材料齐全，通过形式审查。")
    # The record shows the call's dates, not the day the demo was loaded.
    moment = timezone.make_aware(datetime.datetime.combine(submitted_on, datetime.time(10)))
    Nomination.objects.filter(pk=nomination.pk).update(submitted_at=moment)
    nomination.events.update(at=moment)
    return nomination


def ensure_review_demo(index, today=None):
    """The review demo's call, nominations and open first round; returns the round, or None when
    the demo accounts are missing. Idempotent."""
    from campaigns import rounds
    from campaigns.demo import build_campaign

    today = today or timezone.localdate()
    users = get_user_model().objects.in_bulk(["society", "editor", "expert"], field_name="username")
    if len(users) < 3:
        return None
    users["applicants"] = _applicant()
    campaign, _created = build_campaign(index, review_campaign_spec(today))
    campaign = CampaignPage.objects.get(pk=campaign.pk)
    opens, _closes = campaign.call_window()
    for offset, (name, organisation, recommender) in enumerate(NOMINATIONS):
        if not Nomination.objects.filter(campaign=campaign, project_name=name).exists():
            _nominate(campaign, name, organisation, recommender, users, opens + (30 + offset) * DAY)
    review_round = ReviewRound.objects.filter(campaign=campaign, kind=RoundKind.FIRST).first()
    if review_round is None:
        first_round = campaign.milestones.filter(kind=MilestoneKind.FIRST_ROUND).first()
        review_round = ReviewRound.objects.create(
            campaign=campaign,
            kind=RoundKind.FIRST,
            opens_on=first_round.date,
            closes_on=first_round.end_date,
            aggregation=Aggregation.MEAN,
            advance_count=campaign.finalists_count,
            forward_count=campaign.world_forward_count,
        )
        PanelMember.objects.create(round=review_round, expert=users["expert"], is_chair=True)
        JustificationRule.objects.create(
            round=review_round, scope=RuleScope.TOTAL, above=99, below=50
        )
    if review_round.status == "draft":
        rounds.open_round(review_round, users["editor"], today=today)
    return review_round
