"""The campaigns' people and places, made by the factories on an empty database (no demo data):
the campaign index under the home page, two member societies, and one account per role under
the usernames the tests name — the office (`editor`, `secretary`), an applicant, a person of a
recommending society (`society`, CMES) and an expert on no panel (`expert`)."""

import pytest

from cms.roles import Role
from tests.campaigns.factories import CampaignIndexPageFactory
from tests.campaigns.review_helpers import society
from tests.cms.factories import UserFactory


@pytest.fixture
def campaign_index(home):
    return CampaignIndexPageFactory(parent=home)


@pytest.fixture
def cmes(db):
    return society("CMES", "中国机械工程学会")


@pytest.fixture
def caa(db):
    return society("CAA", "中国自动化学会")


@pytest.fixture
def office(db):
    """The secretariat's editor: formal review, running rounds, amending scores."""
    return UserFactory(username="editor", roles=[Role.EDITOR], admin=True)


@pytest.fixture
def secretary(db):
    return UserFactory(username="secretary", roles=[Role.SECRETARY_GENERAL], admin=True)


@pytest.fixture
def applicant(db):
    """An applicant whose email address is verified: they may apply."""
    return UserFactory(username="applicant", verified=True)


@pytest.fixture
def society_member(cmes):
    """A person of CMES: they endorse or return its nominations (and may enter the admin)."""
    return UserFactory(username="society", roles=[Role.MEMBER_SOCIETY], societies=[cmes])


@pytest.fixture
def expert(db):
    """An expert on no panel."""
    return UserFactory(username="expert", roles=[Role.EXPERT])


@pytest.fixture
def people(office, secretary, applicant, society_member, expert):
    """The role fixtures by username."""
    return {user.username: user for user in (office, secretary, applicant, society_member, expert)}
