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
from .showcase import AchievementPage, AchievementTag, ShowcaseIndexPage, ShowcaseYearPage

__all__ = [
    "AchievementPage",
    "AchievementTag",
    "Assignment",
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignRecommender",
    "Criterion",
    "DocumentSlot",
    "JustificationRule",
    "Milestone",
    "Nomination",
    "NominationEvent",
    "NominationFile",
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
    "ShowcaseYearPage",
]
