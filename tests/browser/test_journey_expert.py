"""Issue 11 §4 in a real browser: the demo's `expert` signs in, finds the open round at /review/,
reads the materials in the page, scores a nomination with the weighted total following the typing,
moves to the next one and submits it through the confirmation; and the office opens a round from
the rounds' listing."""

import re

import pytest

from campaigns.models import NominationStatus
from tests.browser.expect import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_expert_scores_with_the_live_total_moves_on_and_submits_with_confirmation(
    page, demo, login
):
    from campaigns.models import ScoreSheet
    from campaigns.models.review import SheetStatus

    login("expert", path="/accounts/login/")
    page.goto("/review/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=2)).to_contain_text("初评（演示）")
    expect(main.locator(".review-progress")).to_have_text("0/4 已评")
    rows = main.locator("table.nominations tbody tr")
    expect(rows).to_have_count(4)
    first_name = rows.first.locator("a").inner_text()
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r"/review/\d+/\d+/$"))

    # The materials are in the page: the Word form as text, the PDF in a frame, the video.
    expect(page.get_by_role("heading", level=1)).to_have_text(first_name)
    preview = page.locator(".docx-preview")
    expect(
        preview.get_by_role("heading", name="一、本项智能制造科技进展的背景和意义")
    ).to_be_visible()
    expect(preview.locator("table")).to_contain_text("生产效率")
    frame = page.locator(".review-pdf iframe")
    expect(frame).to_have_attribute("src", re.compile(r"/files/.+/\?inline=1$"))
    response = page.request.get(frame.get_attribute("src"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    expect(page.locator("video")).to_have_count(1)
    expect(page.locator(".review-pager")).to_contain_text("0/4 已评 · 第 1 项，共 4 项")

    # The weighted total follows the typing, with the 2024 rule's hint on the total.
    total = page.locator("#live-total")
    expect(total).to_have_text("—")
    page.get_by_label("创新性", exact=True).fill("35")
    expect(total).to_have_text("35（尚有 2 项未评分）")
    page.get_by_label("引领性", exact=True).fill("25.5")
    page.get_by_label("应用性", exact=True).fill("28")
    expect(total).to_have_text("88.5")
    expect(page.locator("#total-hint")).to_have_text("")
    page.get_by_label("应用性", exact=True).fill("10")
    expect(total).to_have_text("70.5")
    page.get_by_label("创新性", exact=True).fill("10")
    expect(total).to_have_text("45.5")
    expect(page.locator("#total-hint")).to_contain_text("低于 50 分，须填写理由")
    page.get_by_label("创新性", exact=True).fill("35")
    page.get_by_label("应用性", exact=True).fill("28")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("main [role=status]")).to_contain_text("已保存为草稿")
    expect(total).to_have_text("88.5")
    page.screenshot(path="test-artifacts/screenshots/expert_sheet_draft.png", full_page=True)

    # On to the next nomination.
    page.locator(".review-pager a[rel=next]").click()
    expect(page.locator(".review-pager")).to_contain_text("第 2 项，共 4 项")
    second_name = page.get_by_role("heading", level=1).inner_text()
    assert second_name != first_name
    page.get_by_label("创新性", exact=True).fill("36")
    page.get_by_label("引领性", exact=True).fill("26")
    page.get_by_label("应用性", exact=True).fill("27")
    expect(total).to_have_text("89")

    # 提交 asks first; nothing is locked until 确认提交.
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("确认提交评分表")
    expect(page.locator("main")).to_contain_text("加权总分：89（满分 100）")
    assert not ScoreSheet.objects.filter(nomination__project_name=second_name).exists()
    page.screenshot(path="test-artifacts/screenshots/expert_confirm_submit.png", full_page=True)
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("main [role=status]")).to_contain_text("评分表已提交并锁定")
    expect(page.get_by_label("创新性", exact=True)).to_be_disabled()
    expect(page.locator(".review-pager")).to_contain_text("1/4 已评")
    assert page.get_by_role("button", name="提交", exact=True).count() == 0

    sheets = dict(ScoreSheet.objects.values_list("nomination__project_name", "status"))
    assert sheets == {first_name: SheetStatus.DRAFT, second_name: SheetStatus.SUBMITTED}
    page.goto("/review/")
    expect(page.locator("main .review-progress")).to_have_text("1/4 已评")


def test_office_opens_a_round_from_the_listing(page, demo, login):
    import datetime

    from django.contrib.auth import get_user_model

    from campaigns.models import CampaignPage, Nomination, PanelMember, ReviewRound
    from campaigns.models.review import RoundKind, RoundStatus
    from cms.models import MemberSociety

    users = get_user_model().objects.in_bulk(["applicant", "expert"], field_name="username")
    campaign = CampaignPage.objects.get(slug="2024-china-progress")
    Nomination.objects.create(
        campaign=campaign,
        applicant=users["applicant"],
        project_name="浏览器测试项目（演示）",
        category=campaign.categories.first().name,
        recommender_type="成员学会",
        recommender_society=MemberSociety.objects.get(abbreviation="CMES"),
        applicant_organisation="某公司（演示）",
        contact_person="张三",
        phone="010-1",
        email="z@example.com",
        status=NominationStatus.PASSED,
    )
    review_round = ReviewRound.objects.create(
        campaign=campaign,
        kind=RoundKind.FIRST,
        opens_on=datetime.date(2024, 9, 1),
        closes_on=datetime.date(2024, 10, 15),
        advance_count=15,
        forward_count=5,
    )
    PanelMember.objects.create(round=review_round, expert=users["expert"])

    login("editor")
    page.goto("/admin/reviewround/")
    row = page.locator("tr", has_text="2024 中国智能制造科技进展")
    row.get_by_role("link", name="开启评审").click()
    page.wait_for_url(f"**/admin/reviewround/open/{review_round.pk}/")
    expect(page.locator("main")).to_contain_text("开启后将冻结征集活动当前的评选标准")
    page.screenshot(path="test-artifacts/screenshots/office_open_round.png", full_page=True)
    page.locator("main form").get_by_role("button", name="开启评审").click()
    page.wait_for_url(f"**/admin/reviewround/inspect/{review_round.pk}/")
    expect(page.locator(".messages")).to_contain_text("已开启评审")
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN
    assert review_round.assignments.get().nomination.project_name == "浏览器测试项目（演示）"
    page.goto("/admin/reviewround/")
    row = page.locator("tr", has_text="2024 中国智能制造科技进展")
    expect(row.get_by_role("link", name="开启评审")).to_have_count(0)
