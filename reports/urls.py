"""The reports' addresses outside the page tree and the admin, included at the site root by
`cms/urls.py`: a report's Word file beside its page (`/reports/2021-07/report.docx`)."""

from django.urls import re_path

from reports.views import report_docx

urlpatterns = [
    # Page URLs cannot hold a dot, so the file is not a route of the report page.
    re_path(r"^(?P<path>(?:[\w\-]+/)+)report\.docx$", report_docx, name="report_docx"),
]
