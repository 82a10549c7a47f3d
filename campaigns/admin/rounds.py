"""Review rounds in the Wagtail admin ("评审轮次"), for the office only: create a round, keep its
panel of experts ("评审专家名单") and its justification rules ("理由规则"), open it ("开启评审"),
and assign an expert by hand. The decisions are `campaigns.review`'s (who may) and
`campaigns.rounds`' (the round's life cycle); these views only call them."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from campaigns import rounds, scoring
from campaigns.models import (
    Assignment,
    JustificationRule,
    Nomination,
    PanelMember,
    ReviewRound,
)
from campaigns.models.review import RoundStatus
from campaigns.review import ReviewRefused, can_assign, can_open_round
from campaigns.round_dates import round_date_errors
from cms.roles import OfficePermissionPolicy, Role, users_with_role


class RoundPermissionPolicy(OfficePermissionPolicy):
    """The office manages rounds, panels and rules; a round's panel and rules change only while
    the round is in preparation (its rules would otherwise change under the experts' feet), and
    a round is deleted only before it opens (deleting it would delete its scores)."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action != "delete":
            return True
        review_round = instance if isinstance(instance, ReviewRound) else instance.round
        if isinstance(instance, PanelMember):
            return (
                review_round.status != RoundStatus.CONFIRMED
                and not Assignment.objects.filter(
                    round=review_round, expert=instance.expert
                ).exists()
            )
        return review_round.status == RoundStatus.DRAFT


class InstanceDeleteView(DeleteView):
    """Wagtail's delete view asks the policy about the model only ("may this user delete
    rounds?"), never about the round in front of it, so the office could delete an open or a
    confirmed round — its entries, assignments, sheets and scores with it — by its delete URL. This
    one asks about the instance too: GET and POST are refused alike."""

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission_for_instance("delete", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- rounds -----------------------------------------------------------------------------------


class ReviewRoundForm(WagtailAdminModelForm):
    class Meta:
        model = ReviewRound
        fields = [
            "campaign",
            "kind",
            "opens_on",
            "closes_on",
            "aggregation",
            "advance_count",
            "forward_count",
        ]

    def clean(self):
        cleaned = super().clean()
        errors = round_date_errors(
            cleaned.get("campaign"),
            cleaned.get("kind"),
            cleaned.get("opens_on"),
            cleaned.get("closes_on"),
            instance_pk=self.instance.pk,
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        if self.instance.pk and self.instance.status != RoundStatus.DRAFT:
            for name in ("campaign", "kind"):
                if name in self.changed_data:
                    self.add_error(name, _("评审轮次已开启，不能再更改征集活动或轮次。"))
        return cleaned


class AssignForm(forms.Form):
    nomination = forms.ModelChoiceField(label=gettext_lazy("参评项目"), queryset=None)
    expert = forms.ModelChoiceField(label=gettext_lazy("专家"), queryset=None)

    def __init__(self, review_round, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = Nomination.objects.filter(
            round_entries__round=review_round
        )
        self.fields["expert"].queryset = get_user_model().objects.filter(
            panel_memberships__round=review_round
        )


class ReviewRoundInspectView(InspectView):
    """The round: its panel, rules and entries, and the buttons that open it and assign by
    hand."""

    template_name = "campaigns/review/admin_round.html"

    def get_fields(self):
        return []

    def post(self, request, *args, **kwargs):
        review_round = self.object
        action = request.POST.get("action")
        assign_form = None
        try:
            if action == "open":
                rounds.open_round(review_round, request.user)
                messages.success(
                    request,
                    _("已开启评审：%(round)s，%(count)d 个参评项目。")
                    % {"round": review_round, "count": review_round.entries.count()},
                )
                return redirect(request.path)
            if action == "assign":
                assign_form = AssignForm(review_round, request.POST)
                if assign_form.is_valid():
                    assignment = rounds.assign(
                        review_round,
                        assign_form.cleaned_data["nomination"],
                        assign_form.cleaned_data["expert"],
                        request.user,
                    )
                    if assignment.excluded:
                        messages.warning(
                            request, _("已分配，但该专家须回避：%s") % assignment.exclusion_reason
                        )
                    else:
                        messages.success(request, _("已分配：%s") % assignment)
                    return redirect(request.path)
        except ReviewRefused as refusal:
            messages.error(request, refusal.reason)
        context = self.get_context_data(assign_form=assign_form)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review_round = self.object
        context["round"] = review_round
        context["panel"] = review_round.panel.select_related("expert", "expert__account_profile")
        context["rules"] = review_round.rules.all()
        context["entries"] = review_round.entries.select_related("nomination")
        context["criteria"] = scoring.criteria_of(review_round) if review_round.criteria else []
        context["can_open"], context["not_opening"] = can_open_round(
            self.request.user, review_round
        )
        context["can_assign"] = can_assign(self.request.user, review_round)[0]
        if context["can_assign"]:
            context["assign_form"] = kwargs.get("assign_form") or AssignForm(review_round)
        context["excluded"] = Assignment.objects.filter(
            round=review_round, excluded=True
        ).select_related("nomination", "expert")
        return context


def open_url(review_round):
    return reverse("reviewround:open", args=[review_round.pk])


class ReviewRoundOpenView(InspectView):
    """开启评审 on a page of its own, reached from the listing's row and the edit view's header as
    well as from the round's page: what opening does (the criteria frozen, the nominations taken,
    the panel assigned), and the button that does it (POST, CSRF, checked by the service)."""

    page_title = gettext_lazy("开启评审")
    template_name = "campaigns/review/admin_open.html"

    def get_fields(self):
        return []

    def post(self, request, *args, **kwargs):
        review_round = self.object
        try:
            rounds.open_round(review_round, request.user)
        except ReviewRefused as refusal:
            messages.error(request, refusal.reason)
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(
            request,
            _("已开启评审：%(round)s，%(count)d 个参评项目。")
            % {"round": review_round, "count": review_round.entries.count()},
        )
        return redirect(reverse("reviewround:inspect", args=[review_round.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review_round = self.object
        context["round"] = review_round
        context["can_open"], context["not_opening"] = can_open_round(
            self.request.user, review_round
        )
        context["eligible_count"] = rounds.eligible_nominations(review_round).count()
        context["panel_count"] = review_round.panel.count()
        context["criteria"] = list(review_round.campaign.criteria.all())
        return context


class ReviewRoundEditView(EditView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.object.status == RoundStatus.DRAFT:
            buttons.append(
                HeaderButton(_("开启评审"), url=open_url(self.object), icon_name="circle-check")
            )
        return buttons


class ReviewRoundIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == RoundStatus.DRAFT:
            buttons.append(
                ListingButton(_("开启评审"), url=open_url(instance), icon_name="circle-check")
            )
        return buttons


class RoundRecordViewSet(ModelViewSet):
    """The admin of a round and of what belongs to it: the office's only (the round's policy),
    reached from the round rather than the menu, never copied."""

    delete_view_class = InstanceDeleteView
    add_to_admin_menu = False
    copy_view_enabled = False
    record_form = None

    @property
    def permission_policy(self):
        return RoundPermissionPolicy(self.model)

    def get_form_class(self, for_update=False):
        return self.record_form


class ReviewRoundViewSet(RoundRecordViewSet):
    model = ReviewRound
    record_form = ReviewRoundForm
    index_view_class = ReviewRoundIndexView
    edit_view_class = ReviewRoundEditView
    icon = "group"
    menu_label = gettext_lazy("评审轮次")
    form_fields = ReviewRoundForm.Meta.fields
    list_display = ["__str__", "opens_on", "closes_on", "status", "aggregation"]
    list_filter = ["campaign", "kind", "status"]
    ordering = ["-opens_on"]
    inspect_view_enabled = True
    inspect_view_class = ReviewRoundInspectView

    @property
    def open_view(self):
        return self.construct_view(
            ReviewRoundOpenView,
            **self.get_inspect_view_kwargs(template_name=ReviewRoundOpenView.template_name),
        )

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("open/<int:pk>/", self.open_view, name="open")]


# --- panel ------------------------------------------------------------------------------------


class PanelMemberForm(WagtailAdminModelForm):
    class Meta:
        model = PanelMember
        fields = ["round", "expert", "is_chair"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = users_with_role(Role.EXPERT).order_by("username")
        self.fields["round"].queryset = ReviewRound.objects.exclude(status=RoundStatus.CONFIRMED)
        self.fields["expert"].help_text = _("从“评审专家”用户组中选择")

    def clean(self):
        cleaned = super().clean()
        review_round = cleaned.get("round")
        moved = self.instance.pk and {"round", "expert"} & set(self.changed_data)
        if (
            moved
            and Assignment.objects.filter(
                round=self.instance.round, expert=self.instance.expert
            ).exists()
        ):
            self.add_error(None, _("该专家已有评审分配，不能更换轮次或专家。"))
        if review_round and cleaned.get("is_chair"):
            others = review_round.panel.filter(is_chair=True).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "is_chair",
                    _("本轮已有评审组长（%(chair)s），每轮只设一名组长。")
                    % {"chair": others.first().expert},
                )
        return cleaned


class PanelMemberViewSet(RoundRecordViewSet):
    model = PanelMember
    record_form = PanelMemberForm
    icon = "user"
    menu_label = gettext_lazy("评审专家名单")
    form_fields = PanelMemberForm.Meta.fields
    list_display = ["expert", "round", "is_chair"]
    list_filter = ["round"]


# --- justification rules ----------------------------------------------------------------------


class JustificationRuleForm(WagtailAdminModelForm):
    class Meta:
        model = JustificationRule
        fields = ["round", "scope", "criterion_name", "above", "below"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = ReviewRound.objects.filter(status=RoundStatus.DRAFT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("above") is None and cleaned.get("below") is None:
            self.add_error("above", _("高于、低于：至少填写一个分数界限。"))
        if self.instance.pk and self.instance.round.status != RoundStatus.DRAFT:
            self.add_error(None, _("评审轮次已开启，理由规则不能再修改。"))
        if cleaned.get("scope") == "total" and cleaned.get("criterion_name"):
            self.add_error("criterion_name", _("指标：总分规则不适用于单项指标，请留空。"))
        return cleaned


class JustificationRuleViewSet(RoundRecordViewSet):
    model = JustificationRule
    record_form = JustificationRuleForm
    icon = "edit"
    menu_label = gettext_lazy("理由规则")
    form_fields = JustificationRuleForm.Meta.fields
    list_display = ["round", "scope", "criterion_name", "above", "below"]
    list_filter = ["round"]
