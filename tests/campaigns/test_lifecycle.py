"""The review's life cycles as tables (`campaigns.lifecycle`): every table names known statuses
and labelled actions, an action the table has no row for is refused in Chinese, and a change that
leaves its subject elsewhere than its transition says is an error that logs nothing."""

import types

import pytest

from campaigns import objections, rounds, sheets
from campaigns.lifecycle import NONE, LifeCycleError
from campaigns.models import ReviewEvent
from campaigns.models.review import RoundStatus
from campaigns.notice import NOTICES

LIFE_CYCLES = [rounds.ROUNDS, sheets.SHEETS, NOTICES, objections.OBJECTIONS]


@pytest.mark.parametrize("life_cycle", LIFE_CYCLES, ids=lambda c: c.subject)
def test_every_table_names_known_statuses_and_labelled_actions(life_cycle):
    for (start, action), transition in life_cycle.transitions.items():
        assert start == NONE or start in life_cycle.statuses, (start, action)
        assert transition.to_status in life_cycle.statuses, (start, action)
        assert action in life_cycle.labels, action
        if transition.reason_required:
            assert action in life_cycle.reason_errors, action


def test_the_round_table():
    assert rounds.ROUNDS.actions(RoundStatus.DRAFT) == [rounds.OPEN]
    assert rounds.ROUNDS.actions(RoundStatus.OPEN) == [
        rounds.ASSIGN,
        rounds.DECLARE_CONFLICT,
        rounds.CLOSE,
    ]
    assert rounds.ROUNDS.actions(RoundStatus.CLOSED) == [rounds.CLOSE, rounds.CONFIRM]
    assert rounds.ROUNDS.actions(RoundStatus.CONFIRMED) == []  # a record
    with pytest.raises(rounds.RoundRefused, match="评审轮次当前状态为“结果已确认”，不能结束。"):
        rounds.ROUNDS.transition(RoundStatus.CONFIRMED, rounds.CLOSE)


def test_a_refusal_or_a_wrong_change_logs_nothing(db):
    subject = types.SimpleNamespace(pk=1, status=RoundStatus.OPEN)
    with pytest.raises(rounds.RoundRefused, match="不行"):
        rounds.ROUNDS.perform(
            subject, rounds.CLOSE, None, allowed=(False, "不行"), change=None, campaign_id=1
        )
    with pytest.raises(LifeCycleError):
        rounds.ROUNDS.perform(
            subject,
            rounds.CLOSE,
            None,
            allowed=(True, ""),
            change=lambda transition: subject,  # left open
            campaign_id=1,
        )
    assert not ReviewEvent.objects.exists()
