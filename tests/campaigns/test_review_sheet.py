"""The expert's score sheet as issue 11 §4 asks for it: 提交 (which locks the sheet) and 声明回避
ask for confirmation and change nothing until it is given; the weighted total's formula reaches the
page as data; previous / next links and the progress (1/3 已评); the Word form rendered in the
page (sanitised, cached per stored file) and the PDF shown inline, both only for whoever may read
the file."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html

from campaigns import previews, rounds, scoring, sheets
from campaigns.models import Assignment, ScoreSheet
from campaigns.models.review import SheetStatus
from cms.models import MemberSociety
from tests.campaigns.nomination_helpers import docx_form, file_url, prepare_site
from tests.campaigns.review_helpers import (
    campaign_2024,
    conflict_post,
    conflict_url,
    login,
    make_expert,
    make_round,
    passed,
    passed_with_files,
    review_snapshot,
    rules_2024,
    sheet_post,
    sheet_url,
)

pytestmark = pytest.mark.django_db

INNOVATION, LEADERSHIP, APPLICATION = "创新性", "引领性", "应用性"
QUERIES = 21


def scores(innovation, leadership, application):
    return {INNOVATION: str(innovation), LEADERSHIP: str(leadership), APPLICATION: str(application)}


@pytest.fixture
def world(federation, users):
    """A 2024-style first round, opened: n1 (with real files, from 某某大学 via CMES), n2 and n3
    passed; ann scores them all, bob works at 某某大学 and is excluded from n1."""
    campaign = campaign_2024(prepare_site(federation))
    cmes = MemberSociety.objects.get(abbreviation="CMES")
    caa = MemberSociety.objects.get(abbreviation="CAA")
    n1 = passed_with_files(
        campaign, users["applicant"], users["society"], users["editor"], "乙·数字孪生产线", cmes
    )
    n2 = passed(
        campaign, users["applicant"], "甲·智能焊接机器人", organisation="乙公司", society=caa
    )
    n3 = passed(campaign, users["applicant"], "丙·工业软件平台", organisation="丙公司", society=caa)
    ann = make_expert("ann", organisation="甲大学")
    bob = make_expert("bob", organisation="某某大学")
    review_round = make_round(campaign, experts=[ann, bob], chair=ann)
    rules_2024(review_round)
    rounds.open_round(review_round, users["editor"])
    return {"campaign": campaign, "round": review_round, "n1": n1, "n2": n2, "n3": n3, "ann": ann,
            "bob": bob}  # fmt: skip


def doc(response):
    return html.fromstring(response.content.decode())


# --- 提交 asks for confirmation ---------------------------------------------------------------


def test_submit_shows_a_confirmation_and_changes_nothing_until_confirmed(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    client = login(ann)
    sheets.save_sheet(review_round, n2, ann, scores(30, 20, 20))  # a draft, as the expert left it
    snapshot = review_snapshot()

    data = sheet_post(review_round, scores(35, 25, 28), action="submit", confirm=False)
    response = client.post(sheet_url(review_round, n2), data)
    assert response.status_code == 200
    page = doc(response)
    assert page.findtext(".//h1") == "确认提交评分表"
    text = page.text_content()
    assert "提交后评分表即锁定，您不能再修改" in text
    assert "加权总分：88（满分 100）" in text
    # The values typed travel in hidden fields to the button that submits for good.
    form = page.xpath("//form[contains(@class, 'confirm-actions')]")[0]
    hidden = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    assert hidden["score_0"] == "35" and hidden["score_2"] == "28" and hidden["confirm"] == "1"
    assert review_snapshot() == snapshot
    assert ScoreSheet.objects.get(expert=ann, nomination=n2).status == SheetStatus.DRAFT

    # 返回修改: the sheet with what was typed, still nothing saved.
    response = client.post(sheet_url(review_round, n2), {**hidden, "action": "back"})
    assert response.status_code == 200
    assert doc(response).xpath("//input[@id='score_1']/@value") == ["25"]
    assert review_snapshot() == snapshot

    response = client.post(sheet_url(review_round, n2), {**hidden, "action": "submit"})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(expert=ann, nomination=n2)
    assert sheet.status == SheetStatus.SUBMITTED
    assert scoring.sheet_total(sheet) == 88


def test_the_confirmation_refuses_what_submitting_would_refuse(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    client = login(ann)
    snapshot = review_snapshot()
    response = client.post(
        sheet_url(review_round, n2),
        sheet_post(review_round, {INNOVATION: "30"}, action="submit", confirm=False),
    )
    assert response.status_code == 400
    assert "引领性：提交前必须填写分数（0 到 30 分）" in response.content.decode()
    response = client.post(
        sheet_url(review_round, n2),
        sheet_post(review_round, scores(40, 30, 30), action="submit", confirm=False),
    )
    assert response.status_code == 400
    assert "总分：100 分高于 99 分，须填写高分理由。" in response.content.decode()
    assert review_snapshot() == snapshot

    sheets.save_sheet(review_round, n2, ann, scores(30, 20, 20), submit=True)
    snapshot = review_snapshot()
    response = client.post(
        sheet_url(review_round, n2),
        sheet_post(review_round, scores(31, 20, 20), action="submit", confirm=False),
    )
    assert response.status_code == 403
    assert "提交并锁定，不能再修改" in response.content.decode()
    assert review_snapshot() == snapshot


# --- 声明回避: its own section, its own confirmation -------------------------------------------


def test_declaring_a_conflict_is_apart_from_submitting_and_confirmed(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    client = login(ann)
    page = doc(client.get(sheet_url(review_round, n2)))
    sheet_form = page.xpath("//form[contains(@class, 'score-sheet')]")[0]
    assert [b.text for b in sheet_form.xpath(".//button")] == ["保存草稿", "提交"]
    section = page.xpath("//section[contains(@class, 'conflict-declaration')]")[0]
    assert section.xpath(".//form/@action") == [conflict_url(review_round, n2)]
    assert section.xpath(".//button/text()") == ["声明回避…"]
    # The declaration comes after the sheet and its 提交, in a section of its own.
    assert list(page.iter()).index(section) > list(page.iter()).index(sheet_form)

    snapshot = review_snapshot()
    response = client.post(
        conflict_url(review_round, n2), conflict_post("曾指导该项目", confirm=False)
    )
    assert response.status_code == 200
    assert "您即将对“甲·智能焊接机器人”声明回避" in response.content.decode()
    assert review_snapshot() == snapshot
    assert (
        client.post(conflict_url(review_round, n2), conflict_post("曾指导该项目")).status_code
        == 302
    )
    assert Assignment.objects.get(round=review_round, nomination=n2, expert=ann).excluded


# --- progress and neighbours ------------------------------------------------------------------


def pager(response):
    page = doc(response)
    nav = page.xpath("//nav[contains(@class, 'review-pager')]")[0]
    return (
        " ".join(nav.xpath(".//p[contains(@class, 'review-progress')]")[0].text_content().split()),
        nav.xpath(".//a[@rel='prev']/@href"),
        nav.xpath(".//a[@rel='next']/@href"),
    )


def test_the_sheet_shows_the_progress_and_the_previous_and_next_nominations(world):
    review_round, n1, n2, n3, ann = (
        world["round"],
        world["n1"],
        world["n2"],
        world["n3"],
        world["ann"],
    )
    client = login(ann)
    # By project name, as on the list at /review/: 丙 (n3), 乙 (n1), 甲 (n2) in code point order.
    order = sorted([n1, n2, n3], key=lambda n: n.project_name)
    first, middle, last = order
    assert pager(client.get(sheet_url(review_round, first))) == (
        "0/3 已评 · 第 1 项，共 3 项",
        [],
        [sheet_url(review_round, middle)],
    )
    sheets.save_sheet(review_round, middle, ann, scores(30, 20, 20), submit=True)
    sheets.save_sheet(review_round, last, ann, scores(30, 20, 20))  # a draft is not 已评
    assert pager(client.get(sheet_url(review_round, middle))) == (
        "1/3 已评 · 第 2 项，共 3 项",
        [sheet_url(review_round, first)],
        [sheet_url(review_round, last)],
    )
    assert pager(client.get(sheet_url(review_round, last)))[2] == []
    home = " ".join(doc(client.get(reverse("review:home"))).text_content().split())
    assert "1/3 已评" in home

    # bob is excluded from n1: it is neither counted nor linked on his sheets.
    bob = login(world["bob"])
    progress, previous, following = pager(bob.get(sheet_url(review_round, n2)))
    assert "共 2 项" in progress
    assert sheet_url(review_round, n1) not in previous + following


@pytest.mark.parametrize("count", [5, 50])
def test_sheet_queries_do_not_grow_with_the_round(federation, users, count,
                                                  django_assert_max_num_queries):  # fmt: skip
    campaign = campaign_2024(prepare_site(federation))
    for i in range(count):
        passed(campaign, users["applicant"], f"批量项目{i:02d}", organisation=f"单位{i}")
    ann = make_expert("ann", organisation="甲大学")
    review_round = make_round(campaign, experts=[ann])
    rounds.open_round(review_round, users["editor"])
    entries = list(
        review_round.entries.select_related("nomination").order_by("nomination__project_name")
    )
    for entry in entries[:3]:
        sheets.save_sheet(review_round, entry.nomination, ann, scores(30, 20, 20), submit=True)
    client = login(ann)
    url = sheet_url(review_round, entries[1].nomination)
    client.get(url)  # warm caches (content types, site root paths)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert f"3/{count} 已评 · 第 2 项，共 {count} 项" in " ".join(
        doc(response).text_content().split()
    )


# --- the live total: one formula, from the server ---------------------------------------------


def test_the_weighted_total_formula_reaches_the_page_as_data(world):
    review_round, n2, ann = world["round"], world["n2"], world["ann"]
    review_round.criteria[0]["weight"] = "2"  # as if 创新性 weighed double
    review_round.save()
    page = doc(login(ann).get(sheet_url(review_round, n2)))
    assert page.xpath("//script[contains(@src, 'js/score_sheet.js')]")
    formula = json.loads(page.xpath("//script[@id='score-formula']")[0].text)
    assert formula["criteria"] == [
        {"name": INNOVATION, "weight": "2", "max": "40"},
        {"name": LEADERSHIP, "weight": "1", "max": "30"},
        {"name": APPLICATION, "weight": "1", "max": "30"},
    ]
    assert formula["rules"] == [{"scope": "total", "criterion": "", "above": "99", "below": "50"}]
    assert set(formula["messages"]) == {"above", "below", "invalid", "partial", "total"}
    # The page computes Σ score × weight; so does the server, with the same data.
    typed = scores("10.5", 20, 30)
    total = sum(Decimal(typed[c["name"]]) * Decimal(c["weight"]) for c in formula["criteria"])
    sheets.save_sheet(review_round, n2, ann, typed)
    assert scoring.sheet_total(ScoreSheet.objects.get(expert=ann, nomination=n2)) == total == 71
    assert page.xpath("//output[@id='live-total']")


# --- materials in the page --------------------------------------------------------------------


def test_the_word_form_is_shown_in_the_page_and_cached_per_file(world, users):
    review_round, n1, ann = world["round"], world["n1"], world["ann"]
    client = login(ann)
    page = doc(client.get(sheet_url(review_round, n1)))
    preview = page.xpath("//div[contains(@class, 'docx-preview')]")[0]
    # docx_form's headings (Word's 标题 2) start at h4 under the page's h1/h2/h3.
    assert preview.xpath(".//h4/text()")[0] == "一、本项智能制造科技进展的背景和意义"
    assert preview.xpath(".//table//td//text()")[:3] == ["指标", "应用前", "应用后"]
    assert not preview.xpath(".//script | .//*[@style] | .//*[@onclick]")

    # Cached per stored file: the page still shows it once the file is gone from storage…
    record = n1.files.get(slot_code="文件1")
    record.file.storage.delete(record.file.name)
    assert "背景和意义" in client.get(sheet_url(review_round, n1)).content.decode()
    # …and a new upload (another stored name) is rendered anew.
    record.file.save("新推荐表.docx", _content(docx_form(1500, headings=("一、新的背景",))))
    assert "一、新的背景" in client.get(sheet_url(review_round, n1)).content.decode()


def _content(data):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def test_word_html_is_sanitised():
    dirty = (
        '<h1>标题</h1><p onclick="x()">正文<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">脚本链接</a><a href="data:text/html,x">数据链接</a>'
        '<a href="https://example.org/">网页</a><img src="http://evil.example/x.png">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="图"><iframe src="/"></iframe>'
    )
    clean = html.fromstring(f"<div>{previews.sanitise(dirty)}</div>")
    assert clean.xpath("//h3/text()") == ["标题"] and not clean.xpath("//h1")
    assert not clean.xpath("//script | //iframe | //*[@onclick]")
    assert clean.xpath("//a/@href") == ["https://example.org/"]
    assert clean.xpath("//img/@src") == ["data:image/png;base64,iVBORw0KGgo="]
    assert previews.render_docx(b"PK\x03\x04 not really a docx") is None


def test_the_pdf_is_shown_inline_only_to_whoever_may_read_it(world, users):
    review_round, n1, ann = world["round"], world["n1"], world["ann"]
    client = login(ann)
    url = file_url(n1, "文件3")
    page = doc(client.get(sheet_url(review_round, n1)))
    frames = page.xpath("//section[contains(@class, 'review-pdf')]//iframe/@src")
    assert [src.split("?")[1] for src in frames] == ["inline=1"]

    response = client.get(url, {"inline": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Without the flag, and for anything but a PDF, a download as before.
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    assert client.get(url)["X-Frame-Options"] == "DENY"
    word = client.get(file_url(n1, "文件1"), {"inline": "1"})
    assert word["Content-Disposition"].startswith("attachment")
    # The excluded and the unassigned expert get nothing, inline or not.
    assert login(world["bob"]).get(url, {"inline": "1"}).status_code == 404
    assert login(make_expert("eve")).get(url, {"inline": "1"}).status_code == 404
    assert login(users["expert"]).get(url, {"inline": "1"}).status_code == 404
