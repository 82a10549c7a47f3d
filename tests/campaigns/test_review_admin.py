"""The office's side of issue 11 §4: 开启评审 reachable from the rounds' listing and a round's edit
view (a page of its own that POSTs with CSRF, for the office only); a round's dates checked
against its campaign; the 申报 listing without the applicants' drafts unless asked; and the demo,
which holds an open round with `expert` on its panel so that scoring can be tried at once."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from lxml import html

from campaigns.models import Assignment, CampaignPage, Nomination, NominationStatus, ReviewRound
from campaigns.models.review import RoundKind, RoundStatus
from campaigns.round_dates import round_date_errors
from cms.models import MemberSociety
from tests.campaigns.nomination_helpers import page_text, prepare_site
from tests.campaigns.review_helpers import (
    DAY,
    campaign_2024,
    login,
    make_expert,
    make_round,
    passed,
    review_snapshot,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(federation):
    """Open today; submissions close in 60 days (`demo_open_campaign`)."""
    return campaign_2024(prepare_site(federation))


def closes(campaign):
    return campaign.call_window()[1]


def round_form(campaign, kind, opens_on, closes_on):
    return {
        "campaign": campaign.pk,
        "kind": kind,
        "opens_on": opens_on.isoformat(),
        "closes_on": closes_on.isoformat(),
        "aggregation": "mean",
        "advance_count": 15,
        "forward_count": 5,
    }


def field_errors(response, name):
    page = html.fromstring(response.content.decode())
    field = page.xpath(f"//*[@data-field-wrapper][.//*[@name='{name}']]")
    return " ".join(field[0].text_content().split()) if field else ""


# --- the round's dates against the campaign ---------------------------------------------------


def test_a_first_round_cannot_start_before_submissions_close(campaign, users):
    client = login(users["editor"])
    deadline = closes(campaign)
    for opens_on in (today() - DAY, deadline):  # before, and on the closing day itself
        response = client.post(
            reverse("reviewround:add"),
            round_form(campaign, RoundKind.FIRST, opens_on, deadline + 30 * DAY),
        )
        assert response.status_code == 200
        message = field_errors(response, "opens_on")
        assert "第一轮遴选（初评）须在申报截止" in message
        assert f"（{deadline.year}年{deadline.month}月{deadline.day}日）之后开始" in message
        assert not ReviewRound.objects.exists()
    response = client.post(
        reverse("reviewround:add"),
        round_form(campaign, RoundKind.FIRST, deadline + DAY, deadline + 30 * DAY),
    )
    assert response.status_code == 302
    assert ReviewRound.objects.get().opens_on == deadline + DAY


def test_the_final_round_starts_after_the_first_round_ends(campaign, users):
    client = login(users["editor"])
    deadline = closes(campaign)
    form = round_form(campaign, RoundKind.FINAL, deadline + 40 * DAY, deadline + 50 * DAY)
    response = client.post(reverse("reviewround:add"), form)
    assert "请先建立初评，再建立终评" in field_errors(response, "kind")
    assert not ReviewRound.objects.exists()

    first = make_round(campaign, opens_on=deadline + DAY, closes_on=deadline + 30 * DAY)
    form = round_form(campaign, RoundKind.FINAL, deadline + 30 * DAY, deadline + 50 * DAY)
    response = client.post(reverse("reviewround:add"), form)
    assert "第二轮遴选（终评）须在初评结束" in field_errors(response, "opens_on")
    assert ReviewRound.objects.count() == 1
    form = round_form(campaign, RoundKind.FINAL, deadline + 31 * DAY, deadline + 50 * DAY)
    assert client.post(reverse("reviewround:add"), form).status_code == 302
    final = ReviewRound.objects.get(kind=RoundKind.FINAL)

    # Moving the first round's end past the final round's start is refused on its edit view.
    form = round_form(campaign, RoundKind.FIRST, deadline + DAY, deadline + 35 * DAY)
    response = client.post(reverse("reviewround:edit", args=[first.pk]), form)
    assert "须在终评开始" in field_errors(response, "closes_on")
    first.refresh_from_db()
    assert first.closes_on == deadline + 30 * DAY
    # And an end before the start, on either.
    form = round_form(campaign, RoundKind.FINAL, deadline + 50 * DAY, deadline + 45 * DAY)
    response = client.post(reverse("reviewround:edit", args=[final.pk]), form)
    assert "评分截止日期不能早于评分开始日期" in field_errors(response, "closes_on")


def test_the_seeds_dates_fit(federation):
    from campaigns.demo import CAMPAIGNS, build_campaign

    index = prepare_site(federation)
    for spec, (opens_on, closes_on) in zip(
        CAMPAIGNS[:2],
        [(datetime.date(2021, 8, 30), datetime.date(2021, 9, 10)),
         (datetime.date(2024, 10, 1), datetime.date(2024, 10, 15))],
        strict=True,
    ):  # fmt: skip
        campaign = build_campaign(index, spec)[0]
        assert round_date_errors(campaign, RoundKind.FIRST, opens_on, closes_on) == {}


# --- 开启评审 from the listing and the edit view -----------------------------------------------


def test_open_is_reachable_from_the_listing_and_the_edit_view(campaign, users):
    deadline = closes(campaign)
    passed(campaign, users["applicant"], "后台项目", organisation="戊公司")
    ann = make_expert("ann", organisation="甲大学")
    draft = make_round(
        campaign, experts=[ann], opens_on=deadline + DAY, closes_on=deadline + 30 * DAY
    )
    client = login(users["editor"])
    open_url = reverse("reviewround:open", args=[draft.pk])

    listing = html.fromstring(client.get(reverse("reviewround:index")).content.decode())
    assert (
        listing.xpath(f"//a[@href='{open_url}']/text()[normalize-space()]")[0].strip() == "开启评审"
    )
    edit = html.fromstring(client.get(reverse("reviewround:edit", args=[draft.pk])).content)
    assert edit.xpath(f"//header//a[@href='{open_url}']")

    page = html.fromstring(client.get(open_url).content.decode())
    form = page.xpath(f"//form[@action='{open_url}'][@method='post']")[0]
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")
    assert "可参评项目1项" in "".join(page.text_content().split())

    response = client.post(open_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviewround:inspect", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == RoundStatus.OPEN
    assert Assignment.objects.filter(round=draft, expert=ann).count() == 1
    # An open round offers the button no more.
    listing = client.get(reverse("reviewround:index")).content.decode()
    assert open_url not in listing
    assert open_url not in client.get(reverse("reviewround:edit", args=[draft.pk])).content.decode()


def test_open_is_refused_with_its_reason_and_for_anyone_but_the_office(campaign, users):
    deadline = closes(campaign)
    passed(campaign, users["applicant"], "后台项目", organisation="戊公司")
    # No panel yet.
    review_round = make_round(campaign, opens_on=deadline + DAY, closes_on=deadline + 30 * DAY)
    open_url = reverse("reviewround:open", args=[review_round.pk])
    snapshot = review_snapshot()
    office = login(users["editor"])
    page = office.get(open_url).content.decode()
    assert "评审专家：请先为本轮添加评审专家，再开启评审。" in page
    assert not html.fromstring(page).xpath(f"//form[@action='{open_url}']")
    response = office.post(open_url)
    assert response.status_code == 400
    assert "请先为本轮添加评审专家" in response.content.decode()
    assert review_snapshot() == snapshot

    review_round.panel.create(expert=make_expert("bea", organisation="乙大学"))
    snapshot = review_snapshot()
    for username in ("applicant", "society", "expert"):
        client = login(users[username])
        assert client.get(open_url).status_code in (302, 403), username
        assert client.post(open_url).status_code in (302, 403), username
    assert Client().post(open_url).status_code == 302
    # The office's own POST needs the CSRF token.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["editor"])
    assert strict.post(open_url).status_code == 403
    assert review_snapshot() == snapshot
    assert ReviewRound.objects.get(pk=review_round.pk).status == RoundStatus.DRAFT


# --- the office's 申报 listing leaves drafts out ----------------------------------------------


def add_nominations(campaign, applicant, count):
    societies = list(MemberSociety.objects.filter(abbreviation__in=["CMES", "CAA"]))
    statuses = (
        NominationStatus.SUBMITTED,
        NominationStatus.ENDORSED,
        NominationStatus.DRAFT,
        NominationStatus.PASSED,
    )
    Nomination.objects.bulk_create(
        Nomination(
            campaign=campaign,
            applicant=applicant,
            project_name=f"{'草稿' if statuses[i % 4] == NominationStatus.DRAFT else '申报'}"
            f"项目{i:03d}",
            category="智能制造技术",
            recommender_type="成员学会",
            recommender_society=societies[i % 2],
            applicant_organisation=f"单位{i}",
            contact_person="张三",
            phone="010-1",
            email="z@example.com",
            status=statuses[i % 4],
        )
        for i in range(count)
    )


def listing(client, **params):
    return page_text(client.get(reverse("nomination:index"), params))


def test_the_office_listing_leaves_the_applicants_drafts_out_unless_asked(campaign, users):
    add_nominations(campaign, users["applicant"], 8)
    office = login(users["editor"])
    text = listing(office)
    assert "申报项目000" in text and "草稿项目" not in text
    assert "6 申报" in text  # the count is of what is listed
    text = listing(office, drafts="include")
    assert "申报项目000" in text and "草稿项目002" in text and "草稿项目006" in text
    text = listing(office, drafts="only")
    assert "草稿项目002" in text and "申报项目" not in text
    # Choosing 草稿 as the status is asking for them too.
    text = listing(office, status=NominationStatus.DRAFT)
    assert "草稿项目002" in text and "申报项目" not in text
    # A bad filter value shows no drafts either.
    assert "草稿项目" not in listing(office, drafts="everything")
    # The filter is there to be found.
    page = office.get(reverse("nomination:index")).content.decode()
    assert "申报单位的草稿" in page and "包括草稿" in page
    # A society never sees drafts, whatever it asks.
    assert "草稿项目" not in listing(login(users["society"]), drafts="include")


@pytest.mark.parametrize("drafts", ["", "include"])
@pytest.mark.parametrize("count", [5, 50])
def test_office_listing_queries(campaign, users, count, drafts, django_assert_max_num_queries):
    add_nominations(campaign, users["applicant"], count)
    client = login(users["editor"])
    params = {"drafts": drafts} if drafts else {}
    client.get(reverse("nomination:index"), params)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("nomination:index"), params)
    assert response.status_code == 200
    assert ("草稿项目" in response.content.decode()) == bool(drafts)


# --- the demo ---------------------------------------------------------------------------------


@pytest.mark.demo
def test_the_demo_holds_an_open_round_with_the_expert_on_its_panel(db):
    from django.contrib.auth import get_user_model

    from campaigns.demo.review import DEMO_EXPERT_ORGANISATION, NOMINATIONS

    call_command("load_demo")
    call_command("load_demo")  # safe to run twice: one round, the same nominations
    review_round = ReviewRound.objects.get(campaign__slug__endswith="-china-progress-review-demo")
    assert ReviewRound.objects.count() == 1
    assert (
        review_round.status == RoundStatus.OPEN
        and review_round.opens_on <= today() <= review_round.closes_on
    )
    campaign = CampaignPage.objects.get(pk=review_round.campaign_id)
    assert "（演示）" in campaign.title and not campaign.is_open()
    assert (
        round_date_errors(
            campaign,
            RoundKind.FIRST,
            review_round.opens_on,
            review_round.closes_on,
            review_round.pk,
        )
        == {}
    )
    expert = get_user_model().objects.get(username="expert")
    assert review_round.panel.get().expert == expert and review_round.panel.get().is_chair
    assert review_round.entries.count() == len(NOMINATIONS) == 5
    excluded = Assignment.objects.get(round=review_round, excluded=True)
    assert excluded.nomination.applicant_organisation == DEMO_EXPERT_ORGANISATION
    # Real files that pass the campaign's checks, four slots' worth minus the optional 文件4.
    for entry in review_round.entries.select_related("nomination"):
        files = entry.nomination.files.all()
        assert sorted(f.slot_code for f in files) == ["文件1", "文件2", "文件3"]
        assert all(f.check_ok for f in files)
        assert entry.nomination.project_name.startswith("【演示】")

    # The expert signs in and can score at once.
    client = Client()
    assert client.login(username="expert", password="lianhe-expert")
    text = " ".join(
        html.fromstring(client.get(reverse("review:home")).content).text_content().split()
    )
    assert "0/4 已评" in text
    assert excluded.nomination.project_name not in text
    first = (
        review_round.assignments.filter(excluded=False).order_by("nomination__project_name").first()
    )
    page = client.get(reverse("review:sheet", args=[review_round.pk, first.nomination_id]))
    assert page.status_code == 200
    assert "docx-preview" in page.content.decode() and "?inline=1" in page.content.decode()

    # The other journeys: the applicant's call is still open, its nominations untouched.
    open_call = CampaignPage.objects.get(slug__endswith="-china-progress-demo")
    assert open_call.is_open()
    applicant = get_user_model().objects.get(username="applicant")
    assert Nomination.objects.filter(applicant=applicant).count() == 1
