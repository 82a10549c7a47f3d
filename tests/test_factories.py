"""The test factories themselves, on an empty database (no demo data): each builds a valid
object, and each trait gives the state it names."""

import datetime

import factory as factory_boy
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.models import SocietyActivitiesPage
from campaigns.checklist import submission_problems
from campaigns.models import NominationStatus, SlotKind
from campaigns.models.milestones import MilestoneKind
from cms.accounts import is_email_verified
from cms.linked_entries import Origin
from cms.roles import Role, group_for, is_office, society_ids
from tests.activities.factories import (
    ActivitiesIndexPageFactory,
    ActivityPageFactory,
    FeedEntryFactory,
    FeedFactory,
    SocietyActivitiesPageFactory,
)
from tests.campaigns.factories import (
    AchievementPageFactory,
    AchievementTagFactory,
    AssignmentFactory,
    CampaignIndexPageFactory,
    CampaignPageFactory,
    CampaignRecommenderFactory,
    CriterionFactory,
    DocumentSlotFactory,
    JustificationRuleFactory,
    MilestoneFactory,
    NominationEventFactory,
    NominationFactory,
    NominationFileFactory,
    ObjectionFactory,
    PanelMemberFactory,
    PublicNoticeFactory,
    QuotaFactory,
    RecommenderTypeFactory,
    ReviewEventFactory,
    ReviewRoundFactory,
    RoundEntryFactory,
    ScopeCategoryFactory,
    ScoreFactory,
    ScoreSheetFactory,
    ShowcaseIndexPageFactory,
    ShowcaseYearPageFactory,
    reach,
)
from tests.cms.factories import (
    AccountProfileFactory,
    DeliveryAttemptFactory,
    FederationSettingsFactory,
    GroupRoleFactory,
    HomePageFactory,
    MemberSocietyFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    NewsPageTagFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    OutboxAttachmentFactory,
    OutboxMessageFactory,
    StandardPageFactory,
    UserFactory,
    WorkstreamFactory,
)
from tests.reports.factories import (
    MonthlyReportPageFactory,
    PlanEntryFactory,
    PressReleaseFactory,
    ProgressEntryFactory,
    ReportIndexPageFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = [
    # cms
    UserFactory,
    AccountProfileFactory,
    GroupRoleFactory,
    MemberSocietyFactory,
    WorkstreamFactory,
    FederationSettingsFactory,
    HomePageFactory,
    StandardPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    NewsPageTagFactory,
    # activities
    ActivitiesIndexPageFactory,
    ActivityPageFactory,
    FeedFactory,
    FeedEntryFactory,
    # reports
    ReportIndexPageFactory,
    MonthlyReportPageFactory,
    ProgressEntryFactory,
    PlanEntryFactory,
    PressReleaseFactory,
    # campaigns: pages and a call's terms
    CampaignIndexPageFactory,
    CampaignPageFactory,
    ScopeCategoryFactory,
    CriterionFactory,
    DocumentSlotFactory,
    CampaignRecommenderFactory,
    RecommenderTypeFactory,
    MilestoneFactory,
    # nominations
    NominationFactory,
    NominationFileFactory,
    NominationEventFactory,
    # the review
    QuotaFactory,
    ReviewRoundFactory,
    PanelMemberFactory,
    AssignmentFactory,
    ScoreSheetFactory,
    ScoreFactory,
    PublicNoticeFactory,
    ObjectionFactory,
    JustificationRuleFactory,
    RoundEntryFactory,
    ReviewEventFactory,
    # the showcase
    ShowcaseIndexPageFactory,
    ShowcaseYearPageFactory,
    AchievementPageFactory,
    AchievementTagFactory,
    # notifications
    OutboxMessageFactory,
    OutboxAttachmentFactory,
    DeliveryAttemptFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
]


def clean(instance):
    """`full_clean()`, failing with the fields' messages."""
    try:
        instance.full_clean()
    except ValidationError as error:
        pytest.fail(f"{type(instance).__name__}: {error.message_dict}")


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_builds_a_valid_object_on_an_empty_database(factory):
    instance = factory()
    assert instance.pk
    clean(instance)


def test_the_factories_need_no_demo_data():
    from cms.models import MemberSociety, Workstream

    assert not MemberSociety.objects.exists() and not Workstream.objects.exists()
    sheet = ScoreSheetFactory()
    assert sheet.nomination.campaign == sheet.round.campaign


def test_users_get_the_groups_of_their_roles():
    user = UserFactory(roles=[Role.EXPERT, Role.EDITOR])
    assert set(user.groups.all()) == {group_for(Role.EXPERT), group_for(Role.EDITOR)}
    assert not UserFactory().groups.exists()


@pytest.mark.parametrize(
    ("traits", "status", "stamps"),
    [
        ({}, "draft", ()),
        ({"open": True}, "open", ("opened_at",)),
        ({"closed": True}, "closed", ("opened_at", "closed_at", "closed_by")),
        ({"confirmed": True}, "confirmed", ("closed_at", "confirmed_at", "confirmed_by")),
    ],
)
def test_round_traits(traits, status, stamps):
    round_ = ReviewRoundFactory(**traits)
    assert round_.status == status
    for field in stamps:
        assert getattr(round_, field) is not None
    clean(round_)


def test_panel_assignment_sheet_and_score_traits():
    assert PanelMemberFactory(chair=True).is_chair
    assert not PanelMemberFactory().is_chair
    member = PanelMemberFactory()
    assert member.expert.groups.filter(pk=group_for(Role.EXPERT).pk).exists()
    recused = AssignmentFactory(recused=True)
    assert recused.excluded and recused.exclusion_reason
    draft = ScoreSheetFactory()
    assert draft.status == "draft" and draft.submitted_at is None
    submitted = ScoreSheetFactory(submitted=True)
    assert submitted.status == "submitted" and submitted.submitted_at
    score = ScoreFactory(sheet=submitted)
    assert score.recorded_by == submitted.expert and list(submitted.scores.all()) == [score]


def test_notice_and_objection_traits():
    assert PublicNoticeFactory().status == "published"
    assert PublicNoticeFactory(closed=True).status == "closed"
    assert ObjectionFactory().status == "pending"
    upheld = ObjectionFactory(upheld=True)
    assert upheld.status == "upheld" and upheld.decided_by and upheld.decided_at
    dismissed = ObjectionFactory(dismissed=True)
    assert dismissed.status == "dismissed" and dismissed.decision_reason
    assert upheld.nomination.campaign == upheld.notice.campaign


def test_feed_traits():
    assert FeedFactory().status == "new"
    healthy = FeedFactory(healthy=True)
    assert healthy.status == "ok" and healthy.last_success_at and not healthy.consecutive_failures
    failing = FeedFactory(failing=True)
    assert failing.status == "error" and failing.consecutive_failures and failing.last_error
    entry = FeedEntryFactory(feed=healthy)
    assert list(healthy.entries.all()) == [entry]


def test_society_page_factory_names_the_page_after_its_society():
    society = MemberSocietyFactory(abbreviation="CMES")
    page = SocietyActivitiesPageFactory(society=society)
    assert isinstance(page, SocietyActivitiesPage) and page.slug == "cmes"
    clean(page)


# --- cms --------------------------------------------------------------------------------------


def test_user_hooks_societies_verified_admin():
    society = MemberSocietyFactory()
    member = UserFactory(roles=[Role.MEMBER_SOCIETY], societies=[society])
    assert society_ids(member) == {society.pk}
    applicant = UserFactory(verified=True)
    assert is_email_verified(applicant)
    assert applicant.groups.filter(pk=group_for(Role.APPLICANT).pk).exists()
    office = UserFactory(roles=[Role.EDITOR], admin=True)
    assert is_office(office) and office.has_perm("wagtailadmin.access_admin")
    assert not UserFactory().has_perm("wagtailadmin.access_admin")


def test_profile_role_and_settings_factories():
    profile = AccountProfileFactory(verified=True, society=MemberSocietyFactory())
    assert profile.email_verified_at and profile.verified_email == profile.user.email
    assert not AccountProfileFactory().email_verified_at
    assert GroupRoleFactory(code=Role.EDITOR).group == group_for(Role.EDITOR)
    settings = FederationSettingsFactory()
    assert FederationSettingsFactory(site=settings.site) == settings
    tag = NewsPageTagFactory()
    assert list(tag.content_object.tags.all()) == [tag.tag]


# --- reports ----------------------------------------------------------------------------------


def test_report_entry_traits():
    manual = ProgressEntryFactory()
    assert manual.origin == Origin.MANUAL and not manual.is_linked
    linked = ProgressEntryFactory(linked=True)
    assert linked.is_linked and linked.synced_body == linked.body and not linked.edited
    edited = PlanEntryFactory(rewritten=True)
    assert edited.is_linked and edited.edited  # computed on save, as for an editor's change
    assert ProgressEntryFactory(hidden=True).hidden
    for entry in (linked, edited):
        clean(entry)
    release = PressReleaseFactory()
    assert list(release.page.press_releases.all()) == [release]


# --- campaigns: the call's terms and milestones -----------------------------------------------


def test_campaign_hooks_add_the_terms():
    campaign = CampaignPageFactory(call_2024=True)
    assert campaign.categories.first().name == "智能制造技术"
    assert list(campaign.criteria.values_list("name", "max_score")) == [
        ("创新性", 40),
        ("引领性", 30),
        ("应用性", 30),
    ]
    slots = list(campaign.document_slots.all())
    assert [(s.code, s.kind, s.required) for s in slots] == [
        ("文件1", SlotKind.WORD, True),
        ("文件2", SlotKind.VIDEO, True),
        ("文件3", SlotKind.PDF, True),
        ("文件4", SlotKind.PDF, False),
    ]
    assert len(slots[0].form_sections()) == 4
    assert CampaignPageFactory(call_2021=True).criteria.count() == 6
    society = MemberSocietyFactory()
    custom = CampaignPageFactory(
        categories=["智能产品"], criteria=[("创新性", "说明", 20)], societies=[society]
    )
    assert custom.criteria.get().explanation == "说明"
    assert custom.recommending_societies.get().society == society
    for slot in slots:
        clean(slot)


def test_an_open_campaign_takes_submissions_today():
    campaign = CampaignPageFactory(open=True)
    assert campaign.is_open()
    assert campaign.categories.exists() and campaign.recommending_societies.exists()
    assert not campaign.document_slots.exists()
    assert not CampaignPageFactory().is_open()


def test_slot_traits():
    word = DocumentSlotFactory(word=True)
    assert word.kind == SlotKind.WORD and word.char_limit and word.form_sections()
    video = DocumentSlotFactory(video=True)
    assert video.kind == SlotKind.VIDEO and video.max_video_minutes
    assert not DocumentSlotFactory(optional=True).required
    assert CriterionFactory(heavy=True).weight == 2


KIND_TRAITS = {
    "call_opens": MilestoneKind.CALL_OPENS,
    "deadline": MilestoneKind.SUBMISSIONS_CLOSE,
    "formal_review": MilestoneKind.FORMAL_REVIEW,
    "first_round": MilestoneKind.FIRST_ROUND,
    "final_round": MilestoneKind.FINAL_ROUND,
    "notice": MilestoneKind.PUBLIC_NOTICE,
    "release": MilestoneKind.RELEASE,
}


@pytest.mark.parametrize(("trait", "kind"), KIND_TRAITS.items())
def test_milestone_kind_traits(trait, kind):
    milestone = MilestoneFactory(**{trait: True})
    assert milestone.kind == kind
    if kind in (MilestoneKind.PUBLIC_NOTICE, MilestoneKind.RELEASE):
        assert milestone.end_date > milestone.date
    clean(milestone)


def test_milestone_past_and_upcoming():
    today = timezone.localdate()
    assert MilestoneFactory().kind == MilestoneKind.OTHER
    assert MilestoneFactory(past=True).date < today < MilestoneFactory(upcoming=True).date
    deadline = MilestoneFactory(deadline=True, upcoming=True)
    assert deadline.kind == MilestoneKind.SUBMISSIONS_CLOSE and deadline.date > today


# --- campaigns: nominations through the services ----------------------------------------------

PATHS = {
    "submitted": [("create", "", "draft"), ("submit", "draft", "submitted")],
    "endorsed": [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("endorse", "submitted", "endorsed"),
    ],
    "returned": [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
    ],
    "passed": [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("endorse", "submitted", "endorsed"),
        ("pass", "endorsed", "passed"),
    ],
    "correction": [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("endorse", "submitted", "endorsed"),
        ("correct", "endorsed", "correction"),
    ],
    "rejected": [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("endorse", "submitted", "endorsed"),
        ("reject", "endorsed", "rejected"),
    ],
    "withdrawn": [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("withdraw", "submitted", "withdrawn"),
    ],
}
# Who takes each action: the applicant, the recommending society's person, the office.
ACTORS = {
    "create": "applicant",
    "submit": "applicant",
    "withdraw": "applicant",
    "endorse": "society",
    "return": "society",
    "pass": "office",
    "correct": "office",
    "reject": "office",
}


def events(nomination):
    return list(nomination.events.order_by("pk").values_list("action", "from_status", "to_status"))


@pytest.mark.parametrize("status", PATHS)
def test_status_traits_take_the_services_path(status):
    nomination = NominationFactory(**{status: True})
    assert nomination.status == status
    assert events(nomination) == PATHS[status]
    society = nomination.recommender_society
    for event in nomination.events.select_related("actor"):
        who = ACTORS[event.action]
        if who == "applicant":
            assert event.actor == nomination.applicant, event.action
        elif who == "society":
            assert society.pk in society_ids(event.actor) and not is_office(event.actor)
        else:
            assert is_office(event.actor), event.action
        if event.action in ("return", "pass", "correct", "reject"):
            assert event.reason, event.action
    assert nomination.submitted_at
    assert nomination.campaign.is_open()
    clean(nomination)


def test_a_plain_nomination_is_a_draft_without_events():
    nomination = NominationFactory()
    assert nomination.status == NominationStatus.DRAFT and not nomination.events.exists()
    written = NominationFactory(status=NominationStatus.PASSED)
    assert written.status == NominationStatus.PASSED and not written.events.exists()


def test_status_traits_take_the_people_given():
    society = MemberSocietyFactory()
    campaign = CampaignPageFactory(open=True, societies=[society])
    member = UserFactory(roles=[Role.MEMBER_SOCIETY], societies=[society])
    office = UserFactory(roles=[Role.EDITOR])
    nomination = NominationFactory(
        campaign=campaign, passed=True, recommended_by=member, reviewed_by=office
    )
    assert nomination.recommender_society == society
    actors = dict(nomination.events.values_list("action", "actor"))
    assert actors["endorse"] == member.pk and actors["pass"] == office.pk


def test_a_word_slot_is_filled_with_a_real_checked_file():
    campaign = CampaignPageFactory(open=True, word_slot=True)
    nomination = NominationFactory(campaign=campaign, submitted=True)
    [record] = nomination.files.all()
    assert record.slot_code == "文件1" and record.check_ok, record.check_failures
    assert record.file.read()[:2] == b"PK" and record.facts["sections"]
    assert nomination.status == NominationStatus.SUBMITTED


def test_the_2024_call_gets_its_three_required_files():
    campaign = CampaignPageFactory(open=True, call_2024=True)
    draft = NominationFactory(campaign=campaign, files=True)
    assert sorted(draft.files.values_list("slot_code", flat=True)) == ["文件1", "文件2", "文件3"]
    assert all(draft.files.values_list("check_ok", flat=True))
    assert submission_problems(draft) == []
    assert draft.status == NominationStatus.DRAFT
    passed = NominationFactory(campaign=campaign, passed=True)
    assert passed.files.count() == 3 and passed.status == NominationStatus.PASSED


def test_reach_continues_a_draft():
    draft = NominationFactory(open_call=True)
    nomination = reach(draft, NominationStatus.ENDORSED)
    assert nomination.status == NominationStatus.ENDORSED
    assert [e[0] for e in events(nomination)] == ["create", "submit", "endorse"]


def test_nomination_file_and_event_factories():
    record = NominationFileFactory()
    assert record.check_ok and record.size == record.file.size
    failed = NominationFileFactory(failed=True)
    assert not failed.check_ok and failed.check_failures
    assert NominationEventFactory().to_status == NominationStatus.DRAFT
    submission = NominationEventFactory(submission=True)
    assert (submission.from_status, submission.to_status) == ("draft", "submitted")


# --- campaigns: the review and the showcase ---------------------------------------------------


def test_rule_entry_and_event_traits():
    rule = JustificationRuleFactory()
    assert (rule.scope, rule.above, rule.below) == ("criterion", 9, 6)
    total = JustificationRuleFactory(total=True)
    assert (total.scope, total.above, total.below) == ("total", 99, 50)
    entry = RoundEntryFactory()
    assert entry.nomination.campaign == entry.round.campaign and entry.rank is None
    forwarded = RoundEntryFactory(forwarding=True)
    assert forwarded.rank == 1 and forwarded.advanced and forwarded.forwarded
    assert RoundEntryFactory(advancing=True).advanced
    disqualified = RoundEntryFactory(struck_out=True)
    assert disqualified.disqualified and disqualified.disqualified_reason
    opening = ReviewEventFactory()
    assert (opening.action, opening.from_status, opening.to_status) == ("open", "draft", "open")
    assert is_office(opening.actor)
    closing = ReviewEventFactory(closing=True)
    assert closing.subject == "round" and closing.to_status == "closed"


def test_showcase_traits():
    year = ShowcaseYearPageFactory(released=True)
    assert year.release_date == datetime.date(year.year, 12, 7) and year.release_event
    assert not ShowcaseYearPageFactory().release_date
    tag = AchievementTagFactory()
    assert list(tag.content_object.keywords.all()) == [tag.tag]


def test_every_model_of_the_projects_apps_has_a_factory():
    """A new model gets its factory (and its place in FACTORIES) with it."""
    from django.apps import apps

    from tests.activities import factories as activities
    from tests.campaigns import factories as campaigns
    from tests.cms import factories as cms
    from tests.reports import factories as reports

    made = {
        value._meta.model
        for module in (cms, activities, campaigns, reports)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, factory_boy.django.DjangoModelFactory)
        and value._meta.model is not None
    }
    models = {
        model
        for label in ("cms", "activities", "campaigns", "reports")
        for model in apps.get_app_config(label).get_models()
    }
    assert sorted(model.__name__ for model in models - made) == []
    assert {f._meta.model for f in FACTORIES} | {SocietyActivitiesPage} >= models


def test_hooks_that_add_rows_refuse_an_unsaved_object():
    with pytest.raises(ValueError, match="needs a saved"):
        NominationFactory.build(passed=True)  # its open call first
    with pytest.raises(ValueError, match="saved page"):
        CampaignPageFactory.build(open=True)
    assert NominationFactory.build(status=NominationStatus.PASSED).pk is None
