"""Importing legacy monthly reports: the real Jan–Mar 2021 report (text extracted from its PDF),
the same report as Markdown and as Word, and every kind of bad input."""

import datetime
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError

from campaigns.file_checks import SlotRules, check_file
from cms.models import NewsIndexPage, NewsPage, Workstream
from cms.periods import Period
from cms.upload_docx import OLE2_MAGIC
from reports.import_blocks import (
    CAPTION,
    HEADING,
    PARAGRAPH,
    ReportImportError,
    decode_text,
    read_markdown,
    read_text,
)
from reports.import_structure import (
    PLAN,
    PRESS,
    PROGRESS,
    news_date,
    parse_period,
)
from reports.importer import import_report
from reports.models import MonthlyReportPage, ProgressEntry
from tests import hostile_docx
from tests.reports.factories import MonthlyReportPageFactory
from tests.reports.import_helpers import (
    counts,
    entries,
    news_snapshot,
    parsed_seed,
    run_command,
    seed_text,
    snapshot,
    to_docx,
    to_markdown,
    write,
)

pytestmark = pytest.mark.django_db

SECTION_TITLES = {
    PROGRESS: "一、当月总体进展情况",
    PRESS: "二、重点推进情况（新闻稿）",
    PLAN: "三、下月工作计划",
}
RELEASE_TITLES = [
    "中国科协智能制造学会联合体二届三次主席团（扩大）会议召开",
    "中国科协智能制造学会联合体 2021年第一次秘书长工作会议召开",
]
CAPTIONS = [
    "周济主席主持会议",
    "大会在线召开",
    "张彦敏秘书长在线做工作报告",
    "专家在线发表意见和建议",
    "吕昭平书记在线讲话",
]


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def site(news_index, report_index, workstreams):
    return {"news_index": news_index, "report_index": report_index}


@pytest.fixture
def seed_file(tmp_path):
    return write(tmp_path, "report-2021-01-03.txt", seed_text())


@pytest.fixture
def imported(site, seed_file):
    return import_report(seed_file)


# --- reading -------------------------------------------------------------------------------------


def test_text_reader_rejoins_pdf_lines_and_finds_captions():
    blocks = read_text(seed_text())
    captions = [b.text for b in blocks if b.kind == CAPTION]
    assert captions[3:] == CAPTIONS  # after the title block's three lines
    headings = [b.text for b in blocks if b.kind == HEADING]
    assert headings[0] == "一、当月总体进展情况"
    assert "2. 产学融合" in headings
    paragraphs = [b.text for b in blocks if b.kind == PARAGRAPH]
    assert not any(text.startswith((" ", "\u3000")) for text in paragraphs)
    assert any("潍坊服务中心正积极推进同济大学" in text for text in paragraphs)


def test_text_reader_keeps_blank_lines_as_breaks_in_typed_text():
    text = "第一段第一行，\n第一段第二行。\n\n第二段。\n"
    blocks = read_text(text)
    assert [b.text for b in blocks] == ["第一段第一行，第一段第二行。", "第二段。"]


def test_decoding_accepts_utf8_bom_and_gb18030():
    text = "二、重点推进情况（新闻稿）"
    assert decode_text(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode_text(text.encode("gb18030")) == text


def test_markdown_reader_kinds():
    blocks = read_markdown(
        "## 一、当月总体进展情况\n\n第一行\n第二行。\n\n![大会在线召开](a.jpg)\n\n_专家发言_\n"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        (HEADING, "一、当月总体进展情况"),
        (PARAGRAPH, "第一行第二行。"),
        (CAPTION, "大会在线召开"),
        (CAPTION, "专家发言"),
    ]


@pytest.mark.parametrize(
    "text, period",
    [
        ("2021 年 1-3 月", Period.month(2021, 1, 3)),
        ("2021年7月", Period.month(2021, 7)),
        ("2021年12月-2022年1月", Period.of(datetime.date(2021, 12, 1), datetime.date(2022, 1, 1))),
        ("2021 年 11 月至 12 月", Period.month(2021, 11, 12)),
        ("中国科协智能制造学会联合体", None),
    ],
)
def test_period_in_title_block(text, period):
    assert parse_period(text) == period


def test_news_date_prefers_a_full_date_near_the_period():
    period = Period.month(2021, 1, 3)
    assert news_date("2021年 1 月 7日上午，会议在线举行。", period) == datetime.date(2021, 1, 7)
    assert news_date("会议于 2 月 1 日下午召开。", period) == datetime.date(2021, 2, 1)
    assert news_date("2019 年 5 月 1 日发布。", period) == datetime.date(2021, 1, 1)
    assert news_date("2020 年 2 月 1 日成立。", period) == datetime.date(2021, 1, 1)


# --- the seed report -----------------------------------------------------------------------------


def test_seed_period_title_and_slug(imported):
    page = imported.page
    assert imported.created
    assert page.period_start == datetime.date(2021, 1, 1)
    assert page.period_end == datetime.date(2021, 3, 31)
    assert page.slug == "2021-01-03"
    assert page.title == "进展情况月报（2021年1-3月）"
    assert page.get_parent().specific.__class__.__name__ == "ReportIndexPage"


def test_seed_progress_entries(imported):
    progress = entries(imported.page)
    assert [name for name, _body in progress] == [
        "战略咨询",
        "产学融合",
        "国际智能制造联盟（筹）",
        "自身建设",
    ]
    bodies = dict(progress)
    assert "研究和策划智能制造科技进展成果及 2021 年申报宣传方案" in bodies["战略咨询"]
    assert "联合体-潍坊服务中心三家共建单位" in bodies["产学融合"]
    assert "潍坊服务中心正积极推进同济大学" in bodies["产学融合"]
    assert bodies["产学融合"].endswith("与潍坊学院的交流合作。")
    assert "“制造业企业如何迈入互联网时代”系列研讨会" in bodies["国际智能制造联盟（筹）"]
    meetings = bodies["自身建设"].split("\n\n")
    assert len(meetings) == 2
    assert meetings[0].startswith("2021 年 1 月 7 日上午，中国科协智能制造学会联合体二届三次主席团")
    assert meetings[1].startswith("中国科协智能制造学会联合体2021年第一次秘书长工作会议于2 月 1 日")
    for body in bodies.values():
        assert "\n" not in body.replace("\n\n", "")
        assert "  " not in body


def test_seed_press_releases(imported):
    releases = news_snapshot(imported.page)
    assert [title for title, *_rest in releases] == RELEASE_TITLES
    first, second = releases
    _title, date, lead, blocks = first
    assert date == datetime.date(2021, 1, 7)
    assert (
        lead
        == "2021年 1 月 7日上午，中国科协智能制造学会联合体二届三次主席团（扩大）会议在线举行。"
    )
    captions = [text for kind, text in blocks if kind == "image"]
    assert captions == CAPTIONS
    paragraphs = [text for kind, text in blocks if kind == "paragraph"]
    assert not any(caption in p for p in paragraphs for caption in CAPTIONS)
    assert paragraphs[0].startswith("<p>2021年 1 月 7日上午")
    assert paragraphs[0].endswith("会议由周济主席主持。</p>")
    assert blocks[1] == ("image", "周济主席主持会议")
    assert "副主席兼专家委员会主任李培根院士" in paragraphs[0]
    assert any("发挥了重要的作用。</p>" in p for p in paragraphs)
    assert paragraphs[-1].startswith("<p>周济主席在会议总结中指出")
    assert len(paragraphs) == 9

    _title, date, lead, blocks = second
    assert date == datetime.date(2021, 2, 1)
    assert lead.startswith("中国科协智能制造学会联合体 2021 年第一次秘书长工作会议于 2 月 1 日")
    assert [kind for kind, _text in blocks] == ["paragraph"] * 4
    assert "“IMAC 智能制造云课堂”活动" in blocks[2][1]
    assert "第四，项目制。" in blocks[3][1]


def test_news_pages_are_children_of_the_news_index(imported, site):
    pages = imported.news_pages
    assert len(pages) == 2
    assert all(p.get_parent().pk == site["news_index"].pk for p in pages)
    assert [p.slug for p in pages] == ["news-2021-01-03-1", "news-2021-01-03-2"]


def test_seed_plans(imported):
    plans = entries(imported.page, "plan_entries")
    assert [name for name, _body in plans] == ["战略咨询", "产学融合", "自身建设"]
    bodies = dict(plans)
    assert "申报通道将于 4月中旬开通" in bodies["战略咨询"]
    assert "2021 年科技进展申报通道的双向打通" in bodies["战略咨询"]
    assert bodies["产学融合"] == "继续走访潍坊市企业，征集企业需求，探讨服务方向与方式。"
    assert bodies["自身建设"] == "完成联合体宣传册（第五版）内容修订工作。"


def test_seed_gives_no_warnings_and_no_new_workstreams(imported):
    assert imported.warnings == []
    assert imported.new_workstreams == []


def test_without_publish_everything_is_a_draft(imported):
    page = MonthlyReportPage.objects.get(pk=imported.page.pk)
    assert not page.live
    assert page.has_unpublished_changes
    assert page.latest_revision is not None
    assert not any(NewsPage.objects.get(pk=n.pk).live for n in imported.news_pages)
    assert len(entries(page)) == 4


def test_publish_makes_report_and_news_live(site, seed_file):
    result = import_report(seed_file, publish=True)
    page = MonthlyReportPage.objects.get(pk=result.page.pk)
    assert page.live
    assert not page.has_unpublished_changes
    assert ProgressEntry.objects.filter(page=page).count() == 4
    assert [link.news_page.title for link in page.press_releases.all()] == RELEASE_TITLES
    assert all(NewsPage.objects.get(pk=n.pk).live for n in result.news_pages)


def test_importing_again_updates_the_same_page(site, seed_file):
    first = import_report(seed_file, publish=True)
    before = counts()
    second = import_report(seed_file, publish=True)
    assert not second.created
    assert second.page.pk == first.page.pk
    assert counts() == before
    assert [n.pk for n in second.news_pages] == [n.pk for n in first.news_pages]
    assert ProgressEntry.objects.filter(page=first.page).count() == 4


def test_draft_reimport_of_a_live_report_keeps_the_live_content(site, seed_file, tmp_path):
    published = import_report(seed_file, publish=True)
    edited = seed_text().replace("第五版", "第六版").replace("吕昭平书记在线讲话", "吕昭平书记讲话")
    result = import_report(write(tmp_path, "edited.txt", edited))

    page = MonthlyReportPage.objects.get(pk=published.page.pk)
    assert page.live and page.has_unpublished_changes
    live_plan = page.plan_entries.get(workstream__name="自身建设")
    assert "第五版" in live_plan.body
    assert (
        dict(entries(page, "plan_entries"))["自身建设"]
        == "完成联合体宣传册（第六版）内容修订工作。"
    )

    news = NewsPage.objects.get(pk=result.news_pages[0].pk)
    live_captions = [b.value["caption"] for b in news.body if b.block_type == "image"]
    assert "吕昭平书记在线讲话" in live_captions
    assert news.has_unpublished_changes
    draft = news.get_latest_revision_as_object()
    assert "吕昭平书记讲话" in [b.value["caption"] for b in draft.body if b.block_type == "image"]


def test_news_pages_are_found_again_by_title_under_the_news_index(site, seed_file):
    first = import_report(seed_file)
    MonthlyReportPage.objects.get(pk=first.page.pk).delete()
    before = NewsPage.objects.count()
    second = import_report(seed_file)
    assert second.created
    assert NewsPage.objects.count() == before
    assert {n.pk for n in second.news_pages} == {n.pk for n in first.news_pages}


# --- the command ---------------------------------------------------------------------------------


def test_command_prints_id_and_url(site, seed_file):
    out, err = run_command(seed_file, "--publish")
    page = MonthlyReportPage.objects.get()
    assert page.live
    assert f"页面 ID：{page.pk}" in out
    assert "http://localhost/reports/2021-01-03/" in out
    assert page.title in out
    assert err == ""


def test_command_reports_warnings_on_stderr(site, tmp_path):
    text = seed_text() + "\n4.青年工作\n\n联合体青年科学家沙龙筹备。\n"
    out, err = run_command(write(tmp_path, "report.txt", text))
    assert "警告：新建工作板块：青年工作" in err
    assert "页面 ID" in out


# --- other formats give the same report ----------------------------------------------------------


def test_markdown_import_gives_the_same_report(site, seed_file, tmp_path):
    from_text = snapshot(import_report(seed_file).page)
    markdown = to_markdown(parsed_seed())
    result = import_report(write(tmp_path, "report.md", markdown))
    assert result.warnings == []
    assert not result.created
    assert snapshot(result.page) == from_text


def test_markdown_import_on_its_own(site, tmp_path):
    result = import_report(write(tmp_path, "report.md", to_markdown(parsed_seed())))
    assert result.created
    assert [name for name, _body in entries(result.page)] == [
        "战略咨询", "产学融合", "国际智能制造联盟（筹）", "自身建设",
    ]  # fmt: skip
    assert [
        c for _t, _d, _l, blocks in news_snapshot(result.page) for k, c in blocks if k == "image"
    ] == CAPTIONS


def test_docx_import_gives_the_same_report(site, seed_file, tmp_path):
    from_text = snapshot(import_report(seed_file).page)
    result = import_report(write(tmp_path, "report.docx", to_docx(parsed_seed())))
    assert result.warnings == []
    assert snapshot(result.page) == from_text


def test_docx_exported_by_the_system_imports_back(site, seed_file, tmp_path):
    """import → export → import keeps every entry, press release and paragraph. The seed's
    photo captions have no pictures (the PDF's text kept only the captions): the Word file
    leaves such captions out rather than print stray centred lines, so they do not come back."""
    from reports import docx_export

    original = import_report(seed_file, publish=True).page
    progress, news, plans = snapshot(original)
    assert any(kind == "image" for _t, _d, _l, blocks in news for kind, _v in blocks)
    without_captions = [
        (title, date, lead, [(kind, value) for kind, value in blocks if kind != "image"])
        for title, date, lead, blocks in news
    ]
    data = docx_export.export_report(MonthlyReportPage.objects.get(pk=original.pk), site=None)
    result = import_report(write(tmp_path, "exported.docx", data), publish=True)
    assert result.warnings == []
    assert snapshot(result.page) == (progress, without_captions, plans)


def test_gb18030_text_imports_like_utf8(site, tmp_path):
    path = write(tmp_path, "report.txt", seed_text().encode("gb18030"))
    result = import_report(path)
    assert entries(result.page)[0][0] == "战略咨询"
    assert result.warnings == []


# --- workstreams ---------------------------------------------------------------------------------


def test_unknown_workstream_is_created_and_reported(site, tmp_path):
    text = (
        "进展情况月报\n2021年7月\n一、当月总体进展情况\n1.战略咨询\n完成调研。\n"
        "2.青年工作\n举办青年科学家沙龙。\n3.技术交流\n承办分会场。\n"
    )
    highest = Workstream.objects.order_by("-order").first().order
    result = import_report(write(tmp_path, "report.txt", text))
    created = Workstream.objects.get(name="青年工作")
    assert result.new_workstreams == [created]
    assert created.order > highest
    assert "新建工作板块：青年工作" in result.warnings
    assert [name for name, _body in entries(result.page)] == ["战略咨询", "青年工作", "学术交流"]
    assert result.page.slug == "2021-07"


def test_text_before_the_first_item_is_reported_not_dropped(site, tmp_path):
    text = (
        "进展情况月报\n2021年7月\n一、当月总体进展情况\n本月工作总体顺利。\n"
        "1.战略咨询\n完成调研。\n"
    )
    result = import_report(write(tmp_path, "report.txt", text))
    assert any("本月工作总体顺利。" in w for w in result.warnings)


def test_numbered_list_inside_an_entry_stays_in_the_entry(site, tmp_path):
    text = (
        "# 进展情况月报\n\n2021年7月\n\n## 一、当月总体进展情况\n\n### 1.自身建设\n\n"
        "本月召开两次会议：\n\n1. 秘书长工作会议\n\n2. 主席团会议\n"
    )
    result = import_report(write(tmp_path, "report.md", text))
    assert entries(result.page) == [
        ("自身建设", "本月召开两次会议：\n\n1. 秘书长工作会议\n2. 主席团会议")
    ]
    assert result.new_workstreams == []


def test_chinese_numbered_list_inside_a_press_release_stays_in_it(site, tmp_path):
    text = (
        "进展情况月报\n2021年12月-2022年1月\n二、重点推进情况（新闻稿）\n"
        "1.联合体召开工作会议\n2022 年 1 月 5 日，联合体召开工作会议，部署三项工作：\n"
        "一、加强组织建设\n二、办好云课堂\n会议由秘书长主持。\n"
    )
    result = import_report(write(tmp_path, "report.txt", text))
    assert result.warnings == []
    assert result.page.slug == "2021-12-2022-01"
    [(title, date, _lead, blocks)] = news_snapshot(result.page)
    assert title == "联合体召开工作会议"
    assert date == datetime.date(2022, 1, 5)
    assert ("heading", "一、加强组织建设") in blocks
    assert blocks[-1] == ("paragraph", "<p>会议由秘书长主持。</p>")


# --- bad input changes nothing -------------------------------------------------------------------


def docm_bytes():
    data = to_docx(parsed_seed())
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            target.writestr(info.filename, content)
    return buffer.getvalue()


def zip_bomb_bytes():
    data = to_docx(parsed_seed())
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("word/media/image9.png", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


SCRIPT_MARKDOWN = """# 进展情况月报

2021 年 1-3 月

## 一、当月总体进展情况

### 1.青年工作

举办青年科学家沙龙。

### 2.产学融合

走访企业。<script>alert(1)</script>
"""


BAD_INPUTS = [
    ("report.docx", lambda: "这不是 Word 文件".encode(),
     "不是有效的 Word（.docx）文件：文件内容不是 docx 格式。"),
    ("report.doc", lambda: OLE2_MAGIC + os.urandom(2048),
     "旧版 Word 97-2003（.doc）文件，请在 Word 中另存为 .docx"),
    ("report.docm", docm_bytes, "含宏的 Word 文件（.docm）"),
    ("report.docx", zip_bomb_bytes, "疑似压缩炸弹"),
    ("report.txt", lambda: b"", "是空文件"),
    ("report.txt", lambda: b"   \n\n  \n", "是空文件"),
    ("report.txt", lambda: "会议纪要\n今天天气很好。\n".encode(), "无法识别的月报"),
    ("report.txt", lambda: "一、当月总体进展情况\n1.战略咨询\n完成调研。\n".encode(), "没有报告期"),
    ("report.md", lambda: SCRIPT_MARKDOWN.encode(),
     "“一、当月总体进展情况”第 2 项（产学融合）：正文不能包含脚本"),
]  # fmt: skip


@pytest.mark.parametrize("name, make, message", BAD_INPUTS)
def test_bad_input_is_refused_and_changes_nothing(site, tmp_path, name, make, message):
    path = write(tmp_path, name, make())
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        run_command(path, "--publish")
    assert message in str(excinfo.value)
    assert counts() == before


def test_every_hostile_word_file_is_refused_as_check_files_refuses_it(site, tmp_path):
    """Billion laughs, deep nesting, huge XML, a bad content type, corrupt deflate, Deflate64,
    an encrypted member, no relationships, garbage styles, a lying-size bomb: `import_report`
    ends with a CommandError (which `manage.py` prints without a traceback, exit status 1)
    saying what `check_files` says of the same file, its label aside; nothing is imported."""
    base = to_docx(parsed_seed())
    slot = SlotRules(code="文件1", label="推荐表", kind="word")
    before = counts()
    wrong = {}
    for name in hostile_docx.IMPORT_HOSTILE:
        data = hostile_docx.hostile(name, base)
        with pytest.raises(CommandError) as excinfo:
            run_command(write(tmp_path, "report.docx", data), "--publish")
        check_files = check_file(slot, "report.docx", data).failures[0]
        expected = "文件“report.docx”" + check_files.removeprefix("文件1")
        if str(excinfo.value) != expected or excinfo.value.returncode != 1:
            wrong[name] = (str(excinfo.value), expected)
    assert wrong == {}
    assert counts() == before


def test_a_styles_part_that_is_no_styles_part_still_imports_the_text(site, tmp_path):
    """python-docx stopped at it; the reader only loses the style names (Heading 1 …), and the
    typed numbering still gives the structure."""
    path = write(
        tmp_path, "report.docx", hostile_docx.styles_of_another_kind(to_docx(parsed_seed()))
    )
    result = import_report(path)
    latest = result.page.get_latest_revision_as_object()
    assert latest.progress_entries.count() == len(parsed_seed().items_of("progress"))


def test_a_program_named_as_text_is_refused_by_its_bytes(site, tmp_path):
    for name in ("report.txt", "report.md"):
        with pytest.raises(CommandError) as excinfo:
            run_command(write(tmp_path, name, hostile_docx.exe()))
        assert str(excinfo.value) == f"文件“{name}”不是有效的文本文件：文件内容是可执行程序。"


def test_script_error_names_section_item_and_workstream(site, tmp_path):
    with pytest.raises(ReportImportError) as excinfo:
        import_report(write(tmp_path, "report.md", SCRIPT_MARKDOWN))
    assert str(excinfo.value) == (
        "“一、当月总体进展情况”第 2 项（产学融合）：正文不能包含脚本，请删除：<script> 标签。"
    )
    assert not Workstream.objects.filter(name="青年工作").exists()


def test_overlapping_period_is_refused_and_changes_nothing(site, seed_file):
    other = MonthlyReportPageFactory(
        parent=site["report_index"], period_start=datetime.date(2021, 3, 1)
    )
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        run_command(seed_file)
    assert f"与已有的《{other.title}》重叠" in str(excinfo.value)
    assert other.title == "进展情况月报（2021年3月）"
    assert counts() == before


def test_missing_report_index_is_refused(news_index, workstreams, seed_file):
    with pytest.raises(ReportImportError, match="尚未建立月报栏目"):
        import_report(seed_file)
    assert NewsPage.objects.count() == 0


def test_missing_news_index_is_refused_and_changes_nothing(report_index, workstreams, seed_file):
    assert not NewsIndexPage.objects.exists()
    before = counts()
    with pytest.raises(ReportImportError, match="尚未建立新闻栏目"):
        import_report(seed_file)
    assert counts() == before


def test_missing_file_is_refused(site, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run_command(Path(tmp_path) / "missing.txt")
