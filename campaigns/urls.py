"""The campaigns' addresses outside the page tree and the admin, included at the site root by
`cms/urls.py`: an applicant's nominations, the experts' review pages, a chair's confirmation and
a round's result sheet."""

from django.urls import include, path

from campaigns.views import ranking
from campaigns.views.applicant import my_nominations, nomination_receipt

urlpatterns = [
    path("accounts/nominations/", my_nominations, name="my_nominations"),
    path("accounts/nominations/<int:pk>/receipt/", nomination_receipt, name="nomination_receipt"),
    path("review/", include("campaigns.review_urls")),
    *ranking.site_urlpatterns,
]
