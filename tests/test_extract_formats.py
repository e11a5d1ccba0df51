"""Every converter's text gives the same records: markdown pipe tables and space-aligned text."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import relayout
from budget_warehouse.corpus.generate import generate_many
from budget_warehouse.corpus.render import Layout, render
from budget_warehouse.extract.document import extract
from budget_warehouse.extract.formats import normalise
from budget_warehouse.extract.grid import clean_cell
from budget_warehouse.extract.segment import looks_like_title, plain
from test_extract_layouts import content
from truth import diff, extracted_facts

REAL = Path(__file__).parent / "fixtures" / "real"
BUDGET = "shanghai-putuo-justice-2026-department-budget"
FINAL = "shanghai-putuo-finance-2024-department-final-accounts"

FORMATS = {
    "markdown pipe tables": relayout.markdown_tables,
    "markdown, page breaks": lambda t: relayout.markdown_tables(relayout.page_breaks(t)),
    "space-aligned": relayout.space_aligned,
    "space-aligned, page feeds and page numbers": lambda t: relayout.space_aligned(relayout.page_breaks(t, feed=True)),
    "space-aligned, page feeds": lambda t: relayout.space_aligned(relayout.page_breaks(t, page_number=False, feed=True)),
}


def _tab_rows(text: str) -> int:
    return sum("\t" in line and "<table" not in line for line in text.split("\n"))


@pytest.fixture(scope="module")
def reference(sample_doc):
    return content(sample_doc)


@pytest.mark.parametrize("name", FORMATS)
def test_sample_in_another_format_gives_identical_records(name, sample_text, reference):
    text = FORMATS[name](sample_text)
    assert _tab_rows(text) == 0 < _tab_rows(sample_text)  # every table is in the other form
    doc = extract(text, source_name=f"{name}.txt")
    got = content(doc)
    for key in reference:
        assert got[key] == reference[key], f"{name}: {key} differ"
    assert doc.coverage()["unexplained"] == 0


def test_tab_rows_and_prose_are_left_untouched(sample_text):
    assert normalise(sample_text) is sample_text  # nothing to normalise: not even split
    text = sample_text.replace("\n\n", "\n  \n", 3) + "\n某某  说明"  # double spaces, but no table
    assert normalise(text) == text


def test_line_numbers_are_kept(sample_text, sample_doc):
    text = relayout.space_aligned(relayout.page_breaks(sample_text, page_number=False, feed=True))
    assert "\f" in text and len(normalise(text).split("\n")) == len(text.split("\n"))
    doc = extract(relayout.space_aligned(sample_text), source_name="aligned.txt")
    # Same lines as the tab rows: every cell keeps its source line.
    assert Counter((c.source_line, c.amount) for c in doc.cells) == Counter((c.source_line, c.amount) for c in sample_doc.cells)


TRUTHS = generate_many(12, seed=7)


@pytest.mark.parametrize("fmt", ["markdown", "layout"])
@pytest.mark.parametrize("index", range(len(TRUTHS)))
def test_generated_document_in_another_format(index, fmt):
    truth = TRUTHS[index]
    layout = Layout.random(random.Random(index))
    tabs = extract(render(truth, layout.with_(cells="tsv", perf_cells="tsv")), source_name="tabs.txt")
    text = render(truth, layout.with_(cells=fmt, perf_cells=fmt))
    assert _tab_rows(text) < 30  # only the contents (not a table of the generator) stays in tab rows
    doc = extract(text, source_name=f"{fmt}.txt")
    assert content(doc) == content(tabs)
    assert diff(truth.expected_facts(), extracted_facts(doc)) == {}
    assert doc.coverage()["unexplained"] == 0


# ---------------------------------------------------------------- the real PDFs, two converters

NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
AMOUNT = re.compile(r"\.\d+$")


def table_rows(path: Path) -> dict[str, list[tuple[str, ...]]]:
    """The cells (to the last filled one) of each normalised tab row holding an amount, under
    the last title."""
    tables: dict[str, list[tuple[str, ...]]] = {}
    title = None
    for line in normalise(path.read_text(encoding="utf-8")).split("\n"):
        if "\t" not in line:
            if looks_like_title(plain(line)):
                title = re.sub(r"\s", "", plain(line))
            continue
        cells = [clean_cell(c) for c in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if title and any(NUMBER.match(c) and AMOUNT.search(c) for c in cells):
            tables.setdefault(title, []).append(tuple(cells))
    return tables


def filled(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [tuple(c for c in row if c) for row in rows]


def numbers(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Codes and amounts of each row, in order (words dropped)."""
    return [tuple(t.replace(",", "") for c in row for t in c.split() if NUMBER.match(t)) for row in rows]


@pytest.fixture(scope="module")
def real_tables():
    return {(stem, fmt): table_rows(REAL / f"{stem}.{fmt}.txt") for stem in (BUDGET, FINAL) for fmt in ("markdown", "layout")}


def test_budget_markdown_and_layout_give_the_same_table_rows(real_tables):
    md, layout = real_tables[BUDGET, "markdown"], real_tables[BUDGET, "layout"]
    assert len(md) == 7  # the 9 standard tables, two of them empty
    assert md == layout  # cell for cell, each in the same column: labels, codes and amounts
    # Figures read by hand from the PDF.
    assert md["2026年部门财务收支预算总表"][-1] == ("收入总计", "96,282,213.44", "支出总计", "96,282,213.44")
    expenditure = md["2026年部门支出预算总表"]
    assert ("204", "06", "01", "行政运行", "16726725.44", "16726725.44", "0.00") in expenditure
    assert ("221", "02", "01", "住房公积金", "2087959.00", "2087959.00", "0.00") in expenditure
    assert ("", "", "", "合计", "96282213.44", "25741666.44", "70540547.00") in expenditure
    assert sum(all(c.isdigit() for c in row[:3]) for row in expenditure) == 13  # 项-level rows (类, 款, 项 codes)
    assert md["2026年部门“三公”经费和机关运行经费预算表"] == [("10.81", "0", "0.83", "9.98", "0", "9.98", "217.83")]


# pdftotext prints some 决算 tables with a row's cells on several lines (side-by-side halves,
# vertically centred cells): line for line, those rows cannot match the markdown's.
SPLIT_ROWS = {"支出决算表", "一般公共预算财政拨款基本支出决算表", "财政拨款收入支出决算总表"}


def test_final_accounts_markdown_and_layout_give_the_same_table_rows(real_tables):
    md, layout = real_tables[FINAL, "markdown"], real_tables[FINAL, "layout"]
    for title in ("收入支出决算总表", "一般公共预算财政拨款支出决算表"):
        assert md[title] == layout[title], title
    # pymupdf4llm prints two more empty columns than pdftotext sees.
    assert filled(md["财政拨款“三公”经费支出决算表"]) == filled(layout["财政拨款“三公”经费支出决算表"]) == [("0.95", "0.95")]
    # Its 合计 row's words are a line below its amounts: the same numbers.
    assert numbers(md["收入决算表"]) == numbers(layout["收入决算表"])
    assert SPLIT_ROWS <= set(md) & set(layout)
    for title in SPLIT_ROWS:  # the same amounts, rows cut differently
        amounts = [Counter(n for row in numbers(t[title]) for n in row if AMOUNT.search(n)) for t in (md, layout)]
        assert amounts[0] == amounts[1], title
    summary = md["收入支出决算总表"]
    assert ("本年收入合计", "2,946.25", "本年支出合计", "2,940.05") in summary
    assert ("总计", "2,995.39", "总计", "2,995.39") in summary
    assert ("201", "06", "01", "行政运行", "1,511.89", "1,503.52", "8.37") in filled(md["支出决算表"])


def test_every_amount_of_a_real_table_lands_in_a_tab_row():
    for stem in (BUDGET, FINAL):
        for fmt in ("markdown", "layout"):
            lines = normalise((REAL / f"{stem}.{fmt}.txt").read_text(encoding="utf-8")).split("\n")
            # A line of amounts alone (no words) is table debris, never prose.
            stray = [line for line in lines if "\t" not in line and re.fullmatch(r"[\s\d,.]*\d\.\d+[\s\d,.]*", line)]
            assert stray == [], (stem, fmt)


# ---------------------------------------------------------------- edge cases


def test_markdown_table_without_outer_pipes():
    text = "说明\n项目 | 预算数\n--- | ---:\n合计 | 12.50\n资本金注入 | 12.50\n\n后文"
    assert normalise(text).split("\n") == ["说明", "项目\t预算数", "", "合计\t12.50", "资本金注入\t12.50", "", "后文"]


def test_pipe_inside_prose_is_not_a_table():
    text = "收入|支出：本年收入 12.50 万元\n单独一行 | 不是表格\n下一段"
    assert normalise(text) == text


def test_markdown_cells_escapes_breaks_and_empty_cells():
    text = "|类|款|项|科目名称|合计|\n|:---|:---:|---|---|---:|\n|204|||公共\\|安全<br>支出|1.00|\n|204|06|01|行政运行<br/>|0.50|"
    assert normalise(text).split("\n") == [
        "类\t款\t项\t科目名称\t合计",
        "",
        "204\t\t\t公共|安全 支出\t1.00",
        "204\t06\t01\t行政运行\t0.50",
    ]


def test_markdown_label_and_amount_in_one_cell_are_two_cells():
    # pymupdf4llm merges a label column and its amount column where the PDF draws no rule between.
    text = "\n".join([
        "|本年收入|本年支出|",
        "|---|---|",
        "|项目<br>预算数|项目<br>预算数|",
        "|一、财政拨款收入<br>12.50|一、公共安全支出<br>10.00|",
        "|二、事业收入<br>0.00|二、教育支出<br>2.50|",
        "|三、其他收入<br>0.00||",
    ])
    assert normalise(text).split("\n") == [
        "本年收入\t\t本年支出\t",
        "",
        "项目\t预算数\t项目\t预算数",
        "一、财政拨款收入\t12.50\t一、公共安全支出\t10.00",
        "二、事业收入\t0.00\t二、教育支出\t2.50",
        "三、其他收入\t0.00\t\t",
    ]
    # Two amounts in one cell are two cells, even on the table's only row.
    three = "|合计|公务接待费<br>公务<br>小计|机关运行经费|\n|---|---|---|\n|10.81|0.83<br>9.98|217.83|"
    assert normalise(three).split("\n") == ["合计\t公务接待费 公务 小计\t\t机关运行经费", "", "10.81\t0.83\t9.98\t217.83"]


def _row(*cells: tuple[int, str]) -> str:
    """A space-aligned line: each (column, text) printed from that column on."""
    line = ""
    for col, text in cells:
        line = line.ljust(col) + text
    return line


def test_layout_column_boundary_shifting_on_a_page_break():
    page1 = [
        _row((0, "科目编码"), (12, "科目名称"), (30, "合计"), (40, "基本支出"), (52, "项目支出")),
        _row((0, "2040601"), (12, "行政运行"), (28, "100.00"), (40, "100.00")),
        _row((0, "2040604"), (12, "基层司法业务"), (28, "200.00"), (52, "200.00")),
    ]
    # The next page: no header, the table moved three characters right, and an empty 基本支出.
    page2 = [
        "\f" + _row((3, "2040605"), (15, "普法宣传"), (33, "5.00"), (57, "5.00")),
        _row((3, "2040699"), (15, "其他司法支出"), (32, "10.00"), (56, "10.00")),
    ]
    text = "\n".join(["支出表", "单位：万元", *page1, *page2, "注：说明。"])
    assert normalise(text).split("\n") == [
        "支出表",
        "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "2040601\t行政运行\t100.00\t100.00\t",
        "2040604\t基层司法业务\t200.00\t\t200.00",
        "2040605\t普法宣传\t5.00\t\t5.00",
        "2040699\t其他司法支出\t10.00\t\t10.00",
        "注：说明。",
    ]


def test_layout_cells_with_one_inner_space_stay_whole():
    text = "\n".join([
        _row((0, "收 入"), (16, "金额"), (26, "支 出"), (40, "金额")),
        _row((0, "一、财政拨款收入"), (14, "1,234.50"), (23, "一、公共安全支出"), (38, "1,000.00")),  # one space between
        _row((0, "二、事业收入"), (18, "0.00"), (23, "二、教育支出"), (40, "234.50")),
        _row((0, "三、经营收入"), (18, "0.00")),  # rows showing where the amounts' column ends
        _row((0, "四、其他收入"), (18, "0.00")),
    ])
    assert normalise(text).split("\n") == [
        "收 入\t金额\t支 出\t金额",
        "一、财政拨款收入\t1,234.50\t一、公共安全支出\t1,000.00",
        "二、事业收入\t0.00\t二、教育支出\t234.50",
        "三、经营收入\t0.00\t\t",
        "四、其他收入\t0.00\t\t",
    ]
    codes = "\n".join([
        _row((0, "科目编码"), (13, "科目名称"), (27, "金额")),
        _row((0, "204 06 01"), (13, "行政运行"), (26, "16.00")),
        _row((0, "204 06 04"), (13, "基层司法业务"), (27, "2.50")),
    ])
    assert normalise(codes).split("\n") == ["科目编码\t科目名称\t金额", "204 06 01\t行政运行\t16.00", "204 06 04\t基层司法业务\t2.50"]


def test_contents_and_preamble_lines_stay_prose():
    text = "\n".join([
        "一、部门主要职能   ……………………………………",
        "二、部门机构设置   ……………………………………",
        "编制部门：某某局                     单位：元",
        "项目        预算数",
        "合计        12.50",
    ])
    assert normalise(text).split("\n")[:3] == text.split("\n")[:3]
    assert normalise(text).split("\n")[3:] == ["项目\t预算数", "合计\t12.50"]


def test_layout_header_pieces_above_and_page_numbers_inside_a_run():
    text = "\n".join([
        "表三",
        "",
        _row((12, "预算数")),  # a header line with one cell, right above the run
        _row((0, "项目"), (12, "合计"), (22, "基本支出")),
        _row((0, "行政运行"), (10, "100.00"), (22, "100.00")),
        _row((30, "12")),  # the page number at the foot of a page
        _row((0, "基层司法业务"), (11, "20.00"), (23, "20.00")),
    ])
    assert normalise(text).split("\n") == [
        "表三",
        "",
        "\t预算数\t",
        "项目\t合计\t基本支出",
        "行政运行\t100.00\t100.00",
        _row((30, "12")),
        "基层司法业务\t20.00\t20.00",
    ]


_PIECES = [" ", "  ", "    ", "\t", "\f", "\n", "\n\n", "|", "|---|", "---", ":", "\\|", "<br>", "无", "合计", "一、收入",
           "单位：元", "表", "。", "12", "0.00", "1,234.56", "204 06 01", "……"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=120).map("".join))
@example("|\\||---|")  # its tab row "|\t---" once read as a separator row on the second pass
def test_normalise_keeps_every_line_and_is_stable(text):
    once = normalise(text)
    assert once.count("\n") == text.count("\n")  # line for line: provenance stays exact
    assert normalise(once) == once
