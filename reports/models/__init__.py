from .entries import PlanEntry, PressRelease, ProgressEntry, ReportEntry, group_by_workstream
from .pages import REPORT_TITLE, MonthlyReportPage, ReportIndexPage

__all__ = [
    "REPORT_TITLE",
    "MonthlyReportPage",
    "PlanEntry",
    "PressRelease",
    "ProgressEntry",
    "ReportEntry",
    "ReportIndexPage",
    "group_by_workstream",
]
