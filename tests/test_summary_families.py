"""The run summary counts rule instances by family and lists those passing only within tolerance (issue 8)."""

from __future__ import annotations

import duckdb

from budget_warehouse.summary import _quality


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
    text = "\n".join(_quality(con, 20))
    assert "  cross_table: 1 evaluated, 0 passed, 0 passed within rounding tolerance, 1 failed" in text
    assert "  within_table: 2 evaluated, 1 passed, 1 passed within rounding tolerance, 0 failed" in text
    within = text.split("Passed only within rounding tolerance")[1].split("Failures")[0]
    assert "wt_total_row_vs_details  某市某局部门预算  t05 合计" in within and "t03" not in within
