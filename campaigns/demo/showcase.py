"""Demo showcase (双十科技进展): the items verified in public reports (campaigns/demo/data/
twin-top10.json, a copy of ../shared/data/twin-top10.json so that a clone has it), each keeping its
source, and a few synthetic items — titled "（演示）…" and flagged `synthetic`, so the pages
badge them 演示数据（虚构）— so that every list of every demo year has entries. Synthetic items
are never presented as real winners. Idempotent: pages are found by slug, year and title."""

import datetime
import json
from pathlib import Path

from campaigns.models import (
    AchievementPage,
    CampaignPage,
    ShowcaseIndexPage,
    ShowcaseListKind,
    ShowcaseYearPage,
)
from campaigns.showcase import free_slug
from cms.models import MemberSociety

DATA_FILE = Path(__file__).resolve().parent / "data" / "twin-top10.json"
INDEX_SLUG = "twin-top10"
INDEX_TITLE = "双十科技进展"
SYNTHETIC_SOURCE = "演示数据（虚构），非真实入选成果"

# Which campaign of the demo a year's page belongs to.
CAMPAIGN_SLUGS = {2021: "2021-china-progress"}

# (year, list, title, organisations, category, society abbreviation): invented, and marked so.
SYNTHETIC_ITEMS = [
    (2018, ShowcaseListKind.WORLD, "（演示）面向离散制造的工业互联网平台示例", "（演示）某国际工业软件公司",
     "智能制造领域科技突破", ""),
    (2018, ShowcaseListKind.WORLD, "（演示）协作机器人视觉引导装配示例", "（演示）某国际机器人公司",
     "智能制造领域产业应用", ""),
    (2018, ShowcaseListKind.CHINA, "（演示）数控机床健康监测与预测维护示例系统", "（演示）某机床研究院",
     "智能制造领域科技突破", "CMES"),
    (2021, ShowcaseListKind.WORLD, "（演示）数字孪生驱动的工厂规划软件示例", "（演示）某国际工业软件公司",
     "智能制造领域科技突破", ""),
    (2021, ShowcaseListKind.WORLD, "（演示）柔性产线自主调度系统示例", "（演示）某国际自动化公司",
     "智能制造领域产业应用", ""),
    (2021, ShowcaseListKind.CHINA, "（演示）纺织印染车间智能排产示例系统", "（演示）某纺织机械研究所",
     "智能制造领域产业应用", "CTES"),
    (2023, ShowcaseListKind.CHINA, "（演示）船舶分段焊接机器人集群示例系统", "（演示）某船舶工程研究院",
     "智能生产", "CSNAME"),
]  # fmt: skip


def load_data():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def ensure_index(home):
    from cms.demo import ensure_child

    return ensure_child(
        home,
        ShowcaseIndexPage,
        INDEX_SLUG,
        INDEX_TITLE,
        intro=(
            "<p>“双十”即世界智能制造十大科技进展和中国智能制造十大科技进展，由联合体每年遴选，"
            "在世界智能制造大会上发布。本栏目只收录经公开报道核实的条目；"
            "标注“演示数据（虚构）”的条目仅用于演示，并非真实入选成果。</p>"
        ),
    )


def ensure_year(index, year, release=None):
    existing = ShowcaseYearPage.objects.filter(year=year).first()
    if existing is not None:
        return existing, False
    release = release or {}
    page = ShowcaseYearPage(
        title=f"{year} 年智能制造“双十”科技进展",
        slug=str(year),
        year=year,
        intro=(
            "<p>本年度榜单仅列出经公开报道核实的部分条目（注明信息来源），"
            "其余为标注“演示数据（虚构）”的演示条目。</p>"
        ),
        release_event=release.get("event", ""),
        release_date=datetime.date.fromisoformat(release["date"]) if "date" in release else None,
        release_place=release.get("place", ""),
        campaign=CampaignPage.objects.filter(slug=CAMPAIGN_SLUGS.get(year, "")).first(),
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page, True


# The data file describes some of its sources in English; the page shows them in Chinese.
SOURCES_IN_CHINESE = {
    "public award dataset citing the 2021 selection": "公开的获奖数据集（引用 2021 年遴选结果）",
    "public research report citing the 2023 selection": "公开的研究报告（引用 2023 年遴选结果）",
    "public university quiz citing the 2018 selection": "高校公开资料（引用 2018 年遴选结果）",
}


def source_in_chinese(source):
    return SOURCES_IN_CHINESE.get(source, source)


def ensure_item(year_page, title, **fields):
    existing = AchievementPage.objects.child_of(year_page).filter(title=title).first()
    if existing is not None:
        return existing, False
    slug = free_slug(year_page, f"{fields['list']}-{year_page.get_children().count() + 1}")
    page = AchievementPage(title=title, slug=slug, **fields)
    year_page.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def load(context, stdout):
    data = load_data()
    index = ensure_index(context["home"])
    years = {}
    for year in sorted({item["year"] for item in data["items"]}):
        years[year], created = ensure_year(index, year, data.get("release", {}).get(str(year)))
        if created:
            stdout.write(f"双十科技进展：{years[year].title}")
    for item in data["items"]:
        ensure_item(
            years[item["year"]],
            item["title"],
            list=item["list"],
            organisations="、".join(item["organisations"]),
            source=source_in_chinese(item["source"]),
        )
    societies = {s.abbreviation: s for s in MemberSociety.objects.all()}
    for year, list_key, title, organisations, category, society in SYNTHETIC_ITEMS:
        ensure_item(
            years[year],
            title,
            list=list_key,
            organisations=organisations,
            category=category,
            recommender_society=societies.get(society),
            summary="本条目为演示用的虚构数据，用于展示栏目的版式与筛选，并非真实入选成果。",
            synthetic=True,
            source=SYNTHETIC_SOURCE,
        )
    context["showcase_index"] = index
