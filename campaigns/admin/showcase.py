"""The office's "发布结果，生成双十条目" in the admin: GET shows what publishing the campaign's
result would create (or why it cannot yet), POST creates the year's China items as drafts through
`campaigns.showcase.create_china_items`. Only the office; everyone else gets 403 and nothing
changes.

Its admin URL (`urlpatterns`) and the button on the campaign page's header
(`publish_showcase_button`) are registered by `campaigns.wagtail_hooks`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import Button

from campaigns.models import CampaignPage
from campaigns.nomination_errors import ActionRefused
from campaigns.showcase import can_create_china_items, create_china_items, preview_china_items
from cms.roles import is_office

URL_NAME = "campaigns_publish_showcase"
ACTION_LABEL = gettext_lazy("发布结果，生成双十条目")


def publish_showcase_view(request, campaign_id):
    if not is_office(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(CampaignPage, pk=campaign_id)
    status = 200
    if request.method == "POST":
        try:
            result = create_china_items(campaign, request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.reason)
            status = 400
        else:
            messages.success(
                request,
                _(
                    "已发布结果：在“%(year)s”下新建 %(created)d 个中国智能制造十大科技进展条目"
                    "（草稿），已有 %(existing)d 个未重复生成。请补充内容后发布。"
                )
                % {
                    "year": result.year_page.title,
                    "created": len(result.created),
                    "existing": len(result.existing),
                },
            )
            return redirect("wagtailadmin_explore", result.year_page.pk)
    allowed, reason = can_create_china_items(request.user, campaign)
    title = str(ACTION_LABEL)
    return TemplateResponse(
        request,
        "campaigns/admin/publish_showcase.html",
        {
            "campaign": campaign,
            "allowed": allowed,
            "reason": reason,
            "rows": preview_china_items(campaign),
            "header_title": title,
            "page_title": title,
            "page_subtitle": campaign.title,
            "header_icon": "pick",
        },
        status=status,
    )


urlpatterns = [
    path(
        "campaigns/<int:campaign_id>/publish-showcase/",
        publish_showcase_view,
        name=URL_NAME,
    )
]


def publish_showcase_button(page, user, view_name, next_url=None):
    if page.specific_class is CampaignPage and is_office(user):
        yield Button(
            label=ACTION_LABEL,
            url=reverse(URL_NAME, args=(page.pk,)),
            icon_name="pick",
            priority=58,
        )
