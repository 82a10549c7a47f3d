"""Two applicants submit for the last place of a quota at the same moment, each on its own
database connection: the campaign row's lock lets exactly one of them in. PostgreSQL only (SQLite
has a single writer and no row locks); CI runs the suite on PostgreSQL."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from campaigns import nominations, quotas
from campaigns.models import Nomination, NominationStatus
from campaigns.nomination_errors import InvalidNomination
from campaigns.recommenders import SOCIETY_RECOMMENDER
from cms.accounts import mark_email_verified
from cms.models import MemberSociety
from tests.campaigns.nomination_helpers import open_campaign, prepare_site

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def draft(campaign, applicant, society, name):
    return Nomination.objects.create(
        campaign=campaign,
        applicant=applicant,
        project_name=name,
        category="智能制造技术",
        recommender_type=SOCIETY_RECOMMENDER,
        recommender_society=society,
        applicant_organisation="某某公司",
        contact_person="张三",
        phone="010-1",
        email="z@example.com",
        status=NominationStatus.DRAFT,
    )


def test_only_one_of_two_simultaneous_submissions_gets_the_last_place(federation, monkeypatch):
    campaign = open_campaign(
        prepare_site(federation), slug="race-call", quotas=[("成员学会", "智能制造技术", 1)]
    )
    # No files are required for this race: the quota is what is being tested.
    campaign.document_slots.update(required=False)
    cmes = MemberSociety.objects.get(abbreviation="CMES")
    applicants = []
    for username in ("racer-a", "racer-b"):
        user = get_user_model().objects.create_user(username, f"{username}@example.com")
        mark_email_verified(user)
        applicants.append(user)
    drafts = [draft(campaign, user, cmes, f"抢名额的项目{user.username}") for user in applicants]

    # Widen the window between counting and writing, so that without the lock both would pass.
    counted = quotas.places_taken

    def slow_places_taken(*args, **kwargs):
        taken = counted(*args, **kwargs)
        time.sleep(0.5)
        return taken

    monkeypatch.setattr(quotas, "places_taken", slow_places_taken)
    start = threading.Barrier(2)
    outcomes = {}

    def submit(nomination, user):
        try:
            start.wait()
            nominations.perform(nomination, nominations.SUBMIT, user)
            outcomes[user.username] = "submitted"
        except InvalidNomination as error:
            outcomes[user.username] = " ".join(error.messages)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [
        threading.Thread(target=submit, args=(nomination, user))
        for nomination, user in zip(drafts, applicants, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert list(outcomes.values()).count("submitted") == 1, outcomes
    refused = next(v for v in outcomes.values() if v != "submitted")
    assert "推荐名额为 1 项，已全部使用" in refused
    assert Nomination.objects.filter(status=NominationStatus.SUBMITTED).count() == 1
    assert Nomination.objects.filter(status=NominationStatus.DRAFT).count() == 1
