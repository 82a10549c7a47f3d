"""Benchmark of the monthly report's Word export on a year of realistic reports.

    .venv/bin/python bench/export_reports.py

Builds, in a throw-away SQLite database and media folder (unless DATABASE_URL is given), the
federation's core demo data and twelve published monthly reports for 2022, each with 6–10 progress
entries, two press releases with 8–12 paragraphs and 2–3 captioned photographs (1600×1200 JPEG or
PNG, so Wagtail's renditions do real decoding and encoding), and 3–5 plans. Then every report is
exported with `reports.docx_export.export_report` and timed. The table goes to stdout and to
bench/results-export.md.
"""

import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results-export.md"
YEAR = 2022
PICTURE_SIZE = (1600, 1200)
SEED = 20220101

SENTENCES = [
    "联合体秘书处组织召开专题工作会议，围绕智能制造发展中的关键共性问题进行研讨",
    "各成员学会结合自身优势，积极参与联合体的各项工作，形成了协同推进的良好局面",
    "会议听取了各工作组的进展汇报，并对下一阶段的重点任务进行了部署",
    "专家组围绕工业互联网、数字孪生、智能工厂等方向开展了深入调研",
    "联合体与地方政府、行业龙头企业建立了常态化的沟通机制，推动成果落地转化",
    "本月共组织线上线下学术报告会三场，参会人数累计超过一千二百人次",
    "中国智能制造科技进展遴选工作有序推进，申报材料的形式审查已全部完成",
    "秘书处完成了年度工作总结的编写，并报送中国科协有关部门",
    "人才培养工作组与多所高校联合开展智能制造工程师培训，首期学员顺利结业",
    "国际智能制造联盟筹备组与欧洲、东南亚多家学术机构开展了视频交流",
    "科技公共服务平台上线试运行，向中小企业开放智能制造诊断与咨询服务",
    "联合体组织专家对重点行业的智能化改造需求进行梳理，形成需求清单",
    "战略咨询项目按计划完成中期检查，专家组对研究报告初稿提出了修改意见",
    "产学融合工作组推动校企共建联合实验室，首批合作项目已签署协议",
    "协同创新工作组围绕关键零部件的可靠性问题组织了联合攻关",
    "自身建设方面，秘书处修订了联合体工作规则，完善了成员学会的联络员制度",
    "世界智能制造大会筹备工作进展顺利，联合体承办的分论坛议程已基本确定",
    "联合体发布了智能制造标准化工作的倡议，得到了成员学会的积极响应",
    "专家委员会对各成员学会推荐的候选成果进行了初步审阅并反馈意见",
    "新闻宣传工作持续加强，本月在主流媒体发布新闻稿件五篇",
]
BOLD_PHRASES = ["重点任务", "阶段性成果", "关键共性技术", "示范应用", "协同推进"]
LIST_ITEMS = [
    "完成专家库的更新与扩充",
    "组织召开第二次工作组联席会议",
    "形成调研报告初稿并征求意见",
    "推进联合实验室建设方案论证",
    "筹备年度学术年会的征文工作",
    "开展成员学会联络员业务培训",
]
NEWS_TOPICS = [
    "联合体召开{month}月工作例会",
    "中国智能制造科技进展遴选工作稳步推进",
    "智能制造工程师培训班在京开班",
    "联合体专家赴长三角开展智能工厂调研",
    "国际智能制造联盟筹备会议在线召开",
    "智能制造科技公共服务平台试运行",
    "联合体与地方政府签署战略合作协议",
    "智能制造青年科学家论坛成功举办",
]
CAPTIONS = ["会议现场", "专家发言", "代表合影", "参观调研", "签约仪式", "颁证仪式"]


@dataclass
class Built:
    page: object
    entries: int
    pictures: int


def configure_environment(temp_dir):
    """Returns True when the database is the script's own throw-away SQLite file."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    own_database = "DATABASE_URL" not in os.environ
    if own_database:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(temp_dir) / 'bench.sqlite3'}"
    os.environ.setdefault("MEDIA_ROOT", str(Path(temp_dir) / "media"))
    # dev settings default to DEBUG, which records every SQL query and would inflate the timings.
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(PROJECT_DIR))
    return own_database


def skip_fsync_on_throwaway_sqlite():
    """The temporary database is deleted at the end: waiting for the disk on each of the
    migrations' and page saves' commits would only make the set-up slower, not the export."""
    from django.db.backends.signals import connection_created

    def pragmas(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA journal_mode=MEMORY")

    connection_created.connect(pragmas, weak=False)


def chinese_text(rng, low, high):
    """Distinct sentences from the pool until the text is between `low` and `high` characters."""
    text = ""
    for sentence in rng.sample(SENTENCES, len(SENTENCES)):
        if len(text) >= low or len(text) + len(sentence) + 1 > high:
            break
        text += sentence + "。"
    return text


def entry_body(rng, kind):
    """150–400 characters; some with a bold phrase, some ending in a list."""
    if kind == "list":
        intro = chinese_text(rng, 100, 260) + "本月主要工作包括：\n\n"
        return intro + "\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, 3))
    text = chinese_text(rng, 150, 400)
    if kind == "bold":
        phrase = rng.choice(BOLD_PHRASES)
        text = f"围绕**{phrase}**，" + text
    return text


_PICTURE_POOL = {}
PICTURE_VARIANTS = 6


def picture_file(rng, index):
    """A 1600×1200 photograph stand-in: gradients with noise so it neither compresses to nothing
    nor decodes trivially. Drawing one costs as much as using it, so the encoded bytes of a few
    variants are reused; every Wagtail image still gets its own file and its own renditions."""
    from django.core.files.images import ImageFile

    variant = index % PICTURE_VARIANTS
    if variant not in _PICTURE_POOL:
        _PICTURE_POOL[variant] = draw_picture(rng, as_png=variant % 3 == 2)
    data, extension = _PICTURE_POOL[variant]
    return ImageFile(io.BytesIO(data), name=f"photo-{index}.{extension}")


def draw_picture(rng, as_png):
    from PIL import Image as PILImage

    width, height = PICTURE_SIZE
    horizontal = PILImage.linear_gradient("L").resize(PICTURE_SIZE)
    radial = PILImage.radial_gradient("L").resize(PICTURE_SIZE)
    noise = PILImage.frombytes("L", PICTURE_SIZE, rng.randbytes(width * height))
    green = PILImage.blend(horizontal, noise, 0.35)
    image = PILImage.merge("RGB", (horizontal, green, PILImage.blend(radial, noise, 0.2)))
    buffer = io.BytesIO()
    if as_png:
        image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue(), "png"
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue(), "jpg"


def build_news(rng, news_index, month, number, picture_counter):
    """`month` is the first day of the report's month."""
    from wagtail.images.models import Image

    from cms.models import NewsPage

    paragraphs = [chinese_text(rng, 80, 220) for _ in range(rng.randint(8, 12))]
    pictures = rng.randint(2, 3)
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
    # Pictures sit between paragraphs, as in the paper report's press releases.
    positions = sorted(rng.sample(range(2, len(body) + 1), pictures), reverse=True)
    for slot, position in enumerate(positions):
        picture_counter[0] += 1
        caption = f"图{pictures - slot} {rng.choice(CAPTIONS)}"
        image = Image.objects.create(title=caption, file=picture_file(rng, picture_counter[0]))
        body.insert(position, {"type": "image", "value": {"image": image.pk, "caption": caption}})
    page = NewsPage(
        title=rng.choice(NEWS_TOPICS).format(month=month.month),
        slug=f"{month:%Y-%m}-news-{number}",
        date=month.replace(day=rng.randint(1, 28)),
        lead=chinese_text(rng, 40, 90),
        body=body,
    )
    news_index.add_child(instance=page)
    page.save_revision().publish()
    return page, pictures


def build_report(rng, report_index, news_index, workstreams, period, picture_counter):
    from reports.models import MonthlyReportPage, PlanEntry, PressRelease, ProgressEntry

    kinds = ["plain", "bold", "list"]
    progress = [
        ProgressEntry(
            workstream=rng.choice(workstreams),
            body=entry_body(rng, rng.choice(kinds)),
            sort_order=order,
        )
        for order in range(rng.randint(6, 10))
    ]
    plans = [
        PlanEntry(
            workstream=rng.choice(workstreams),
            body=entry_body(rng, rng.choice(["plain", "bold"])),
            sort_order=order,
        )
        for order in range(rng.randint(3, 5))
    ]
    pictures = 0
    releases = []
    for number in range(2):
        news, count = build_news(rng, news_index, period.start, number, picture_counter)
        pictures += count
        releases.append(PressRelease(news_page=news, sort_order=number))
    page = MonthlyReportPage(
        period_start=period.start,
        period_end=period.end,
        progress_entries=progress,
        plan_entries=plans,
        press_releases=releases,
    )
    report_index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return Built(page, len(progress) + len(plans), pictures)


def build_year(rng):
    from django.core.management import call_command
    from django.db import transaction

    from cms.demo import load_core_demo
    from cms.models import Workstream
    from cms.periods import Period
    from reports.demo import ensure_report_index
    from reports.models import MonthlyReportPage

    call_command("migrate", verbosity=0, interactive=False)
    context = load_core_demo()
    report_index = ensure_report_index(context["home"], context["workflow"])
    clash = MonthlyReportPage.objects.filter(period_start__year__in=[YEAR - 1, YEAR]).first()
    if clash is not None:
        raise SystemExit(f"数据库中已有 {clash.title}；请使用空数据库（不设置 DATABASE_URL）。")
    workstreams = list(Workstream.objects.all())
    counter = [0]

    def build(period):
        # One transaction per report, as an editor's save would be.
        with transaction.atomic():
            return build_report(
                rng, report_index, context["news_index"], workstreams, period, counter
            )

    # One more report, outside the year, exported once untimed so that imports, the python-docx
    # template and the image codecs are loaded before the first measured export.
    warm_up = build(Period.month(YEAR - 1, 12))
    return warm_up, [build(Period.month(YEAR, month)) for month in range(1, 13)]


def measure(warm_up, reports):
    from wagtail.models import Site

    from reports.docx_export import export_report

    site = Site.objects.get(is_default_site=True)
    export_report(warm_up.page, site)
    rows = []
    for built in reports:
        # The photographs' JPEG copies were made when they were uploaded (cms.image_copies, a
        # task after commit): the first export only reads them, as the second does.
        start = time.perf_counter()
        data = export_report(built.page, site)
        first = time.perf_counter() - start
        start = time.perf_counter()
        export_report(built.page, site)
        again = time.perf_counter() - start
        rows.append(
            (built.page.slug, built.entries, built.pictures, len(data) / 1024, first, again)
        )
    return rows


def versions():
    from importlib.metadata import version

    import django
    import wagtail
    from django.db import connection

    parts = [
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"Wagtail {wagtail.__version__}",
    ]
    parts += [f"{name} {version(name)}" for name in ("python-docx", "Pillow", "lxml", "nh3")]
    if connection.vendor == "sqlite":
        parts.append(f"SQLite {connection.Database.sqlite_version}")
    else:
        parts.append(connection.vendor)
    return parts


def table(rows):
    lines = [
        "| report | entries | pictures | .docx KiB | first export s | repeat export s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for slug, entries, pictures, size, first, again in rows:
        lines.append(
            f"| {slug} | {entries} | {pictures} | {size:,.0f} | {first:.3f} | {again:.3f} |"
        )
    firsts = [row[4] for row in rows]
    agains = [row[5] for row in rows]
    lines += [
        "",
        f"- median per report: {statistics.median(firsts):.3f} s first export, "
        f"{statistics.median(agains):.3f} s repeat export",
        f"- mean per report: {statistics.mean(firsts):.3f} s first export, "
        f"{statistics.mean(agains):.3f} s repeat export",
        f"- total for {len(rows)} reports: {sum(firsts):.2f} s first export, "
        f"{sum(agains):.2f} s repeat export",
    ]
    return lines


def main():
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lianhe-bench-") as temp_dir:
        own_database = configure_environment(temp_dir)
        import django

        django.setup()
        if own_database:
            skip_fsync_on_throwaway_sqlite()
        rng = random.Random(SEED)

        build_start = time.perf_counter()
        warm_up, reports = build_year(rng)
        build_seconds = time.perf_counter() - build_start
        rows = measure(warm_up, reports)

        machine = (
            f"{platform.platform()}; processor: {platform.processor() or 'unknown'}; "
            f"{os.cpu_count()} CPUs"
        )
        header = [
            "# Word export benchmark (`bench/export_reports.py`)",
            "",
            f"- machine: {machine}",
            f"- versions: {', '.join(versions())}",
            f"- data: {len(reports)} published reports for {YEAR}, pictures "
            f"{PICTURE_SIZE[0]}×{PICTURE_SIZE[1]} (JPEG and PNG); setup (migrate, demo data, "
            f"reports) took {build_seconds:.1f} s",
            "- database: "
            + ("throw-away SQLite file, synchronous=OFF" if own_database else "DATABASE_URL"),
            "- entries = progress + plan entries; the pictures' JPEG copies are made at upload "
            "(`cms.image_copies`, a Celery task after commit), so the first export only reads "
            "them, as the repeat export does",
            "",
        ]
        lines = header + table(rows)
        lines.append(f"- whole run: {time.perf_counter() - started:.1f} s")
        print("\n".join(lines))
        RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"\nwritten to {RESULTS.relative_to(PROJECT_DIR)}")
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
