from .call_terms import (
    CampaignRecommender,
    Criterion,
    DocumentSlot,
    Quota,
    RecommenderType,
    ScopeCategory,
    SlotKind,
)
from .milestones import Milestone
from .nominations import Nomination, NominationEvent, NominationFile, NominationStatus
from .pages import CampaignIndexPage, CampaignKind, CampaignPage
from .review import (
    Assignment,
    JustificationRule,
    Objection,
    PanelMember,
    PublicNotice,
    ReviewEvent,
    ReviewRound,
    RoundEntry,
    Score,
    ScoreSheet,
)
from .showcase import (
    AchievementPage,
    AchievementTag,
    ShowcaseIndexPage,
    ShowcaseListKind,
    ShowcaseYearPage,
)

__all__ = [
    "AchievementPage",
    "AchievementTag",
    "Assignment",
    "CampaignIndexPage",
    "CampaignKind",
    "CampaignPage",
    "CampaignRecommender",
    "Criterion",
    "DocumentSlot",
    "JustificationRule",
    "Milestone",
    "Nomination",
    "NominationEvent",
    "NominationFile",
    "NominationStatus",
    "Objection",
    "PanelMember",
    "PublicNotice",
    "Quota",
    "RecommenderType",
    "ReviewEvent",
    "ReviewRound",
    "RoundEntry",
    "ScopeCategory",
    "Score",
    "ScoreSheet",
    "ShowcaseIndexPage",
    "ShowcaseListKind",
    "ShowcaseYearPage",
    "SlotKind",
]
