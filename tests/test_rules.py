"""The accounting-identity rules (dbt_project/models/checks, rule_catalogue) on the sample.

Two dbt builds, each module-scoped:
- ``sample``: the real sample document alone. Its known breaks must fail with
  their numbers, everything else strict must pass.
- ``batch``: the clean sample again, a copy moved to 2018 with numbers changed
  (so the 2019 document's year-over-year claims can be recomputed), and copies of
  the sample under other department names (hence other document ids), each
  with one printed number changed (tests/faults.py). A fault must make exactly
  the instances that depend on that number fail, each with the right difference.
  Further copies: a total off by 0.01 / 0.02 (tolerance), table 9 printed in 元,
  table 10 removed, a 万元/元 slip in the prose, table 5 with 类/款 lines.
  All in ONE dbt build (dbt's start-up costs seconds).
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from tests.faults import (
    Fault,
    drop_lines,
    insert_lines,
    rename_department,
    replace_number,
    replace_text,
    set_table_unit,
    set_year,
)

from budget_warehouse.corpus.faults import inject
from budget_warehouse.corpus.generate import generate_many
from budget_warehouse.corpus.render import Layout, render
from budget_warehouse.extract.document import extract
from budget_warehouse.extract.vocabulary import EXPENDITURE_KINDS, FUNDING_SOURCES, SUMMARY_PROJECT_ITEMS
from budget_warehouse.staging import write_document, write_empty_templates

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "dbt_project" / "seeds" / "rule_catalogue.csv"
MACROS = ROOT / "dbt_project" / "macros"

# The rule models, their inputs and tests (not the marts nor the operations models,
# which have their own tests): models and seeds upstream of dq_rule_instance, and
# the tests of dq_rule_instance and of the catalogue.
RULES_LAYER = (
    "+dq_rule_instance,resource_type:model +dq_rule_instance,resource_type:seed "
    "dq_rule_instance,resource_type:test rule_catalogue,resource_type:test"
)
FAMILIES = {"within_table", "cross_table", "prose", "sanity", "presence", "year_over_year", "text"}

# The sample's breaks, verified by hand in the document (line numbers of the sample):
# - the 13 listed projects (lines 469-481) add up to 7845, as the prose says (483),
#   but the tables' 项目支出 is 7865 (table 1 lines 205+206+210, table 3 line 235):
#   the list leaves out 2010499 其他发展与改革事务支出 20.00 (line 236, 企业家联合会经费);
# - the prose calls the 7845 "财政拨款资金" but table 4's 财政拨款 项目支出 is 7387 (line 280):
#   the list includes the 478 of 留守处服务对象专项补助, funded by 其他收入 (lines 247, 764);
# - 因公出国（境）经费 "与上年相比支出减少 185.8%" (line 453): impossible;
# - 经常性专项业务费 绩效目标表 p01-p03: 支出进度 全年目标值 "13个月" (lines 501, 522, 543).
SAMPLE_FAILS = {
    ("pr_project_list_vs_tables", "listed projects vs 项目支出"): ("7845", "7865", "-20"),
    ("pr_project_list_vs_fiscal", "listed projects vs 财政拨款 项目支出"): ("7845", "7387", "458"),
    ("pr_project_total_vs_tables", "line 483 «共涉及财政拨款资金» (c053)"): ("7845", "7387", "458"),
    ("sn_decrease_over_100pct", "line 453 «与上年相比支出减少» (c046)"): ("185.8", "100", "85.8"),
    ("sn_month_target", "p01 row 0 «支出进度» [全年目标值]"): ("13", "12", "1"),
    ("sn_month_target", "p02 row 0 «支出进度» [全年目标值]"): ("13", "12", "1"),
    ("sn_month_target", "p03 row 0 «支出进度» [全年目标值]"): ("13", "12", "1"),
    # Issue 8's families (WARN but the listed projects per unit), each read in the document:
    # - 成本目标 in 万元 vs 资金总额 (实施期 column vs 实施期, 全年目标值 vs 当年度): 对外交流活动专项
    #   项目经费 40万 vs 60 (lines 568, 577); 政务云平台 全年 80 vs 96 (727, 735); 留守处 发放金额
    #   477.36万 vs 478 and 全年 475万 vs 478 (761, 770); 经济发展鼓励政策 全年 8000 vs 6000 (795, 803)
    ("wt_perf_cost_vs_funding", "p04 实施期 成本目标"): ("40", "60", "-20"),
    ("wt_perf_cost_vs_funding", "p04 当年度 成本目标"): ("40", "60", "-20"),
    ("wt_perf_cost_vs_funding", "p09 当年度 成本目标"): ("80", "96", "-16"),
    ("wt_perf_cost_vs_funding", "p10 实施期 成本目标"): ("477.36", "478", "-0.64"),
    ("wt_perf_cost_vs_funding", "p10 当年度 成本目标"): ("475", "478", "-3"),
    ("wt_perf_cost_vs_funding", "p11 当年度 成本目标"): ("8000", "6000", "2000"),
    # - 细化项目目标 全年目标值: 65+18+65 = 148 vs 155 (line 506), 100+80+19+5 = 204 vs 229 (line 527)
    #   (their 绩效标准 columns, 65+20+70 and 104+100+20+5, do add up)
    ("wt_perf_detail_items", "p01 row 5 «细化项目目标完成情况» [全年目标值]"): ("148", "155", "-7"),
    ("wt_perf_detail_items", "p02 row 5 «细化项目目标完成情况» [全年目标值]"): ("204", "229", "-25"),
    # - line 774 绩效标准: six documents listed, "等5份文件"
    ("wt_perf_document_count", "p10 row 5 «资金发放合规性» [绩效标准]"): ("5", "6", "-1"),
    # - 县级政务网站整合专项: 2018年11月-2019年6月 (8 months, line 855) vs 完成时间 12 (line 867)
    ("wt_perf_period_months", "p13 row 0 «完成时间（个月）» [绩效目标值]"): ("12", "8", "4"),
    # - table 8 30110 职工基本医疗保险缴费 20.44 (line 346) vs table 5 2101101 8.88 + 2101102 13.06 (297-298)
    ("xt_econ_subject_pairs", "款 30110"): ("20.44", "21.94", "-1.5"),
    # - table 1 三、部门专项资金 6498.00 (line 206) but table 10 printed 无 (line 382)
    ("xt_special_funds_listed", "t01 部门专项资金 vs t10"): ("0", "1", "-1"),
    # - 晋江市工业和信息化局's 10 listed projects 7581 vs its table-3 项目支出 7601: the 20.00 of 2010499
    ("pr_unit_projects_vs_tables", "unit 321001000 晋江市工业和信息化局"): ("7581", "7601", "-20"),
}

FAULTS = [
    Fault(
        "table-3 detail cell: 321001000 2150501 行政运行 人员基本支出 166.02 → 166.52",
        242, "166.02", "166.52",
        (
            ("wt_row_kind_parts", "t03 321001000 2150501 行政运行 (r7) [c4 总计]", "-0.50"),
            ("wt_total_row_vs_details", "t03 合计 (r0) [c5 人员基本支出]", "-0.50"),
            ("xt_fiscal_vs_expenditure_unit", "expenditure personnel", "-0.50"),
            ("xt_fiscal_vs_expenditure_unit", "expenditure basic", "-0.50"),
            ("xt_subject_split_vs_expenditure_unit", "subject 2150501 basic", "-0.50"),
        ),
    ),
    Fault(
        "合计: table 5 合计 8121.56 → 8121.66",
        290, "8121.56", "8121.66",
        (
            ("wt_total_row_vs_details", "t05 合计 (r0) [c2 合计]", "0.10"),
            ("wt_row_kind_parts", "t05 合计 (r0) [c2 合计]", "0.10"),
            ("xt_fiscal_vs_subject_tables", "expenditure total", "-0.10"),
            ("xt_subject_total_vs_econ_total", "合计", "0.10"),
            ("pr_general_budget_total", "line 397 «2019 年度一般公共预算拨款支出» (c023)", "-0.10"),
        ),
    ),
    Fault(
        "prose amount: 行政运行（2150501）237.06 → 273.06 万元",
        419, "237.06", "273.06",
        (("pr_subject_amount", "line 419 «(十) 行政运行(工业和信息产业监管支出)(2150501)» (c035)", "36.00"),),
    ),
    Fault(
        "economic 款: table 8 30102 津贴补贴 165.38 → 165.83",
        341, "165.38", "165.83",
        (
            ("wt_econ_class_vs_sections", "t08 301 工资福利支出 (r1) [c2 预算数]", "-0.45"),
            ("wt_total_row_vs_details", "t08 合计 (r0) [c2 预算数]", "-0.45"),
        ),
    ),
    Fault(
        "三公 item: 因公出国（境）费用 3.50 → 3.80",
        376, "3.50", "3.80",
        (
            ("wt_three_public_total", "t09 合计 (r0) [c1 本年预算数]", "-0.30"),
            ("xt_three_public_vs_econ", "三公 overseas", "0.30"),
            ("pr_three_public", "line 453 «2019 年预算安排» (c045)", "-0.30"),
        ),
    ),
    Fault(
        "project amount: 8、智慧晋江运营管理中心建设经费专项 312 → 321 万元",
        476, "312", "321",
        (
            ("pr_project_amount_vs_perf", "project 8 智慧晋江运营管理中心建设经费专项", "9"),
            ("pr_project_total_vs_list", "line 483 «共涉及财政拨款资金» (c053)", "-9"),
        ),
        expected_changed_fails=(
            ("pr_project_list_vs_tables", "listed projects vs 项目支出", "-11"),
            ("pr_project_list_vs_fiscal", "listed projects vs 财政拨款 项目支出", "467"),
            ("pr_unit_projects_vs_tables", "unit 321001000 晋江市工业和信息化局", "-11"),
        ),
    ),
    Fault(
        "时效目标: 兑现经济扶持政策 完成时限(个月) 实施期 12 → 10 (项目起止时间 2019年1月-2019年12月)",
        606, "12", "10",
        (("wt_perf_period_months", "p05 row 0 «完成时限(个月)» [绩效目标值]", "-2"),),
        occurrence=0,
    ),
    Fault(
        "unit count: 部门概况 包括 1 个机关 … 及 3 个下属单位 → 2 (its table lists 4 units)",
        77, "3", "2",
        (("pr_unit_count", "line 77 «工信部门包括 1 个机关行政处（科）室及» (n002)", "1"),),
    ),
    Fault(
        "成本目标: 兑现经济扶持政策 工作经费(万元) 实施期 33 → 35 (资金总额 33)",
        607, "33", "35",
        (("wt_perf_cost_vs_funding", "p05 实施期 成本目标", "2"),),
        occurrence=0,
    ),
]

# Tolerance: table 5 row 2010450 事业运行 合计 99.58 = 基本支出 89.58 + 项目支出 10.00
TOLERANCE_INSTANCE = ("wt_row_kind_parts", "t05 2010450 事业运行 (r1) [c2 合计]")
TOLERANCE_CASES = {"off_by_0.01": ("99.58", "99.59"), "off_by_0.02": ("99.58", "99.60")}

# Table 9 (三公) printed in 元: the same amounts ×10000; the half units shrink accordingly.
YUAN_EDITS = [(375, "4.70", "47,000.00"), (376, "3.50", "35,000.00"), (377, "1.20", "12,000.00")]
YUAN_UNIT_LINE = 372
# Table 10 (部门专项资金管理清单目录, printed as 无) removed: heading to its last line.
SPECIAL_FUNDS_LINES = (382, 387)

# Table 5 with its 类/款 lines printed above the 项 lines of 215 (inserted before line 300
# 2150501 and line 304 2150899): 215 = 21505 + 21508; 21505 = its four 项; 21508 = 2150899.
SUBJECT_CLASS_LINES = [
    (304, ["21508\t支持中小企业发展和管理支出\t6000.00\t\t6000.00"]),
    (300, ["215\t资源勘探工业信息等支出\t6746.31\t461.31\t6285.00",
           "21505\t工业和信息产业监管\t{}\t461.31\t285.00"]),
]

# Clean generated documents in converter layouts (issue 8): one whose table 1 names 部门专项资金 and
# whose table 10 lists them, one with a project spanning years (实施期 ≠ 当年度), one with several units.
def _generated():
    truths = generate_many(40, seed=80808)
    picks = [
        next(t for t in truths if t.special_fund_projects() and t.template.summary_project_split),
        next(t for t in truths if any(p.implementation != p.funding for p in t.projects)),
        next(t for t in truths if len({p.unit_code for p in t.projects}) >= 2),
    ]
    return list({t.document_id: t for t in picks}.values())


GENERATED = _generated()


def _generated_faults():
    """(text, changed lines) of generated documents with one fault each, beyond the rounding tolerance."""
    out = []
    truths = [t for t in generate_many(60, seed=90909) if t.document_id not in {g.document_id for g in GENERATED}]
    for n, kind in enumerate(("t3_detail", "prose_amount", "perf_funding", "summary_item", "econ_item")):
        rng = random.Random(900 + n)
        while True:
            layout = Layout.converter(rng)
            result = inject(truths[n], rng, kind, layout)
            if abs(Decimal(result.change["after"]) - Decimal(result.change["before"])) >= 1:
                break
        clean = render(truths[n], layout).split("\n")
        changed = {i for i, (a, b) in enumerate(zip(clean, result.text.split("\n")), start=1) if a != b}
        out.append((result.text, changed))
    return out


GENERATED_FAULTS = _generated_faults()

# The 绩效目标表 breaks of the sample repaired: p01's 全年 sub-items as its 绩效标准 ones (65 + 20 + 70
# = 155), p10's 绩效标准 "等6份文件" for its six documents (in every rendering), p13's period made 12 months.
PERF_REPAIRS = [
    (506, "系统党委经费18万；3、产业提升和企业管理服务专项经费65万", "系统党委经费20万；3、产业提升和企业管理服务专项经费70万"),
    (774, "等5份文件", "等6份文件"),
    (855, "2018年11月-2019年6月", "2018年7月-2019年6月"),
]

# A unit slip in the prose: 收入预算为 8599.56 元 (for 万元).
UNIT_SLIP_EDIT = (393, "收入预算为 8599.56 万元", "收入预算为 8599.56 元")

# The 2018 copy: its totals set so that the 2019 document's stated changes hold,
# except the 因公出国（境） decrease of 185.8% (impossible whatever 2018 says).
PRIOR_YEAR_EDITS = [
    (215, "8,599.56", "8,071.21", 0),  # 收入总计 8599.56 − 528.35
    (215, "8,599.56", "8,071.21", None),  # 支出总计
    (290, "8121.56", "7632.21", None),  # table 5 合计 8121.56 − 489.35
    (376, "3.50", "8.00", None),  # 因公出国（境）
    (377, "1.20", "3.60", None),  # 公务接待费: (1.2 − 3.6) / 3.6 = −66.666…%
    (887, "53.38", "77.01", None),  # 机关运行经费 53.38 + 23.63
]


# ------------------------------------------------------------------ fixtures
class Warehouse:
    def __init__(self, db_path: Path, result, doc_ids: dict[str, str]):
        self.db_path, self.result, self.doc_ids = db_path, result, doc_ids

    def rows(self, sql: str, *params) -> list[dict]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            cursor = con.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def instances(self, document: str = "sample", where: str = "true", *params) -> list[dict]:
        return self.rows(
            f"select * from dq_rule_instance where document_id = ? and ({where}) order by instance_key",
            self.doc_ids[document], *params,
        )

    def instance(self, document: str, rule_id: str, location: str) -> dict:
        rows = self.instances(document, "rule_id = ? and location = ?", rule_id, location)
        assert len(rows) == 1, (rule_id, location, rows)
        return rows[0]

    def fails(self, document: str) -> dict[tuple[str, str], dict]:
        return {
            (r["rule_id"], r["location"]): r
            for r in self.instances(document, "status = 'fail' and family <> 'year_over_year'")
        }


def _build(tmp_path: Path, texts: dict[str, str]) -> Warehouse:
    from budget_warehouse.dbt_runner import build_warehouse

    staging = tmp_path / "staging"
    write_empty_templates(staging)
    doc_ids = {}
    for name, text in texts.items():
        doc = extract(text, source_name=f"{name}.txt")
        assert doc.meta.document_id not in doc_ids.values(), f"{name}: same document id as another document"
        doc_ids[name] = doc.meta.document_id
        write_document(doc, staging)
    db_path = tmp_path / "warehouse.duckdb"
    return Warehouse(db_path, build_warehouse(staging, db_path, select=RULES_LAYER), doc_ids)


@pytest.fixture(scope="module")
def sample_wh(tmp_path_factory, sample_text) -> Warehouse:
    return _build(tmp_path_factory.mktemp("rules_sample"), {"sample": sample_text})


def _prior_year(text: str) -> str:
    text = set_year(text, 2018)
    for line, old, new, occurrence in PRIOR_YEAR_EDITS:
        text = replace_number(text, line, old, new, occurrence)
    return text


@pytest.fixture(scope="module")
def batch_wh(tmp_path_factory, sample_text) -> Warehouse:
    departments = iter("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉")
    texts = {"sample": sample_text, "prior_year": _prior_year(sample_text)}
    for i, fault in enumerate(FAULTS):
        texts[f"fault{i}"] = rename_department(fault.apply(sample_text), "工信" + next(departments))
    for name, (old, new) in TOLERANCE_CASES.items():
        texts[name] = rename_department(replace_number(sample_text, 291, old, new), "工信" + next(departments))
    yuan = set_table_unit(sample_text, YUAN_UNIT_LINE, "元")
    for line, old, new in YUAN_EDITS:
        yuan = replace_number(yuan, line, old, new)
    texts["yuan_three_public"] = rename_department(yuan, "工信" + next(departments))
    texts["no_special_funds"] = rename_department(drop_lines(sample_text, *SPECIAL_FUNDS_LINES),
                                                  "工信" + next(departments))
    for name, amount in (("subject_classes", "746.31"), ("subject_classes_broken", "745.31")):
        text = sample_text
        for before, lines in SUBJECT_CLASS_LINES:  # bottom first: line numbers stay valid
            text = insert_lines(text, before, [line.format(amount) for line in lines])
        texts[name] = rename_department(text, "工信" + next(departments))
    texts["unit_slip"] = rename_department(replace_text(sample_text, *UNIT_SLIP_EDIT), "工信" + next(departments))
    repaired = sample_text
    for line, old, new in PERF_REPAIRS:
        repaired = replace_text(repaired, line, old, new)
    # p10 is printed twice: line 766 holds its HTML and, flattened after it, its cells again
    lines = repaired.split("\n")
    assert lines[765].count("等5份文件") == 2
    lines[765] = lines[765].replace("等5份文件", "等6份文件")
    repaired = "\n".join(lines)
    texts["perf_repaired"] = rename_department(repaired, "工信" + next(departments))
    for i, truth in enumerate(GENERATED):
        texts[f"generated{i}"] = render(truth, Layout.converter(random.Random(800 + i)))
    for i, (text, _) in enumerate(GENERATED_FAULTS):
        texts[f"generated_fault{i}"] = text
    return _build(tmp_path_factory.mktemp("rules_batch"), texts)


# ------------------------------------------------------------------ the sample
def test_build_passes_every_rule_layer_test(sample_wh):
    assert sample_wh.result.passed, sample_wh.result.failed_tests
    assert sample_wh.result.node_count > 50


def test_every_family_has_instances(sample_wh, batch_wh):
    counts = {r["family"]: r["n"] for r in sample_wh.rows(
        "select family, count(*) as n from dq_rule_instance group by family")}
    # year_over_year needs the previous year's document: only in the batch
    assert set(counts) == FAMILIES - {"year_over_year"}, counts
    assert all(n > 0 for n in counts.values())
    assert batch_wh.instances("sample", "family = 'year_over_year'")


def test_instance_columns(sample_wh):
    rows = sample_wh.instances()
    assert len(rows) > 900
    for r in rows:
        assert r["instance_key"] == f"{r['rule_id']}|{r['document_id']}|{r['location']}"
        assert r["status"] in {"pass", "pass_within_tolerance", "fail"}
        assert r["severity"] in {"ERROR", "WARN"} and r["family"] in FAMILIES and r["description"]
        assert r["location"] and r["left_label"] and r["right_label"]
        if r["left_value"] is not None and r["right_value"] is not None:
            assert r["difference"] == r["left_value"] - r["right_value"]
        assert r["source_lines"], r
    # every amount is exact: no binary floating point went into a value
    assert {type(r["left_value"]) for r in rows if r["left_value"] is not None} == {Decimal}


def test_sample_breaks_fail_with_their_numbers(sample_wh):
    fails = sample_wh.fails("sample")
    assert set(fails) == set(SAMPLE_FAILS), sorted(set(fails) ^ set(SAMPLE_FAILS))
    for key, (left, right, difference) in SAMPLE_FAILS.items():
        row = fails[key]
        assert (row["left_value"], row["right_value"], row["difference"]) == (
            Decimal(left), Decimal(right), Decimal(difference)), row


def test_sample_break_details(sample_wh):
    listed = sample_wh.instance("sample", "pr_project_list_vs_tables", "listed projects vs 项目支出")
    assert listed["severity"] == "ERROR" and listed["family"] == "prose"
    assert listed["table_id"] == "t01" and "二、经常性专项业务费 + 三、部门专项资金 + 四、专项专款" in listed["right_label"]
    assert listed["source_lines"] == [205, 206, 210, *range(469, 482)]
    assert listed["tolerance"] == Decimal("6.515")  # 13 whole numbers (±0.5) + 3 table values (±0.005)
    fiscal = sample_wh.instance("sample", "pr_project_total_vs_tables", "line 483 «共涉及财政拨款资金» (c053)")
    assert fiscal["table_id"] == "t04" and fiscal["source_lines"] == [280, 483]
    assert "二、项目支出" in fiscal["right_label"] and "7845" in fiscal["left_label"]
    decrease = sample_wh.instance("sample", "sn_decrease_over_100pct", "line 453 «与上年相比支出减少» (c046)")
    assert decrease["severity"] == "WARN" and decrease["source_lines"] == [453]
    # the same projects against the 绩效目标表 and the stated total all agree
    assert {r["status"] for r in sample_wh.instances("sample", "rule_id = 'pr_project_amount_vs_perf'")} == {"pass"}
    assert len(sample_wh.instances("sample", "rule_id = 'pr_project_amount_vs_perf'")) == 13
    total = sample_wh.instance("sample", "pr_project_total_vs_list", "line 483 «共涉及财政拨款资金» (c053)")
    assert total["status"] == "pass" and total["left_value"] == total["right_value"] == Decimal(7845)


def test_everything_else_passes_exactly(sample_wh):
    within = sample_wh.instances("sample", "status = 'pass_within_tolerance'")
    # 智慧晋江 全年目标值 投资额 311 vs 当年度 资金总额 312 (lines 702, 694): two whole numbers, ±0.5 each
    assert [(r["rule_id"], r["location"], r["difference"], r["tolerance"]) for r in within] == [
        ("wt_perf_cost_vs_funding", "p08 当年度 成本目标", Decimal(-1), Decimal(1))]
    errors = sample_wh.instances("sample", "severity = 'ERROR' and status = 'fail'")
    assert {r["rule_id"] for r in errors} == {
        "pr_project_list_vs_tables", "pr_project_list_vs_fiscal", "pr_project_total_vs_tables",
        "pr_unit_projects_vs_tables"}


@pytest.mark.parametrize("rule_id, expected", [
    ("wt_total_row_vs_details", 27),  # t02 8 columns, t03 14, t05 3, t07 1, t08 1
    ("wt_row_kind_parts", 49),  # 32 rows of t03, 17 of t05
    ("wt_row_source_parts", 37),  # 5 rows of t02, 32 of t03
    ("wt_row_kind_vs_source_total", 32),
    ("wt_econ_class_vs_sections", 4),  # 301, 302, 303, 309 of t08
    ("wt_summary_parent_children", 4),  # t01 基本支出, 部门专项资金, 专项专款; t04 基本支出
    ("xt_subject_vs_expenditure_unit", 16),
    ("xt_subject_split_vs_expenditure_unit", 32),
    ("xt_unit_revenue_vs_expenditure", 32),  # 4 units × 8 source columns
    ("xt_three_public_vs_econ", 3),
    ("pr_subject_amount", 16),
    ("pp_unit_roster_vs_tables", 4),
    ("sn_month_target", 36),
])
def test_every_row_code_and_unit_is_instantiated(sample_wh, rule_id, expected):
    assert len(sample_wh.instances("sample", "rule_id = ?", rule_id)) == expected


def test_missing_economic_section_counts_zero(sample_wh):
    row = sample_wh.instance("sample", "xt_three_public_vs_econ", "三公 vehicle_operation")
    assert row["code"] == "30231" and row["right_value"] == 0 and row["status"] == "pass"


def test_catalogue_is_complete_and_consistent(sample_wh, batch_wh):
    with CATALOGUE.open(encoding="utf-8") as f:
        catalogue = {r["rule_id"]: r for r in csv.DictReader(f)}
    assert {r["family"] for r in catalogue.values()} == FAMILIES
    for rule in catalogue.values():
        prefix = {"within_table": ("wt_", "fa_"), "cross_table": ("xt_", "fa_"), "prose": "pr_", "presence": "pp_",
                  "sanity": "sn_", "year_over_year": "yy_", "text": "tx_"}[rule["family"]]  # fa_: 部门决算 identities
        assert rule["rule_id"].startswith(prefix) and rule["description"]
        assert rule["severity"] == ("WARN" if rule["family"] in ("sanity", "presence", "year_over_year")
                                    else rule["severity"])
    seen = {r["rule_id"] for wh in (sample_wh, batch_wh)
            for r in wh.rows("select distinct rule_id from dq_rule_instance")}
    assert seen <= set(catalogue)
    # every rule is instantiated: the sample and its variants lack only wt_row_basic_parts (no table
    # prints both 基本支出 and its parts) and the 政府性基金 rules (table 6 printed as 无), which the
    # batch's generated documents have; the text family (tx_) is instantiated rule by rule in
    # tests/test_text_checks.py; the rules of the other template families (national 部门预算, 部门决算)
    # on the shared real PDFs in test_real_warehouse.py
    from budget_warehouse.extract.templates import catalogue as templates

    sample_kinds = {t.kind for t in templates() if t.family == "fj_10" and t.table_no}
    other = {f"pp_table_{t.kind}" for t in templates() if t.kind and t.table_no and t.kind not in sample_kinds}
    other |= {r for r in catalogue if r.startswith("fa_")} | {"pr_completion_rate"}  # 部门决算 prose only
    assert {r for r in set(catalogue) - seen if catalogue[r]["family"] != "text"} == other


def test_rule_key_lists_follow_the_vocabulary():
    text = (MACROS / "dq_rules.sql").read_text(encoding="utf-8")

    def keys(macro: str) -> set[str]:
        body = re.search(r"macro " + macro + r"\(\).*?endmacro", text, re.S).group(0)
        return set(re.findall(r"'([a-z_]+)'", body))

    assert keys("project_item_keys") == {"project"} | {k for k, _, _ in SUMMARY_PROJECT_ITEMS}
    assert keys("funding_source_keys") == {k for k, _, _ in FUNDING_SOURCES}
    assert keys("basic_part_keys") == {k for k, _, _ in EXPENDITURE_KINDS} - {"basic", "project"}


# ------------------------------------------------------------------ the batch
def test_batch_build_passes(batch_wh):
    assert batch_wh.result.passed, batch_wh.result.failed_tests


def test_clean_sample_is_the_same_in_a_bigger_warehouse(sample_wh, batch_wh):
    def keyed(wh):
        return {(r["instance_key"], r["status"], r["difference"])
                for r in wh.instances("sample", "family <> 'year_over_year'")}

    assert keyed(sample_wh) == keyed(batch_wh)


@pytest.mark.parametrize("index", range(len(FAULTS)), ids=[f.name for f in FAULTS])
def test_fault_fails_exactly_its_dependents(batch_wh, index):
    fault = FAULTS[index]
    clean, faulted = batch_wh.fails("sample"), batch_wh.fails(f"fault{index}")
    new = {key: row for key, row in faulted.items() if key not in clean}
    assert set(new) == {(rule, location) for rule, location, _ in fault.expected_new_fails}, sorted(new)
    for rule, location, difference in fault.expected_new_fails:
        assert new[(rule, location)]["difference"] == Decimal(difference), new[(rule, location)]
    # nothing that failed on the clean document passes now
    assert set(clean) <= set(faulted)
    changed = {key for key in clean if clean[key]["difference"] != faulted[key]["difference"]}
    assert changed == {(rule, location) for rule, location, _ in fault.expected_changed_fails}
    for rule, location, difference in fault.expected_changed_fails:
        assert faulted[(rule, location)]["difference"] == Decimal(difference)
    # the fault's line is among the lines of every instance it broke
    for key in new:
        assert fault.line in new[key]["source_lines"], new[key]


def test_tolerance_interval_rule(batch_wh):
    within = batch_wh.instance("off_by_0.01", *TOLERANCE_INSTANCE)
    assert within["status"] == "pass_within_tolerance"
    assert (within["difference"], within["tolerance"]) == (Decimal("0.01"), Decimal("0.015"))
    assert "within tolerance" in within["note"]
    beyond = batch_wh.instance("off_by_0.02", *TOLERANCE_INSTANCE)
    assert beyond["status"] == "fail"
    assert (beyond["difference"], beyond["tolerance"]) == (Decimal("0.02"), Decimal("0.015"))
    clean = batch_wh.instance("sample", *TOLERANCE_INSTANCE)
    assert (clean["status"], clean["difference"]) == ("pass", 0)


def test_year_over_year(batch_wh):
    rows = {r["location"]: r for r in batch_wh.instances("sample", "family = 'year_over_year'")}
    expected = {
        "line 393 «比上年增加» (c009)": ("yy_change_amount", "528.35", "528.35", "pass"),
        "line 393 «比上年增加» (c018)": ("yy_change_amount", "528.35", "528.35", "pass"),
        "line 397 «比上年增加» (c024)": ("yy_change_amount", "489.35", "489.35", "pass"),
        "line 887 «比 2018 年减少» (c055)": ("yy_change_amount", "-23.63", "-23.63", "pass"),
        "line 453 «与上年相比支出减少» (c046)": ("yy_change_pct", "-185.8", "-56.25", "fail"),
        "line 457 «与上年相比支出减少» (c048)": ("yy_change_pct", "-66.67", "-66.666667", "pass_within_tolerance"),
    }
    assert set(rows) == set(expected), sorted(rows)
    for location, (rule, left, right, status) in expected.items():
        row = rows[location]
        assert (row["rule_id"], row["left_value"], row["right_value"], row["status"]) == (
            rule, Decimal(left), Decimal(right), status), row
    # both years' numbers are in the labels
    assert "8599.56" in rows["line 393 «比上年增加» (c009)"]["right_label"]
    assert "8071.21" in rows["line 393 «比上年增加» (c009)"]["right_label"]
    assert rows["line 453 «与上年相比支出减少» (c046)"]["difference"] == Decimal("-129.55")
    # the 2018 document has no 2017 one, the faulted copies no previous year
    assert not batch_wh.instances("prior_year", "family = 'year_over_year'")
    assert not batch_wh.instances("fault0", "family = 'year_over_year'")


def test_yuan_table_half_units_are_converted(batch_wh):
    """A 元 table: same values in 万元, no new finding, half units ×0.0001."""
    assert set(batch_wh.fails("yuan_three_public")) == set(batch_wh.fails("sample"))
    total = batch_wh.instance("yuan_three_public", "wt_three_public_total", "t09 合计 (r0) [c1 本年预算数]")
    # 合计 + 3 top-level lines printed with 2 decimals in 元: 4 × 0.005 元 = 0.000002 万元
    assert (total["status"], total["left_value"], total["tolerance"]) == ("pass", Decimal("4.7"), Decimal("0.000002"))
    econ = batch_wh.instance("yuan_three_public", "xt_three_public_vs_econ", "三公 overseas")
    # 35,000.00 元 (±0.005 元) against 3.50 万元 (±0.005 万元)
    assert (econ["status"], econ["difference"], econ["tolerance"]) == ("pass", 0, Decimal("0.0050005"))
    prose = batch_wh.instance("yuan_three_public", "pr_three_public", "line 453 «2019 年预算安排» (c045)")
    assert (prose["status"], prose["right_value"]) == ("pass", Decimal("3.5"))


def test_absent_table_is_a_finding_and_a_table_printed_as_none_is_present(batch_wh):
    # the lines below the removed table move up, so compare the failing rules, not their locations
    def failing_rules(document):
        return Counter(rule for rule, _ in batch_wh.fails(document))

    # the 目录 still lists the removed table: tx_contents_vs_body reports it missing from the body too
    assert failing_rules("no_special_funds") - failing_rules("sample") == Counter(
        {"pp_table_special_funds": 1, "tx_contents_vs_body": 1})
    # without table 10, "部门专项资金 > 0 ⇒ table 10 lists items" has nothing to look at: the
    # absence itself is pp_table_special_funds' finding
    assert failing_rules("sample") - failing_rules("no_special_funds") == Counter({"xt_special_funds_listed": 1})
    absent = batch_wh.instance("no_special_funds", "pp_table_special_funds", "10 部门专项资金管理清单目录")
    assert (absent["severity"], absent["left_value"], absent["note"]) == ("WARN", 0, "table absent from the document")
    printed_as_none = batch_wh.instance("sample", "pp_table_gov_fund_by_subject", "6 政府性基金拨款支出预算表")
    assert printed_as_none["status"] == "pass" and "无" in printed_as_none["note"]


def test_unit_slip(batch_wh):
    new = {key: row for key, row in batch_wh.fails("unit_slip").items() if key not in batch_wh.fails("sample")}
    location = "line 393 «工信部门收入预算为» (c008)"
    # and the text family: 0.859956 万元 "比上年增加 528.35 万元" implies last year's amount was negative
    assert set(new) == {("pr_total_revenue", location), ("sn_unit_slip", location),
                        ("tx_change_base", "line 393 «工信部门收入预算为» [change]")}
    assert new[("pr_total_revenue", location)]["difference"] == Decimal("0.859956") - Decimal("8599.56")
    slip = new[("sn_unit_slip", location)]
    assert (slip["severity"], slip["left_value"], slip["right_value"]) == ("WARN", Decimal("0.859956"), Decimal("8599.56"))
    assert "×10000" in slip["right_label"]


def test_subject_class_lines_are_parents_not_counted_twice(batch_wh):
    def failing_rules(document):
        return Counter(rule for rule, _ in batch_wh.fails(document))

    # 类/款 lines added to table 5: nothing new fails, they are checked against their children
    assert failing_rules("subject_classes") == failing_rules("sample")
    parents = {r["location"]: r for r in batch_wh.instances("subject_classes", "rule_id = 'wt_subject_parent_children'")}
    assert {(loc.split(" [")[0], r["status"]) for loc, r in parents.items()} == {
        ("t05 215 资源勘探工业信息等支出 (r10)", "pass"),
        ("t05 21505 工业和信息产业监管 (r11)", "pass"),
        ("t05 21508 支持中小企业发展和管理支出 (r16)", "pass"),
    }
    assert len(parents) == 9  # 3 parent lines × 3 columns (合计, 基本支出, 项目支出)
    total = batch_wh.instance("subject_classes", "wt_total_row_vs_details", "t05 合计 (r0) [c2 合计]")
    assert (total["status"], total["right_value"]) == ("pass", Decimal("8121.56"))
    # a 款 line off by 1.00: its own row, itself against its 项, and its 类 against it
    new = Counter(rule for rule, _ in batch_wh.fails("subject_classes_broken")) - failing_rules("sample")
    assert new == Counter({"wt_subject_parent_children": 2, "wt_row_kind_parts": 1})
    broken = {(r["rule_id"], r["location"]): r["difference"]
              for r in batch_wh.instances("subject_classes_broken", "status = 'fail' and location like 't05 %'")}
    assert broken == {
        ("wt_subject_parent_children", "t05 21505 工业和信息产业监管 (r11) [c2 合计]"): Decimal("-1"),
        ("wt_subject_parent_children", "t05 215 资源勘探工业信息等支出 (r10) [c2 合计]"): Decimal("1"),
        ("wt_row_kind_parts", "t05 21505 工业和信息产业监管 (r11) [c2 合计]"): Decimal("-1"),
    }


def test_repaired_performance_tables_pass(batch_wh):
    fails = batch_wh.fails("perf_repaired")
    repaired = {("wt_perf_detail_items", "p01 row 5 «细化项目目标完成情况» [全年目标值]"),
                ("wt_perf_document_count", "p10 row 5 «资金发放合规性» [绩效标准]"),
                ("wt_perf_period_months", "p13 row 0 «完成时间（个月）» [绩效目标值]")}
    assert set(fails) == set(SAMPLE_FAILS) - repaired
    for rule_id, location in repaired:
        row = batch_wh.instance("perf_repaired", rule_id, location)
        assert row["status"] == "pass" and row["difference"] == 0, row


def test_clean_generated_documents_fail_nothing(batch_wh):
    # Generated documents satisfy every identity by construction: any failure is a false alarm.
    rules_seen = set()
    for i in range(len(GENERATED)):
        rows = batch_wh.instances(f"generated{i}")
        assert [r for r in rows if r["status"] == "fail"] == []
        rules_seen |= {r["rule_id"] for r in rows}
    assert {"wt_perf_cost_vs_funding", "wt_perf_period_months", "xt_econ_subject_pairs",
            "pr_unit_projects_vs_tables", "xt_special_funds_listed", "pr_operating_funds"} <= rules_seen


@pytest.mark.parametrize("index", range(5))
def test_fault_in_a_generated_document_is_found_on_its_line(batch_wh, index):
    _, changed = GENERATED_FAULTS[index]
    failing = batch_wh.instances(f"generated_fault{index}", "status = 'fail'")
    assert failing and all(set(r["source_lines"]) & changed for r in failing), (changed, failing)
