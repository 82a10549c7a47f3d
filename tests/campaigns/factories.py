"""The campaigns' factories: pages, a call's terms, nominations (with their files and, through
the services, their statuses), milestones, the review and the showcase. On an empty database:
each creates what it needs (societies, users, workstream), never the demo data.

Keyword "traits" that add rows after the page or the nomination is saved are post-generation
hooks (`CampaignPageFactory(open=True, word_slot=True)`); those that only set fields are
factory_boy traits (`ReviewRoundFactory(closed=True)`)."""

import datetime
from decimal import Decimal

import factory
import wagtail_factories
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.models import (
    AchievementPage,
    AchievementTag,
    Assignment,
    CampaignIndexPage,
    CampaignPage,
    CampaignRecommender,
    Criterion,
    DocumentSlot,
    JustificationRule,
    Milestone,
    Nomination,
    NominationEvent,
    NominationFile,
    NominationStatus,
    Objection,
    PanelMember,
    PublicNotice,
    Quota,
    RecommenderType,
    ReviewEvent,
    ReviewRound,
    RoundEntry,
    ScopeCategory,
    Score,
    ScoreSheet,
    ShowcaseIndexPage,
    ShowcaseListKind,
    ShowcaseYearPage,
    SlotKind,
)
from campaigns.models.milestones import MilestoneKind
from campaigns.nomination_files import check_upload, store_file
from campaigns.nominations import (
    APPLICANT,
    CORRECT,
    CREATE,
    ENDORSE,
    OFFICE,
    PASS,
    REJECT,
    RETURN,
    SUBMIT,
    TRANSITIONS,
    WITHDRAW,
    log_event,
    perform,
)
from campaigns.recommenders import SOCIETY_RECOMMENDER
from cms.roles import Role
from tests.cms.bulk_pages import add_children, values
from tests.cms.factories import MemberSocietyFactory, TagFactory, UserFactory, WorkstreamFactory

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


# --- a call's terms ---------------------------------------------------------------------------

# The 2024 call's terms, as the federation's work plan sets them (written here, not read from
# the demo data).
CATEGORIES_2024 = ("智能制造技术", "智能产品", "智能生产", "智能服务")
CRITERIA_2024 = (
    ("创新性", "科技突破的水平或实质性的升级改进程度、专利及授权情况。", 40),
    ("引领性", "掌握行业或产业领域中技术源头、成为技术制定者或引领者。", 30),
    ("应用性", "应用前后在经济效益、社会效益、应用和推广程度 3 个方面的提升。", 30),
)
# 2021: six criteria on a 10-point scale.
CRITERIA_2021 = tuple(
    (name, f"{name}的评价要点。", 10)
    for name in ("创新性", "引领性", "应用性", "经济效益或社会效益", "未来发展预期", "知识产权")
)
SECTIONS_2024 = "\n".join(
    [
        "一 | 本项智能制造科技进展的背景和意义 | 背景 意义",
        "二 | 本项智能制造科技进展的创新性 | 创新性",
        "三 | 本项智能制造科技进展的引领性 | 引领性",
        "四 | 本项智能制造科技进展的应用性 | 应用性",
    ]
)


def slots_2024(year):
    """文件1 the recommendation form (Word, 5000 characters, four sections), 文件2 the video,
    文件3 the pledge (PDF), 文件4 the evidence (PDF, optional)."""
    return [
        {
            "code": "文件1",
            "label": f"“{year}中国智能制造科技进展”推荐表",
            "kind": SlotKind.WORD,
            "char_limit": 5000,
            "sections": SECTIONS_2024,
            "max_size_mb": 20,
        },
        {
            "code": "文件2",
            "label": "答辩视频",
            "kind": SlotKind.VIDEO,
            "max_video_minutes": 12,
            "max_size_mb": 500,
        },
        {"code": "文件3", "label": "承诺书", "kind": SlotKind.PDF, "max_size_mb": 20},
        {
            "code": "文件4",
            "label": "证明材料清单",
            "kind": SlotKind.PDF,
            "required": False,
            "max_size_mb": 50,
        },
    ]


def _orderable_page():
    return factory.SubFactory("tests.campaigns.factories.CampaignPageFactory")


class ScopeCategoryFactory(factory.django.DjangoModelFactory):
    page = _orderable_page()
    name = factory.Sequence(lambda n: f"智能制造技术{n}")
    description = "聚焦关键技术、赋能技术。"
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = ScopeCategory


class CriterionFactory(factory.django.DjangoModelFactory):
    """A criterion on a 10-point scale, weight 1; `heavy=True` for weight 2."""

    page = _orderable_page()
    name = factory.Sequence(lambda n: f"创新性{n}")
    explanation = "在智能制造领域具有新颖性或实质性的突破。"
    max_score = 10
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = Criterion

    class Params:
        heavy = factory.Trait(weight=2)


class DocumentSlotFactory(factory.django.DjangoModelFactory):
    """A required PDF slot; `word=True` (the 2024 form's four sections, 5000 characters),
    `video=True` (12 minutes), `optional=True`."""

    page = _orderable_page()
    code = factory.Sequence(lambda n: f"文件{n + 1}")
    label = "承诺书"
    kind = SlotKind.PDF
    max_size_mb = 20
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = DocumentSlot

    class Params:
        word = factory.Trait(
            kind=SlotKind.WORD, label="推荐表", char_limit=5000, sections=SECTIONS_2024
        )
        video = factory.Trait(
            kind=SlotKind.VIDEO, label="答辩视频", max_video_minutes=12, max_size_mb=500
        )
        optional = factory.Trait(required=False)


class CampaignRecommenderFactory(factory.django.DjangoModelFactory):
    page = _orderable_page()
    society = factory.SubFactory(MemberSocietyFactory)
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = CampaignRecommender


class RecommenderTypeFactory(factory.django.DjangoModelFactory):
    page = _orderable_page()
    name = factory.Sequence(lambda n: f"省（区、市）{n}")
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = RecommenderType


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    title = "征集活动"
    slug = "campaigns"

    class Meta:
        model = CampaignIndexPage


def _adds_rows(create, extracted, name):
    """Whether a hook that adds rows to the saved page has work to do; refused on a page only
    built (`published_campaign`, `add_campaigns`), which has no rows to add them to yet."""
    if extracted and not create:
        raise ValueError(f"CampaignPageFactory({name}=…) needs a saved page, not a built one")
    return bool(extracted)


class CampaignPageFactory(wagtail_factories.PageFactory):
    """A federation call with no terms. Hooks add them once the page is saved, in this order:
    `call_2024=True` (four categories, 创新性 40 / 引领性 30 / 应用性 30, the four slots of
    2024) or `call_2021=True` (six criteria of 10 points), `word_slot=True` (a Word form 文件1
    with the 2024 sections), `categories=[…]`, `criteria=[(name, max), …]`, `slots=[{…}, …]`,
    `societies=[…]` (the recommending societies), and `open=True`: the call open today (opened
    30 days ago, closing in 60, first round in 120), with a category and a recommending society
    if it has none — what a nomination needs to be submitted."""

    title = factory.Sequence(lambda n: f"2021 中国智能制造科技进展{n}")
    year = 2021
    # Saved even when the page is only built (published_campaign, add_campaigns save it later).
    workstream = factory.LazyFunction(lambda: WorkstreamFactory(name="战略咨询"))

    class Meta:
        model = CampaignPage
        skip_postgeneration_save = True

    @factory.post_generation
    def call_2024(self, create, extracted, **kwargs):
        if _adds_rows(create, extracted, "call_2024"):
            add_terms(self, categories=CATEGORIES_2024, criteria=CRITERIA_2024)
            add_terms(self, slots=slots_2024(self.year))

    @factory.post_generation
    def call_2021(self, create, extracted, **kwargs):
        if _adds_rows(create, extracted, "call_2021"):
            add_terms(self, categories=CATEGORIES_2024[:1], criteria=CRITERIA_2021)

    @factory.post_generation
    def word_slot(self, create, extracted, **kwargs):
        if _adds_rows(create, extracted, "word_slot"):
            DocumentSlotFactory(page=self, code="文件1", word=True, **kwargs)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if _adds_rows(create, extracted, "categories"):
            add_terms(self, categories=extracted)

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if _adds_rows(create, extracted, "criteria"):
            add_terms(self, criteria=extracted)

    @factory.post_generation
    def slots(self, create, extracted, **kwargs):
        if _adds_rows(create, extracted, "slots"):
            add_terms(self, slots=extracted)

    @factory.post_generation
    def societies(self, create, extracted, **kwargs):
        if _adds_rows(create, extracted, "societies"):
            for society in extracted:
                CampaignRecommenderFactory(page=self, society=society)

    @factory.post_generation
    def open(self, create, extracted, **kwargs):
        if not _adds_rows(create, extracted, "open"):
            return
        day = today()
        MilestoneFactory(campaign=self, call_opens=True, date=day - 30 * DAY)
        MilestoneFactory(campaign=self, deadline=True, date=day + 60 * DAY)
        MilestoneFactory(campaign=self, first_round=True, date=day + 120 * DAY)
        if not self.categories.exists():
            ScopeCategoryFactory(page=self, name="智能制造技术")
        if not self.recommending_societies.exists():
            CampaignRecommenderFactory(page=self)


def add_terms(campaign, categories=(), criteria=(), slots=()):
    """Categories (names), criteria ((name, max) or (name, explanation, max)) and slots (the
    fields of each) for a saved campaign, after those it has."""
    for name in categories:
        ScopeCategoryFactory(page=campaign, name=name)
    for criterion in criteria:
        name, *rest = criterion
        explanation = rest[0] if len(rest) == 2 else ""
        CriterionFactory(page=campaign, name=name, explanation=explanation, max_score=rest[-1])
    for slot in slots:
        DocumentSlotFactory(page=campaign, **slot)


def published_campaign(index, **fields):
    """A campaign page published the way editors do it (a revision, then publish)."""
    campaign = CampaignPageFactory.build(**fields)
    campaign.live = False
    index.add_child(instance=campaign)
    campaign.save_revision().publish()
    campaign.refresh_from_db()
    return campaign


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A milestone of kind 其他 on 2021-07-20. A trait per kind — `call_opens`, `deadline`
    (申报截止), `formal_review`, `first_round`, `final_round`, `notice` (公示, a week),
    `release` (发布, four days) — and `past` (ten days ago) or `upcoming` (in ten days)."""

    campaign = factory.SubFactory(CampaignPageFactory)
    title = factory.Sequence(lambda n: f"第{n}次遴选会议")
    date = datetime.date(2021, 7, 20)

    class Meta:
        model = Milestone

    class Params:
        call_opens = factory.Trait(kind=MilestoneKind.CALL_OPENS, title="申报通道开通")
        deadline = factory.Trait(kind=MilestoneKind.SUBMISSIONS_CLOSE, title="申报截止")
        formal_review = factory.Trait(kind=MilestoneKind.FORMAL_REVIEW, title="形式审查")
        first_round = factory.Trait(kind=MilestoneKind.FIRST_ROUND, title="第一轮遴选（初评）")
        final_round = factory.Trait(kind=MilestoneKind.FINAL_ROUND, title="第二轮遴选（终评）")
        notice = factory.Trait(
            kind=MilestoneKind.PUBLIC_NOTICE,
            title="入选项目公示",
            end_date=factory.LazyAttribute(lambda o: o.date + 6 * DAY),
        )
        release = factory.Trait(
            kind=MilestoneKind.RELEASE,
            title="在世界智能制造大会上发布",
            end_date=factory.LazyAttribute(lambda o: o.date + 3 * DAY),
        )
        past = factory.Trait(date=factory.LazyFunction(lambda: today() - 10 * DAY))
        upcoming = factory.Trait(date=factory.LazyFunction(lambda: today() + 10 * DAY))


# --- nominations ------------------------------------------------------------------------------

# The path to each status through `campaigns.nominations.perform`, from a draft.
PATHS = {
    NominationStatus.DRAFT: (),
    NominationStatus.SUBMITTED: (SUBMIT,),
    NominationStatus.ENDORSED: (SUBMIT, ENDORSE),
    NominationStatus.RETURNED: (SUBMIT, RETURN),
    NominationStatus.PASSED: (SUBMIT, ENDORSE, PASS),
    NominationStatus.CORRECTION: (SUBMIT, ENDORSE, CORRECT),
    NominationStatus.REJECTED: (SUBMIT, ENDORSE, REJECT),
    NominationStatus.WITHDRAWN: (SUBMIT, WITHDRAW),
}
REASONS = {
    RETURN: "请补充应用前后的数据对比后重新提交。",
    PASS: "材料齐全，通过形式审查。",
    CORRECT: "证明材料不完整，请补充后重新提交。",
    REJECT: "不属于本次征集范围。",
}


def sample_file(slot):
    """(name, bytes) of a real file that passes `slot`'s checks: a Word form with the slot's
    sections, a ten-minute MP4, a one-page PDF."""
    from tests.campaigns.nomination_helpers import docx_form, mp4, pdf

    if slot.kind == SlotKind.WORD:
        headings = tuple(f"{s.number}、{s.title}" for s in slot.form_sections())
        return "推荐表.docx", docx_form(min(1200, slot.char_limit or 1200), headings)
    if slot.kind == SlotKind.VIDEO:
        return "答辩视频.mp4", mp4(600)
    return f"{slot.label}.pdf", pdf()


def attach_file(nomination, slot, name=None, data=None):
    """Upload a file for `slot` the way the upload view does (checked, then stored); by default
    one that passes the checks (`sample_file`)."""
    if data is None:
        name, data = sample_file(slot)
    upload = SimpleUploadedFile(name, data)
    store_file(nomination, slot, upload, check_upload(slot, upload))
    return nomination.files.get(slot_code=slot.code)


def reach(nomination, status, recommender=None, office=None):
    """Take `nomination` (a draft) to `status` along `PATHS` through the services, each action by
    whom the transitions table names: the applicant, a person of the recommending society
    (`recommender`, made if not given), the office (`office`, made if not given). Each step logs
    its `NominationEvent` as in production; the draft's creation is logged first if it was not.
    The call must be open and the nomination complete (`NominationFactory` fills its files)."""
    people = {APPLICANT: nomination.applicant}

    def person(role):
        if role not in people:
            if role == OFFICE or not nomination.recommender_society_id:
                people[role] = office or UserFactory(roles=[Role.EDITOR])
            else:
                people[role] = recommender or UserFactory(
                    roles=[Role.MEMBER_SOCIETY], societies=[nomination.recommender_society]
                )
        return people[role]

    if not nomination.events.exists():
        log_event(nomination, CREATE, nomination.applicant, "")
    for action in PATHS[status]:
        by = TRANSITIONS[(nomination.status, action)].by
        nomination = perform(nomination, action, person(by), REASONS.get(action, ""))
    return nomination


def _first(related, attribute, default):
    first = related.first()
    return getattr(first, attribute) if first is not None else default


def _status_trait(status):
    return factory.Trait(target_status=status, open_call=True)


class NominationFactory(factory.django.DjangoModelFactory):
    """A draft, or with `status=…` a row written directly in that state (many at once). With a
    status trait — `submitted`, `endorsed`, `returned`, `passed`, `correction`, `rejected`,
    `withdrawn` — it is a draft made complete (the campaign's required slots filled with files
    that pass the checks) and taken there through `campaigns.nominations.perform` (`reach`),
    in an open call unless a campaign is given; `recommended_by=` and `reviewed_by=` name the
    society's person and the office's. `files={code: (name, bytes)}` uploads those files,
    `files=True` fills every required slot."""

    campaign = factory.SubFactory(CampaignPageFactory)
    applicant = factory.SubFactory(UserFactory, verified=True)
    project_name = factory.Sequence(lambda n: f"智能产线项目{n}")
    category = factory.LazyAttribute(
        lambda o: _first(o.campaign.categories, "name", "智能制造技术")
    )
    recommender_society = factory.LazyAttribute(
        lambda o: _first(o.campaign.recommending_societies, "society", None)
    )
    recommender_type = factory.LazyAttribute(
        lambda o: SOCIETY_RECOMMENDER if o.recommender_society else ""
    )
    applicant_organisation = "某智能装备公司"
    contact_person = "张三"
    phone = "010-12345678"
    email = "apply@example.org"
    # Not fields: what the hooks below do once the row is saved (taken out in `_create`).
    target_status = None
    recommended_by = None
    reviewed_by = None

    class Meta:
        model = Nomination
        skip_postgeneration_save = True

    class Params:
        open_call = factory.Trait(campaign=factory.SubFactory(CampaignPageFactory, open=True))
        submitted = _status_trait(NominationStatus.SUBMITTED)
        endorsed = _status_trait(NominationStatus.ENDORSED)
        returned = _status_trait(NominationStatus.RETURNED)
        passed = _status_trait(NominationStatus.PASSED)
        correction = _status_trait(NominationStatus.CORRECTION)
        rejected = _status_trait(NominationStatus.REJECTED)
        withdrawn = _status_trait(NominationStatus.WITHDRAWN)

    @classmethod
    def _build(cls, model_class, *args, target_status=None, recommended_by=None, reviewed_by=None,
               **kwargs):  # fmt: skip
        if target_status:
            raise ValueError("a status reached through the services needs a saved nomination")
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, target_status=None, recommended_by=None, reviewed_by=None,
                **kwargs):  # fmt: skip
        nomination = super()._create(model_class, *args, **kwargs)
        nomination._path = (target_status, recommended_by, reviewed_by)
        return nomination

    @factory.post_generation
    def files(self, create, extracted, **kwargs):
        if not create:
            return
        slots = {slot.code: slot for slot in self.campaign.slots_for(self.category)}
        if isinstance(extracted, dict):
            for code, (name, data) in extracted.items():
                attach_file(self, slots[code], name, data)
        if extracted is True or self._path[0]:
            for slot in slots.values():
                if slot.required and not self.files.filter(slot_code=slot.code).exists():
                    attach_file(self, slot)

    @factory.post_generation
    def path(self, create, extracted, **kwargs):
        status, recommender, office = getattr(self, "_path", (None, None, None))
        if create and status:
            reach(self, status, recommender, office)
            self.refresh_from_db()


class NominationFileFactory(factory.django.DjangoModelFactory):
    """A stored file that passed its checks (a one-page PDF for 文件3); `failed=True` for one
    that did not. Upload through the checks with `attach_file`."""

    nomination = factory.SubFactory(NominationFactory)
    slot_code = "文件3"
    original_name = "承诺书.pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(_pdf(), name=f"{o.slot_code}.pdf"))
    size = factory.LazyAttribute(lambda o: o.file.size)
    check_ok = True
    facts = factory.LazyFunction(lambda: {"pages": 1})

    class Meta:
        model = NominationFile

    class Params:
        failed = factory.Trait(check_ok=False, check_failures=["文件3 不是有效的 PDF 文件"])


def _pdf():
    from tests.campaigns.nomination_helpers import pdf

    return pdf()


class NominationEventFactory(factory.django.DjangoModelFactory):
    """The creation of a draft by its applicant; `submission=True` for its submission. Events
    of real transitions come from `reach`."""

    nomination = factory.SubFactory(NominationFactory)
    actor = factory.SelfAttribute("nomination.applicant")
    action = CREATE
    from_status = ""
    to_status = NominationStatus.DRAFT

    class Meta:
        model = NominationEvent

    class Params:
        submission = factory.Trait(
            action=SUBMIT,
            from_status=NominationStatus.DRAFT,
            to_status=NominationStatus.SUBMITTED,
        )


class AchievementPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"智能制造关键技术{n}")
    slug = factory.Sequence(lambda n: f"achievement-{n}")
    list = ShowcaseListKind.CHINA
    organisations = "某大学"

    class Meta:
        model = AchievementPage


class ShowcaseIndexPageFactory(wagtail_factories.PageFactory):
    title = "双十科技进展"
    slug = "showcase"

    class Meta:
        model = ShowcaseIndexPage


class ShowcaseYearPageFactory(wagtail_factories.PageFactory):
    """A year's twin top-10; `released=True` with its release event."""

    # The sequence runs on across a test session: kept within the years a date can hold.
    year = factory.Sequence(lambda n: 2000 + n % 1000)
    title = factory.LazyAttribute(lambda o: f"{o.year} 智能制造十大科技进展")
    slug = factory.LazyAttribute(lambda o: str(o.year))

    class Meta:
        model = ShowcaseYearPage

    class Params:
        released = factory.Trait(
            release_event=factory.LazyAttribute(lambda o: f"{o.year} 世界智能制造大会"),
            release_date=factory.LazyAttribute(lambda o: datetime.date(o.year, 12, 7)),
            release_place="江苏南京",
        )


class AchievementTagFactory(factory.django.DjangoModelFactory):
    """A keyword on a 双十 item."""

    content_object = factory.SubFactory(AchievementPageFactory)
    tag = factory.SubFactory(TagFactory)

    class Meta:
        model = AchievementTag


def add_achievements(year_page, count, **fields):
    """`count` live 双十 items from the factory under `year_page`, saved in bulk (see
    tests/cms/bulk_pages.py). Every field in `fields` goes to each item; a callable one is called
    with the item's number (0, 1, …) for its value."""
    return add_children(
        year_page, [AchievementPageFactory.build(**values(fields, n)) for n in range(count)]
    )


def add_campaigns(index, count, **fields):
    """`count` live campaigns from the factory under `index`, saved in bulk like
    `add_achievements`."""
    return add_children(
        index, [CampaignPageFactory.build(**values(fields, n)) for n in range(count)]
    )


# --- the review: rounds, panels, assignments, score sheets, notices and objections ------------
# States are the models' status values as stored; a trait sets the fields that state implies.


class QuotaFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(CampaignPageFactory)
    recommender_type_name = "成员学会"
    category_name = "智能制造技术"
    limit = 2

    class Meta:
        model = Quota


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    """A first round, a draft until a trait says otherwise: `open`, `closed`, `confirmed`."""

    campaign = factory.SubFactory(CampaignPageFactory)
    kind = "first"
    advance_count = 15
    opens_on = datetime.date(2021, 8, 1)
    closes_on = datetime.date(2021, 8, 15)

    class Meta:
        model = ReviewRound

    class Params:
        open = factory.Trait(status="open", opened_at=factory.LazyFunction(timezone.now))
        closed = factory.Trait(
            status="closed",
            opened_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
            closed_by=factory.SubFactory(UserFactory),
        )
        confirmed = factory.Trait(
            closed=True,
            status="confirmed",
            confirmed_at=factory.LazyFunction(timezone.now),
            confirmed_by=factory.SubFactory(UserFactory),
        )


def expert():
    return factory.SubFactory(UserFactory, roles=[Role.EXPERT])


def nomination_of_the_round():
    return factory.SubFactory(
        "tests.campaigns.factories.NominationFactory",
        campaign=factory.SelfAttribute("..round.campaign"),
    )


class PanelMemberFactory(factory.django.DjangoModelFactory):
    round = factory.SubFactory(ReviewRoundFactory)
    expert = expert()

    class Meta:
        model = PanelMember

    class Params:
        chair = factory.Trait(is_chair=True)


class AssignmentFactory(factory.django.DjangoModelFactory):
    round = factory.SubFactory(ReviewRoundFactory)
    nomination = nomination_of_the_round()
    expert = expert()

    class Meta:
        model = Assignment

    class Params:
        recused = factory.Trait(excluded=True, exclusion_reason="与申报单位有合作关系")


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    """A draft sheet; `submitted=True` for one the expert has sent."""

    round = factory.SubFactory(ReviewRoundFactory, open=True)
    nomination = nomination_of_the_round()
    expert = expert()

    class Meta:
        model = ScoreSheet

    class Params:
        submitted = factory.Trait(
            status="submitted", submitted_at=factory.LazyFunction(timezone.now)
        )


class ScoreFactory(factory.django.DjangoModelFactory):
    sheet = factory.SubFactory(ScoreSheetFactory)
    criterion = "创新性"
    value = 20
    recorded_by = factory.SelfAttribute("sheet.expert")

    class Meta:
        model = Score


class PublicNoticeFactory(factory.django.DjangoModelFactory):
    """A notice being published; `closed=True` for one whose period is over."""

    campaign = factory.SubFactory(CampaignPageFactory)
    starts_on = datetime.date(2021, 9, 1)
    ends_on = datetime.date(2021, 9, 7)

    class Meta:
        model = PublicNotice

    class Params:
        closed = factory.Trait(closed_at=factory.LazyFunction(timezone.now))


class ObjectionFactory(factory.django.DjangoModelFactory):
    """A pending objection; `upheld=True` or `dismissed=True` for a decided one."""

    notice = factory.SubFactory(PublicNoticeFactory)
    nomination = factory.SubFactory(
        "tests.campaigns.factories.NominationFactory",
        campaign=factory.SelfAttribute("..notice.campaign"),
    )
    filed_by = factory.SubFactory(UserFactory)
    reason = "项目数据与实际不符。"

    class Meta:
        model = Objection

    class Params:
        upheld = factory.Trait(
            status="upheld",
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
            decision_reason="经核实，异议成立。",
        )
        dismissed = factory.Trait(
            status="dismissed",
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
            decision_reason="经核实，异议不成立。",
        )


class JustificationRuleFactory(factory.django.DjangoModelFactory):
    """The 2021 rule: a criterion scored above 9 or below 6 needs a reason; `total=True` for the
    2024 rule on the total (above 99, below 50); `criterion_name=` to narrow it to one."""

    round = factory.SubFactory(ReviewRoundFactory)
    scope = "criterion"
    above = 9
    below = 6

    class Meta:
        model = JustificationRule

    class Params:
        total = factory.Trait(scope="total", above=99, below=50)


class RoundEntryFactory(factory.django.DjangoModelFactory):
    """A nomination taking part in a round, not yet ranked: `ranked=True` (first, 88.5),
    `advancing=True` (ranked and advanced), `forwarding=True` (advanced and forwarded to the
    world top-10), `struck_out=True` (disqualified)."""

    round = factory.SubFactory(ReviewRoundFactory)
    nomination = nomination_of_the_round()

    class Meta:
        model = RoundEntry

    class Params:
        ranked = factory.Trait(rank=1, score=factory.LazyFunction(lambda: Decimal("88.5")))
        advancing = factory.Trait(ranked=True, advanced=True)
        forwarding = factory.Trait(advancing=True, forwarded=True)
        struck_out = factory.Trait(disqualified=True, disqualified_reason="异议成立")


class ReviewEventFactory(factory.django.DjangoModelFactory):
    """The opening of a round by the office, as `campaigns.lifecycle` logs it;
    `closing=True` for its closing."""

    subject = "round"
    subject_id = factory.SelfAttribute("review_round.pk")
    campaign = factory.SelfAttribute("review_round.campaign")
    actor = factory.SubFactory(UserFactory, roles=[Role.EDITOR])
    action = "open"
    from_status = "draft"
    to_status = "open"

    class Meta:
        model = ReviewEvent

    class Params:
        review_round = factory.SubFactory(ReviewRoundFactory, open=True)
        closing = factory.Trait(action="close", from_status="open", to_status="closed")
