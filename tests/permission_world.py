"""The world the permission matrix (tests/test_permission_matrix.py) asks about: the ten people,
and for each of them something of their own beside the same thing of someone else's — applicant
A's nomination and its files beside applicant B's, expert A's score sheet beside expert B's,
society A's activity draft and feed beside society B's — plus what belongs to the office alone:
a member-only report, a news draft, an open, a closed and a confirmed review round, a public
notice with an objection.

Built once for the whole matrix (it takes a few seconds); everything is made the cheap way that
still goes through the services where their bookkeeping matters (nominations, rounds, the
moderation workflow). Every object that must not leak carries a distinctive string (`SECRETS`):
the matrix asserts that no response to a person outside its audience contains it."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import (
    Collection,
    PageViewRestriction,
    Task,
    TaskState,
    UploadedFile,
    WorkflowState,
)

from activities.models import ActivityPage, Feed, SocietyActivitiesPage
from campaigns.demo.review import ensure_demo_expert
from campaigns.models import (
    ShowcaseIndexPage,
    ShowcaseListKind,
    ShowcaseYearPage,
)
from cms.models import AccountProfile, MemberSociety, NewsPage, Workstream
from cms.roles import Role, group_for
from reports.models import MonthlyReportPage, ProgressEntry
from tests.campaigns.nomination_helpers import pdf, prepare_site
from tests.permission_campaigns import applications, make_user, png, review

DAY = datetime.timedelta(days=1)

# The ten people, in the table's column order: (column heading, username or None).
ROLES = [
    ("anon", None),
    ("appA", "applicant"),
    ("appB", "applicant2"),
    ("expA", "expert"),
    ("expB", "expert2"),
    ("socA", "society"),
    ("socB", "society2"),
    ("editor", "editor"),
    ("secgen", "secretary"),
    ("super", "admin"),
]
COLUMNS = [column for column, _username in ROLES]
OFFICE = ("editor", "secgen", "super")

# Distinctive strings of what belongs to someone, with the people who may read them. No response
# to anyone else may contain them (the matrix reads every body, and the XML inside .docx/.xlsx).
SECRETS = {
    # applicant A's submitted nomination (recommended by society A) and its files
    "甲方矩阵项目·数字孪生焊装线": {"appA", "socA", *OFFICE},
    "甲方矩阵装备有限公司": {"appA", "socA", *OFFICE},
    "甲方联系人矩阵": {"appA", "socA", *OFFICE},
    "甲方推荐表矩阵.docx": {"appA", "socA", *OFFICE},
    "甲方承诺书矩阵.pdf": {"appA", "socA", *OFFICE},
    # applicant A's draft: nobody but its applicant and the office
    "甲方草稿矩阵·尚未提交": {"appA", *OFFICE},
    "甲方草稿视频矩阵.mp4": {"appA", *OFFICE},
    # applicant B's submitted nomination (recommended by society B)
    "乙方矩阵项目·柔性装配岛": {"appB", "socB", *OFFICE},
    "乙方矩阵科技股份公司": {"appB", "socB", *OFFICE},
    "乙方联系人矩阵": {"appB", "socB", *OFFICE},
    "乙方推荐表矩阵.docx": {"appB", "socB", *OFFICE},
    "乙方承诺书矩阵.pdf": {"appB", "socB", *OFFICE},
    # the open round: one nomination for both experts, one from expert A's own organisation
    # (expert A is excluded from it); each expert's reasons are theirs and the office's
    "评审矩阵项目一·智能仓储": {"expA", "expB", *OFFICE},
    "评审矩阵项目二·回避项": {"expB", *OFFICE},
    "甲专家矩阵评语·未公开": {"expA", *OFFICE},
    "乙专家矩阵评语·未公开": {"expB", *OFFICE},
    # society A's and society B's activity drafts (both waiting for the secretariat), feeds and
    # pictures
    "甲学会矩阵活动草稿·待审核": {"socA", *OFFICE},
    "乙学会矩阵活动草稿·待审核": {"socB", *OFFICE},
    "https://feeds.example.org/cmes-matrix.xml": {"socA", *OFFICE},
    "https://feeds.example.org/cis-matrix.xml": {"socB", *OFFICE},
    "甲学会矩阵订阅源": {"socA", *OFFICE},
    "乙学会矩阵订阅源": {"socB", *OFFICE},
    "甲学会矩阵图片": {"socA", *OFFICE},
    "乙学会矩阵图片": {"socB", *OFFICE},
    # the office's own drafts and records
    "秘书处矩阵新闻草稿·未发布": {*OFFICE},
    "秘书处矩阵月报草稿条目": {*OFFICE},
    # member-only reports: the member societies and the office, never applicants or experts —
    # whether the report is limited to the members' groups or (as 隐私 offered) to any account
    "会员矩阵月报条目·仅限会员": {"socA", "socB", *OFFICE},
    # the people's names: applicant B's for the office; expert B's for the experts of its rounds
    # (the chair reads the result sheet) and the office
    "乙申报人矩阵": {"appB", *OFFICE},
    "乙评审人矩阵": {"expA", "expB", *OFFICE},
    # an objection filed by applicant A during the public notice
    "甲方矩阵异议理由·附件在后": {"appA", *OFFICE},
}


@dataclass
class World:
    users: dict  # column → user (None for the anonymous visitor)
    objects: dict = field(default_factory=dict)  # name → model instance

    def __getitem__(self, name):
        return self.objects[name]

    def __setitem__(self, name, value):
        self.objects[name] = value


# --- people -----------------------------------------------------------------------------------


def _people(federation):
    users = {u.username: u for u in get_user_model().objects.all()}
    cmes = MemberSociety.objects.get(abbreviation="CMES")
    cis = MemberSociety.objects.get(abbreviation="CIS")
    users["applicant2"] = make_user(
        "applicant2", group_for(Role.APPLICANT), verified=True, first_name="乙申报人矩阵"
    )
    users["expert2"] = make_user("expert2", group_for(Role.EXPERT), first_name="乙评审人矩阵")
    users["society2"] = make_user("society2", group_for(Role.MEMBER_SOCIETY), cis.group)
    # Expert A works where one nomination of the open round comes from: excluded from it.
    ensure_demo_expert()
    AccountProfile.objects.update_or_create(
        user=users["expert2"], defaults={"organisation": "某研究所（矩阵）"}
    )
    return {column: users[name] if name else None for column, name in ROLES}, cmes, cis


# --- pages ------------------------------------------------------------------------------------


def _activity(parent, slug, title, user, live, submit):
    page = ActivityPage(
        title=title,
        slug=slug,
        start_date=timezone.localdate(),
        place="北京",
        kind="forum",
        summary=f"{title}摘要",
        live=live,
        owner=user,
    )
    parent.add_child(instance=page)
    revision = page.save_revision(user=user)
    if live:
        revision.publish()
    if submit:
        page.get_workflow().start(page, user)
    return page


def _activities(world, society_pages):
    area_a, area_b = society_pages["CMES"], society_pages["CIS"]
    world["area_a"], world["area_b"] = area_a, area_b
    world["activity_live"] = _activity(
        area_a, "matrix-forum", "矩阵公开论坛", world.users["socA"], live=True, submit=False
    )
    world["activity_a"] = _activity(
        area_a, "matrix-draft-a", "甲学会矩阵活动草稿·待审核", world.users["socA"], False, True
    )
    world["activity_b"] = _activity(
        area_b, "matrix-draft-b", "乙学会矩阵活动草稿·待审核", world.users["socB"], False, True
    )
    world["feed_a"] = Feed.objects.create(
        society=area_a.society,
        url="https://feeds.example.org/cmes-matrix.xml",
        title="甲学会矩阵订阅源",
        active=False,
    )
    world["feed_b"] = Feed.objects.create(
        society=area_b.society,
        url="https://feeds.example.org/cis-matrix.xml",
        title="乙学会矩阵订阅源",
        active=False,
    )
    for key, society, title in (
        ("image_a", "CMES", "甲学会矩阵图片"),
        ("image_b", "CIS", "乙学会矩阵图片"),
    ):
        collection = Collection.objects.get(name=f"成员学会·{society}")
        world[key] = Image.objects.create(
            title=title, file=ContentFile(png(), name=f"{key}.png"), collection=collection
        )


def _report(index, start, body, live, restricted=False, user=None):
    report = MonthlyReportPage(period_start=start, period_end=start, live=False)
    report.progress_entries = [
        ProgressEntry(workstream=Workstream.objects.get(name="战略咨询"), body=body)
    ]
    index.add_child(instance=report)
    revision = report.save_revision(user=user)
    if live:
        revision.publish()
    if restricted == "login":
        # What 隐私 → "logged-in users" gives: meant for members, but any account signs in.
        PageViewRestriction.objects.create(page=report, restriction_type=PageViewRestriction.LOGIN)
    elif restricted:
        # Member-only: the member societies and the secretariat, never every signed-in account.
        restriction = PageViewRestriction.objects.create(
            page=report, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set(Group.objects.filter(name__in=["秘书处编辑", "秘书长", "成员学会"]))
    report.refresh_from_db()
    return report


def _site_pages(world, federation):
    from tests.campaigns.factories import AchievementPageFactory

    home, news_index = federation["home"], federation["news_index"]
    editor = world.users["editor"]
    index = federation["report_index"]
    world["home"], world["news_index"], world["report_index"] = home, news_index, index
    world["about"] = home.get_children().get(slug="about").specific
    world["report_public"] = _report(index, datetime.date(2021, 1, 1), "公开月报条目", live=True)
    world["report_private"] = _report(
        index, datetime.date(2021, 2, 1), "会员矩阵月报条目·仅限会员", live=True, restricted=True
    )
    world["report_draft"] = _report(
        index, datetime.date(2021, 3, 1), "秘书处矩阵月报草稿条目", live=False, user=editor
    )
    news = NewsPage(title="矩阵公开新闻", slug="matrix-news", date=timezone.localdate())
    news_index.add_child(instance=news)
    news.save_revision().publish()
    world["news_live"] = news
    draft = NewsPage(
        title="秘书处矩阵新闻草稿·未发布",
        slug="matrix-news-draft",
        date=timezone.localdate(),
        live=False,
        owner=editor,
    )
    news_index.add_child(instance=draft)
    draft.save_revision(user=editor)
    draft.get_workflow().start(draft, editor)
    world["news_draft"] = draft
    showcase = ShowcaseIndexPage(title="双十", slug="twin-top10")
    home.add_child(instance=showcase)
    showcase.save_revision().publish()
    year = ShowcaseYearPage(title="2021 年双十", slug="2021", year=2021)
    showcase.add_child(instance=year)
    year.save_revision().publish()
    world["showcase"], world["showcase_year"] = showcase, year
    world["achievement"] = AchievementPageFactory(
        parent=year, list=ShowcaseListKind.CHINA, title="矩阵双十条目"
    )
    world["document"] = Document.objects.create(
        title="矩阵公开文件", file=ContentFile(pdf(), name="matrix-public.pdf")
    )


def _workflow_ids(world):
    """For every page in moderation: its workflow state, task state and task."""
    for name in ("activity_a", "activity_b", "news_draft"):
        page = world[name]
        state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
        world[f"{name}:workflow_state"] = state
        world[f"{name}:task_state"] = TaskState.objects.filter(workflow_state=state).get()
    world["task"] = Task.objects.filter(name="秘书处审核").first()


def _federation():
    """What the `federation`, `activities_index` and `society_pages` fixtures of tests/conftest.py
    give, made once for the whole matrix."""
    from activities.areas import sync_all_society_areas
    from cms.demo import load_core_demo
    from reports.demo import ensure_report_index
    from tests.activities.factories import ActivitiesIndexPageFactory

    federation = load_core_demo()
    federation["report_index"] = ensure_report_index(federation["home"], federation["workflow"])
    ActivitiesIndexPageFactory(parent=federation["home"])
    sync_all_society_areas()
    society_pages = {
        page.society.abbreviation: page
        for page in SocietyActivitiesPage.objects.select_related("society")
    }
    return federation, society_pages


def build():
    federation, society_pages = _federation()
    users, cmes, cis = _people(federation)
    world = World(users=users)
    index = prepare_site(federation)
    world["campaign_index"] = index
    world["society_a"], world["society_b"] = cmes, cis
    _site_pages(world, federation)
    _activities(world, society_pages)
    applications(world, index, cmes, cis)
    review(world, index)
    _workflow_ids(world)
    world["workstream"] = Workstream.objects.order_by("pk").first()
    world["redirect"] = Redirect.objects.create(
        old_path="/matrix-old", redirect_link="https://example.org/matrix-new"
    )
    # A file of the editor's multiple upload, not yet made a document or an image.
    UploadedFile.objects.create(
        file=ContentFile(png(), name="matrix-upload.png"),
        for_content_type=ContentType.objects.get_for_model(Image),
        uploaded_by_user=world.users["editor"],
    )
    return world
