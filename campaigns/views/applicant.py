"""The applicant's own list of nominations ("我的申报"), across campaigns."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from campaigns.models import Nomination
from campaigns.views.nominations import nomination_url
from cms.accounts import is_email_verified


@login_required
def my_nominations(request):
    nominations = list(
        Nomination.objects.filter(applicant=request.user)
        .select_related("campaign", "recommender_society")
        .order_by("-updated_at", "-pk")
    )
    rows = [{"nomination": n, "url": nomination_url(n, request)} for n in nominations]
    return render(
        request,
        "campaigns/my_nominations.html",
        {"rows": rows, "verified": is_email_verified(request.user)},
    )
