"""The listings do not grow in queries with the number of nominations."""

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import Nomination, NominationStatus
from cms.models import MemberSociety
from tests.campaigns.nomination_helpers import open_campaign, prepare_site

pytestmark = pytest.mark.django_db

STATUSES = (NominationStatus.SUBMITTED, NominationStatus.ENDORSED, NominationStatus.DRAFT)


@pytest.fixture
def campaign(federation):
    return open_campaign(prepare_site(federation))


def add_nominations(campaign, applicant, count):
    societies = list(MemberSociety.objects.filter(abbreviation__in=["CMES", "CAA"]))
    Nomination.objects.bulk_create(
        Nomination(
            campaign=campaign,
            applicant=applicant,
            project_name=f"批量项目{i}",
            category="智能制造技术",
            recommender_type="成员学会",
            recommender_society=societies[i % 2],
            applicant_organisation=f"单位{i}",
            contact_person="张三",
            phone="010-1",
            email="z@example.com",
            status=STATUSES[i % 3],
        )
        for i in range(count)
    )


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("username", ["editor", "society"])
def test_admin_listing_queries(campaign, users, count, username, django_assert_max_num_queries):
    add_nominations(campaign, users["applicant"], count)
    client = login(users[username])
    client.get(reverse("nomination:index"))  # warm caches (content types, site root paths)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("nomination:index"))
    assert response.status_code == 200
    assert "批量项目" in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_my_nominations_queries(campaign, users, count, django_assert_max_num_queries):
    add_nominations(campaign, users["applicant"], count)
    client = login(users["applicant"])
    client.get(reverse("my_nominations"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("my_nominations"))
    assert response.status_code == 200
    assert response.content.decode().count("批量项目") == count
