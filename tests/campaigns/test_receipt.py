"""The applicant's receipt (申报回执): a Word file of what was submitted and what the checks found,
downloadable from 我的申报 by whoever may see the nomination, and by no one else."""

import io

from django.test import Client
from django.urls import reverse
from docx import Document

from campaigns.receipt import receipt_number
from tests.campaigns.factories import CampaignPageFactory, NominationFactory
from tests.cms.factories import UserFactory


def receipt_text(response):
    document = Document(io.BytesIO(response.content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_applicant_downloads_the_receipt_of_a_submitted_nomination(
    campaign_index, cmes, society_member
):
    campaign = CampaignPageFactory(
        parent=campaign_index, open=True, word_slot=True, societies=[cmes]
    )
    nomination = NominationFactory(campaign=campaign, submitted=True, project_name="回执测试项目")
    client = signed_in(nomination.applicant)

    listing = client.get(reverse("my_nominations")).content.decode()
    url = reverse("nomination_receipt", args=[nomination.pk])
    assert f'href="{url}"' in listing and "下载回执" in listing

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    text = receipt_text(response)
    assert "申报回执" in text
    assert receipt_number(nomination) in text
    assert "回执测试项目" in text and campaign.title in text
    assert "已提交，待学会推荐" in text
    # Every stored file with its check result and what the checks measured.
    record = nomination.files.get(slot_code="文件1")
    assert record.original_name in text
    assert "文件1" in text and "通过" in text and "必备部分" in text
    assert "中国科协智能制造学会联合体秘书处" in text

    # The recommending society may see the nomination, so its receipt too.
    assert signed_in(society_member).get(url).status_code == 200


def test_no_receipt_for_a_draft_nor_for_someone_else(campaign_index, cmes):
    campaign = CampaignPageFactory(parent=campaign_index, open=True, societies=[cmes])
    draft = NominationFactory(campaign=campaign)
    submitted = NominationFactory(campaign=campaign, submitted=True)

    owner = signed_in(draft.applicant)
    assert owner.get(reverse("nomination_receipt", args=[draft.pk])).status_code == 404
    assert "下载回执" not in owner.get(reverse("my_nominations")).content.decode()

    stranger = signed_in(UserFactory(verified=True))
    assert stranger.get(reverse("nomination_receipt", args=[submitted.pk])).status_code == 404

    anonymous = Client().get(reverse("nomination_receipt", args=[submitted.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
