"""The office amends a submitted score (修改评分), from the round's ranking in the admin: one
criterion at a time, with the amendment's reason; every earlier version stays, the round's
justification rules still hold, and the expert is told (`sheets.amend_score`)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import ScoreSheet
from campaigns.review import InvalidSheet, ReviewRefused, can_amend
from campaigns.scoring import criteria_of, expert_name
from campaigns.sheets import amend_score


class AmendScoreForm(forms.Form):
    criterion = forms.ChoiceField(label=gettext_lazy("评选标准"))
    value = forms.CharField(label=gettext_lazy("修改后的分数"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("修改理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("必填：将记入评分记录，并通知该专家。"),
    )
    score_reason = forms.CharField(
        label=gettext_lazy("评分理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("留空则沿用该项原来的评分理由。"),
    )

    def __init__(self, criteria, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.name, c.name) for c in criteria]


def _sheet(round_pk, sheet_pk):
    return get_object_or_404(
        ScoreSheet.objects.select_related("round__campaign", "expert", "nomination"),
        pk=sheet_pk,
        round_id=round_pk,
    )


def amend_view(request, pk, sheet_pk):
    sheet = _sheet(pk, sheet_pk)
    allowed, why = can_amend(request.user, sheet)
    if not allowed:
        raise PermissionDenied(why)
    criteria = criteria_of(sheet.round)
    form = AmendScoreForm(criteria, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        score_reason = data["score_reason"].strip() or None
        try:
            amend_score(
                sheet, data["criterion"], data["value"], data["reason"], request.user, score_reason
            )
        except (InvalidSheet, ReviewRefused) as error:
            messages_of = getattr(error, "messages", None) or [error.reason]
            for message in messages_of:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("已修改 %(expert)s 对“%(project)s”的评分（%(criterion)s），并已通知该专家。")
                % {
                    "expert": expert_name(sheet.expert),
                    "project": sheet.nomination.project_name,
                    "criterion": data["criterion"],
                },
            )
            return redirect("campaign_ranking:ranking", pk=sheet.round_id)
    order = {c.name: i for i, c in enumerate(criteria)}
    history = sorted(sheet.scores.all(), key=lambda s: (order.get(s.criterion, 99), s.version))
    context = {
        "sheet": sheet,
        "round": sheet.round,
        "expert_name": expert_name(sheet.expert),
        "form": form,
        "history": history,
    }
    return render(
        request, "campaigns/ranking/amend.html", context, status=400 if form.errors else 200
    )
