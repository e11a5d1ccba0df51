"""The command line as a user runs it: ingest, query, alerts."""

from __future__ import annotations

import csv
import io
import json

import pytest

from budget_warehouse.cli import main
from conftest import SAMPLE


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "budget.duckdb"
    assert main(["ingest", str(SAMPLE), "--warehouse", str(path), "--workers", "1"]) == 0
    return path


def test_ingest_prints_the_summary_with_the_breaks(warehouse, capsys):
    main(["ingest", str(SAMPLE), "--warehouse", str(warehouse), "--workers", "1"])
    out = capsys.readouterr().out
    assert "Ingested 1 document(s), quarantined 0" in out
    assert "晋江市工信部门预算" in out and "[unchanged]" in out and "0 unexplained" in out
    assert "pr_project_list_vs_tables" in out and "difference -20.00" in out
    assert "sn_decrease_over_100pct" in out and "185.80" in out


def test_query_expenditure_by_unit_in_every_format(warehouse, capsys):
    sql = (
        "select unit_code, sum(amount) as total from fct_expenditure where measure_group = 'kind' "
        "and measure = 'total' and row_role = 'detail' group by 1 order by 1"
    )
    assert main(["query", sql, "--warehouse", str(warehouse), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    # Read by hand from table 3 of the sample: the four units' 总计 columns.
    assert rows == [
        ["unit_code", "total"], ["321001000", "7875.00"], ["321001001", "187.40"], ["321002", "407.30"], ["321003", "129.86"]
    ]
    assert main(["query", sql, "--warehouse", str(warehouse), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0] == {"unit_code": "321001000", "total": "7875.00"}
    assert main(["query", sql, "--warehouse", str(warehouse)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("(4 rows)")


def test_query_by_economic_class(warehouse, capsys):
    sql = "select econ_code, amount from fct_economic_budget where table_kind = 'economic_class' and row_role <> 'total' order by 1"
    main(["query", sql, "--warehouse", str(warehouse), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]
    assert [r[0] for r in rows] == ["301", "302", "303", "309", "310", "312", "399"]
    assert dict(rows)["302"] == "969.28"


def test_query_errors_are_reported_plainly(warehouse, capsys):
    assert main(["query", "select * from no_such_table", "--warehouse", str(warehouse)]) == 1
    assert "no_such_table" in capsys.readouterr().err


def test_alerts_are_sent_once_per_failing_instance(warehouse, capsys, tmp_path):
    config = tmp_path / "none.toml"  # absent: log + JSON lines next to the warehouse
    assert main(["alerts", "--warehouse", str(warehouse), "--config", str(config)]) == 0
    # the sample's 20 failing instances: the 7 of before issue 8 and the 13 its new families find
    assert "20 new" in capsys.readouterr().out
    lines = (warehouse.parent / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) == 20 and {e["kind"] for e in events} == {"new"}
    stated = next(e["finding"] for e in events if e["finding"]["rule_id"] == "pr_project_total_vs_tables")
    assert (stated["left"], stated["right"], stated["difference"]) == ("7845.00", "7387.00", "458.00")
    assert "共涉及财政拨款资金 7845 万元。" in stated["line_texts"]
    assert main(["alerts", "--warehouse", str(warehouse), "--config", str(config)]) == 0
    assert "0 new" in capsys.readouterr().out
    assert len((warehouse.parent / "alerts.jsonl").read_text(encoding="utf-8").splitlines()) == 20
