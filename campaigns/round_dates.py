"""A review round's dates checked against its campaign: the first round (初评) starts only after
submissions close, because applicants may still submit on the closing day (Asia/Shanghai) and an
expert would otherwise score a list that is still growing; the final round (终评) starts only after
the first round ends, because it takes the first round's advancers. The messages name the field
and the earliest date that would do."""

import datetime

from django.utils.translation import gettext as _

from campaigns.models import ReviewRound
from campaigns.models.review import RoundKind
from cms.cn_dates import cn_date

DAY = datetime.timedelta(days=1)


def round_date_errors(campaign, kind, opens_on, closes_on, instance_pk=None):
    """{form field: message} for dates that do not fit the campaign; empty when they do.
    `instance_pk` is the round being edited, left out of the comparison with the other round."""
    errors = {}
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("评分截止日期不能早于评分开始日期。")
    if campaign is None or not opens_on:
        return errors
    others = ReviewRound.objects.filter(campaign=campaign).exclude(pk=instance_pk)
    if kind == RoundKind.FIRST:
        _opens, submissions_close = campaign.call_window()
        if submissions_close and opens_on <= submissions_close:
            errors["opens_on"] = _(
                "评分开始日期：第一轮遴选（初评）须在申报截止（%(closes)s）之后开始，"
                "最早为 %(earliest)s。"
            ) % {"closes": cn_date(submissions_close), "earliest": cn_date(submissions_close + DAY)}
        final = others.filter(kind=RoundKind.FINAL).first()
        if final and closes_on and closes_on >= final.opens_on and "closes_on" not in errors:
            errors["closes_on"] = _(
                "评分截止日期：第一轮遴选（初评）须在终评开始（%(opens)s）之前结束，"
                "最晚为 %(latest)s。"
            ) % {"opens": cn_date(final.opens_on), "latest": cn_date(final.opens_on - DAY)}
    elif kind == RoundKind.FINAL:
        first = others.filter(kind=RoundKind.FIRST).first()
        if first is None:
            errors["kind"] = _(
                "轮次：征集活动“%(campaign)s”尚无第一轮遴选（初评），请先建立初评，再建立终评。"
            ) % {"campaign": campaign.title}
        elif opens_on <= first.closes_on:
            errors["opens_on"] = _(
                "评分开始日期：第二轮遴选（终评）须在初评结束（%(closes)s）之后开始，"
                "最早为 %(earliest)s。"
            ) % {"closes": cn_date(first.closes_on), "earliest": cn_date(first.closes_on + DAY)}
    return errors
