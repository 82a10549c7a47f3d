"""The campaigns in the Wagtail admin, registered by `campaigns.wagtail_hooks` (nothing here
registers itself on import): two menu groups of viewsets, the review results and the showcase
action.

- `milestones`, `nominations`, `rounds` (review rounds, panel members, justification rules): the
  征集活动 group;
- `notices` (public notices, objections): the 公示与异议 group;
- `ranking`: the 评审结果 URLs and menu item; `showcase`: 发布结果，生成双十条目;
- `listing`: `ListingOnlyViewSetMixin`, for records that change only through their services.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from campaigns.admin.milestones import MilestoneViewSet
from campaigns.admin.nominations import NominationViewSet
from campaigns.admin.notices import NoticeViewSet, ObjectionViewSet
from campaigns.admin.rounds import JustificationRuleViewSet, PanelMemberViewSet, ReviewRoundViewSet


class CampaignViewSetGroup(ViewSetGroup):
    menu_label = _("征集活动")
    menu_icon = "tasks"
    menu_order = 250
    items = (
        MilestoneViewSet,
        NominationViewSet,
        ReviewRoundViewSet,
        PanelMemberViewSet,
        JustificationRuleViewSet,
    )


class NoticeViewSetGroup(ViewSetGroup):
    menu_label = _("公示与异议")
    menu_icon = "info-circle"
    menu_order = 260
    items = (NoticeViewSet, ObjectionViewSet)
