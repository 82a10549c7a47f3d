"""The test factories themselves, on an empty database (no demo data): each builds a valid
object, and each trait gives the state it names."""

import pytest
from django.core.exceptions import ValidationError

from cms.roles import Role, group_for
from tests.activities.factories import FeedEntryFactory, FeedFactory
from tests.campaigns.factories import (
    AssignmentFactory,
    MilestoneFactory,
    NominationFactory,
    ObjectionFactory,
    PanelMemberFactory,
    PublicNoticeFactory,
    QuotaFactory,
    ReviewRoundFactory,
    ScoreFactory,
    ScoreSheetFactory,
)
from tests.cms.factories import (
    DeliveryAttemptFactory,
    MemberSocietyFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    OutboxMessageFactory,
    UserFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = [
    UserFactory,
    MemberSocietyFactory,
    WorkstreamFactory,
    FeedFactory,
    FeedEntryFactory,
    NominationFactory,
    MilestoneFactory,
    QuotaFactory,
    ReviewRoundFactory,
    PanelMemberFactory,
    AssignmentFactory,
    ScoreSheetFactory,
    ScoreFactory,
    PublicNoticeFactory,
    ObjectionFactory,
    OutboxMessageFactory,
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
