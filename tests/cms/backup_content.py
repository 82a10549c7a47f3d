"""Content for the backup tests and what a restore must bring back of it, in a form that can be
compared across processes (the restore runs in a subprocess on another database)."""

import hashlib

from django.contrib.auth import get_user_model
from django.core.files.storage import storages

from campaigns.models import Nomination
from cms.models import NewsPage
from reports.models import MonthlyReportPage


def sha256(storage, name):
    with storage.open(name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def build_content():
    """Nominations with real files (one submitted, one draft), a published monthly report with
    progress and plan entries and a press release, news with a picture, on the demo's site."""
    import wagtail_factories

    from cms.demo import load_core_demo
    from cms.models import MemberSociety
    from reports.demo import ensure_report_index
    from tests.campaigns.nomination_helpers import (
        complete_files,
        make_applicant,
        make_nomination,
        open_campaign,
        prepare_site,
    )
    from tests.cms.factories import NewsPageFactory, news_body
    from tests.reports.factories import MonthlyReportPageFactory, add_entries

    context = load_core_demo()
    report_index = ensure_report_index(context["home"], context["workflow"])
    campaign = open_campaign(prepare_site(context))
    society = MemberSociety.objects.get(abbreviation="CMES")
    applicant = make_applicant("backup-applicant")
    make_nomination(campaign, applicant, society, "数字孪生产线协同优化系统")
    files = complete_files()
    del files["文件3"]
    make_nomination(
        campaign, applicant, society, "智能焊接机器人（草稿）", submit=False, files=files
    )

    image = wagtail_factories.ImageFactory(title="会场全景")
    body = news_body(["会议由秘书长主持。"])
    body.append({"type": "image", "value": {"image": image.pk, "caption": "会场全景"}})
    news = NewsPageFactory(
        parent=context["news_index"], title="联合体召开备份演练工作会议", body=body
    )
    news.save_revision().publish()

    from cms.models import Workstream

    report = MonthlyReportPageFactory(parent=report_index, live=False)
    workstreams = list(Workstream.objects.order_by("order"))
    add_entries(report, workstreams, 3)
    add_entries(report, workstreams, 2, section="plan")
    report.press_releases.create(news_page=news, sort_order=0)
    report.save_revision().publish()
    return {"news_title": news.title}


def fingerprint():
    """Nominations with their files' SHA-256 (read back from the private storage), reports with
    their entries, the page tree, news, images with their files' SHA-256, and the accounts."""
    from wagtail.images.models import Image
    from wagtail.models import Page

    nominations = [
        {
            "pk": n.pk,
            "project": n.project_name,
            "status": n.status,
            "applicant": n.applicant.username,
            "recommender": str(n.recommender_society),
            "submitted_at": n.submitted_at.isoformat() if n.submitted_at else None,
            "events": [(e.action, e.from_status, e.to_status) for e in n.events.all()],
            "files": [
                (
                    f.slot_code,
                    f.original_name,
                    f.file.name,
                    f.size,
                    sha256(f.file.storage, f.file.name),
                )
                for f in n.files.all()
            ],
        }
        for n in Nomination.objects.order_by("pk")
    ]
    reports = [
        {
            "title": r.title,
            "url": r.url_path,
            "live": r.live,
            "progress": [(e.workstream.name, e.body) for e in r.progress_entries.all()],
            "plan": [(e.workstream.name, e.body) for e in r.plan_entries.all()],
            "press": [p.news_page.title for p in r.press_releases.all()],
            "revisions": r.revisions.count(),
        }
        for r in MonthlyReportPage.objects.order_by("pk")
    ]
    pages = [
        (p.pk, p.path, p.depth, p.numchild, p.title, p.slug, p.specific_class.__name__, p.live)
        for p in Page.objects.order_by("path")
    ]
    news = [(n.title, n.url_path, list(map(dict, n.body.raw_data))) for n in NewsPage.objects.all()]
    media = storages["default"]
    images = [
        (i.title, i.file.name, sha256(media, i.file.name)) for i in Image.objects.order_by("pk")
    ]
    users = [
        (u.username, u.password, sorted(g.name for g in u.groups.all()))
        for u in get_user_model().objects.order_by("username")
    ]
    return {
        "nominations": nominations,
        "reports": reports,
        "pages": pages,
        "news": news,
        "images": images,
        "users": users,
    }
