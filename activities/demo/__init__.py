"""Demo content of the activities app: the index with every society's area, activities taken
from the January–March 2021 report (seed 002) and a few recent ones marked （演示）, a submitted
draft by the demo society account waiting for the secretariat, and one registered feed.

The seed names the federation's activities without saying which member society ran them; the
demo files them under 中国机械工程学会 (CMES), which hosts the secretariat — a demo assumption."""

import datetime

from django.db import transaction
from django.utils import timezone

from activities.areas import ensure_moderation_workflow, sync_all_society_areas
from activities.models import ActivitiesIndexPage, ActivityPage, Feed, SocietyActivitiesPage

ORDER = 40
D = datetime.date

SEED_ACTIVITIES = [
    {
        "society": "CMES",
        "slug": "weifang-enterprise-visits-2021q1",
        "title": "联合体-潍坊服务中心走访潍坊高新区企业",
        # The seed gives the quarter, not the day: the day is a demo assumption.
        "start_date": D(2021, 3, 10),
        "place": "山东潍坊高新区",
        "kind": "visit",
        "workstream": "产学融合",
        "participants": "联合体秘书长助理胡志强，潍坊市科协、潍坊市高新区科技局负责同志",
        "summary": (
            "为做实“科创中国”服务企业工作，联合体-潍坊服务中心三家共建单位组成服务团，走访了"
            "高新区华特磁电、天恒检测、中科普锐检测、潍柴集团、盛瑞传动、银轮股份、雅士股份、"
            "福田汽车等部分企业和潍坊学院，征集企业技术需求。"
        ),
    },
    {
        "society": "CMES",
        "slug": "internet-era-seminar-2021-03-26",
        "title": "“制造业企业如何迈入互联网时代”系列研讨会",
        "start_date": D(2021, 3, 26),
        "place": "江苏南京（线上线下结合）",
        "kind": "forum",
        "workstream": "国际智能制造联盟（筹）",
        "participants": "智能制造领域相关企业代表 20 余位",
        "summary": (
            "国际智能制造联盟（筹）举办系列研讨会，围绕工业互联网商业模式和技术发展路径两大方向，"
            "交流了工业互联网的现状基础、未来三年的预期状态和探索期间的发展路径。"
        ),
    },
]


def recent_activities(today):
    """Activities around `today`, so that the list, the calendar and the feeds are not empty."""
    month_start = today.replace(day=1)
    return [
        {
            "society": "CIS",
            "slug": "demo-instrument-forum",
            "title": "（演示）智能仪器仪表与智能制造论坛",
            "start_date": month_start + datetime.timedelta(days=9),
            "end_date": month_start + datetime.timedelta(days=10),
            "place": "北京",
            "kind": "forum",
            "workstream": "学术交流",
            "participants": "成员学会代表、企业代表约 120 人",
            "summary": "（演示数据）论坛交流智能传感与检测技术在智能制造中的应用。",
        },
        {
            "society": "CAA",
            "slug": "demo-cloud-class",
            "title": "（演示）IMAC 智能制造云课堂：数字孪生工厂",
            "start_date": month_start + datetime.timedelta(days=14),
            "place": "线上",
            "kind": "class",
            "workstream": "人才培养",
            "participants": "线上听众约 800 人",
            "summary": "（演示数据）云课堂介绍数字孪生工厂的建模方法与典型案例。",
        },
        {
            "society": "CMES",
            "slug": "demo-training",
            "title": "（演示）智能制造工程技术人员培训班",
            "start_date": month_start - datetime.timedelta(days=20),
            "end_date": month_start - datetime.timedelta(days=18),
            "place": "山东潍坊",
            "kind": "training",
            "workstream": "人才培养",
            "participants": "企业工程技术人员 60 人",
            "summary": "（演示数据）培训班面向企业工程技术人员，讲授智能制造系统规划与实施。",
        },
    ]


def ensure_activities_index(home):
    from cms.demo import ensure_child

    return ensure_child(
        home,
        ActivitiesIndexPage,
        "activities",
        "成员学会活动",
        intro="<p>各成员学会举办的会议、论坛、培训、走访调研与 IMAC 智能制造云课堂。</p>",
    )


def ensure_activity(spec, live=True, user=None):
    from cms.models import Workstream

    page = ActivityPage.objects.filter(slug=spec["slug"]).first()
    if page is not None:
        return page, False
    parent = SocietyActivitiesPage.objects.get(society__abbreviation=spec["society"])
    page = ActivityPage(
        title=spec["title"],
        slug=spec["slug"],
        start_date=spec["start_date"],
        end_date=spec.get("end_date"),
        place=spec["place"],
        kind=spec["kind"],
        workstream=Workstream.objects.filter(name=spec["workstream"]).first(),
        participants=spec["participants"],
        summary=spec["summary"],
        body=[{"type": "paragraph", "value": f"<p>{spec['summary']}</p>"}],
        live=live,
        owner=user,
    )
    parent.add_child(instance=page)
    revision = page.save_revision(user=user)
    if live:
        revision.publish(user=user)
    return page, True


def ensure_submitted_activity(today):
    """A draft by the demo society account, waiting in the secretariat's moderation queue."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="society").first()
    spec = {
        "society": "CMES",
        "slug": "demo-submitted-visit",
        "title": "（演示）走访调研潍坊智能制造企业（待审核）",
        "start_date": today,
        "place": "山东潍坊",
        "kind": "visit",
        "workstream": "产学融合",
        "participants": "学会代表 5 人",
        "summary": "（演示数据）由成员学会账号提交、等待秘书处审核的活动。",
    }
    page, created = ensure_activity(spec, live=False, user=user)
    if created:
        page.get_workflow().start(page, user)
    return page


def ensure_demo_feed():
    """A registered feed, switched off: the demo makes no request to the outside world."""
    from cms.models import MemberSociety

    society = MemberSociety.objects.get(abbreviation="CIS")
    feed, _created = Feed.objects.get_or_create(
        society=society,
        url="https://www.cis.org.cn/rss.xml",
        defaults={"title": "（演示）中国仪器仪表学会新闻", "active": False},
    )
    return feed


@transaction.atomic
def load(context, stdout):
    index = ensure_activities_index(context["home"])
    ensure_moderation_workflow(index)
    sync_all_society_areas()
    today = timezone.localdate()
    for spec in SEED_ACTIVITIES + recent_activities(today):
        page, created = ensure_activity(spec)
        if created:
            stdout.write(f"成员学会活动：{page.title}")
    ensure_submitted_activity(today)
    ensure_demo_feed()
    context["activities_index"] = index
