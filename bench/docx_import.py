"""Time of reading Word reports against their size: the importer and the file checks are linear.

    .venv/bin/python bench/docx_import.py

Generates legacy monthly reports in Word: the title block, 一、二、三、 sections (Heading 1), items
(Heading 2) with their paragraphs, and in the last progress item a table of 100, 1,000 and
10,000 rows of three cells, in a document carrying 2,672 paragraph styles (a real 474 KB report
had this shape, and python-docx spent 20 minutes on it looking up each paragraph's default style
through every style). Then, for each size, best of three runs:

* reference: lxml parsing `word/document.xml` and visiting every text node (the floor any
  reader of the file pays);
* `reports.import_blocks.read_docx`: the upload checks and the project's Word reader;
* `campaigns.file_checks.check_file`: a nomination form's checks on the same file;
* `reports.importer.import_report_bytes`: the whole import into a throw-away SQLite database
  (the draft report, its entries, a revision);
* python-docx as the importer used it before (open, walk the paragraphs, ask each its style),
  on the 100-row file only.

Also the shape of the real file: 2,304 rows, imported whole. Time per row must stay flat from
1,000 to 10,000 rows. The table goes to stdout and to bench/results-docx-import.md.
"""

import io
import os
import platform
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results-docx-import.md"
SIZES = (100, 1_000, 10_000)
REAL_SHAPE_ROWS = 2_304
STYLES = 2_672
RUNS = 3
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

ITEMS = {
    "一、当月总体进展情况": [("战略咨询", "完成智能制造发展战略研究报告初稿。"),
                            ("产学融合", "推动校企共建联合实验室，首批项目已签约。")],
    "二、重点推进情况（新闻稿）": [("联合体召开智能制造专题研讨会",
                                  "2021年3月12日，联合体在北京召开专题研讨会。")],
    "三、下月工作计划": [("战略咨询", "组织专家评审研究报告。")],
}  # fmt: skip


def configure_environment(temp_dir):
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(temp_dir) / 'bench.sqlite3'}"
    os.environ.setdefault("MEDIA_ROOT", str(Path(temp_dir) / "media"))
    os.environ.setdefault("DEBUG", "false")  # DEBUG records every query
    sys.path.insert(0, str(PROJECT_DIR))


def report_docx(rows, month, styles=STYLES):
    """A report for `month` of 2021 with a table of `rows` rows, in a document of `styles`
    styles."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    for line in ("中国科协智能制造学会联合体", "进展情况月报", f"2021年{month}月"):
        document.add_paragraph(line)
    table_anchor = None
    for section, items in ITEMS.items():
        document.add_paragraph(section, style="Heading 1")
        for number, (title, text) in enumerate(items, start=1):
            document.add_paragraph(f"{number}.{title}", style="Heading 2")
            paragraph = document.add_paragraph(text)
            if section.startswith("一") and number == len(items):
                table_anchor = paragraph
    cells = "".join(
        "<w:tr>"
        + "".join(
            f"<w:tc><w:p><w:r><w:t>第{row}行第{column}列数据</w:t></w:r></w:p></w:tc>"
            for column in (1, 2, 3)
        )
        + "</w:tr>"
        for row in range(1, rows + 1)
    )
    table_anchor._p.addnext(parse_xml(f'<w:tbl xmlns:w="{W}"><w:tblGrid/>{cells}</w:tbl>'))
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_styles(buffer.getvalue(), styles)


def _with_styles(data, count):
    many = "".join(
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="S{n}">'
        f'<w:name w:val="样式 {n}"/><w:basedOn w:val="Normal"/></w:style>'
        for n in range(count)
    ).encode()
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/styles.xml":
                content = content.replace(b"</w:styles>", many + b"</w:styles>")
            target.writestr(info.filename, content)
    return out.getvalue()


def best_of(runs, function):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def reference(data):
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return sum(1 for _text in root.iter(f"{{{W}}}t"))


def python_docx_blocks(data):
    """What reports/import_blocks.py did before it had its own reader."""
    from docx import Document

    document = Document(io.BytesIO(data))
    return [(p.text, p.style.name) for p in document.paragraphs] + [
        (p.text, p.style.name)
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
    ]


def measure(rows, month):
    from campaigns.file_checks import SlotRules, check_file
    from reports.import_blocks import read_docx
    from reports.importer import import_report_bytes

    data = report_docx(rows, month)
    form = SlotRules(code="文件1", label="推荐表", kind="word")
    result = {
        "rows": rows,
        "kib": len(data) / 1024,
        "reference": best_of(RUNS, lambda: reference(data)),
        "read": best_of(RUNS, lambda: read_docx(data)),
        "check": best_of(RUNS, lambda: check_file(form, "report.docx", data)),
        # The first import creates the report, the next ones add revisions: all are timed.
        "import": best_of(RUNS, lambda: import_report_bytes(data, "report.docx")),
    }
    if rows == SIZES[0]:
        result["python_docx"] = best_of(1, lambda: python_docx_blocks(data))
    return result


def table(results):
    lines = [
        "| rows | .docx KiB | reference ms | read_docx ms | µs/row | check_file ms | µs/row "
        "| import ms | µs/row | read ÷ reference |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        per_row = {key: r[key] / r["rows"] * 1e6 for key in ("read", "check", "import")}
        lines.append(
            f"| {r['rows']:,} | {r['kib']:,.0f} | {r['reference'] * 1000:,.1f} "
            f"| {r['read'] * 1000:,.1f} | {per_row['read']:,.0f} "
            f"| {r['check'] * 1000:,.1f} | {per_row['check']:,.0f} "
            f"| {r['import'] * 1000:,.1f} | {per_row['import']:,.0f} "
            f"| {r['read'] / r['reference']:.1f} |"
        )
    return lines


def main():
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lianhe-bench-docx-") as temp_dir:
        configure_environment(temp_dir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from cms.demo import load_core_demo
        from reports.demo import ensure_report_index

        call_command("migrate", verbosity=0, interactive=False)
        context = load_core_demo()
        ensure_report_index(context["home"], context["workflow"])

        measure(10, 12)  # warm-up: imports, python-docx's template, lxml
        results = [measure(rows, month) for month, rows in enumerate(SIZES, start=1)]
        real = report_docx(REAL_SHAPE_ROWS, 6)
        from reports.importer import import_report_bytes

        real_import = best_of(1, lambda: import_report_bytes(real, "report.docx"))
        connections.close_all()

    flat = results[-1]["read"] / results[-1]["rows"] / (results[-2]["read"] / results[-2]["rows"])
    lines = [
        "# Word import benchmark (`bench/docx_import.py`)",
        "",
        f"- machine: {platform.platform()}; {os.cpu_count()} CPUs; Python "
        f"{platform.python_version()}",
        f"- documents: a monthly report with a table of N rows × 3 cells, {STYLES:,} paragraph "
        f"styles; best of {RUNS} runs; import into a throw-away SQLite database",
        "",
        *table(results),
        "",
        f"- time per row of read_docx, 10,000 rows ÷ 1,000 rows: {flat:.2f} (1.00 is linear)",
        f"- the real file's shape ({REAL_SHAPE_ROWS:,} rows, {STYLES:,} styles), whole import: "
        f"{real_import:.2f} s (python-docx: killed after 20 minutes)",
        f"- python-docx as the importer used it before, {SIZES[0]} rows: "
        f"{results[0]['python_docx']:.2f} s "
        f"({results[0]['python_docx'] / results[0]['read']:.0f} × read_docx)",
        f"- whole run: {time.perf_counter() - started:.1f} s",
    ]
    print("\n".join(lines))
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
