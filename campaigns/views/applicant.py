"""The applicant's own list of nominations ("我的申报"), across campaigns, and the receipt of each
submitted one."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from campaigns.models import Nomination, NominationStatus
from campaigns.permissions import can_view
from campaigns.receipt import receipt_docx, receipt_filename
from campaigns.views.nominations import nomination_url
from cms.accounts import is_email_verified
from cms.docx_cjk import DOCX_CONTENT_TYPE
from cms.models import FederationSettings


@login_required
def my_nominations(request):
    nominations = list(
        Nomination.objects.filter(applicant=request.user)
        .select_related("campaign", "recommender_society")
        .order_by("-updated_at", "-pk")
    )
    rows = [
        {
            "nomination": n,
            "url": nomination_url(n, request),
            "has_receipt": n.status != NominationStatus.DRAFT and n.submitted_at is not None,
        }
        for n in nominations
    ]
    return render(
        request,
        "campaigns/my_nominations.html",
        {"rows": rows, "verified": is_email_verified(request.user)},
    )


@login_required
def nomination_receipt(request, pk):
    """The receipt of a submitted nomination, for whoever may see the nomination."""
    nomination = get_object_or_404(
        Nomination.objects.select_related("campaign", "recommender_society"), pk=pk
    )
    allowed, _reason = can_view(request.user, nomination)
    # Another person's nomination is not there at all; a draft has no receipt yet.
    if not allowed or nomination.submitted_at is None:
        raise Http404
    federation = FederationSettings.for_request(request).federation_name
    response = HttpResponse(receipt_docx(nomination, federation), content_type=DOCX_CONTENT_TYPE)
    name = quote(receipt_filename(nomination))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response["Cache-Control"] = "private, no-store"
    return response
