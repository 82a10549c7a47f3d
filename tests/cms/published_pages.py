"""Pages published the way editors publish them (a revision, then publish), each with the text
a search or an API test looks for: news, activities, 双十 items and monthly reports."""

import datetime

from activities.models import ActivityPage
from campaigns.models import AchievementPage, ShowcaseListKind
from cms.models import NewsPage
from reports.models import MonthlyReportPage, PlanEntry, ProgressEntry
from tests.cms.factories import news_body


def publish(parent, page):
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_news(news_index, title, lead, paragraphs):
    page = NewsPage(
        title=title, lead=lead, body=news_body(paragraphs), date=datetime.date(2024, 5, 1)
    )
    return publish(news_index, page)


def add_activity(society_page, title, summary, place, paragraphs, participants=""):
    page = ActivityPage(
        title=title,
        summary=summary,
        place=place,
        participants=participants,
        kind="forum",
        start_date=datetime.date(2024, 6, 1),
        body=news_body(paragraphs),
    )
    return publish(society_page, page)


def add_achievement(year_page, title, organisations, summary, paragraphs):
    page = AchievementPage(
        title=title,
        list=ShowcaseListKind.CHINA,
        organisations=organisations,
        summary=summary,
        body=news_body(paragraphs),
    )
    return publish(year_page, page)


def add_report(report_index, workstreams, month, progress, plan):
    report = MonthlyReportPage(
        title="derived",
        period_start=datetime.date(2024, month, 1),
        period_end=datetime.date(2024, month, 1),
    )
    report.derive_title_and_slug()
    report.progress_entries = [ProgressEntry(workstream=workstreams[0], body=progress)]
    report.plan_entries = [PlanEntry(workstream=workstreams[1], body=plan)]
    return publish(report_index, report)
