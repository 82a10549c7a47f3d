"""The experts' review pages, mounted at /review/."""

from django.urls import path

from campaigns.views import review

app_name = "review"

urlpatterns = [
    path("", review.review_home, name="home"),
    path("<int:round_id>/<int:nomination_id>/", review.sheet_view, name="sheet"),
    path("<int:round_id>/<int:nomination_id>/conflict/", review.conflict_view, name="conflict"),
]
