"""Issue 8: the layouts a PDF-to-text converter writes, each alone and all mixed, against the truth.

A generated document in any of these layouts must load with no quarantine,
every printed truth cell loaded exactly once (no second rendering, column-number
row or repeated header loaded as data) and every numeric token accounted for.
Clean generated documents satisfy every accounting identity by construction, so
records equal to the truth leave no rule instance to fail.
``BUDGET_PROPERTY_SEEDS`` raises the number of mixed-layout seeds (CI: 8).
"""

from __future__ import annotations

import os
import random

import pytest

from budget_warehouse.corpus.generate import generate_many
from budget_warehouse.corpus.render import Layout, printed_facts, render
from budget_warehouse.extract.document import extract
from truth import diff, extracted_facts

TRUTHS = generate_many(4, seed=8008)
SEEDS = int(os.environ.get("BUDGET_PROPERTY_SEEDS", "8"))

# One switch at a time on a plain layout with page breaks (which several of them need).
SINGLE = {
    "HTML running into its tab copy, then a page break": dict(cells="both", html_one_line=True, html_run_on=True),
    "column numbers as 栏次": dict(column_numbers=True, column_numbers_style="lanci"),
    "column numbers under blank labels": dict(column_numbers=True, column_numbers_style="blank"),
    "绩效目标表 as HTML plus its flattened cells": dict(perf_cells="html", perf_flattened=True),
    "page numbers 第 N 页": dict(page_numbers=True, page_number_style="page"),
    "page numbers —N—": dict(page_numbers=True, page_number_style="dash"),
    "page numbers anywhere": dict(stray_page_numbers=True, page_number_style="dash"),
    "page break between title and table": dict(title_break=True, page_numbers=True),
    "headers repeated on each page": dict(repeat_headers=True, cells="both", html_one_line=False),
    "rows cut by a page break": dict(split_rows=True, cells="both"),
    "empty and all-zero tables printed blank": dict(blank_zeros=True),
    "header words with a space inside": dict(spaced_headers=True, two_row_headers=False),
    "amounts and counts in the overview": dict(overview_amounts=True),
    "indicator rows printed / throughout": dict(slash_rows=True),
}


def check(truth, layout: Layout, name: str) -> None:
    text = render(truth, layout)
    doc = extract(text, source_name=f"{name}.txt")  # a quarantine would raise here
    assert diff(printed_facts(layout, truth.expected_facts()), extracted_facts(doc)) == {}
    assert len(doc.perf_tables) == len(truth.projects)
    unexplained = [(t.source_line, t.token) for t in doc.tokens if not t.accounted and not t.reason]
    assert unexplained == []


@pytest.mark.parametrize("name", SINGLE)
def test_each_converter_layout_loads_every_cell_once(name):
    base = Layout(page_breaks=True, page_rows=8, seed=11)
    layout = base.with_(**SINGLE[name])
    for n, truth in enumerate(TRUTHS[:2]):
        text = render(truth, layout)
        assert text != render(truth, base), f"{name}: the switch changes nothing"
        check(truth, layout, f"{name}-{n}")


@pytest.mark.parametrize("seed", range(SEEDS))
def test_mixed_converter_layouts_property(seed):
    truth = TRUTHS[seed % len(TRUTHS)]
    check(truth, Layout.converter(random.Random(8000 + seed)), f"mixed{seed}")


def test_blank_grid_is_present_and_empty():
    truth = next(t for t in TRUTHS if not t.special_fund_projects() or not any(
        k[0] == "gov_fund_by_subject" for k in t.expected_facts()["fct_subject_budget"]))
    doc = extract(render(truth, Layout(blank_zeros=True)), source_name="blank.txt")
    blank = [t for t in doc.tables if t.is_empty]
    assert blank and all(not [c for c in doc.cells if c.table_id == t.table_id] for t in blank)


def test_cut_row_keeps_the_line_of_its_amounts():
    text = "\n".join([
        "### 五、一般公共预算拨款支出预算表", "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "\t合计\t30.00\t10.00\t20.00",
        "2010101\t行政运行\t\t\t", "", "—3—", "",
        "\t\t30.00\t10.00\t20.00",
        "", "## 第三部分 说明", "", "无",
    ])
    doc = extract("**2021年度**\n\n**某市某局部门预算**\n\n" + text, source_name="cut.txt")
    rows = {(c.subject_code, c.measure): (str(c.amount), c.source_line) for c in doc.cells}
    assert rows[("2010101", "total")] == ("30.00", 13)
    assert rows[("2010101", "project")] == ("20.00", 13)
    assert len(doc.cells) == 6


def test_counts_and_overview_amounts_of_the_sample(sample_doc):
    # Read by hand: line 77 "包括 1 个机关行政处（科）室及 3 个下属单位"; line 108 "新增规下转规上工业企业 80 家";
    # line 110 "紧密跟踪 374 个本级工业储备项目（年度计划投资 231.61 亿元）"; line 114 "召开 5 场";
    # line 122 "培训人数在 1000 人（次）以上"; line 126 "259 个 … 111.86 亿元".
    claims = {(c.source_line, c.printed): (c.kind, c.measure, c.unit, c.amount) for c in sample_doc.claims}
    assert claims[(77, "1")] == ("unit_count", "offices", "个", None)
    assert claims[(77, "3")] == ("unit_count", "subordinate_units", "个", None)
    assert claims[(108, "80")] == ("count", None, "家", None)
    assert claims[(110, "374")] == ("count", None, "个", None)
    assert claims[(114, "5")] == ("count", None, "场", None)
    assert claims[(122, "1000")] == ("count", None, "人（次）", None)
    # Amounts of the department's work in 第一部分 are not restatements of the budget tables.
    assert claims[(110, "231.61")][:3] == ("overview_amount", None, "亿元")
    assert claims[(126, "111.86")][:3] == ("overview_amount", None, "亿元")
    assert not [c for c in sample_doc.claims if c.kind == "three_public" and c.source_line < 192]


def test_generated_unit_count_claim_is_read():
    for truth in TRUTHS:
        doc = extract(render(truth, Layout(overview_amounts=True)), source_name="counts.txt")
        want = {k[1]: v for k, v in truth.expected_facts()["claims"].items() if k[0] == "unit_count"}
        got = {c.measure: c.value for c in doc.claims if c.kind == "unit_count" and c.measure in want}
        assert want and got == want
        assert {c.unit for c in doc.claims if c.kind == "count"} >= {"家", "场", "人（次）", "个"}
        assert [c for c in doc.claims if c.unit == "亿元"] and all(
            c.kind == "overview_amount" for c in doc.claims if c.unit == "亿元")


def test_indicator_rows_printed_slash_are_kept():
    truth = TRUTHS[0]
    doc = extract(render(truth, Layout(slash_rows=True)), source_name="slash.txt")
    slash = [i for i in doc.indicators if i.content == "/"]
    columns = {p.perf_id: 4 if p.perf_kind == "special" else 2 for p in truth.projects}
    assert sorted(i.perf_id for i in slash) == sorted(pid for pid, n in columns.items() for _ in range(n))
    assert {(i.level2, i.printed, i.number) for i in slash} == {("其他目标", "/", None)}
