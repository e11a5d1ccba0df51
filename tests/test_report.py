"""The report (issue 11): the sample and a small generated corpus (two departments × two years) ingested
through the CLI, which writes the report; its pages checked as HTML and in headless Chromium, offline."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from budget_warehouse.cli import main
from budget_warehouse.corpus.model import DocumentTruth
from budget_warehouse.warehouse import connect
from tests.conftest import SAMPLE

SAMPLE_ID = "doc-df0fb4c327ffb4a6"
# The sample's three ERROR breaks, read from the document by hand (README, "On the sample"):
# the 13 listed projects add to 7,845.00; table 3's project expenditure is 7,865.00; table 4's 财政拨款
# 项目支出 is 7,387.00; the prose states "共涉及财政拨款资金 7845 万元" on line 483.
ERROR_BREAKS = {
    "pr_project_list_vs_tables": ("7,845.00", "7,865.00", "-20.00"),
    "pr_project_list_vs_fiscal": ("7,845.00", "7,387.00", "458.00"),
    "pr_project_total_vs_tables": ("7,845.00", "7,387.00", "458.00"),
}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    raw = root / "raw"
    raw.mkdir()
    (raw / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    corpus = root / "corpus"
    assert main(["generate", "4", str(corpus), "--seed", "11", "--years", "2"]) == 0
    truths = [json.loads(line) for line in (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    for t in truths:
        (raw / t["file"]).write_bytes((corpus / t["file"]).read_bytes())
    warehouse = root / "wh" / "budget.duckdb"
    return {"root": root, "raw": raw, "warehouse": warehouse, "out": warehouse.parent / "report",
            "truths": [DocumentTruth.from_dict(t["truth"]) for t in truths]}


@pytest.fixture(scope="session")
def ingested(site):
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["ingest", str(site["raw"]), "--warehouse", str(site["warehouse"]), "--no-quality"])
    assert code == 0
    return {**site, "stdout": buffer.getvalue()}


def _html(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _documents(con) -> dict[str, dict]:
    cursor = con.execute("select * from dim_document")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


def test_ingest_writes_the_report_and_says_where(ingested):
    index = (ingested["out"] / "index.html").resolve()
    assert re.search(rf"^Report \(5 document\(s\), 5 page\(s\) written, [0-9.]+ s\): {re.escape(str(index))}$", ingested["stdout"], re.M)
    assert index.exists() and (ingested["out"] / "report.css").exists() and (ingested["out"] / "report.js").exists()
    assert sorted(p.name for p in (ingested["out"] / "documents").glob("*.html")) == sorted(
        f"{d}.html" for d in _documents(connect(ingested["warehouse"]))
    )


def test_the_index_lists_every_document_with_its_rule_results(ingested):
    html = _html(ingested["out"] / "index.html")
    rows = re.findall(r"<tr data-region.*?</tr>", html)
    with connect(ingested["warehouse"]) as con:
        docs = _documents(con)
        counts = {
            (doc, status, severity): n
            for doc, status, severity, n in con.execute(
                "select document_id, status, severity, count(*) from dq_rule_instance group by all"
            ).fetchall()
        }
    assert len(rows) == len(docs) == 5
    for row in rows:
        doc_id = re.search(r'href="documents/(doc-[0-9a-f]+)\.html"', row).group(1)
        d = docs[doc_id]
        cells = [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        passed = sum(n for (i, st, _), n in counts.items() if i == doc_id and st == "pass")
        within = sum(n for (i, st, _), n in counts.items() if i == doc_id and st == "pass_within_tolerance")
        errors, warns = counts.get((doc_id, "fail", "ERROR"), 0), counts.get((doc_id, "fail", "WARN"), 0)
        assert cells[1:6] == [d["region"], d["department"], str(d["year"]), d["phase"], d["source_name"]]
        assert cells[6] == str(d["table_count"]) and cells[7].startswith(f"{d['coverage']:.1%}")
        assert cells[8:12] == [str(passed), str(within), str(errors), str(warns)]
        assert cells[12] == ("ERROR" if errors else "WARN" if warns else "pass")
        assert f'data-year="{d["year"]}"' in row and f'data-status="{cells[12]}"' in row
    sample_row = next(r for r in rows if SAMPLE_ID in r)
    # the sample: 1059 instances, 1038 pass, 1 within tolerance, 20 fail (4 ERROR, 16 WARN), every number
    # accounted for, 10 tables
    assert [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", sample_row)][6:] == [
        "10", "100.0%", "1038", "1", "4", "16", "ERROR"]


def test_the_index_charts_failing_instances_by_family(ingested):
    html = _html(ingested["out"] / "index.html")
    chart = re.search(r'<svg class="chart".*?</svg>', html).group()
    with connect(ingested["warehouse"]) as con:
        expected = dict(con.execute(
            "select family || ' ' || severity, count(*) from dq_rule_instance where status = 'fail' group by all"
        ).fetchall())
    shown = dict(re.findall(r"<title>(\w+ (?:ERROR|WARN)): (\d+)</title>", chart))
    assert {k: int(v) for k, v in shown.items()} == expected
    assert expected["prose ERROR"] >= 3


def test_the_sample_page_shows_its_figures(ingested):
    text = _text(_html(ingested["out"] / "documents" / f"{SAMPLE_ID}.html"))
    text = re.sub(r"\s+", " ", text)
    # table 1 收入总计 / 支出总计 8599.56, table 4 收入总计 8121.56, table 3 基本 669.12 + 53.38 + 12.06 and
    # 项目 7865.00, table 9 合计 4.70 (read from the sample)
    for name, value in (("收入总计", "8,599.56"), ("支出总计", "8,599.56"), ("财政拨款", "8,121.56"),
                        ("基本支出", "734.56"), ("项目支出", "7,865.00"), ("三公经费", "4.70")):
        assert f"{name} (万元) {value}" in text
    html = _html(ingested["out"] / "documents" / f"{SAMPLE_ID}.html")
    charts = re.findall(r'<svg class="chart".*?</svg>', html)
    titles = [re.search(r"<title>(.*?)</title>", c).group(1) for c in charts]
    drill = [t for t in titles if t.endswith((" by 款", " by 项"))]
    # one per 类 of table 3 (the first 3 digits of its 7-digit subject codes, read from the sample)
    assert [t for t in drill if t.endswith("款")] == [f"{c} by 款" for c in (201, 206, 208, 210, 215, 216, 221, 223)]
    assert [t for t in titles if t not in drill] == ["revenue by funding source", "expenditure by functional 类", "basic vs project",
                          "economic classes", "三公"]
    revenue = charts[0]
    assert "一般公共预算拨款" in revenue and "8,121.56" in revenue and "其他收入" in revenue and "478.00" in revenue
    # 类 215 (资源勘探工业信息等支出) is the largest: tables 3's rows of 215 add to 6,746.31
    assert re.search(r"215 资源勘探工业信息等支出.*?6,746.31", charts[1])
    assert "<details><summary>215 资源勘探工业信息等支出: 6,746.31</summary>" in html
    assert "(previous year not in the warehouse)" in html  # the sample is the only 晋江 工信 document


def test_the_sample_page_shows_each_break_with_its_source(ingested):
    html = _html(ingested["out"] / "documents" / f"{SAMPLE_ID}.html")
    findings = re.findall(r'<div class="finding (ERROR|WARN)">(.*?)</div></div>(?=<div class="finding|<h2>)', html, re.S)
    # the sample's 20 breaks: 4 ERROR, 16 WARN (test_rules.SAMPLE_FAILS)
    assert [s for s, _ in findings].count("ERROR") == 4 and [s for s, _ in findings].count("WARN") == 16
    for rule, (left, right, difference) in ERROR_BREAKS.items():
        body = next(b for s, b in findings if s == "ERROR" and f"<code>{rule}</code>" in b)
        assert f"<b>{left}</b>" in body and f"<b>{right}</b>" in body
        assert f'<td class="num">{difference}</td>' in body
    stated = next(b for s, b in findings if "<code>pr_project_total_vs_tables</code>" in b)
    line = re.search(r'<span class="ln">line 483</span>(.*?)(?:</div>|$)', stated).group(1)
    assert '<mark class="hit">7845</mark>' in line and "共涉及财政拨款资金" in _text(line)


def test_the_sample_page_lists_projects_with_their_indicators(ingested):
    html = _html(ingested["out"] / "documents" / f"{SAMPLE_ID}.html")
    section = html.split("<h2>Projects and their 绩效目标表</h2>")[1].split("<h2>")[0]
    assert len(re.findall(r'<tr><td class="num">\d+</td><td>', section)) == 13
    assert "工信局 2019 年经常性专项业务经费" in section and "155.00" in section
    # project 1's 绩效目标表: 9 indicator rows; 支出进度 has 绩效标准 12个月 and 全年目标值 13个月
    assert "9 indicator(s)" in section
    assert re.search(r"<td>投入 / 时效目标 / 支出进度</td><td>12个月</td><td>13个月</td>", section)


def _department_pages(ingested) -> dict[int, tuple[DocumentTruth, str]]:
    with connect(ingested["warehouse"]) as con:
        ids = {(r, d, y): i for i, r, d, y in con.execute("select document_id, region, department, year from dim_document").fetchall()}
    first = ingested["truths"][0]
    series = [t for t in ingested["truths"] if (t.region, t.dept_short) == (first.region, first.dept_short)]
    assert len(series) == 2 and {t.year for t in series} == {first.year, first.year + 1}
    out = {}
    for t in series:
        doc_id = next(i for (r, d, y), i in ids.items() if r == t.region and y == t.year and d.startswith(t.dept_short))
        out[t.year] = (t, _html(ingested["out"] / "documents" / f"{doc_id}.html"))
    return out


def test_a_departments_page_links_its_other_year_and_charts_both(ingested):
    pages = _department_pages(ingested)
    (y0, (t0, html0)), (y1, (t1, html1)) = sorted(pages.items())
    for html, other in ((html0, y1), (html1, y0)):
        years = html.split("<h2>Across years</h2>")[1]
        assert re.search(rf'<a href="doc-[0-9a-f]+\.html">{other}</a>', years)
        chart = re.search(r'<svg class="chart".*?<title>main figures over the years</title>.*?</svg>', years).group()
        total = lambda t: sum((Decimal(v) for v in t.three_public.values()), Decimal(0))  # noqa: E731
        points = re.findall(r"<title>三公经费: ([0-9,.]+)</title>", chart)
        assert points == [f"{total(t0):,.2f}", f"{total(t1):,.2f}"]
    # 三公 against last year on the later year's page, both years' amounts from the truth
    three = re.search(r'<svg class="chart"[^>]*><title>三公 against the previous year</title>.*?</svg>', html1).group()
    for year, truth in ((y1, t1), (y0, t0)):
        for key in ("overseas", "reception"):
            assert f"{Decimal(truth.three_public[key]):,.2f}" in re.findall(rf"<title>{year} [^:]*: ([0-9,.]+)</title>", three)
    assert "三公 经费 against" in html1 and "Expenditure by 类 against" in html1
    assert "(previous year not in the warehouse)" in html0


def test_the_report_command_and_the_dagster_asset_write_the_same_site(ingested, tmp_path):
    from dagster import materialize

    from pipelines.report import report_site
    from pipelines.resources import BudgetWarehouseResource

    out = tmp_path / "cli"
    assert main(["report", "--warehouse", str(ingested["warehouse"]), "--out", str(out)]) == 0
    resource = BudgetWarehouseResource(raw_dir=str(ingested["raw"]), warehouse=str(ingested["warehouse"]))
    result = materialize([report_site], resources={"budget": resource})
    assert result.success
    metadata = result.asset_materializations_for_node("report_site")[0].metadata
    assert metadata["documents"].value == 5 and metadata["index"].value == str((ingested["out"] / "index.html").resolve())
    for page in [Path("index.html")] + [p.relative_to(out) for p in (out / "documents").glob("*.html")]:
        assert (out / page).read_text(encoding="utf-8") == (ingested["out"] / page).read_text(encoding="utf-8"), page


def _site_files(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}


def test_the_report_rewrites_the_pages_whose_inputs_changed_and_equals_a_fresh_render(site, tmp_path):
    """A second render writes no document page; a missing page is written again; after an ingest that
    changes one document of a two-year department, that page and its other year's are rewritten (the
    page charts both years), and a page of a document not in the warehouse goes. Each time the site
    equals a render from scratch."""
    import shutil

    from budget_warehouse.report import write_report

    raw, warehouse, out = tmp_path / "raw", tmp_path / "wh" / "budget.duckdb", tmp_path / "wh" / "report"
    shutil.copytree(site["raw"], raw)
    assert main(["ingest", str(raw), "--warehouse", str(warehouse), "--no-quality"]) == 0
    assert write_report(warehouse, out).pages_written == 0  # the ingest wrote them

    def fresh() -> dict[str, str]:
        scratch = tmp_path / f"scratch{len(list(tmp_path.glob('scratch*')))}"
        result = write_report(warehouse, scratch)
        assert result.pages_written == result.documents
        return _site_files(scratch)

    assert _site_files(out) == fresh()
    some = next((out / "documents").glob("*.html"))
    some.unlink()
    assert write_report(warehouse, out).pages_written == 1 and _site_files(out) == fresh()

    first = site["truths"][0]
    with connect(warehouse) as con:
        department = con.execute("select region, department, phase from dim_document where region = ? and year = ? "
                                 "and starts_with(department, ?)", [first.region, first.year, first.dept_short]).fetchone()
        series = dict(con.execute("select source_name, document_id from dim_document where region = ? and department = ? "
                                  "and phase = ?", list(department)).fetchall())
    assert len(series) == 2
    changed = raw / sorted(series)[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert main(["ingest", str(raw), "--warehouse", str(warehouse), "--no-quality", "--no-report"]) == 0
    (out / "documents" / "doc-0000000000000000.html").write_text("a document gone", encoding="utf-8")
    result = write_report(warehouse, out)
    assert result.pages_written == 2 and result.documents == 5
    assert not (out / "documents" / "doc-0000000000000000.html").exists()
    assert _site_files(out) == fresh()


def test_a_missing_warehouse_is_a_clear_error(tmp_path, capsys):
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "no warehouse here yet" in capsys.readouterr().err


# -- in the browser ----------------------------------------------------------------------------------

CHARTS_DRAWN = """Array.from(document.querySelectorAll('svg.chart')).filter(s => {
  const box = s.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && s.querySelectorAll('rect, polyline, circle').length > 0;
}).length"""


@pytest.fixture(scope="session")
def with_dbt_docs(ingested):
    """`make docs`: dbt's static page into the report folder, then the report again (its index links it)."""
    from budget_warehouse.report.dbt_docs import main as docs_main

    assert docs_main([str(ingested["warehouse"]), str(ingested["out"] / "dbt-docs")]) == 0
    assert main(["report", "--warehouse", str(ingested["warehouse"]), "--out", str(ingested["out"]),
                 "--sources", str(ingested["raw"])]) == 0
    return ingested


def _offline(page) -> list[str]:
    return [u for u in page.requests if not u.startswith(("file://", "data:", "about:"))]


def test_the_report_in_headless_chromium_offline(with_dbt_docs, tmp_path_factory):
    from tests.browser import browser_page

    out, shots = with_dbt_docs["out"], tmp_path_factory.mktemp("screenshots")
    with browser_page() as page:
        page.open((out / "index.html").as_uri())
        assert page.console_errors == [] and _offline(page) == []
        assert page.evaluate(CHARTS_DRAWN) == 1
        assert "Noto Sans CJK" in " ".join(page.fonts_of("#documents tbody td:nth-child(2)"))  # 晋江市 … drawn in a CJK font
        assert page.evaluate("document.querySelectorAll('#documents tbody tr').length") == 5
        # filter by year, then by status, then sort by year (descending after two clicks)
        page.evaluate("var s = document.querySelector('select[data-filter=year]'); s.value = '2019'; s.dispatchEvent(new Event('change'))")
        visible = "Array.from(document.querySelectorAll('#documents tbody tr')).filter(r => r.style.display !== 'none')"
        years = page.evaluate(f"{visible}.map(r => r.dataset.year)")
        assert years and set(years) == {"2019"} and page.evaluate("document.getElementById('shown').textContent") == str(len(years))
        page.evaluate("var s = document.querySelector('select[data-filter=status]'); s.value = 'ERROR'; s.dispatchEvent(new Event('change'))")
        assert page.evaluate(f"{visible}.map(r => r.querySelector('a').getAttribute('href'))") == [f"documents/{SAMPLE_ID}.html"]
        page.evaluate("document.querySelectorAll('select[data-filter]').forEach(s => { s.value = ''; s.dispatchEvent(new Event('change')); })")
        page.evaluate("var th = document.querySelectorAll('#documents th')[3]; th.click(); th.click();")
        years = page.evaluate("Array.from(document.querySelectorAll('#documents tbody tr')).map(r => Number(r.dataset.year))")
        assert years == sorted(years, reverse=True)
        page.screenshot(shots / "index.png")
        assert page.evaluate("document.querySelector('a[href=\"dbt-docs/index.html\"]') !== null")

        page.open((out / "documents" / f"{SAMPLE_ID}.html").as_uri())
        assert page.console_errors == [] and _offline(page) == []
        assert page.evaluate(CHARTS_DRAWN) >= 5
        text = page.evaluate("document.body.innerText")
        for rule, (left, right, difference) in ERROR_BREAKS.items():
            block = page.evaluate(
                f"Array.from(document.querySelectorAll('.finding.ERROR')).find(f => f.innerText.includes('{rule}')).innerText")
            assert left in block and right in block and difference in block
        assert "7,845.00" in text and "7,865.00" in text and "7,387.00" in text
        assert "Noto Sans CJK" in " ".join(page.fonts_of("h1"))
        page.screenshot(shots / "sample.png")

        page.open((out / "dbt-docs" / "index.html").as_uri())
        assert _offline(page) == []
        assert page.evaluate("document.title") == "dbt Docs"
        assert "Welcome to the auto-generated documentation" in page.evaluate("document.body.innerText")
    for shot in ("index.png", "sample.png"):
        assert (shots / shot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (shots / shot).stat().st_size > 20_000


def test_breaks_of_a_pdf_input_show_the_page_cropped_to_their_cells(ingested, tmp_path):
    """The warehouse columns of PDF inputs (cells' page and box, lines' page): a copy of the test warehouse
    where the sample's line 280 (table 4's 项目支出 row) is said to be printed on page 10 of a real PDF, in
    the box of its 一、财政拨款收入 amount (read with `pdftotext -bbox`); its breaks then show that crop."""
    import shutil

    import duckdb

    from budget_warehouse.report import write_report
    from tests.test_report_crop import BOX, PAGE, _pdf

    pdf = _pdf()
    warehouse = tmp_path / "budget.duckdb"
    shutil.copyfile(ingested["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table cells as select * from stg_cells")  # page and box columns: NULL for text input
        con.execute(f"update cells set page = {PAGE}, x0 = ?, top = ?, x1 = ?, bottom = ? "
                    "where document_id = ? and source_line = 280 and printed = '7,387.00'", [*BOX, SAMPLE_ID])
        con.execute("drop view stg_cells")
        con.execute("alter table cells rename to stg_cells")
        con.execute("update dim_source_line set page = case when source_line = 280 then 10 end")
        con.execute("update dim_document set source_name = ? where document_id = ?", [pdf.name, SAMPLE_ID])
    result = write_report(warehouse, tmp_path / "site", [pdf.parent])
    assert result.problems == []
    html = _html(tmp_path / "site" / "documents" / f"{SAMPLE_ID}.html")
    findings = re.findall(r'<div class="finding (?:ERROR|WARN)">.*?(?=<div class="finding|<h2>)', html, re.S)
    with_crop = [f for f in findings if '<svg class="crop"' in f]
    # the two breaks whose sources include line 280: the list and the stated total against table 4
    assert len(with_crop) == 2 and all("<code>pr_project_list_vs_fiscal</code>" in f or
                                       "<code>pr_project_total_vs_tables</code>" in f for f in with_crop)
    for f in with_crop:
        assert f.count('<rect class="cellbox"') == 1 and f"{pdf.name}, page 10" in f and "line 280, page 10" in f
    # without the PDF in the source folders: the break is still shown, without an image, and the report says why
    result = write_report(warehouse, tmp_path / "site2", [tmp_path / "elsewhere"])
    assert '<svg class="crop"' not in _html(tmp_path / "site2" / "documents" / f"{SAMPLE_ID}.html")
    assert result.problems and all(pdf.name in p for p in result.problems)


def test_ingest_says_when_the_report_could_not_be_written_and_keeps_its_result(monkeypatch, tmp_path, capsys):
    from types import SimpleNamespace

    import budget_warehouse.pipeline
    import budget_warehouse.report
    import budget_warehouse.summary
    from budget_warehouse import exit_codes

    def broken(*args, **kwargs):
        raise OSError("disk full")

    published = SimpleNamespace(loaded=[object()], quarantined=[])  # one document loaded and published
    monkeypatch.setattr(budget_warehouse.pipeline, "run_ingest", lambda *a, **k: published)
    monkeypatch.setattr(budget_warehouse.summary, "render_summary", lambda report: "Ingested 1 document(s)")
    monkeypatch.setattr(budget_warehouse.report, "write_report", broken)
    assert main(["ingest", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"), "--no-quality"]) == exit_codes.OK
    out = capsys.readouterr()
    assert "Ingested 1 document(s)" in out.out and "the report was not written: disk full" in out.err


def test_numbers_equal_to_a_side_are_marked_whether_printed_in_wan_or_in_yuan():
    from budget_warehouse.report.pages import _marked

    # a 元 table's line (as in the shared 普陀 budget, page 10) against a side of 9628.221344 万元
    line = "1. 一般公共预算\t96,282,213.44\t二、社会保障和就业支出\t3,343,704.00"
    assert _marked(line, {Decimal("9628.221344")}) == (
        '<mark>1</mark>. 一般公共预算\t<mark class="hit">96,282,213.44</mark>\t二、社会保障和就业支出\t<mark>3,343,704.00</mark>')
    assert _marked("共涉及财政拨款资金 7845 万元", {Decimal("7845.00")}) == '共涉及财政拨款资金 <mark class="hit">7845</mark> 万元'
