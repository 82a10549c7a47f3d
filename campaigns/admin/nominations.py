"""The nominations in the Wagtail admin ("申报"): a listing limited to what the user may see, and a
review page where the recommending society endorses or returns and the office does the formal
review, with the automatic checks beside the decision and the event log below it."""

import django_filters
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns import permissions
from campaigns.admin.listing import ListingOnlyViewSetMixin
from campaigns.checklist import submission_problems
from campaigns.forms import DecisionForm
from campaigns.models import Nomination, NominationStatus
from campaigns.nomination_errors import ActionRefused, InvalidNomination
from campaigns.nominations import ACTION_LABELS, DELETE, SUBMIT, WITHDRAW, perform, reason_required
from campaigns.quotas import places_taken, quota_limit
from campaigns.recommenders import recommender_of
from campaigns.views.nominations import file_url
from cms.roles import OfficePermissionPolicy, is_office, society_ids


class NominationPermissionPolicy(OfficePermissionPolicy):
    """Nominations are made on the public site and never deleted: in the admin one can only look
    (the office, and the people of a recommending society) and decide through the review page
    (checked there, action by action)."""

    actions = ("view", "change")

    def user_has_permission(self, user, action):
        if action == "view" and society_ids(user):
            return True
        return super().user_has_permission(user, action)


INCLUDE_DRAFTS = "include"
ONLY_DRAFTS = "only"


class NominationFilterSet(WagtailFilterSet):
    """征集活动, 状态, and the applicants' drafts: left out unless the office asks for them (or
    picks 草稿 as the status), because a draft is the applicant's own until it is submitted."""

    drafts = django_filters.ChoiceFilter(
        label=gettext_lazy("申报单位的草稿"),
        choices=[
            (INCLUDE_DRAFTS, gettext_lazy("包括草稿")),
            (ONLY_DRAFTS, gettext_lazy("只看草稿")),
        ],
        empty_label=gettext_lazy("不含草稿"),
        method="filter_drafts",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Nomination
        fields = ["campaign", "status"]

    def filter_drafts(self, queryset, name, value):
        return queryset.filter(status=NominationStatus.DRAFT) if value == ONLY_DRAFTS else queryset


class NominationIndexView(IndexView):
    def get_base_queryset(self):
        return permissions.visible_nominations(
            self.request.user,
            Nomination.objects.select_related("campaign", "recommender_society", "applicant"),
        )

    def shows_drafts(self):
        if not (self.filters and self.filters.is_valid()):
            return False
        data = self.filters.form.cleaned_data
        return bool(data.get("drafts")) or data.get("status") == NominationStatus.DRAFT

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.shows_drafts():
            queryset = queryset.exclude(status=NominationStatus.DRAFT)
        return queryset


class RecommenderColumn(Column):
    def get_value(self, instance):
        if instance.recommender_society_id:
            return instance.recommender_society.name
        return f"{instance.recommender_name}（{instance.recommender_type}）"


class NominationReviewView(InspectView):
    page_title = gettext_lazy("审查")
    template_name = "campaigns/admin/nomination_review.html"

    def get_object(self, queryset=None):
        nomination = (
            Nomination.objects.select_related("campaign", "recommender_society", "applicant")
            .filter(pk=self.pk)
            .first()
        )
        # Someone else's nomination does not exist, as far as this user is concerned.
        if nomination is None or not permissions.can_view(self.request.user, nomination)[0]:
            raise Http404
        if nomination.status == NominationStatus.DRAFT and not is_office(self.request.user):
            raise Http404
        return nomination

    def get_fields(self):
        return []

    def actions(self):
        return [
            action
            for action in permissions.available_actions(self.request.user, self.object)
            if action not in (SUBMIT, WITHDRAW, DELETE)  # the applicant's
        ]

    def post(self, request, *args, **kwargs):
        form = DecisionForm(self.actions(), request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                perform(self.object, action, request.user, form.cleaned_data["reason"])
            except ActionRefused as refusal:
                form.add_error(None, refusal.reason)
            except InvalidNomination as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("已%(action)s：%(name)s")
                    % {"action": ACTION_LABELS[action], "name": self.object.project_name},
                )
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nomination = self.object
        campaign = nomination.campaign
        slots = {slot.code: slot for slot in campaign.slots_for(nomination.category)}
        records = {record.slot_code: record for record in nomination.files.all()}
        context["checks"] = [
            {
                "slot": slot,
                "record": records.get(code),
                "url": file_url(nomination, code, self.request, campaign)
                if code in records
                else None,
            }
            for code, slot in slots.items()
        ]
        context["problems"] = submission_problems(nomination)
        actions = self.actions()
        context["form"] = kwargs.get("form") or DecisionForm(actions)
        context["actions"] = [
            {
                "value": action,
                "label": ACTION_LABELS[action],
                "reason_required": reason_required(nomination, action),
            }
            for action in actions
        ]
        context["events"] = nomination.events.select_related("actor")
        context["nomination"] = nomination
        limit = quota_limit(campaign.pk, nomination.recommender_type, nomination.category)
        if limit is not None:
            context["quota"] = {
                "limit": limit,
                "taken": places_taken(campaign.pk, nomination.category, recommender_of(nomination)),
            }
        return context


class NominationViewSet(ListingOnlyViewSetMixin, ModelViewSet):
    extra_views = (("review/<int:pk>/", "inspect_view", "inspect"),)
    """Listing and review only: nominations are created and edited by applicants on the site, and
    their status changes only through the review page."""

    model = Nomination
    icon = "doc-full"
    menu_label = gettext_lazy("申报")
    add_to_admin_menu = False
    index_view_class = NominationIndexView
    inspect_view_class = NominationReviewView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "project_name",
        "campaign",
        "category",
        RecommenderColumn("recommender", label=gettext_lazy("推荐单位")),
        "applicant_organisation",
        "status",
        "submitted_at",
    ]
    filterset_class = NominationFilterSet
    search_fields = ["project_name", "applicant_organisation", "recommender_name"]
    ordering = ["-submitted_at", "-pk"]

    @property
    def permission_policy(self):
        return NominationPermissionPolicy(self.model)
