"""Speed of the public site as visitors get it, on a realistically filled database.

    .venv/bin/python bench/site.py [--database-url postgres://postgres@127.0.0.1:5432/lianhe_bench]
        [--page-cache-url redis://127.0.0.1:6379/13] [--duration 10 --connections 8 --threads 2]

Needs PostgreSQL and Redis on 127.0.0.1 and the Debian packages nginx-light,
libnginx-mod-http-cache-purge and wrk (`make bench` installs them).

Builds, in a throw-away PostgreSQL database (dropped and created again at the start: its name
must contain "bench") with temporary media, private media and static folders: the demo
(`load_demo`), then enough generated content for 1,000 news pages (Chinese titles and bodies,
some tagged, some with a picture, a share of them about 智能制造), 500 member-society activities
spread over the societies' pages, eight 双十 years of 20 items each and 60 published monthly
reports (2016–2020) with their entries and press releases. Pages are created with the search
backend's AUTO_UPDATE off and indexed once with `update_index`.

Then the site is served as in production (`cms.settings.production`, DEBUG off, WhiteNoise,
`gunicorn -w 2` on 127.0.0.1) and `wrk` measures requests per second and the 50th/99th
percentile latency of six pages — home, news index, a news page, a 双十 year, a monthly report
and a search for 智能制造 — in three configurations: gunicorn without a page cache, gunicorn
with the page cache in Redis (PAGE_CACHE_URL, db 13, emptied first), and the production nginx
recipe (deploy/nginx/lianhe.conf, with its page cache) in front of the latter. The reference is
the home page's HTML saved as a file and served by nginx. The table goes to stdout and to
bench/results.md.
"""

import argparse
import datetime
import http.client
import io
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from activities.models import ActivityKind
from campaigns.models import ShowcaseListKind

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lianhe_bench"
DEFAULT_PAGE_CACHE_URL = "redis://127.0.0.1:6379/13"
SEED = 20161101

NEWS_TOTAL = 1000
ACTIVITIES_TOTAL = 500
SHOWCASE_YEARS = range(2017, 2025)
ITEMS_PER_LIST = 10  # a World and a China list: 20 items a year
REPORT_MONTHS = [(year, month) for year in range(2016, 2021) for month in range(1, 13)]
NEWS_START = datetime.date(2016, 1, 4)
# The demo's activities and the 2021 report's sources are in 2021; the generated activities
# start after the demo's reports so that none of them is a source of a published report.
ACTIVITIES_START = datetime.date(2021, 6, 1)
PICTURES = 8
# The demo's reports (seed 002 and the submitted April draft): the sync gives the first a draft.
DEMO_REPORTS = ["2021-01-03", "2021-04"]
SEARCH_QUERY = "智能制造"

GUNICORN_WORKERS = 2
WRK_INSTALL = "apt-get install -y wrk"
NGINX_INSTALL = "apt-get install -y nginx-light libnginx-mod-http-cache-purge"

# Generated text -----------------------------------------------------------------------------


def words(text):
    """A word pool written as one space-separated string: short to read and to extend."""
    return text.split()


CITIES = words("北京 上海 南京 苏州 杭州 宁波 合肥 武汉 长沙 广州 深圳 成都 重庆 西安 青岛 潍坊")
TECHS = words(
    "数字孪生 工业互联网 工业软件 智能工厂 人工智能 工业机器人 增材制造 智能传感 工业大数据 "
    "绿色制造 精密测量 智能网联汽车 机器视觉 预测性维护 柔性产线 边缘计算 5G专网 高端数控机床"
)
INDUSTRIES = words("汽车 装备制造 电子信息 纺织 船舶 航空航天 钢铁 石化 农机 仪器仪表 家电")
ORGANISATIONS = words(
    "清华大学 上海交通大学 华中科技大学 西安交通大学 浙江大学 东南大学 哈尔滨工业大学 "
    "北京航空航天大学 中国科学院自动化研究所 机械科学研究总院 中国信息通信研究院 "
    "潍柴动力股份有限公司 海尔集团 三一重工股份有限公司 中国商飞上海飞机制造有限公司 徐工集团 "
    "宁德时代新能源科技股份有限公司 沈阳新松机器人自动化股份有限公司"
)
ROLES = words(
    "联合体秘书长 联合体执行主席 专家委员会主任 成员学会负责同志 中国科协有关部门负责同志 "
    "地方科协负责同志"
)
TAGS = words(
    "工作会议 标准 数字孪生 工业互联网 人才培养 国际合作 科技进展 学术交流 智能制造 调研 培训 双十"
)
CAPTIONS = ["会议现场", "专家发言", "代表合影", "参观调研", "签约仪式", "颁证仪式"]

NEWS_TITLES = [
    "联合体召开{year}年第{n}次工作例会",
    "{tech}专题研讨会在{city}举行",
    "联合体专家赴{city}开展{tech}调研",
    "{city}{tech}服务中心揭牌成立",
    "联合体与{city}市人民政府签署战略合作协议",
    "{tech}青年科学家论坛在{city}成功举办",
    "《{tech}发展报告（{year}）》发布",
    "联合体组织专家走访{org}",
    "{industry}行业{tech}应用现场会在{city}召开",
    "{tech}工程师培训班在{city}开班",
]
# Titles about 智能制造 itself: a share of the news, so that the search has its own matches.
NEWS_TITLES_IM = [
    "“{year}中国智能制造科技进展”遴选工作启动",
    "联合体参加{year}世界智能制造大会",
    "{city}智能制造产业发展座谈会召开",
    "智能制造标准化工作推进会在{city}召开",
    "{industry}智能制造典型场景征集结果公布",
]
SENTENCES = [
    "{org}围绕{tech}开展了深入调研，形成了{n}份专题报告",
    "会议由{role}主持，{count}余位专家学者和企业代表参加",
    "与会专家就{tech}的发展趋势、关键技术和应用场景进行了交流",
    "{org}介绍了在{tech}领域的最新研究进展",
    "活动吸引了来自{city}等地的{count}余家单位参加",
    "下一步，联合体将继续加强与{org}的合作，推动{tech}成果转化",
    "{role}在致辞中指出，{tech}是推动{industry}行业转型升级的重要抓手",
    "参会代表实地参观了{org}的{tech}示范线",
    "双方就共建{tech}联合实验室达成初步意向",
    "会议听取了各工作组的进展汇报，并对下一阶段的重点任务进行了部署",
    "秘书处将汇总各方意见，形成工作方案报联合体主席团审议",
    "{city}有关部门介绍了当地{industry}产业的发展情况和技术需求",
]
SENTENCES_IM = [
    "{role}强调，要以智能制造为主攻方向，推进{industry}行业数字化转型",
    "本次活动是联合体推进智能制造协同创新的重要举措",
    "专家们围绕智能制造标准体系建设提出了意见和建议",
    "{city}是我国智能制造发展的重要集聚区，已建成{n}家智能工厂",
]
ACTIVITY_TITLES = {
    "meeting": "{society}召开{year}年{tech}工作会议",
    "forum": "第{n}届{tech}论坛在{city}举办",
    "training": "{tech}工程技术人员培训班（第{n}期）",
    "visit": "走访调研{city}{industry}企业",
    "class": "IMAC 智能制造云课堂：{tech}",
    "other": "{tech}成果展示活动在{city}举行",
}
ITEM_TITLES = [
    "面向{industry}的{tech}平台",
    "{tech}关键技术及应用",
    "{industry}行业{tech}示范工厂",
    "基于{tech}的{industry}装备健康管理系统",
]


def fill(rng, template, **fixed):
    values = {
        "year": rng.randint(2016, 2026),
        "n": rng.randint(2, 12),
        "count": rng.choice([30, 50, 80, 100, 120, 200]),
        "tech": rng.choice(TECHS),
        "city": rng.choice(CITIES),
        "org": rng.choice(ORGANISATIONS),
        "role": rng.choice(ROLES),
        "industry": rng.choice(INDUSTRIES),
    }
    values.update(fixed)
    return template.format(**values)


def paragraph(rng, about_im, sentences=(2, 4)):
    pool = SENTENCES + (SENTENCES_IM if about_im else [])
    return "".join(fill(rng, s) + "。" for s in rng.sample(pool, rng.randint(*sentences)))


def picture(rng, index):
    """A 1600×1200 photograph stand-in (gradients with noise, so that making its rendition is
    real decoding and encoding)."""
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    size = (1600, 1200)
    gradient = PILImage.linear_gradient("L").resize(size)
    noise = PILImage.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    image = PILImage.merge("RGB", (gradient, PILImage.blend(gradient, noise, 0.35), noise))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return ImageFile(io.BytesIO(buffer.getvalue()), name=f"bench-{index}.jpg")


# Environment and database ---------------------------------------------------------------------


def configure_environment(temp_dir, database_url):
    """The production settings, with this run's database and folders, for this process (data
    loading, collectstatic) and for gunicorn."""
    temp = Path(temp_dir)
    values = {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LIANHE_BASE_URL": "http://127.0.0.1",
        # No TLS on 127.0.0.1: the redirect would answer every request with a 301.
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(temp / "media"),
        "PRIVATE_MEDIA_ROOT": str(temp / "private_media"),
        "STATIC_ROOT": str(temp / "static"),
        "LOG_LEVEL": "WARNING",
        # The demo's workflow notifications would fill the output with e-mails.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    for name in ("DEBUG", "PAGE_CACHE_URL", "REDIS_URL", "FRONTEND_CACHE_PURGE_URL",
                 "CELERY_BROKER_URL", "AWS_STORAGE_BUCKET_NAME"):  # fmt: skip
        # Each configuration sets what it needs; nothing leaks in from the caller's shell.
        os.environ.pop(name, None)
    os.environ.update(values)
    sys.path.insert(0, str(PROJECT_DIR))


def recreate_database(database_url):
    """Drop and create the database. Returns the server connection that holds the run's lock:
    a second run at the same time would drop the database under this one (and share its Redis
    db), so it stops at once instead; PostgreSQL releases the lock when the run ends, however."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(database_url)
    name = config["NAME"]
    if config["ENGINE"] != "django.db.backends.postgresql" or "bench" not in name:
        # The database is dropped: a mistyped URL must not drop a real one.
        raise SystemExit(f"--database-url 必须是名称含 bench 的 PostgreSQL 数据库：{name}")
    connection = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        locked = connection.execute(
            "SELECT pg_try_advisory_lock(hashtext(%s))", [f"lianhe bench/site.py {name}"]
        ).fetchone()[0]
        if not locked:
            raise SystemExit(f"另一个 bench/site.py 正在使用数据库 {name}，请等它结束。")
        identifier = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    except BaseException:
        connection.close()
        raise
    return connection


def skip_commit_waits():
    """The database is thrown away: the loader's thousands of commits need not wait for the
    disk. Only this process's connections; gunicorn's are left as in production."""
    from django.db.backends.signals import connection_created

    def no_sync(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")

    connection_created.connect(no_sync, weak=False)


# Data -----------------------------------------------------------------------------------------


@dataclass
class Loaded:
    latest_news: object = None
    news_page: object = None
    year_page: object = None
    year_item: str = ""
    report: object = None
    report_release: str = ""
    counts: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)
    demo_counts: dict = field(default_factory=dict)
    search_total: int = 0


def publish(parent, page):
    from django.db import transaction

    # One transaction per page, as an editor's save is.
    with transaction.atomic():
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


def build_news(rng, news_index):
    """News up to NEWS_TOTAL, spread evenly from NEWS_START to today, the newest last."""
    from django.utils import timezone
    from wagtail.images.models import Image

    from cms.models import NewsPage

    images = [
        Image.objects.create(title=f"会议图片{n + 1}", file=picture(rng, n))
        for n in range(PICTURES)
    ]
    count = NEWS_TOTAL - NewsPage.objects.live().count()
    start, today = NEWS_START, timezone.localdate()
    step = (today - start).days / max(1, count - 1)
    for n in range(count):
        about_im = rng.random() < 0.25
        title = fill(rng, rng.choice(NEWS_TITLES_IM if about_im else NEWS_TITLES))
        body = []
        for p in range(rng.randint(4, 8)):
            if p == 2 and rng.random() < 0.3:
                body.append(
                    {"type": "heading", "value": rng.choice(["会议情况", "主要成果", "下一步工作"])}
                )
            body.append({"type": "paragraph", "value": f"<p>{paragraph(rng, about_im)}</p>"})
        # The newest news, the one measured, has a picture: a third of the news have one.
        if n == count - 1 or rng.random() < 0.3:
            image = rng.choice(images)
            body.insert(
                2, {"type": "image", "value": {"image": image.pk, "caption": rng.choice(CAPTIONS)}}
            )
        page = NewsPage(
            title=title,
            slug=f"news-{n + 1:04d}",
            date=start + datetime.timedelta(days=round(n * step)),
            lead=paragraph(rng, about_im, sentences=(1, 2)),
            body=body,
        )
        if n == count - 1 or rng.random() < 0.4:
            page.tags.add(*rng.sample(TAGS, rng.randint(1, 3)))
        publish(news_index, page)


def build_activities(rng):
    """Activities up to ACTIVITIES_TOTAL over the societies' pages, the larger societies more
    often, from ACTIVITIES_START to two months ahead (the calendar has a future)."""
    from django.utils import timezone

    from activities.models import ActivityPage, SocietyActivitiesPage
    from cms.models import Workstream

    areas = list(SocietyActivitiesPage.objects.select_related("society").order_by("path"))
    weights = [len(areas) - i for i in range(len(areas))]
    workstreams = list(Workstream.objects.all())
    kinds = [key for key, _label in ActivityKind.choices]
    days = (timezone.localdate() + datetime.timedelta(days=60) - ACTIVITIES_START).days
    for n in range(ACTIVITIES_TOTAL - ActivityPage.objects.live().count()):
        area = rng.choices(areas, weights)[0]
        kind = rng.choice(kinds)
        start = ACTIVITIES_START + datetime.timedelta(days=rng.randint(0, days))
        about_im = rng.random() < 0.3
        summary = paragraph(rng, about_im, sentences=(1, 2))
        page = ActivityPage(
            title=fill(rng, ACTIVITY_TITLES[kind], society=area.society.name),
            slug=f"activity-{n + 1:04d}",
            start_date=start,
            end_date=start + datetime.timedelta(days=rng.randint(1, 2))
            if rng.random() < 0.3
            else None,
            place=rng.choice(CITIES) if kind != "class" else "线上",
            kind=kind,
            workstream=rng.choice(workstreams),
            participants=f"成员学会代表、企业代表约 {rng.choice([20, 35, 60, 120, 300])} 人",
            summary=summary,
            body=[
                {"type": "paragraph", "value": f"<p>{paragraph(rng, about_im)}</p>"}
                for _ in range(rng.randint(2, 4))
            ],
        )
        publish(area, page)


def build_showcase(rng, home):
    """SHOWCASE_YEARS, each list filled up to ITEMS_PER_LIST with invented items flagged as
    demo data (the pages badge them), after the demo's verified ones."""
    from campaigns.demo.showcase import SYNTHETIC_SOURCE, ensure_index
    from campaigns.models import AchievementPage, ShowcaseYearPage
    from cms.models import MemberSociety

    index = ensure_index(home)
    societies = list(MemberSociety.objects.all())
    categories = ["智能制造领域科技突破", "智能制造领域产业应用"]
    for year in SHOWCASE_YEARS:
        year_page = ShowcaseYearPage.objects.filter(year=year).first()
        if year_page is None:
            year_page = publish(
                index,
                ShowcaseYearPage(
                    title=f"{year} 年智能制造“双十”科技进展",
                    slug=str(year),
                    year=year,
                    intro="<p>世界智能制造十大科技进展和中国智能制造十大科技进展。</p>",
                    release_event=f"{year}世界智能制造大会",
                    release_date=datetime.date(year, 12, 6),
                    release_place="南京",
                ),
            )
        for list_key in (ShowcaseListKind.WORLD, ShowcaseListKind.CHINA):
            have = AchievementPage.objects.child_of(year_page).filter(list=list_key).count()
            for rank in range(have + 1, ITEMS_PER_LIST + 1):
                org = rng.sample(ORGANISATIONS, rng.randint(1, 3))
                publish(
                    year_page,
                    AchievementPage(
                        title=fill(rng, rng.choice(ITEM_TITLES)),
                        slug=f"bench-{list_key}-{rank}",
                        list=list_key,
                        rank=rank,
                        organisations="、".join(org),
                        recommender_society=rng.choice(societies)
                        if list_key == ShowcaseListKind.CHINA
                        else None,
                        category=rng.choice(categories),
                        summary=paragraph(rng, True, sentences=(2, 3)),
                        synthetic=True,
                        source=SYNTHETIC_SOURCE,
                    ),
                )


def build_reports(rng, home, workflow):
    """REPORT_MONTHS, published, each with 6–10 progress entries, 3–5 plans and two of the
    month's news as its press releases. The months precede every campaign milestone and
    activity, so the sync finds no sources for them and the published reports stay as made."""
    from cms.models import NewsPage, Workstream
    from reports.demo import ensure_report_index
    from reports.models import MonthlyReportPage, PlanEntry, PressRelease, ProgressEntry

    index = ensure_report_index(home, workflow)
    workstreams = list(Workstream.objects.all())

    def entry_body():
        text = paragraph(rng, rng.random() < 0.5)
        if rng.random() < 0.3:
            text = f"围绕**{rng.choice(TECHS)}**，" + text
        return text

    for year, month in REPORT_MONTHS:
        first = datetime.date(year, month, 1)
        news = NewsPage.objects.live().filter(date__year=year, date__month=month).order_by("date")
        page = MonthlyReportPage(
            period_start=first,
            period_end=first,
            progress_entries=[
                ProgressEntry(workstream=rng.choice(workstreams), body=entry_body(), sort_order=i)
                for i in range(rng.randint(6, 10))
            ],
            plan_entries=[
                PlanEntry(workstream=rng.choice(workstreams), body=entry_body(), sort_order=i)
                for i in range(rng.randint(3, 5))
            ],
            press_releases=[
                PressRelease(news_page=item, sort_order=i) for i, item in enumerate(news[:2])
            ],
        )
        publish(index, page)


def vacuum_analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def live_counts():
    from activities.models import ActivityPage
    from campaigns.models import AchievementPage, ShowcaseYearPage
    from cms.models import NewsPage
    from reports.models import MonthlyReportPage

    models = {
        "news": NewsPage,
        "activities": ActivityPage,
        "showcase years": ShowcaseYearPage,
        "showcase items": AchievementPage,
        "reports": MonthlyReportPage,
    }
    return {name: model.objects.live().count() for name, model in models.items()}


def load_data(rng):
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings
    from wagtail.models import Workflow

    from campaigns.models import AchievementPage, ShowcaseYearPage
    from cms.models import HomePage, NewsIndexPage, NewsPage
    from cms.search import search_pages
    from reports.models import MonthlyReportPage

    loaded = Loaded()
    steps = loaded.steps

    def step(name, function, *args, **kwargs):
        start = time.perf_counter()
        function(*args, **kwargs)
        steps[name] = time.perf_counter() - start
        print(f"  {name}: {steps[name]:.1f} s")

    step("migrate", call_command, "migrate", verbosity=0, interactive=False)
    step("load_demo", call_command, "load_demo", stdout=io.StringIO())
    loaded.demo_counts = live_counts()
    home = HomePage.objects.get()
    # On PostgreSQL the database backend recomputes the norms of the whole index on every
    # insert: pages are indexed once, at the end, by update_index.
    backends = settings.WAGTAILSEARCH_BACKENDS
    unindexed = {name: {**params, "AUTO_UPDATE": False} for name, params in backends.items()}
    with override_settings(WAGTAILSEARCH_BACKENDS=unindexed):
        step("news", build_news, rng, NewsIndexPage.objects.get())
        step("activities", build_activities, rng)
        step("showcase", build_showcase, rng, home)
        step("reports", build_reports, rng, home, Workflow.objects.get(name="秘书长审核"))
    step("update_index", call_command, "update_index", stdout=io.StringIO())
    # Autovacuum would analyse the new rows a minute or so later, in the middle of the
    # measurements: the planner gets its statistics now, as a settled production database has.
    step("vacuum analyze", vacuum_analyze)

    loaded.counts = live_counts()
    loaded.latest_news = NewsPage.objects.live().order_by("-date", "-pk").first()
    loaded.news_page = loaded.latest_news
    loaded.year_page = ShowcaseYearPage.objects.live().order_by("-year").first()
    loaded.year_item = AchievementPage.objects.child_of(loaded.year_page).live().first().title
    loaded.report = MonthlyReportPage.objects.get(
        slug=f"{REPORT_MONTHS[-1][0]}-{REPORT_MONTHS[-1][1]:02d}"
    )
    loaded.report_release = loaded.report.press_release_pages()[0].title
    # The generated reports have no sources: a draft on one would mean the sync changed it.
    changed = MonthlyReportPage.objects.filter(
        has_unpublished_changes=True, period_start__lt=ACTIVITIES_START
    ).exclude(slug__in=DEMO_REPORTS)
    if changed.exists():
        print(f"注意：{changed.count()} 份生成的月报有未发布的修改（同步产生的草稿）")
    loaded.search_total = search_pages(SEARCH_QUERY).total
    if not loaded.search_total:
        raise SystemExit(f"索引后搜索“{SEARCH_QUERY}”没有结果：update_index 未生效")
    return loaded


# Serving --------------------------------------------------------------------------------------


class Gunicorn:
    """`gunicorn cms.wsgi -w 2` on 127.0.0.1 in a session of its own, so that stopping it
    takes its workers too. A context manager."""

    def __init__(self, log, **extra_env):
        self.env = {**os.environ, **extra_env}
        self.log = Path(log)
        self.port = None
        self.process = None

    def __enter__(self):
        from deploy.nginx_conf import free_port, wait_for_port

        self.port = free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "cms.wsgi",
                    "-w",
                    str(GUNICORN_WORKERS),
                    "-b",
                    f"127.0.0.1:{self.port}",
                ],
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_port(self.port, self.process, 60, "gunicorn")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def __exit__(self, *exc):
        self.stop()


def static_nginx(workdir, html_dir):
    from deploy.nginx_conf import LocalNginx, free_port

    port = free_port()
    server = f"""
    server {{
        listen 127.0.0.1:{port};
        charset utf-8;
        location = / {{
            root {html_dir};
            try_files /home.html =404;
        }}
    }}
"""
    return LocalNginx(server, workdir, workers=os.cpu_count()), port


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return (
            response.status,
            dict(response.getheaders()),
            response.read().decode("utf-8", "replace"),
        )
    finally:
        connection.close()


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Target:
    key: str
    label: str
    path: str
    expect: list


@dataclass
class Measurement:
    rps: float
    p50: float  # ms
    p99: float  # ms
    requests: int
    errors: str = ""


def targets(loaded):
    from django.utils.html import escape

    return [
        Target("home", "首页 home", "/", [escape(loaded.latest_news.title)]),
        Target("news_index", "新闻栏目 news index", "/news/", [escape(loaded.latest_news.title)]),
        Target(
            "news", "新闻 news page", loaded.news_page.url, [escape(loaded.news_page.title), "<img"]
        ),
        Target(
            "year",
            f"双十 {loaded.year_page.year} showcase year",
            loaded.year_page.url,
            [escape(loaded.year_item)],
        ),
        Target(
            "report",
            f"月报 report {loaded.report.slug}",
            loaded.report.url,
            [escape(loaded.report_release), "一、当月总体进展情况"],
        ),
        Target(
            "search",
            f"搜索 search {SEARCH_QUERY}",
            "/search/?q=" + quote(SEARCH_QUERY),
            ['class="search-group"', "<mark>"],
        ),
    ]


def check(port, target):
    """The page answers 200 with what it should show; returns the response's headers and
    body."""
    status, headers, body = get(port, target.path)
    missing = [text for text in target.expect if text not in body]
    if status != 200 or missing:
        raise RuntimeError(f"{target.path}：状态 {status}，缺少 {missing}")
    return headers, body


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return float(match.group(1)) * UNITS[match.group(2)]

    rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE).group(1))
    requests = int(re.search(r"^\s*(\d+) requests in", output, re.MULTILINE).group(1))
    errors = []
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors.append(f"{non_2xx.group(1)} non-2xx")
    sockets = re.search(r"Socket errors:\s+(.*)", output)
    if sockets:
        errors.append(f"socket errors: {sockets.group(1).strip()}")
    if not requests:
        errors.append("no request completed")
    return Measurement(rps, latency(50), latency(99), requests, "; ".join(errors))


class Load:
    def __init__(self, threads, connections, duration):
        self.threads, self.connections, self.duration = threads, connections, duration

    def args(self, duration):
        # A 30 s timeout: wrk's 2 s default would drop the slow requests from the latencies.
        return ["wrk", f"-t{self.threads}", f"-c{self.connections}", f"-d{duration}s",
                "--timeout", "30s", "--latency"]  # fmt: skip

    def describe(self):
        return " ".join(self.args(self.duration)) + " URL"

    def run(self, port, path, duration=None):
        url = f"http://127.0.0.1:{port}{path}"
        result = subprocess.run(
            [*self.args(duration or self.duration), url],
            capture_output=True,
            text=True,
            timeout=(duration or self.duration) + 60,
            check=True,
        )
        return parse_wrk(result.stdout)

    def measure(self, port, target, label):
        # Two seconds first, unrecorded: every worker has its connections, templates, jieba's
        # dictionary and the caches ready before the measured run.
        self.run(port, target.path, duration=2)
        # wrk leaves requests queued in gunicorn when it stops: a request of our own waits
        # behind them, so that the measured run does not start with the warm-up's backlog.
        for _ in range(GUNICORN_WORKERS):
            get(port, target.path)
        result = self.run(port, target.path)
        print(f"  {label:<28} {target.label:<28} {result.rps:9.1f} req/s  "
              f"p50 {ms(result.p50):>8}  p99 {ms(result.p99):>8}  {result.errors}")  # fmt: skip
        return result


def ms(value):
    if value < 10:
        return f"{value:.2f} ms"
    if value < 100:
        return f"{value:.1f} ms"
    return f"{value:.0f} ms"


def flush_page_cache(url):
    import redis

    client = redis.Redis.from_url(url)
    client.ping()
    client.flushdb()


def measure_all(loaded, load, temp_dir, page_cache_url):
    from deploy.nginx_conf import LocalNginx, free_port

    temp = Path(temp_dir)
    pages = targets(loaded)
    results = {"off": {}, "redis": {}, "nginx": {}}
    notes = {"wagtail_cache": {}, "nginx_cache": {}, "bytes": {}}

    print("gunicorn, page cache off")
    with Gunicorn(temp / "gunicorn-off.log") as app:
        for target in pages:
            _headers, body = check(app.port, target)
            notes["bytes"][target.key] = len(body.encode())
        html_dir = temp / "static-home"
        html_dir.mkdir()
        _headers, home_html = check(app.port, pages[0])
        (html_dir / "home.html").write_text(home_html, encoding="utf-8")
        for target in pages:
            results["off"][target.key] = load.measure(app.port, target, "page cache off")

    print("nginx, the home page as a static file")
    server, port = static_nginx(temp / "nginx-static", html_dir)
    with server:
        reference = Target("static", "static HTML of the home page", "/", pages[0].expect)
        check(port, reference)
        results["static"] = load.measure(port, reference, "nginx static file")

    print("gunicorn + page cache (Redis), then the nginx recipe in front of it")
    flush_page_cache(page_cache_url)
    try:
        with Gunicorn(temp / "gunicorn-redis.log", PAGE_CACHE_URL=page_cache_url) as app:
            for target in pages:
                # The first request fills the cache; the second shows whether it is served from it.
                check(app.port, target)
                headers, _body = check(app.port, target)
                notes["wagtail_cache"][target.key] = headers.get("X-Wagtail-Cache", "—")
            for target in pages:
                results["redis"][target.key] = load.measure(app.port, target, "page cache (Redis)")

            port = free_port()
            recipe = LocalNginx.recipe(
                temp / "nginx-recipe",
                port=port,
                upstream=f"127.0.0.1:{app.port}",
                static_root=os.environ["STATIC_ROOT"],
                media_root=os.environ["MEDIA_ROOT"],
                workers=os.cpu_count(),
            )
            with recipe:
                for target in pages:
                    check(port, target)
                    headers, _body = check(port, target)
                    notes["nginx_cache"][target.key] = headers.get("X-Cache-Status", "—")
                for target in pages:
                    results["nginx"][target.key] = load.measure(port, target, "nginx recipe cache")
    finally:
        # Redis db 13 is the benchmark's: nothing of the run is left in it.
        flush_page_cache(page_cache_url)
    return pages, results, notes


# Report ---------------------------------------------------------------------------------------


def versions(page_cache_url):
    import django
    import gunicorn
    import redis
    import wagtail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    redis_server = redis.Redis.from_url(page_cache_url).info("server")["redis_version"]
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    return [
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"Wagtail {wagtail.__version__}",
        f"gunicorn {gunicorn.__version__}",
        f"PostgreSQL {postgres}",
        f"Redis {redis_server}",
        nginx.replace("nginx version: ", "").replace("/", " "),
        " ".join(wrk[:2]) if wrk else "wrk",
    ]


def cells(measurement):
    if measurement is None:
        return ["—", "—", "—"]
    flag = " ⚠" if measurement.errors else ""
    return [f"{measurement.rps:,.1f}{flag}", ms(measurement.p50), ms(measurement.p99)]


def table(pages, results, notes):
    lines = [
        "| page | KiB | off req/s | off p50 | off p99 | Redis req/s | Redis p50 | Redis p99 "
        "| nginx req/s | nginx p50 | nginx p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for target in pages:
        row = [f"{target.label} `{target.path}`", f"{notes['bytes'][target.key] / 1024:.1f}"]
        if target.key == "search":
            row[0] += " ¹"
        for config in ("off", "redis", "nginx"):
            row += cells(results[config].get(target.key))
        lines.append("| " + " | ".join(row) + " |")
    lines.append(
        "| **reference: the home page's HTML as a static file, nginx** ² "
        f"| {notes['bytes']['home'] / 1024:.1f} | — | — | — | — | — | — | "
        + " | ".join(cells(results["static"]))
        + " |"
    )
    errors = [
        f"{target.label} ({config}): {results[config][target.key].errors}"
        for config in ("off", "redis", "nginx")
        for target in pages
        if results[config][target.key].errors
    ]
    if results["static"].errors:
        errors.append(f"static reference: {results['static'].errors}")
    wagtail_cache = ", ".join(f"{t.key} {notes['wagtail_cache'][t.key]}" for t in pages)
    nginx_cache = ", ".join(f"{t.key} {notes['nginx_cache'][t.key]}" for t in pages)
    lines += [
        "",
        "- **off** = gunicorn, page cache off (no PAGE_CACHE_URL); **Redis** = gunicorn + page "
        "cache (wagtail-cache in Redis); **nginx** = the production recipe "
        "(deploy/nginx/lianhe.conf, its own page cache) in front of gunicorn + page cache.",
        f"- After warm-up, X-Wagtail-Cache (Redis configuration): {wagtail_cache}.",
        f"- After warm-up, X-Cache-Status (nginx recipe): {nginx_cache}.",
        "- ¹ The search URL has a query string: the recipe passes it to the application by design "
        "(proxy_cache_bypass $args), so its nginx row measures nginx → gunicorn + page cache.",
        "- ² nginx serving the saved file from disk, with no proxying and no cache lookup.",
        "- One run per cell on a small machine shared with wrk: repeated runs differ by tens of "
        "per cent, so compare the configurations' orders of magnitude, not single percentages.",
    ]
    if errors:
        lines.append("- ⚠ errors reported by wrk: " + "; ".join(errors))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--page-cache-url", default=DEFAULT_PAGE_CACHE_URL)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        print(f"需要 wrk：{WRK_INSTALL}（或 make bench）", file=sys.stderr)
        sys.exit(1)
    sys.path.insert(0, str(PROJECT_DIR))
    from deploy.nginx_conf import nginx_available

    if not nginx_available():
        print(f"需要 nginx 与 cache_purge 模块：{NGINX_INSTALL}（或 make bench）", file=sys.stderr)
        sys.exit(1)
    # A terminated run still stops its gunicorn and nginx (the finally clauses).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.perf_counter()
    load = Load(args.threads, args.connections, args.duration)
    with tempfile.TemporaryDirectory(prefix="lianhe-bench-site-") as temp_dir:
        lock = recreate_database(args.database_url)
        connections = None
        try:
            configure_environment(temp_dir, args.database_url)
            import django

            django.setup()
            skip_commit_waits()
            from django.core.management import call_command
            from django.db import connections

            step = time.perf_counter()
            call_command("collectstatic", interactive=False, verbosity=0)
            static_seconds = time.perf_counter() - step
            print(f"collectstatic: {static_seconds:.1f} s")
            step = time.perf_counter()
            loaded = load_data(random.Random(SEED))
            load_seconds = time.perf_counter() - step
            print(f"data loaded in {load_seconds:.1f} s: {loaded.counts}; "
                  f"search {SEARCH_QUERY}: {loaded.search_total} results")  # fmt: skip
            software = versions(args.page_cache_url)
            # gunicorn's workers need the connections this process no longer does.
            connections.close_all()
            pages, results, notes = measure_all(loaded, load, temp_dir, args.page_cache_url)
        finally:
            if connections is not None:
                connections.close_all()
            lock.close()

    counts, demo = loaded.counts, loaded.demo_counts
    # The command as run, without a password the database URL may hold.
    command = re.sub(
        r"//([^:/@]+):[^@/]+@",
        r"//\1:***@",
        " ".join([".venv/bin/python bench/site.py", *sys.argv[1:]]),
    )
    machine = f"{platform.platform()}; {os.cpu_count()} CPUs"
    lines = [
        "# Public site benchmark (`bench/site.py`)",
        "",
        f"- run: `{command}` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine}",
        f"- versions: {', '.join(software)}",
        "- data (live pages; in brackets the demo's, the rest generated): "
        + ", ".join(f"{counts[name]:,} {name} ({demo[name]})" for name in counts)
        + f"; the search for {SEARCH_QUERY} finds {loaded.search_total} pages",
        "- loading took "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in loaded.steps.items())
        + f": {load_seconds:.0f} s in all; collectstatic {static_seconds:.0f} s",
        f"- served: `cms.settings.production` (DEBUG off, WhiteNoise, manifest static files), "
        f"gunicorn {GUNICORN_WORKERS} sync workers on 127.0.0.1, PostgreSQL with "
        "DATABASE_CONN_MAX_AGE=60; nginx with one worker per CPU",
        f"- load: `{load.describe()}` for every row, after an unrecorded 2 s run and a check "
        "that the page answers 200 with its content; KiB = the page's HTML, uncompressed "
        "(wrk does not ask for gzip)",
        f"- the machine has {os.cpu_count()} cores: wrk runs on them too and competes with "
        "gunicorn and nginx, so these are lower bounds for a dedicated server; gunicorn's sync "
        "workers close every connection (no keep-alive), nginx keeps them open",
        "",
    ]
    lines += table(pages, results, notes)
    lines.append(f"- whole run: {time.perf_counter() - started:.0f} s")
    print("\n".join(lines))
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
