"""The reports' section of the home page (see `cms.home_sections`): the latest public report."""

from cms.home_sections import HomeSection
from cms.restrictions import public
from cms.site_pages import index_page
from reports.models import MonthlyReportPage, ReportIndexPage


def reports_section(request, site):
    reports = public(MonthlyReportPage.objects.live())
    if site is not None:
        reports = reports.descendant_of(site.root_page)
    # Only what the section shows: the entries and press releases stay in the database.
    report = reports.order_by("-period_start").only(
        "id", "title", "slug", "url_path", "path", "depth", "period_start", "period_end"
    )
    return HomeSection(
        "reports/home_section.html",
        {"report": report.first(), "index": index_page(request, site, ReportIndexPage)},
        order=50,
    )
