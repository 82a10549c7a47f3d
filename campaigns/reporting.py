"""What the campaigns tell the monthly reports: the entries of a period.

`reports` asks for them and keeps its report in step (`reports.sync`); nothing here knows the
reports. Each entry carries a stable `origin_key`, so that a sync is a comparison of keys:
`milestone:<milestone id>` for a dated step of a campaign, `figure:<campaign id>:<yyyy-mm>` for a
month's nomination figures of one campaign, `stage:<round id>` for a review round whose result the
chair confirmed (完成初评 / 完成终评) in the period."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from campaigns.models import (
    CampaignPage,
    Milestone,
    Nomination,
    NominationEvent,
    NominationStatus,
    ReviewRound,
)
from campaigns.models.review import RoundKind, RoundStatus
from cms.cn_dates import cn_date, cn_date_range, cn_month
from cms.linked_entries import LinkedEntry, Origin
from cms.linked_entries import sentence as _sentence
from cms.periods import Period, day_bounds, first_of_month


def entries_for(period):
    """Linked entries for the days [period.start, period.end], in date order: every milestone
    that falls in it, and for each campaign and month the nomination figures. `period`: a
    report's period, or anything with `start` and `end` dates."""
    urls = _CampaignUrls()
    entries = [
        LinkedEntry(
            origin=Origin.MILESTONE,
            origin_key=f"{Origin.MILESTONE}:{milestone.pk}",
            workstream=milestone.effective_workstream(),
            body=milestone_text(milestone),
            link_url=urls.of(milestone.campaign),
            date=milestone.date,
        )
        for milestone in Milestone.objects.between(period.start, period.end).select_related(
            "workstream", "campaign", "campaign__workstream"
        )
    ]
    entries += figure_entries(period, urls)
    entries += stage_entries(period, urls)
    return sorted(entries, key=lambda entry: (entry.date, entry.origin_key))


# Milestones -----------------------------------------------------------------------------------


def milestone_text(milestone):
    """`2021年8月30日：“2021 中国智能制造科技进展”第一轮评选（初评）会议，选出 15 项进入终评。`"""
    return f"{cn_date_range(milestone.date, milestone.end_date)}：{_sentence(milestone.title)}"


# Figures --------------------------------------------------------------------------------------


def _month_of(value, zone):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, zone) if timezone.is_aware(value) else value
        value = value.date()
    return first_of_month(value)


def figure_entries(period, urls=None):
    """For each campaign and each month of the period in which nominations arrived (or passed
    the formal review): "本月共收到申报材料 N 份，通过形式审查 M 份"."""
    urls = urls or _CampaignUrls()
    start, end = day_bounds(period.start, period.end)
    zone = timezone.get_default_timezone()
    received = (
        Nomination.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(month=TruncMonth("submitted_at", tzinfo=zone))
        .values("campaign_id", "month")
        .annotate(count=Count("id"))
    )
    passed = (
        NominationEvent.objects.filter(to_status=NominationStatus.PASSED, at__gte=start, at__lt=end)
        .annotate(month=TruncMonth("at", tzinfo=zone))
        .values("nomination__campaign_id", "month")
        .annotate(count=Count("nomination_id", distinct=True))
    )
    figures = {}
    for row in received:
        key = (row["campaign_id"], _month_of(row["month"], zone))
        figures.setdefault(key, [0, 0])[0] += row["count"]
    for row in passed:
        key = (row["nomination__campaign_id"], _month_of(row["month"], zone))
        figures.setdefault(key, [0, 0])[1] += row["count"]
    if not figures:
        return []
    campaigns = CampaignPage.objects.select_related("workstream").in_bulk(
        {campaign_id for campaign_id, _month in figures}
    )
    single_month = Period.of(period.start, period.end).single_month
    entries = []
    for (campaign_id, month), (received_count, passed_count) in sorted(figures.items()):
        campaign = campaigns[campaign_id]
        entries.append(
            LinkedEntry(
                origin=Origin.FIGURE,
                origin_key=f"{Origin.FIGURE}:{campaign_id}:{month:%Y-%m}",
                workstream=campaign.workstream,
                body=figure_text(campaign, month, received_count, passed_count, single_month),
                link_url=urls.of(campaign),
                date=month,
            )
        )
    return entries


def figure_text(campaign, month, received, passed, single_month=True):
    when = "本月" if single_month else cn_month(month.year, month.month)
    if received:
        figures = f"{when}共收到申报材料 {received} 份，通过形式审查 {passed} 份。"
    else:
        figures = f"{when}通过形式审查申报材料 {passed} 份。"
    return f"“{campaign.title}”：{figures}"


# Stages ---------------------------------------------------------------------------------------


def stage_entries(period, urls=None):
    """A review round confirmed by its chair in the period: the first round "完成初评，15 项进入
    终评，前 5 项推荐参加…", the final round "完成终评，评出 10 项…", dated the day it was confirmed
    (Asia/Shanghai)."""
    urls = urls or _CampaignUrls()
    start, end = day_bounds(period.start, period.end)
    zone = timezone.get_default_timezone()
    rounds = (
        ReviewRound.objects.filter(
            status=RoundStatus.CONFIRMED, confirmed_at__gte=start, confirmed_at__lt=end
        )
        .select_related("campaign", "campaign__workstream")
        .annotate(
            advanced_count=Count("entries", filter=Q(entries__advanced=True)),
            forwarded_count=Count("entries", filter=Q(entries__forwarded=True)),
        )
        .order_by("confirmed_at", "pk")
    )
    return [
        LinkedEntry(
            origin=Origin.STAGE,
            origin_key=f"{Origin.STAGE}:{review_round.pk}",
            workstream=review_round.campaign.workstream,
            body=stage_text(
                review_round, timezone.localtime(review_round.confirmed_at, zone).date()
            ),
            link_url=urls.of(review_round.campaign),
            date=timezone.localtime(review_round.confirmed_at, zone).date(),
        )
        for review_round in rounds
    ]


def stage_text(review_round, day):
    """`2024年10月15日，“2024 中国智能制造科技进展”完成初评，15 项进入终评，前 5 项推荐参加
    “世界智能制造十大科技进展”评选。`"""
    title = review_round.campaign.title
    advanced = review_round.advanced_count
    if review_round.kind == RoundKind.FIRST:
        text = f"“{title}”完成初评，{advanced} 项进入终评"
        if review_round.forwarded_count:
            text += f"，前 {review_round.forwarded_count} 项推荐参加“世界智能制造十大科技进展”评选"
    elif "科技进展" in title:
        top_list = title.replace("科技进展", "十大科技进展", 1)
        text = f"“{title}”完成终评，评出 {advanced} 项入选“{top_list}”"
    else:
        text = f"“{title}”完成终评，评出入选项目 {advanced} 项"
    return f"{cn_date(day)}，{text}。"


class _CampaignUrls:
    """Campaign page URLs, once per campaign; none for a campaign not yet published."""

    def __init__(self):
        self._urls = {}

    def of(self, campaign):
        if campaign.pk not in self._urls:
            self._urls[campaign.pk] = (campaign.get_url() or "") if campaign.live else ""
        return self._urls[campaign.pk]
