"""The dbt layer: staging Parquet → marts, checked on hand-made documents.

Each module-scoped fixture stages its documents and runs one real ``dbt build``
(seeds, models, tests) through ``build_warehouse``; the tests then read the
marts read-only with duckdb and compare with values known from dbt_fixtures.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt_fixtures import FAKE_ECON, FAKE_SUBJECT, U1, U2, agriculture_2021, industry_2019

from budget_warehouse.dbt_runner import DBT_PROJECT_DIR, DbtBuildError, _target_dir, build_warehouse, failing_contracts
from budget_warehouse.extract.vocabulary import FUNDING_SOURCES, display_names
from budget_warehouse.staging import write_document, write_empty_templates

MARTS = [
    "dim_document", "dim_unit", "dim_subject", "dim_economic_class", "dim_funding_source", "dim_project",
    "fct_budget_summary", "fct_revenue", "fct_expenditure", "fct_subject_budget", "fct_economic_budget",
    "fct_three_public", "fct_project", "fct_performance_indicator", "fct_prose_claim",
]
CELL_FACTS = ["fct_budget_summary", "fct_revenue", "fct_expenditure", "fct_subject_budget",
              "fct_economic_budget", "fct_three_public"]
# This layer: seeds, staging, intermediate, marts and their tests (the checks and
# operations models of the same dbt project have their own tests).
LAYER = "+path:models/marts"
DOC_A = "jinjiang_industry_2019_budget"
DOC_B = "jinjiang_agriculture_2021_budget"


class Warehouse:
    def __init__(self, db_path: Path, result):
        self.db_path, self.result = db_path, result

    def rows(self, sql: str, *params) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    def one(self, sql: str, *params):
        rows = self.rows(sql, *params)
        assert len(rows) == 1, rows
        return rows[0]


def _staging(tmp_path: Path, docs) -> tuple[Path, Path]:
    staging = tmp_path / "staging"
    write_empty_templates(staging)
    for doc in docs:
        write_document(doc, staging)
    return staging, tmp_path / "warehouse.duckdb"


def _build(tmp_path: Path, docs) -> Warehouse:
    staging, db_path = _staging(tmp_path, docs)
    return Warehouse(db_path, build_warehouse(staging, db_path, select=LAYER))


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    """The industry document (most tests) and a second department's, another year."""
    return _build(tmp_path_factory.mktemp("two_docs"), [industry_2019(), agriculture_2021()])


@pytest.fixture(scope="module")
def wh0(tmp_path_factory) -> Warehouse:
    return _build(tmp_path_factory.mktemp("no_docs"), [])


# ---------------------------------------------- the industry document (DOC_A)
def test_build_passes_every_dbt_test(wh):
    assert wh.result.passed, wh.result.failed_tests
    assert wh.result.failed_tests == wh.result.warned_tests == wh.result.skipped == ()
    # seeds, models, their contracts and relationship tests: a build that selected nothing would be tiny
    assert wh.result.node_count > 80


def test_marts_are_tables_and_staging_views(wh):
    kinds = dict(wh.rows("select table_name, table_type from information_schema.tables"))
    assert {name: kinds.get(name) for name in MARTS} == {name: "BASE TABLE" for name in MARTS}
    stems = ["documents", "tables", "cells", "roster", "projects", "perf_tables", "perf_funding",
             "indicators", "claims", "tokens"]
    assert {kinds.get(f"stg_{s}") for s in stems} == {"VIEW"}


def test_amount_is_decimal_20_6_in_every_fact(wh):
    types = dict(wh.rows(
        "select table_name, data_type from information_schema.columns where column_name = 'amount'"
        " and table_name like 'fct_%'"))
    assert types == {name: "DECIMAL(20,6)" for name in CELL_FACTS + [
        "fct_project", "fct_performance_indicator", "fct_prose_claim", "fct_final_account",
        "fct_yoy_subject", "fct_yoy_economic", "fct_yoy_three_public", "fct_yoy_project", "fct_yoy_revenue"]}


def test_expenditure_of_one_unit_and_subject(wh):
    rows = wh.rows(
        "select measure_group, measure, amount, printed, is_total from fct_expenditure"
        " where document_id = ? and unit_code = ? and subject_code = '2150501'"
        " order by measure_group, measure", DOC_A, U1)
    assert rows == [
        ("kind", "personnel", Decimal("120"), "120.00", False),
        ("kind", "project", Decimal("50"), "50.00", False),
        ("kind", "public", Decimal("20"), "20.00", False),
        ("kind", "total", Decimal("190"), "190.00", True),
        ("source", "general_budget", Decimal("190"), "190.00", False),
        ("source", "total", Decimal("190"), "190.00", True),
    ]  # the blank 其他收入 cell is not a fact


def test_expenditure_counts_totals_and_blank_cells(wh):
    assert wh.one("select count(*) from fct_expenditure")[0] == 26
    # the 合计 row: 7 valued cells, all totals, no unit and no subject
    assert wh.rows(
        "select count(*), bool_and(is_total), count(unit_code), count(subject_code) from fct_expenditure"
        " where row_role = 'total'") == [(7, True, 0, 0)]
    assert wh.one("select count(*) from fct_expenditure where amount is null")[0] == 0
    # 2080505 printed for two units: U1 40 and U2 20 in the 总计 column
    assert wh.rows(
        "select unit_code, amount from fct_expenditure where subject_code = '2080505'"
        " and measure_group = 'kind' and measure = 'total' order by unit_code") == [
        (U1, Decimal("40")), (U2, Decimal("20"))]


def test_revenue_by_unit_and_source(wh):
    rows = wh.rows("select unit_code, funding_source, amount, is_total from fct_revenue where document_id = ?"
                   " order by unit_code nulls first, funding_source", DOC_A)
    assert rows == [
        (None, "general_budget", Decimal("300"), True),  # the 合计 row is a total row
        (None, "other_income", Decimal("20"), True),
        (None, "total", Decimal("320"), True),
        (U1, "general_budget", Decimal("280"), False),
        (U1, "other_income", Decimal("20"), False),
        (U1, "total", Decimal("300"), True),
        (U2, "general_budget", Decimal("20"), False),
        (U2, "total", Decimal("20"), True),
    ]


def test_budget_summary_keeps_both_sides_and_printed_totals(wh):
    rows = wh.rows(
        "select side, item_key, item_level, parent_item_key, amount, is_total from fct_budget_summary"
        " where table_kind = 'summary' order by side, row_index")
    assert rows == [
        ("expenditure", "basic", 1, None, Decimal("200"), False),
        ("expenditure", "personnel", 2, "basic", Decimal("180"), False),
        ("expenditure", "public", 2, "basic", Decimal("20"), False),
        ("expenditure", "project", 1, None, Decimal("120"), False),
        ("expenditure", "total", 0, None, Decimal("320"), True),
        ("revenue", "general_budget", 1, None, Decimal("300"), False),
        ("revenue", "other_income", 1, None, Decimal("20"), False),
        ("revenue", "total", 0, None, Decimal("320"), True),
    ]  # 二、基金预算财政拨款 is blank: no fact
    assert wh.rows("select table_kind, count(*) from fct_budget_summary group by 1 order by 1") == [
        ("fiscal_summary", 5), ("summary", 8)]


def test_subject_budget_prints_class_and_section_rows(wh):
    rows = wh.rows(
        "select subject_code, row_role, measure, amount from fct_subject_budget"
        " where subject_code in ('208', '20805', ?) order by subject_code, measure", FAKE_SUBJECT)
    assert rows == [
        ("208", "subtotal", "basic", Decimal("60")), ("208", "subtotal", "total", Decimal("60")),
        ("20805", "subtotal", "basic", Decimal("60")), ("20805", "subtotal", "total", Decimal("60")),
        (FAKE_SUBJECT, "detail", "project", Decimal("50")), (FAKE_SUBJECT, "detail", "total", Decimal("50")),
    ]
    assert wh.one("select count(*) from fct_subject_budget where document_id = ?", DOC_A)[0] == 14
    # 政府性基金 table printed as 无: no facts
    assert wh.one("select count(*) from fct_subject_budget where table_kind = 'gov_fund_by_subject'")[0] == 0


def test_dim_subject_names_from_documents_and_seed(wh):
    rows = wh.rows(
        "select subject_code, year, level, class_code, class_name, class_name_source, section_code,"
        " section_name, section_name_source, name, name_source, seed_name, in_national_seed"
        " from dim_subject where year = 2019 order by subject_code")
    assert rows == [
        # a code only the prose states: named from the seed
        ("2010450", 2019, "项", "201", "一般公共服务支出", "seed", "20104", "发展与改革事务", "seed",
         "事业运行", "seed", "事业运行", True),
        # the document prints the 类 row itself with a truncated name: printed wins
        ("208", 2019, "类", "208", "社会保障和就业", "printed", None, None, None,
         "社会保障和就业", "printed", "社会保障和就业支出", True),
        ("20805", 2019, "款", "208", "社会保障和就业", "printed", "20805", "行政事业单位离退休", "printed",
         "行政事业单位离退休", "printed", "行政事业单位养老支出", True),
        # printed twice with "…支出" and once without: the most frequent printed name
        ("2080505", 2019, "项", "208", "社会保障和就业", "printed", "20805", "行政事业单位离退休", "printed",
         "机关事业单位基本养老保险缴费支出", "printed", "机关事业单位基本养老保险缴费支出", True),
        ("2150501", 2019, "项", "215", "资源勘探工业信息等支出", "seed", "21505", "工业和信息产业监管", "seed",
         "行政运行", "printed", "行政运行", True),
        # a made-up code: flagged, not dropped; its real 款 and 类 still named
        (FAKE_SUBJECT, 2019, "项", "215", "资源勘探工业信息等支出", "seed", "21599", "其他资源勘探工业信息等支出",
         "seed", "虚构科目", "printed", None, False),
    ]


def test_dim_economic_class(wh):
    rows = wh.rows("select econ_code, level, class_code, class_name, class_name_source, name, in_national_seed"
                   " from dim_economic_class order by econ_code")
    assert [r[0] for r in rows] == ["301", "30101", "30108", "302", "30201", "30212", "30217", FAKE_ECON, "303"]
    by_code = {r[0]: r[1:] for r in rows}
    assert by_code["30101"] == ("款", "301", "工资福利支出", "printed", "基本工资", True)
    # printed with a blank amount: in the dimension (seen), flagged, but not a fact
    assert by_code[FAKE_ECON] == ("款", "302", "商品和服务支出", "printed", "虚构经济款", False)
    assert wh.one("select count(*) from fct_economic_budget where econ_code = ?", FAKE_ECON)[0] == 0
    # the only value column (预算数) is the total column: every value is_total; 1 合计 row per table
    assert wh.rows("select table_kind, count(*), count(*) filter (where is_total),"
                   " count(*) filter (where row_role = 'total') from fct_economic_budget group by 1 order by 1") == [
        ("basic_economic_class", 9, 9, 1), ("economic_class", 4, 4, 1)]
    assert wh.one("select row_role, amount from fct_economic_budget where table_kind = 'basic_economic_class'"
                  " and econ_code = '302'") == ("subtotal", Decimal("20"))


def test_three_public_in_yuan_is_exact_in_wanyuan(wh):
    rows = wh.rows("select item_key, measure, amount, printed, decimals, is_total from fct_three_public"
                   " order by row_index, measure")
    assert rows == [
        ("total", "amount", Decimal("5"), "50,000.00", 2, True),
        ("total", "prior_year", Decimal("6.123456"), "61,234.56", 2, True),
        ("overseas", "amount", Decimal("2"), "20,000.00", 2, False),
        ("overseas", "prior_year", Decimal("3"), "30,000.00", 2, False),
        ("reception", "amount", Decimal("3"), "30,000.00", 2, False),
        ("reception", "prior_year", Decimal("3.123456"), "31,234.56", 2, False),
        ("vehicle", "amount", Decimal("0"), "0.00", 2, False),
        ("vehicle_operation", "amount", Decimal("0"), "0.00", 2, False),
    ]  # vehicle_purchase and the blank 上年 cells are not facts
    assert wh.one("select parent_item_key from fct_three_public where item_key = 'vehicle_operation'") == (
        "vehicle",)


def test_dim_unit_joins_roster_and_tables(wh):
    rows = wh.rows("select unit_key, unit_code, unit_name, staffing_quota, staff_count, in_roster, in_tables"
                   " from dim_unit where document_id = ? order by unit_key", DOC_A)
    assert rows == [
        (U1, U1, "晋江市工业和信息化局", Decimal("13"), Decimal("12"), True, True),
        (U2, U2, "晋江市数字晋江建设办公室", Decimal("9"), Decimal("8"), True, True),
        ("name:晋江市节能监测中心", None, "晋江市节能监测中心", Decimal("7"), Decimal("6"), True, False),
    ]


def test_dim_document_and_coverage(wh):
    row = wh.one("select document_id, region, department, year, phase, line_count, table_count, coverage,"
                 " token_count, loaded_token_count, explained_token_count, unexplained_token_count"
                 " from dim_document where document_id = ?", DOC_A)
    assert row == (DOC_A, "晋江市", "工信", 2019, "预算", 400, 9, 0.8, 5, 3, 1, 1)
    assert industry_2019().coverage() == {"tokens": 5, "loaded": 3, "explained": 1, "unexplained": 1}


def test_projects_with_performance_tables(wh):
    rows = wh.rows(
        "select project_seq, project_name, amount, perf_id, owner, phone, current_year_total,"
        " current_year_general_budget, current_year_gov_fund, current_year_other, implementation_total"
        " from dim_project order by project_seq")
    assert rows == [
        (1, "工信局经常性专项业务经费", Decimal("50"), "p01", "张三", "0595-1234567", Decimal("50"), Decimal("50"),
         Decimal("0"), None, None),
        (2, "虚构专项", Decimal("70"), "p02", "李四", None, Decimal("70"), Decimal("50"), None, None,
         Decimal("140")),
    ]
    assert wh.rows("select project_seq, amount, printed, decimals, table_id, is_total from fct_project"
                   " order by project_seq") == [
        (1, Decimal("50"), "50", 0, None, False), (2, Decimal("70"), "70.00", 2, None, False)]


def test_performance_indicators_skip_blank_values(wh):
    rows = wh.rows("select perf_id, row_index, value_column, printed, number, number_unit, amount, decimals"
                   " from fct_performance_indicator order by perf_id, row_index, value_column")
    assert rows == [
        ("p01", 0, "全年目标值", "12个月", Decimal("12"), "个月", None, 0),
        ("p01", 0, "绩效标准", "12个月", Decimal("12"), "个月", None, 0),
        ("p01", 1, "绩效标准", "100%", Decimal("100"), "%", None, 0),
        ("p01", 2, "全年目标值", "满意", None, None, None, None),
        ("p01", 2, "绩效标准", "基本满意", None, None, None, None),
        ("p02", 0, "全年目标值", "65.5万元", Decimal("65.5"), "万元", Decimal("65.5"), 1),
    ]


def test_prose_claims(wh):
    rows = wh.rows("select claim_id, kind, subject_code, value, unit, amount, direction, is_total"
                   " from fct_prose_claim order by claim_id")
    assert rows == [
        ("c01", "total_revenue", None, Decimal("320"), "万元", Decimal("320"), None, False),
        ("c02", "subject_amount", "2150501", Decimal("190"), "万元", Decimal("190"), None, False),
        ("c03", "subject_amount", "2010450", Decimal("0"), "万元", Decimal("0"), None, False),
        ("c04", "yoy_change_percent", None, Decimal("66.67"), "%", None, "decrease", False),
    ]


def test_dim_funding_source_is_the_vocabulary(wh):
    rows = wh.rows("select funding_source, name, is_total, in_vocabulary from dim_funding_source")
    expected = {("total", "总计", True, True)} | {(k, n, False, True) for k, n, _ in FUNDING_SOURCES}
    assert set(rows) == expected


# ----------------------------------------------------------------- two documents
def test_two_documents_of_different_departments_and_years(wh):
    assert wh.rows("select document_id, department, year from dim_document order by year") == [
        (DOC_A, "工信", 2019), (DOC_B, "农业农村", 2021)]
    assert wh.rows("select document_id, count(*) from fct_subject_budget group by 1 order by 1") == [
        (DOC_B, 7), (DOC_A, 14)]
    assert wh.rows("select document_id, unit_key from dim_unit where document_id = ?", DOC_B) == [
        (DOC_B, "401001")]
    # thousands separators parsed exactly
    assert wh.one("select amount, printed from fct_revenue where document_id = ? and unit_code is null"
                   " and funding_source = 'total'", DOC_B) == (Decimal("1250.5"), "1,250.50")


def test_subject_dimension_is_per_year_with_that_years_names(wh):
    assert wh.rows("select year, name, document_count from dim_subject where subject_code = '2150501'"
                    " order by year") == [(2019, "行政运行", 1), (2021, "行政运行", 1)]
    # 款 21305 was renamed for 2021: the seed version valid that year names it
    assert wh.one("select class_name, section_name, section_name_source, in_national_seed from dim_subject"
                   " where subject_code = '2130599' and year = 2021") == (
        "农林水支出", "巩固脱贫衔接乡村振兴", "seed", False)
    assert wh.one("select count(*) from dim_subject")[0] == 6 + 2


# ------------------------------------------------------------------ no documents
def test_no_documents_builds_empty_marts(wh0):
    assert wh0.result.passed, wh0.result.failed_tests
    counts = {name: wh0.one(f"select count(*) from {name}")[0] for name in MARTS}
    assert counts == {name: (len(FUNDING_SOURCES) + 1 if name == "dim_funding_source" else 0) for name in MARTS}


# ------------------------------------------------------------- failures, errors
def test_a_broken_grain_is_reported_and_the_rest_still_loads(tmp_path):
    doc = industry_2019()
    # the same unit × subject row printed twice (row_index 5 repeats row 1)
    doubled = [c for c in doc.cells if c.table_id == "t03" and c.row_index == 1]
    doc.cells.extend(dataclasses.replace(c, row_index=5, source_line=c.source_line + 10) for c in doubled)
    # and one cell of table 9 with a row role no table has
    odd = next(i for i, c in enumerate(doc.cells) if c.table_id == "t09")
    doc.cells[odd] = dataclasses.replace(doc.cells[odd], row_role="subtotal_of_nothing")
    built = _build(tmp_path, [doc])
    assert not built.result.passed
    # Schema tests warn (dbt_project.yml): nothing downstream is skipped.
    assert built.result.failed_tests == () and built.result.skipped == ()
    warned = {f.name: f for f in built.result.warned_tests}
    assert sorted(warned) == ["table_contract_fct_expenditure", "table_contract_stg_cells"]
    # the one violated check of each model's contract, named as the separate test was
    key = "unique_combination(document_id, unit_code, subject_code, measure_group, measure)"
    failure = warned["table_contract_fct_expenditure"]
    assert failure.checks == ((key, 6),)  # the 6 valued cells of the doubled row
    assert failure.failures == 6
    assert failure.message == f"Got 6 results, configured to warn if != 0; {key}: 6"
    assert warned["table_contract_stg_cells"].checks == (("accepted_values(row_role)", 1),)
    # the same from the build's run_results.json (what Dagster's dbt CLI build leaves)
    run_results = json.loads((_target_dir() / "run_results.json").read_text(encoding="utf-8"))
    assert failing_contracts(built.db_path, run_results) == {name: f.checks for name, f in warned.items()}
    assert built.one("select count(*) from fct_expenditure")[0] == 26 + 6
    assert built.one("select count(*) from fct_revenue")[0] == 8

    # A reference of a contract: the marts derive every parent row from the documents, so break one
    # by hand (the document's dim_document row) and run that contract alone.
    with duckdb.connect(str(built.db_path)) as con:
        con.execute("delete from dim_document")
    again = build_warehouse(tmp_path / "staging", built.db_path, select="table_contract_fct_revenue")
    [failure] = again.warned_tests
    assert failure.checks == (("relationships(document_id -> dim_document.document_id)", 8),)  # fct_revenue's 8 rows


# ------------------------------------------------- column checks, one test per model
FOLDED = {"not_null", "unique", "unique_combination", "accepted_values", "relationships", "relationships_composite"}


def _schema_nodes():
    for path in sorted([*DBT_PROJECT_DIR.glob("models/*/_*.yml"), *DBT_PROJECT_DIR.glob("seeds/*.yml")]):
        for section in ("models", "seeds"):
            yield from yaml.safe_load(path.read_text(encoding="utf-8")).get(section) or []


def _kind(test) -> str:
    return test if isinstance(test, str) else next(iter(test))


def test_every_column_check_is_in_its_models_table_contract():
    checks, names = set(), []
    for node in _schema_nodes():
        for column in node.get("columns") or []:
            assert not FOLDED & {_kind(t) for t in column.get("data_tests") or []}, (node["name"], column["name"])
        for test in node.get("data_tests") or []:
            assert _kind(test) not in FOLDED, (node["name"], test)
            if _kind(test) != "table_contract":
                continue
            contract = test["table_contract"]
            names.append(contract["name"])
            assert contract["name"] == f"table_contract_{node['name']}"
            arguments = contract["arguments"]
            model = node["name"]
            checks |= {(model, "not_null", column, "", "") for column in arguments.get("not_null", [])}
            checks |= {(model, "unique", key, "", "") if isinstance(key, str)
                       else (model, "unique_combination", ",".join(key), "", "") for key in arguments.get("unique", [])}
            checks |= {(model, "accepted_values", column, ",".join(values), "")
                       for column, values in (arguments.get("accepted_values") or {}).items()}
            for ref in arguments.get("references", []):
                parent = ref["to"].removeprefix("ref('").removesuffix("')")
                checks.add((model, "relationships" if len(ref["columns"]) == 1 else "relationships_composite",
                            ",".join(ref["columns"]), f"{parent}:{','.join(ref['fields'])}", ref.get("where", "")))
    assert len(names) == len(set(names))
    before = {tuple((line.split("\t") + ["", ""])[:5])
              for line in (Path(__file__).parent / "fixtures" / "column_checks_before_fold.tsv")
              .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    assert len(before) == 276
    assert before <= checks, sorted(before - checks)
    assert ("fct_expenditure", "unique_combination", "document_id,unit_code,subject_code,measure_group,measure",
            "", "") in checks
    assert ("fct_expenditure", "relationships", "measure", "dim_funding_source:funding_source",
            "measure_group = 'source'") in checks
    assert ("dq_rule_instance", "accepted_values", "status", "pass,pass_within_tolerance,fail", "") in checks
    assert ("seed_funding_source", "accepted_values", '"group"', "total,source,kind,three_public", "") in checks

def test_dbt_errors_raise(tmp_path):
    staging, _ = _staging(tmp_path, [])
    (staging / "cells" / "broken.parquet").write_bytes(b"not parquet")
    with pytest.raises(DbtBuildError, match="stg_cells"):
        build_warehouse(staging, tmp_path / "warehouse.duckdb", select="stg_cells")


# ------------------------------------------------------------------------ seeds
def _seed(name: str) -> list[dict[str, str]]:
    with open(DBT_PROJECT_DIR / "seeds" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_funding_source_seed_matches_the_vocabulary():
    seed = {(r["group"], r["key"], r["name"]) for r in _seed("seed_funding_source")}
    assert seed == {("total", "total", "总计")} | set(display_names()), (
        "regenerate dbt_project/seeds/seed_funding_source.csv from vocabulary.display_names()")


@pytest.mark.parametrize("name,lengths", [
    ("seed_functional_subject", {"类": 3, "款": 5, "项": 7}),
    ("seed_economic_class", {"类": 3, "款": 5}),
])
def test_classification_seed_codes_have_their_parents(name, lengths):
    rows = _seed(name)
    valid = {(r["code"], year) for r in rows
             for year in range(int(r["valid_from_year"]), int(r["valid_to_year"] or 2026) + 1)}
    for r in rows:
        assert r["code"].isdigit() and len(r["code"]) == lengths[r["level"]], r
        for year in range(int(r["valid_from_year"]), int(r["valid_to_year"] or 2026) + 1):
            if r["level"] != "类":
                assert (r["code"][:3], year) in valid, (r, year)


def test_functional_seed_covers_every_class_and_the_main_sections():
    rows = [r for r in _seed("seed_functional_subject")
            if int(r["valid_from_year"]) <= 2019 and not (r["valid_to_year"] and int(r["valid_to_year"]) < 2019)]
    classes = {r["code"] for r in rows if r["level"] == "类"}
    assert {"201", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215", "216", "220", "221",
            "222", "223", "224", "227", "229", "232", "233"} <= classes
    with_sections = {r["code"][:3] for r in rows if r["level"] == "款"}
    assert {"201", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215", "216", "220", "221",
            "222", "223", "224", "229", "232"} <= with_sections
