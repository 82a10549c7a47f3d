"""Idempotent set-up of the federation's reference data, groups, workflow and demo accounts.

Used by `load_demo` and by tests; every function may run any number of times."""

import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models import (
    FederationSettings,
    HomePage,
    MemberSociety,
    NewsIndexPage,
    StandardPage,
    Workstream,
)
from cms.roles import Role, group_for

# The 15 recommending member societies of the 2024 campaign (seed 001), in the seed's order.
SOCIETIES = [
    ("中国机械工程学会", "Chinese Mechanical Engineering Society", "CMES", "https://www.cmes.org"),
    ("中国仪器仪表学会", "China Instrument and Control Society", "CIS", ""),
    ("中国汽车工程学会", "China Society of Automotive Engineers", "SAE-China", ""),
    ("中国电工技术学会", "China Electrotechnical Society", "CES", ""),
    ("中国电子学会", "Chinese Institute of Electronics", "CIE", ""),
    ("中国自动化学会", "Chinese Association of Automation", "CAA", ""),
    ("中国农业机械学会", "Chinese Society for Agricultural Machinery", "CSAM", ""),
    ("中国人工智能学会", "Chinese Association for Artificial Intelligence", "CAAI", ""),
    ("中国微米纳米技术学会", "Chinese Society of Micro-Nano Technology", "CSMNT", ""),
    ("中国光学工程学会", "Chinese Society for Optical Engineering", "CSOE", ""),
    ("中国纺织工程学会", "China Textile Engineering Society", "CTES", ""),
    ("中国造船工程学会", "Chinese Society of Naval Architects and Marine Engineers", "CSNAME", ""),
    ("中国宇航学会", "Chinese Society of Astronautics", "CSA", ""),
    ("中国计量测试学会", "Chinese Society for Measurement", "CSM", ""),
    ("中国仿真学会", "China Simulation Federation", "CSF", ""),
]

# Workstreams named in DESIGN.md, with the synonyms the reports use for them.
WORKSTREAMS = [
    ("战略咨询", "Strategy consulting", ""),
    ("学术交流", "Academic exchange", "技术交流"),
    ("产学融合", "Industry–academia integration", "产学研融合"),
    ("协同创新", "Collaborative innovation", ""),
    ("人才培养", "Talent training", ""),
    (
        "国际智能制造联盟（筹）",
        "International alliance (in preparation)",
        "国际智能制造联盟、国际联盟",
    ),
    ("科技公共服务", "Public S&T services", ""),
    ("自身建设", "Self-building", "组织建设"),
]

WORKFLOW_NAME = "秘书长审核"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # as the accounts' table prints it
    group: Role | None  # the role whose group the account is in
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "lianhe-admin", "超级管理员", None, superuser=True),
    DemoAccount("editor", "lianhe-editor", "秘书处编辑", Role.EDITOR),
    DemoAccount("secretary", "lianhe-secretary", "秘书长（审核）", Role.SECRETARY_GENERAL),
    DemoAccount("society", "lianhe-society", "成员学会", Role.MEMBER_SOCIETY),
    DemoAccount("expert", "lianhe-expert", "评审专家", Role.EXPERT),
    DemoAccount("applicant", "lianhe-applicant", "申报单位", Role.APPLICANT),
]


def ensure_workstreams():
    result = []
    for order, (name, name_en, synonyms) in enumerate(WORKSTREAMS, start=1):
        workstream, _created = Workstream.objects.update_or_create(
            name=name, defaults={"name_en": name_en, "synonyms": synonyms, "order": order * 10}
        )
        result.append(workstream)
    return result


def short_name_of(name):
    """The name the federation's papers use for a society in short: without the national prefix
    (中国自动化学会 → 自动化学会), as cms/migrations/0006 gives the societies that exist."""
    return name[2:] if name.startswith("中国") and len(name) > 4 else name


def ensure_societies():
    return [
        MemberSociety.objects.update_or_create(
            abbreviation=abbreviation,
            defaults={
                "name": name,
                "short_name": short_name_of(name),
                "name_en": name_en,
                "website": website,
                "active": True,
            },
        )[0]
        for name, name_en, abbreviation, website in SOCIETIES
    ]


HOME_INTRO = (
    "<p>由智能制造相关的全国学会组成，秘书处设在中国机械工程学会。联合体开展战略咨询、"
    "学术交流、产学融合与人才培养，每年遴选发布世界与中国智能制造十大科技进展（“双十”）。</p>"
)
# The intro of earlier demos: the federation's name only, which the header shows already.
OLD_HOME_INTROS = ("<p>中国科协智能制造学会联合体</p>",)


def ensure_site():
    """The federation's home page as the default site's root, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="首页", slug="home", intro=HOME_INTRO)
        for child in root.get_children():
            if not child.specific_class or child.specific_class is Page:
                Site.objects.filter(root_page=child).delete()
                child.delete()
        root.refresh_from_db()
        root.add_child(instance=home)
        home.save_revision().publish()
    if home.intro in OLD_HOME_INTROS:
        home.intro = HOME_INTRO
        home.save_revision().publish()
    # The demo is served by `make run` on 127.0.0.1:$PORT; full URLs (emails, the importer's
    # output) should point there.
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = "127.0.0.1"
    site.port = int(os.environ.get("PORT", "8000"))
    site.site_name = "中国科协智能制造学会联合体"
    site.root_page = home
    site.save()
    settings = FederationSettings.for_site(site)
    settings.phone = settings.phone or "010-68799025"
    settings.email = settings.email or "imac@cmes.org"
    settings.save()
    return home


def ensure_child(parent, model, slug, title, **fields):
    """A live child page of `parent` with this slug, created once."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(title=title, slug=slug, show_in_menus=True, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_news_index(home):
    return ensure_child(home, NewsIndexPage, "news", "新闻动态")


ABOUT_BODY = [
    {
        "type": "paragraph",
        "value": (
            "<p>中国科协智能制造学会联合体（Intelligent Manufacturing Alliance of CAST Member "
            "Societies，IMAC）由智能制造相关的全国学会组成，秘书处设在中国机械工程学会。</p>"
            "<p>联合体围绕战略咨询、学术交流、产学融合、协同创新、人才培养和科技公共服务开展工作，"
            "筹建国际智能制造联盟；自 2017 年起每年组织遴选“世界智能制造十大科技进展”和"
            "“中国智能制造十大科技进展”（“双十”），并在世界智能制造大会上发布。</p>"
        ),
    },
    {"type": "heading", "value": "秘书处联系方式"},
    {
        "type": "paragraph",
        "value": (
            "<p>联系人：刘艳秋　电话：010-68799025　邮箱："
            '<a href="mailto:liuyq@cmes.org">liuyq@cmes.org</a></p>'
        ),
    },
]


def ensure_about_page(home):
    page = ensure_child(
        home, StandardPage, "about", "关于联合体", body=ABOUT_BODY, list_member_societies=True
    )
    # An earlier demo's page said one sentence: it gets the full text and the societies' list.
    if not page.list_member_societies and len(page.body) <= 1:
        page.body = ABOUT_BODY
        page.list_member_societies = True
        page.save_revision().publish()
    return page


def _permissions(model, *actions):
    content_type = ContentType.objects.get_for_model(model)
    codenames = [f"{action}_{model._meta.model_name}" for action in actions]
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def ensure_groups(home):
    """The groups of the roles of DESIGN.md (`cms.roles`), by role. Editors write; only the
    secretary-general publishes."""
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = {role: group_for(role) for role in Role}
    shared = (
        _permissions(Workstream, "add", "change")
        + _permissions(MemberSociety, "add", "change")
        + _permissions(Image, "add", "change", "choose")
        + _permissions(Document, "add", "change", "choose")
        + _permissions(FederationSettings, "change")
    )
    for role, page_actions in (
        (Role.EDITOR, ("add_page", "change_page")),
        (
            Role.SECRETARY_GENERAL,
            ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
        ),
    ):
        group = groups[role]
        group.permissions.add(admin_access, *shared)
        for codename in page_actions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    groups[Role.MEMBER_SOCIETY].permissions.add(admin_access)
    return groups


def ensure_workflow(groups, home):
    """The moderation workflow "秘书长审核": one approval task for the secretary-general group,
    for the whole site. Wagtail's sample "Moderators approval" workflow is switched off so no
    page falls back to it."""
    Workflow.objects.exclude(name=WORKFLOW_NAME).update(active=False)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.set([groups[Role.SECRETARY_GENERAL]])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


# The demo member-society account works for this society (its group "成员学会·CMES").
DEMO_SOCIETY = "CMES"


def ensure_accounts(groups):
    from cms.accounts import mark_email_verified

    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = user_model.objects.get_or_create(username=account.username)
        if created:
            user.set_password(account.password)
        user.is_superuser = user.is_staff = account.superuser
        user.email = user.email or f"{account.username}@imac.example.org"
        user.save()
        if account.group:
            user.groups.add(groups[account.group])
        if account.group == Role.MEMBER_SOCIETY:
            society = MemberSociety.objects.filter(abbreviation=DEMO_SOCIETY).first()
            if society is not None and society.group_id:
                user.groups.add(society.group)
        if account.group == Role.APPLICANT:
            mark_email_verified(user)  # the demo applicant can apply at once


# Wagtail's migrations create a root page and collection, two sample groups and a sample
# workflow with English names, which the admin shows as they are (no catalogue translates data).
WAGTAIL_SAMPLE_NAMES = {
    Group: {"Editors": "Wagtail 示例编辑组", "Moderators": "Wagtail 示例审核组"},
    Workflow: {"Moderators approval": "Wagtail 示例审核流程（已停用）"},
    Task: {"Moderators approval": "Wagtail 示例审核"},
}


def name_wagtail_samples_in_chinese():
    for model, names in WAGTAIL_SAMPLE_NAMES.items():
        for english, chinese in names.items():
            model.objects.filter(name=english).update(name=chinese)
    Page.objects.filter(depth=1, title="Root").update(title="根目录", draft_title="根目录")
    Collection.objects.filter(depth=1, name="Root").update(name="全部")


@transaction.atomic
def load_core_demo():
    """Everything the cms app owns; returns what the apps' demo loaders build on."""
    home = ensure_site()
    name_wagtail_samples_in_chinese()
    ensure_workstreams()
    ensure_societies()
    groups = ensure_groups(home)
    workflow = ensure_workflow(groups, home)
    ensure_accounts(groups)
    news_index = ensure_news_index(home)
    ensure_about_page(home)
    return {"home": home, "groups": groups, "workflow": workflow, "news_index": news_index}
