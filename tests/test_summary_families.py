"""The run summary counts rule instances by family and lists those passing only within tolerance (issue 8)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from budget_warehouse.pipeline import IngestReport, Loaded
from budget_warehouse.summary import _quality, render_summary


def test_summary_counts_by_family_and_lists_within_tolerance():
    con = duckdb.connect()
    con.execute("create table dim_document (document_id varchar, title varchar)")
    con.execute("insert into dim_document values ('d1', '某市某局部门预算')")
    con.execute(
        "create table dq_rule_instance (document_id varchar, rule_id varchar, family varchar, severity varchar, "
        "status varchar, table_kind varchar, location varchar, source_lines integer[], left_label varchar, "
        "left_value decimal(20,6), right_label varchar, right_value decimal(20,6), difference decimal(20,6), "
        "tolerance decimal(24,10))"
    )
    rows = [
        ("wt_total_row_vs_details", "within_table", "pass", "t03 合计", 10, 10, 0, 0.005),
        ("wt_total_row_vs_details", "within_table", "pass_within_tolerance", "t05 合计", 10.01, 10, 0.01, 0.02),
        ("xt_fiscal_vs_expenditure_unit", "cross_table", "fail", "expenditure basic", 9, 10, -1, 0.01),
    ]
    for rule, family, status, location, left, right, diff, tol in rows:
        con.execute("insert into dq_rule_instance values ('d1', ?, ?, 'ERROR', ?, 'x', ?, [1], 'l', ?, 'r', ?, ?, ?)",
                    [rule, family, status, location, left, right, diff, tol])
    text = "\n".join(_quality(con, 20, None))
    assert "  cross_table: 1 evaluated, 0 passed, 0 passed within rounding tolerance, 1 failed" in text
    assert "  within_table: 2 evaluated, 1 passed, 1 passed within rounding tolerance, 0 failed" in text
    within = text.split("Passed only within rounding tolerance")[1].split("Failures")[0]
    assert "wt_total_row_vs_details  某市某局部门预算  t05 合计" in within and "t03" not in within


def test_a_large_run_names_its_new_and_changed_documents_and_counts_the_rest():
    """Past max_documents, the unchanged documents are counted, not listed one by one; the per-document
    rule lines follow the listed documents; the failures list stops at max_failures and says how many more."""
    def loaded(i: int, status: str) -> Loaded:
        coverage = {"tokens": 1, "loaded": 1, "explained": 0, "unexplained": 0}
        return Loaded(Path(f"d{i}.txt"), f"d{i}", f"title {i}", status, 1, 1, coverage, ())

    statuses = ["unchanged", "new", "unchanged", "changed"]
    report = IngestReport(Path("/nonexistent/budget.duckdb"), loaded=[loaded(i, s) for i, s in enumerate(statuses)])
    small = render_summary(report, max_documents=4)
    assert [line.split()[0] for line in small.splitlines() if line.startswith("  d")] == ["d0", "d1", "d2", "d3"]
    large = render_summary(report, max_documents=3)
    assert [line.split()[0] for line in large.splitlines() if line.startswith("  d")] == ["d1", "d3"]
    assert "  … and 2 unchanged document(s)" in large

    con = duckdb.connect()
    con.execute("create table dim_document as select * from (values ('d1', 'one'), ('d2', 'two'), ('d3', 'three')) "
                "as t(document_id, title)")
    con.execute("create table dq_rule_instance as select d as document_id, 'r' as rule_id, 'within_table' as family, "
                "'ERROR' as severity, 'fail' as status, 'x' as table_kind, 'here' as location, [1] as source_lines, "
                "'l' as left_label, 1.0 as left_value, 'r' as right_label, 2.0 as right_value, -1.0 as difference, "
                "0.01 as tolerance from (values ('d1'), ('d2'), ('d3')) as t(d)")
    text = "\n".join(_quality(con, 1, ["d2"]))
    per_document = text.split("Rule instances by family")[0]
    assert "(d2): 1 evaluated" in per_document and "(d1)" not in per_document and "(d3)" not in per_document
    assert "  within_table: 3 evaluated, 0 passed, 0 passed within rounding tolerance, 3 failed" in text
    assert "  … and 2 more: budget-warehouse query" in text
