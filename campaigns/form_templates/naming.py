"""The names of a campaign's blank forms: the programme, the recommender, the titles and the
parts of file names."""

import re

from campaigns.models import CampaignKind


def programme_name(campaign):
    """`2024中国智能制造科技进展` for the federation's call; a government call's own title."""
    if campaign.kind == CampaignKind.GOVERNMENT:
        return campaign.title
    return f"{campaign.year}中国智能制造科技进展"


def recommender_label(campaign):
    if campaign.kind == CampaignKind.GOVERNMENT:
        return "推荐单位"
    societies = campaign.recommending_societies.exists()
    experts = campaign.accepts_expert_recommenders
    if societies and experts:
        return "推荐学会或专家"
    return "推荐专家" if experts else "推荐学会"


def short_label(label):
    """`“2024中国智能制造科技进展”推荐表` → `推荐表` for file names."""
    short = re.sub(r"[“\"][^”\"]*[”\"]", "", label).strip()
    return short or label.strip()


def safe_filename_part(text):
    return re.sub(r'[\\/:*?"<>|\s]+', "", text)


def recommendation_title(campaign, slot):
    """文件1's title: `“2024中国智能制造科技进展”推荐表`; a government call's slot label."""
    if campaign.kind == CampaignKind.GOVERNMENT:
        return slot.label
    return f"“{programme_name(campaign)}”推荐表"


def commitment_title(campaign):
    """文件3's title: `“2024中国智能制造科技进展”承诺书`."""
    return f"“{programme_name(campaign)}”承诺书"
