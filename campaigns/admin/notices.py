"""The public notices and their objections in the Wagtail admin ("公示" and "异议"), for the office
only: start a campaign's notice, and decide each objection (upheld or dismissed, with a reason;
upholding may move the next-ranked item up). Thin: `campaigns.notice` and `campaigns.objections`
decide and record."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns import objections
from campaigns.admin.listing import ListingOnlyViewSetMixin
from campaigns.models import CampaignPage, Objection, PublicNotice
from campaigns.models.review import ObjectionStatus
from campaigns.nomination_errors import ActionRefused
from campaigns.notice import can_decide, final_round, period_text, start_notice
from campaigns.views.notice import attachment_url, notice_url
from cms.roles import OfficePermissionPolicy, is_office

# Notices and objections are the office's business; nobody deletes them.
OFFICE_ACTIONS = ("view", "change", "add")


# --- notices ----------------------------------------------------------------------------------


class StartNoticeForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("征集活动"),
        queryset=CampaignPage.objects.order_by("-year", "title"),
        error_messages={"required": gettext_lazy("征集活动：必须选择。")},
    )
    starts_on = forms.DateField(
        label=gettext_lazy("公示开始日期"),
        required=False,
        help_text=gettext_lazy("留空则从今天开始；公示天数按征集活动的设置（默认 7 天）。"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("公示开始日期：请按 2024-11-01 的格式填写。")},
    )


class StartNoticeView(CreateView):
    page_title = gettext_lazy("发布公示")

    def get_form_class(self):
        return StartNoticeForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs.pop("for_user", None)
        return kwargs

    def form_valid(self, form):
        try:
            notice = start_notice(
                form.cleaned_data["campaign"],
                self.request.user,
                form.cleaned_data.get("starts_on"),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.reason)
            self.produced_error_message = refusal.reason
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已发布公示：%(title)s，%(period)s")
            % {"title": notice.campaign.title, "period": period_text(notice)},
        )
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse(self.index_url_name)


class PeriodColumn(Column):
    def get_value(self, instance):
        return period_text(instance)


class NoticeStateColumn(Column):
    def get_value(self, instance):
        if instance.closed_at:
            return _("已结束")
        today = timezone.localdate()
        if today < instance.starts_on:
            return _("未开始")
        if today > instance.ends_on:
            return _("已到期，待关闭")
        return _("公示中")


class NoticeIndexView(IndexView):
    def get_base_queryset(self):
        return PublicNotice.objects.select_related("campaign")


class NoticeViewSet(ListingOnlyViewSetMixin, ModelViewSet):
    extra_views = (("add/", "add_view", "add"),)
    model = PublicNotice
    icon = "info-circle"
    menu_label = gettext_lazy("公示")
    add_to_admin_menu = False
    index_view_class = NoticeIndexView
    add_view_class = StartNoticeView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "campaign",
        PeriodColumn("period", label=gettext_lazy("公示期")),
        NoticeStateColumn("state", label=gettext_lazy("状态")),
    ]
    ordering = ["-starts_on"]
    form_fields = ["campaign", "starts_on"]

    @property
    def permission_policy(self):
        return OfficePermissionPolicy(self.model, actions=OFFICE_ACTIONS)


# --- objections -------------------------------------------------------------------------------


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[
            (ObjectionStatus.UPHELD, gettext_lazy("异议成立")),
            (ObjectionStatus.DISMISSED, gettext_lazy("异议不成立")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("处理结果：请选择“异议成立”或“异议不成立”。"),
            "invalid_choice": gettext_lazy("处理结果：请选择“异议成立”或“异议不成立”。"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("处理意见"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("处理意见：必须填写理由。")},
    )
    promote_next = forms.BooleanField(
        label=gettext_lazy("异议成立时，由下一名递补入选"), required=False
    )


class ObjectionIndexView(IndexView):
    def get_base_queryset(self):
        return Objection.objects.select_related("notice__campaign", "nomination", "filed_by")


class ObjectionDecisionView(InspectView):
    page_title = gettext_lazy("处理异议")
    template_name = "campaigns/notice/admin_objection.html"

    def get_object(self, queryset=None):
        objection = (
            Objection.objects.select_related(
                "notice__campaign", "nomination__recommender_society", "filed_by", "decided_by"
            )
            .filter(pk=self.pk)
            .first()
        )
        if objection is None or not is_office(self.request.user):
            raise Http404
        return objection

    def get_fields(self):
        return []

    def post(self, request, *args, **kwargs):
        form = ObjectionDecisionForm(request.POST)
        if form.is_valid():
            try:
                objections.decide_objection(
                    self.object,
                    request.user,
                    form.cleaned_data["decision"],
                    form.cleaned_data["reason"],
                    promote_next=form.cleaned_data["promote_next"],
                )
            except ActionRefused as refusal:
                form.add_error(None, refusal.reason)
            except objections.InvalidObjection as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("异议已处理。"))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objection = self.object
        campaign = objection.notice.campaign
        context["objection"] = objection
        context["can_decide"] = can_decide(self.request.user, objection)[0]
        context["form"] = kwargs.get("form") or ObjectionDecisionForm()
        context["notice_url"] = notice_url(campaign, self.request)
        context["period"] = period_text(objection.notice)
        if objection.attachment:
            context["attachment_url"] = attachment_url(campaign, objection.pk, self.request)
        round_ = final_round(campaign)
        following = objections.next_ranked(round_.pk) if round_ else None
        context["next_ranked"] = following
        return context


class ObjectionViewSet(ListingOnlyViewSetMixin, ModelViewSet):
    extra_views = (("decide/<int:pk>/", "inspect_view", "inspect"),)
    """Objections are filed on the public site; here the office only lists and decides them."""

    model = Objection
    icon = "warning"
    menu_label = gettext_lazy("异议")
    add_to_admin_menu = False
    index_view_class = ObjectionIndexView
    inspect_view_class = ObjectionDecisionView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["nomination", "notice", "filed_by", "filed_at", "status"]
    list_filter = ["status"]
    ordering = ["-filed_at"]

    @property
    def permission_policy(self):
        return OfficePermissionPolicy(self.model, actions=OFFICE_ACTIONS)
