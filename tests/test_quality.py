"""The Great Expectations layer on the real sample: one dbt build and one validation per module."""

from __future__ import annotations

import csv
import os
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from budget_warehouse.quality.suites import (
    RULE_CATALOGUE_CSV,
    RULE_FAMILIES,
    SHAPE_SUITE,
    SUITE_NAMES,
    load_suite_specs,
    sync_rule_suites,
    to_gx_suite,
)

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "000_7ecefe3468064f3a.txt"
RUN_ID = "test-run-1"


def _catalogue() -> list[dict]:
    with RULE_CATALOGUE_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample extracted, staged and built by dbt into tmp/b.duckdb (once per module)."""
    from budget_warehouse.dbt_runner import build_warehouse
    from budget_warehouse.extract.document import extract_file
    from budget_warehouse.pipeline import Layout
    from budget_warehouse.staging import write_document, write_empty_templates

    root = tmp_path_factory.mktemp("quality")
    layout = Layout(root / "b.duckdb")
    doc = extract_file(SAMPLE)
    write_empty_templates(layout.staging)
    write_document(doc, layout.staging)
    build_warehouse(layout.staging, layout.warehouse)
    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "dq_rule_instance" in tables, "the dbt check models did not produce dq_rule_instance"
    return root, layout.warehouse, doc.meta.document_id


@pytest.fixture(scope="module")
def validated(built):
    from budget_warehouse.quality.run import validate_warehouse

    root, db, doc_id = built
    report = validate_warehouse(
        db, run_id=RUN_ID, docs_dir=root / "data_docs", history_dir=root / "dq_history"
    )
    return root, db, doc_id, report


def _finding(report, rule_id: str) -> dict:
    found = [f for f in report.findings if f["rule_id"] == rule_id]
    assert len(found) == 1, f"{rule_id}: {len(found)} findings"
    return found[0]


# -- suite files ---------------------------------------------------------------


def test_suite_files_cover_the_catalogue_and_load_in_gx():
    specs = load_suite_specs()
    assert set(specs) == set(SUITE_NAMES)
    assert sync_rule_suites(write=False) == [], "run: python -m budget_warehouse.quality.suites"
    catalogue = _catalogue()
    for family in RULE_FAMILIES:
        rules = {r["rule_id"]: r["severity"] for r in catalogue if r["family"] == family}
        listed = {e["meta"]["rule_id"]: e["meta"]["severity"] for e in specs[family]["expectations"]}
        assert listed == rules
        for exp in specs[family]["expectations"]:
            assert exp["severity"] == {"ERROR": "critical", "WARN": "warning"}[exp["meta"]["severity"]]
    for spec in specs.values():
        suite = to_gx_suite(spec)  # raises if GX drops an expectation
        assert len(suite.expectations) == len(spec["expectations"])
    tables = {e["meta"]["table"] for e in specs[SHAPE_SUITE]["expectations"]}
    assert {"dim_document", "fct_expenditure", "fct_revenue", "dq_rule_instance"} <= tables


# -- the sample warehouse --------------------------------------------------------


def test_every_suite_ran(validated):
    _, _, _, report = validated
    assert list(report.suites) == list(SUITE_NAMES)
    catalogue = _catalogue()
    for family in RULE_FAMILIES:
        outcome = report.suites[family]
        assert outcome.evaluated == sum(r["family"] == family for r in catalogue)
        # GX runs a family's suite on its failing instances of the recomputed documents: none, no GX run
        assert outcome.gx_suites == ([family] if outcome.failed_instances else [])
    assert sum(bool(report.suites[f].gx_suites) for f in RULE_FAMILIES) >= 4
    shape = report.suites[SHAPE_SUITE]
    assert shape.evaluated == len(load_suite_specs()[SHAPE_SUITE]["expectations"])
    assert shape.failed == 0, shape.failed_expectations
    # one GX suite per table with a row that could break it: in the sample only dim_document, whose row
    # count expectation reads the whole table (the other tables have no suspect row: recorded as passed)
    assert shape.gx_suites == ["warehouse_shape.dim_document"]
    assert report.problems == []
    assert report.notes == []
    assert sum(s.instances for s in report.suites.values()) > 500


def test_sample_breaks_are_reported_with_evidence(validated):
    _, _, doc_id, report = validated
    assert not report.passed  # the sample breaks ERROR rules

    # The projects listed in the prose add up to 7845, the tables' project expenditure is 7865.
    listed = _finding(report, "pr_project_list_vs_tables")
    assert (listed["severity"], listed["family"], listed["status"]) == ("ERROR", "prose", "fail")
    assert (listed["left_value"], listed["right_value"], listed["difference"]) == (
        Decimal("7845"), Decimal("7865"), Decimal("-20"))
    assert set(range(469, 482)) <= set(listed["source_lines"])

    # "共涉及财政拨款资金 7845 万元" vs table 4's 项目支出 7,387.00.
    stated = _finding(report, "pr_project_total_vs_tables")
    assert stated["severity"] == "ERROR"
    assert (stated["left_value"], stated["right_value"], stated["difference"]) == (
        Decimal("7845"), Decimal("7387"), Decimal("458"))
    assert stated["source_lines"] == [280, 483]
    assert stated["line_texts"][1] == "共涉及财政拨款资金 7845 万元。"
    assert "7,387.00" in stated["line_texts"][0]
    assert stated["document_id"] == doc_id and stated["document_name"] == "晋江市工信部门 2019 预算 (000_7ecefe3468064f3a.txt)"
    assert stated["table_kind"] == "fiscal_summary" and stated["table_id"] == "t04"

    # 与上年相比支出减少 185.8%: a WARN sanity rule.
    decrease = _finding(report, "sn_decrease_over_100pct")
    assert (decrease["severity"], decrease["family"]) == ("WARN", "sanity")
    assert (decrease["left_value"], decrease["right_value"]) == (Decimal("185.8"), Decimal("100"))
    assert decrease["source_lines"] == [453]
    assert "减少 185.8%" in decrease["line_texts"][0]

    assert report.suites["prose"].errors >= 2
    assert report.suites["sanity"].errors == 0 and report.suites["sanity"].warnings >= 1
    assert {f["severity"] for f in report.error_findings} == {"ERROR"}


def test_findings_convert_to_alert_findings(validated):
    from budget_warehouse.alerts.findings import Finding

    _, _, _, report = validated
    findings = report.to_findings()
    assert len(findings) == len(report.findings) > 0
    by_rule = {f.rule_id: f for f in findings}
    f = by_rule["pr_project_total_vs_tables"]
    assert isinstance(f, Finding)
    assert (f.left, f.right, f.difference) == (Decimal("7845.00"), Decimal("7387.00"), Decimal("458.00"))
    assert len(f.line_texts) == len(f.source_lines) == 2
    assert "L483: 共涉及财政拨款资金 7845 万元。" in f.render_text()
    assert Finding.from_dict(f.to_dict()) == f


def test_dq_check_result_holds_every_rule_instance(validated):
    _, db, _, report = validated
    with duckdb.connect(str(db), read_only=True) as con:
        n_instances = con.execute("select count(*) from dq_rule_instance").fetchone()[0]
        n_results = con.execute("select count(*) from dq_check_result").fetchone()[0]
        assert n_results == n_instances
        mismatched = con.execute(
            """
            select count(*) from dq_rule_instance i full join dq_check_result r using (instance_key)
            where r.instance_key is null or i.instance_key is null
               or i.status is distinct from r.status or i.rule_id is distinct from r.rule_id
               or i.family is distinct from r.suite or i.severity is distinct from r.severity
               or i.left_value is distinct from r.left_value or i.right_value is distinct from r.right_value
               or i.difference is distinct from r.difference or i.source_lines is distinct from r.source_lines
               or i.location is distinct from r.location
            """
        ).fetchone()[0]
        assert mismatched == 0
        assert con.execute("select distinct run_id from dq_check_result").fetchall() == [(RUN_ID,)]
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns where table_name = 'dq_check_result'"
        ).fetchall())
        assert types["left_value"] == "DECIMAL(20,6)" and types["source_lines"] == "INTEGER[]"
        assert types["checked_at"] == "TIMESTAMP WITH TIME ZONE"
        assert con.execute("select count(*) from dq_check_result where status = 'fail'").fetchone()[0] == len(
            report.findings)
        # one row per expectation of the suites, plus the summary suite's two (a second verdict on the same rules)
        expectations = con.execute("select count(*), count(*) filter (where not success) from dq_expectation_result "
                                   "where suite <> 'rule_summary'").fetchone()
        assert expectations == (
            sum(s.evaluated for s in report.suites.values()), sum(s.failed for s in report.suites.values()))
        assert con.execute("select list(expectation order by expectation), list(success order by expectation) "
                           "from dq_expectation_result where suite = 'rule_summary'").fetchone() == (
            ["no ERROR rule fails", "no WARN rule fails"], [False, False])  # the sample breaks rules of both


def test_history_file_holds_the_failing_instances(validated):
    root, _, _, report = validated
    assert report.history_path == root / "dq_history" / f"{RUN_ID}.parquet"
    history = pq.read_table(report.history_path).to_pylist()
    assert len(history) == len(report.findings)
    assert {h["instance_key"] for h in history} == {f["instance_key"] for f in report.findings}
    row = next(h for h in history if h["rule_id"] == "pr_project_total_vs_tables")
    assert row["left_value"] == Decimal("7845") and row["family"] == "prose" and row["run_id"] == RUN_ID


def test_data_docs_show_each_suite(validated):
    root, _, _, report = validated
    assert report.docs_index == root / "data_docs" / "index.html"
    index = report.docs_index.read_text(encoding="utf-8")
    for name in SUITE_NAMES:
        assert name in index
    for family in RULE_FAMILIES:
        pages = list((root / "data_docs" / "validations" / family).rglob("*.html"))
        assert len(pages) == (1 if report.suites[family].failed_instances else 0), family
    assert len(list((root / "data_docs" / "validations" / "rule_summary").rglob("*.html"))) == 1
    prose = next((root / "data_docs" / "validations" / "prose").rglob("*.html")).read_text(encoding="utf-8")
    assert "pr_project_total_vs_tables" in prose and "7845.00" in prose
    # GX fills its own results table with scripts from CDNs: the run's summary is plain HTML on top.
    assert f"Quality run {RUN_ID}: FAILED" in index
    links = re.findall(r'href="(validations/[^"]+)"', index)
    assert len(links) == sum(len(s.gx_suites) for s in report.suites.values()) + 1  # + the rule summary
    assert all((root / "data_docs" / link).is_file() for link in links)
    assert "sn_decrease_over_100pct" in index and "185.80" in index
    assert not list(root.glob(".data_docs*"))  # the build folder was renamed into place


def test_a_second_run_replaces_the_results_and_keeps_the_history(validated):
    from budget_warehouse.quality.run import validate_warehouse

    root, db, _, first = validated
    second = validate_warehouse(db, run_id="test-run-2", docs_dir=root / "data_docs", history_dir=root / "dq_history")
    assert [f["instance_key"] for f in second.findings] == [f["instance_key"] for f in first.findings]
    assert [f["line_texts"] for f in second.findings] == [f["line_texts"] for f in first.findings]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select distinct run_id from dq_check_result").fetchall() == [("test-run-2",)]
    assert sorted(p.name for p in (root / "dq_history").iterdir()) == ["test-run-1.parquet", "test-run-2.parquet"]
    assert len(list((root / "data_docs" / "validations" / "prose").rglob("*.html"))) == 1


def test_a_warehouse_without_rule_instances_is_a_problem_not_a_crash(tmp_path):
    from budget_warehouse.quality.run import validate_warehouse

    db = tmp_path / "empty.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table dim_document as select 'd1' as document_id, 't' as title, 2019 as year, "
                    "1.0::double as coverage, 'h' as content_hash, 'x.txt' as source_name")
    report = validate_warehouse(db, run_id="empty", docs_dir=None, history_dir=tmp_path / "h")
    assert not report.passed
    assert any("dq_rule_instance" in p for p in report.problems)
    assert any("fct_expenditure" in p for p in report.problems)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from dq_check_result").fetchone()[0] == 0


def test_run_id_names_a_file():
    from budget_warehouse.quality.run import validate_rule_frame

    with pytest.raises(ValueError):
        validate_rule_frame(pd.DataFrame(), run_id="../x")


# -- synthetic frames ------------------------------------------------------------


def _frame(statuses: dict[str, str] | None = None) -> pd.DataFrame:
    """One instance of every catalogue rule, all passing unless ``statuses`` says otherwise."""
    rows = []
    for i, rule in enumerate(_catalogue()):
        status = (statuses or {}).get(rule["rule_id"], "pass" if i % 3 else "pass_within_tolerance")
        rows.append({
            "instance_key": f"{rule['rule_id']}|doc-1|t01 合计", "rule_id": rule["rule_id"], "family": rule["family"],
            "severity": rule["severity"], "description": rule["description"], "document_id": "doc-1",
            "table_kind": "summary", "table_id": "t01", "location": "t01 合计", "unit_code": None, "code": None,
            "source_lines": [10 + i], "left_label": "printed", "left_value": Decimal("100.500000"),
            "right_label": "sum", "right_value": Decimal("100.500000") if status != "fail" else Decimal("99.000000"),
            "difference": Decimal("0") if status != "fail" else Decimal("1.500000"), "tolerance": Decimal("0"),
            "status": status, "note": None,
        })
    return pd.DataFrame(rows)


def test_a_clean_synthetic_frame_passes():
    from budget_warehouse.quality.run import validate_rule_frame

    report = validate_rule_frame(_frame())
    assert report.passed
    assert report.findings == [] and report.problems == []
    assert all(s.failed == 0 for s in report.suites.values())
    assert sum(s.evaluated for name, s in report.suites.items() if name in RULE_FAMILIES) == len(_catalogue())


def test_severity_decides_pass(tmp_path):
    from budget_warehouse.quality.run import validate_rule_frame

    warn = validate_rule_frame(_frame({"sn_decrease_over_100pct": "fail"}))
    assert warn.passed
    assert [f["rule_id"] for f in warn.warn_findings] == ["sn_decrease_over_100pct"]
    assert warn.suites["sanity"].warnings == 1 and warn.suites["sanity"].errors == 0

    error = validate_rule_frame(_frame({"wt_summary_balance": "fail"}), docs_dir=tmp_path / "docs")
    assert not error.passed
    (finding,) = error.findings
    assert finding["rule_id"] == "wt_summary_balance" and finding["severity"] == "ERROR"
    assert finding["difference"] == Decimal("1.500000") and finding["source_lines"]
    assert error.suites["within_table"].failed_expectations == ["wt_summary_balance never fails"]
    assert (tmp_path / "docs" / "index.html").exists()


def test_the_catalogue_wins_over_a_stale_suite_file(tmp_path):
    from budget_warehouse.quality.suites import (
        Rule,
        SuiteError,
        load_suite_file,
        read_catalogue_csv,
        resolve_rule_suite,
    )

    catalogue = tmp_path / "rule_catalogue.csv"
    catalogue.write_text(
        "rule_id,family,severity,description\n"
        "wt_a,within_table,ERROR,A equals B\n"
        "wt_b,within_table,WARN,C equals D\n",
        encoding="utf-8",
    )
    (tmp_path / "within_table.json").write_text('{"name": "within_table", "expectations": []}', encoding="utf-8")
    assert sync_rule_suites(catalogue, tmp_path) == [f"{f}.json" for f in RULE_FAMILIES]
    assert sync_rule_suites(catalogue, tmp_path, write=False) == []
    with pytest.raises(SuiteError, match="warehouse_shape"):
        load_suite_specs(tmp_path)  # the shape suite is written by hand, never generated
    spec = load_suite_file(tmp_path / "within_table.json")
    assert [e["meta"]["rule_id"] for e in spec["expectations"]] == ["wt_a", "wt_b"]

    rules = read_catalogue_csv(catalogue)
    rules = [Rule("wt_a", "within_table", "WARN", "A equals B"), rules[1], Rule("wt_c", "within_table", "ERROR", "new")]
    resolved, notes = resolve_rule_suite(spec, rules)
    by_id = {e["meta"]["rule_id"]: e for e in resolved["expectations"]}
    assert by_id["wt_a"]["meta"]["severity"] == "WARN" and by_id["wt_a"]["severity"] == "warning"
    assert by_id["wt_c"]["meta"]["generated"] is True and by_id["wt_c"]["severity"] == "critical"
    assert len(notes) == 2


# -- quality in the database: GX sees the rows that can fail ----------------------


def test_gx_sees_only_what_can_fail_and_counts_the_whole_warehouse(validated, tmp_path):
    """Broken rows planted in a copy of the sample warehouse are found exactly, with warehouse-wide counts."""
    import shutil

    from budget_warehouse.quality.run import validate_warehouse

    _, db, doc_id, first = validated
    copy = tmp_path / "broken.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("insert into dim_unit select * from dim_unit limit 2")  # two duplicated keys
        con.execute("update fct_expenditure set amount = null where rowid in (select rowid from fct_expenditure limit 3)")
        con.execute("update fct_revenue set document_id = 'doc-unknown' where rowid in (select rowid from fct_revenue limit 1)")
        n_instances, n_fail = con.execute(
            "select count(*), count(*) filter (where status = 'fail') from dq_rule_instance").fetchone()
        n_units, n_expenditure = (con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("dim_unit", "fct_expenditure"))
    report = validate_warehouse(copy, run_id="broken", docs_dir=None, history_dir=tmp_path / "h")
    shape = report.suites[SHAPE_SUITE]
    broken = {("dim_unit", "expect_compound_columns_to_be_unique", None),
              ("fct_expenditure", "expect_column_values_to_not_be_null", "amount"),
              ("fct_revenue", "expect_column_values_to_be_in_set", "document_id")}
    expected = [e["meta"]["name"] for e in load_suite_specs()[SHAPE_SUITE]["expectations"]
                if (e["meta"]["table"], e["type"], e["kwargs"].get("column")) in broken]
    assert len(expected) == 3 and sorted(shape.failed_expectations) == sorted(expected)
    with duckdb.connect(str(copy), read_only=True) as con:
        results = {(r[0], r[1]): r[2:] for r in con.execute(
            "select table_name, expectation, success, element_count, unexpected_count from dq_expectation_result"
        ).fetchall()}
    unit_key = next(v for (t, _), v in results.items() if t == "dim_unit")
    assert unit_key == (False, n_units, 4)  # both copies of each duplicated key
    amount = next(v for (t, name), v in results.items() if t == "fct_expenditure" and "amount" in name)
    assert amount == (False, n_expenditure, 3)
    # Rule expectations count every instance of the rule; the failing ones are exactly the sample's.
    assert sum(v[1] for (t, name), v in results.items() if t == "dq_rule_instance" and "never fails" in name) == n_instances
    assert sum(v[2] or 0 for (t, name), v in results.items() if t == "dq_rule_instance" and "never fails" in name) == n_fail
    assert [f["instance_key"] for f in report.findings] == [f["instance_key"] for f in first.findings]
    assert not any("GX" in p for p in report.problems), report.problems


def test_gx_sees_the_recomputed_documents_failures_and_the_summary_vouches_for_the_others(validated, tmp_path):
    """GX validates row by row the failing instances of the documents the build recomputed (document_scope);
    a rule failing only elsewhere takes the summary suite's verdict. Either way dq_expectation_result holds
    every rule with its warehouse counts; the findings are the recomputed documents' failing instances."""
    import shutil

    from budget_warehouse.quality.run import validate_warehouse

    _, db, doc_id, first = validated
    copy, as_built = tmp_path / "w.duckdb", tmp_path / "as_built.duckdb"
    shutil.copy(db, copy)
    shutil.copy(db, as_built)
    with duckdb.connect(str(copy)) as con:
        assert con.execute("select list(document_id) from document_scope where recompute").fetchone()[0] == [doc_id]
        con.execute("update document_scope set recompute = false")  # as if the last build recomputed another one
    recomputed = validate_warehouse(as_built, run_id="recomputed", docs_dir=tmp_path / "docs", history_dir=tmp_path / "h")
    elsewhere = validate_warehouse(copy, run_id="elsewhere", docs_dir=tmp_path / "docs2", history_dir=tmp_path / "h")
    with duckdb.connect(str(copy), read_only=True) as con:
        counts = {r: (n, f) for r, n, f in con.execute(
            "select rule_id, count(*), count(*) filter (where status = 'fail') from dq_rule_instance group by all").fetchall()}
        results = {r: (s, n, u) for r, s, n, u in con.execute(
            "select rule_id, success, element_count, unexpected_count from dq_expectation_result "
            "where table_name = 'dq_rule_instance' and rule_id is not null").fetchall()}
        summary = con.execute("select expectation, success, unexpected_count from dq_expectation_result "
                              "where suite = 'rule_summary' order by 1").fetchall()
    catalogue = _catalogue()
    assert sorted(results) == sorted(r["rule_id"] for r in catalogue)
    for rule_id, (success, n, unexpected) in results.items():
        instances, failing = counts.get(rule_id, (0, 0))
        assert (success, n, unexpected) == (failing == 0, instances, failing), rule_id
    severity = {r["rule_id"]: r["severity"] for r in catalogue}
    failing_rules = {r for r, (_, f) in counts.items() if f}
    assert summary == [(f"no {s} rule fails", not any(severity[r] == s for r in failing_rules),
                        sum(severity[r] == s for r in failing_rules)) for s in ("ERROR", "WARN")]
    for run in (recomputed, elsewhere):
        assert sum(run.suites[f].evaluated for f in RULE_FAMILIES) == len(catalogue) and run.problems == []
        assert sorted(f for s in run.suites.values() for f in s.failed_expectations) == sorted(
            f for s in first.suites.values() for f in s.failed_expectations)
        assert run.failing_instances == len(first.findings) == sum(f for _, f in counts.values())
    assert [f["instance_key"] for f in recomputed.findings] == [f["instance_key"] for f in first.findings]
    assert elsewhere.findings == []
    index = (tmp_path / "docs2" / "index.html").read_text(encoding="utf-8")
    assert (f"{len(first.findings)} more failing instance(s), {len(first.findings)} of them in documents the last "
            "build did not recompute") in index
    # GX's pages: a failing prose rule is listed when its document was recomputed, a passing one never;
    # the summary page names the failing rules either way
    passing = sorted(r for r, (n, f) in counts.items() if f == 0 and r.startswith("pr_"))
    failing = sorted(r for r in failing_rules if r.startswith("pr_"))
    assert passing and failing
    page = next((tmp_path / "docs" / "validations" / "prose").rglob("*.html")).read_text(encoding="utf-8")
    assert all(r in page for r in failing) and not any(r in page for r in passing)
    prose_pages = list((tmp_path / "docs2" / "validations" / "prose").rglob("*.html"))
    assert not any(r in p.read_text(encoding="utf-8") for p in prose_pages for r in failing + passing)
    summary_page = next((tmp_path / "docs2" / "validations" / "rule_summary").rglob("*.html")).read_text(encoding="utf-8")
    assert all(r in summary_page for r in failing) and not any(r in summary_page for r in passing)


def test_shape_suite_reads_the_recomputed_documents_and_any_row_of_an_unknown_document(validated, tmp_path):
    """Rows of documents the last build did not recompute passed when they were built: a null planted in
    one is not looked for. A row naming no known document is looked for everywhere."""
    import shutil

    from budget_warehouse.quality.run import validate_warehouse

    _, db, _, _ = validated
    copy = tmp_path / "w.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update fct_expenditure set amount = null where rowid in (select rowid from fct_expenditure limit 3)")
        con.execute("update fct_revenue set document_id = 'doc-unknown' where rowid in (select rowid from fct_revenue limit 1)")
        con.execute("update document_scope set recompute = false")
    shape = validate_warehouse(copy, run_id="scoped", docs_dir=None, history_dir=tmp_path / "h").suites[SHAPE_SUITE]
    assert shape.failed_expectations == ["fct_revenue.document_id in dim_document"]


def test_shape_suite_finds_a_recomputed_rows_key_again_in_another_document(validated, tmp_path):
    """A uniqueness check looks for the keys of the recomputed documents' rows everywhere, and GX sees
    both rows (one of each copy would pass)."""
    import shutil

    from budget_warehouse.quality.run import validate_warehouse

    _, db, doc_id, _ = validated
    copy = tmp_path / "w.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("insert into dq_rule_instance select * replace ('doc-elsewhere' as document_id) "
                    "from dq_rule_instance where status = 'pass' limit 1")  # its instance_key twice
        assert con.execute("select list(document_id) from document_scope where recompute").fetchone()[0] == [doc_id]
    report = validate_warehouse(copy, run_id="twice", docs_dir=None, history_dir=tmp_path / "h")
    assert sorted(report.suites[SHAPE_SUITE].failed_expectations) == [
        "dq_rule_instance one row per instance_key", "dq_rule_instance.document_id in dim_document"]
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select unexpected_count from dq_expectation_result "
                           "where expectation = 'dq_rule_instance one row per instance_key'").fetchone() == (2,)
