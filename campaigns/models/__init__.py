from .milestones import Milestone
from .nominations import Nomination, NominationEvent, NominationFile
from .pages import (
    CampaignIndexPage,
    CampaignPage,
    CampaignRecommender,
    Criterion,
    DocumentSlot,
    Quota,
    RecommenderType,
    ScopeCategory,
)

__all__ = [
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignRecommender",
    "Criterion",
    "DocumentSlot",
    "Milestone",
    "Nomination",
    "NominationEvent",
    "NominationFile",
    "Quota",
    "RecommenderType",
    "ScopeCategory",
]
