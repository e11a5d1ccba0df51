"""The command line as a user runs it: ingest, query, alerts."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from budget_warehouse.cli import main
from conftest import SAMPLE
from test_alerts import http_server  # noqa: F401 - a fixture: a real HTTP server on localhost


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "budget.duckdb"
    assert main(["ingest", str(SAMPLE), "--warehouse", str(path), "--workers", "1"]) == 0
    return path


def test_ingest_prints_the_summary_with_the_breaks(warehouse, capsys):
    assert main(["ingest", str(SAMPLE), "--warehouse", str(warehouse), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "Ingested 1 document(s), quarantined 0" in out
    # documents named by region, department, year, phase and file, the same in every section
    assert "doc-df0fb4c327ffb4a6  晋江市工信部门 2019 预算 (000_7ecefe3468064f3a.txt)  [unchanged]" in out
    assert "晋江市工信部门 2019 预算 (000_7ecefe3468064f3a.txt) (doc-df0fb4c327ffb4a6): 993 evaluated" in out
    assert "[unchanged]" in out and "0 unexplained" in out
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


def test_query_reads_the_staging_views_inside_the_sandbox(warehouse, capsys):
    # stg_* views read the staging Parquet files: the one folder a query may read besides the warehouse
    sql = "select count(*) as tokens from stg_tokens"
    assert main(["query", sql, "--warehouse", str(warehouse), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["tokens", "1536"]  # the sample's numeric tokens (coverage)
    outside = warehouse.parent.parent / "outside.csv"
    outside.write_text("a\n1\n", encoding="utf-8")
    assert main(["query", f"select * from '{outside}'", "--warehouse", str(warehouse)]) == 1
    assert "outside.csv" in capsys.readouterr().err


def test_query_errors_are_reported_plainly(warehouse, capsys):
    assert main(["query", "select * from no_such_table", "--warehouse", str(warehouse)]) == 1
    assert "no_such_table" in capsys.readouterr().err


def test_alerts_are_sent_once_per_failing_instance(warehouse, capsys, tmp_path):
    config = tmp_path / "alerts.toml"
    config.write_text('[[channels]]\ntype = "log"\n[[channels]]\ntype = "jsonl"\n', encoding="utf-8")
    assert main(["alerts", "--warehouse", str(warehouse), "--config", str(config)]) == 0
    assert "7 new" in capsys.readouterr().out
    lines = (warehouse.parent / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) == 7 and {e["kind"] for e in events} == {"new"}
    stated = next(e["finding"] for e in events if e["finding"]["rule_id"] == "pr_project_total_vs_tables")
    assert (stated["left"], stated["right"], stated["difference"]) == ("7845.00", "7387.00", "458.00")
    assert "共涉及财政拨款资金 7845 万元。" in stated["line_texts"]
    # the document is named by region, department, year, phase and file
    assert stated["document_name"] == "晋江市工信部门 2019 预算 (000_7ecefe3468064f3a.txt)"
    assert main(["alerts", "--warehouse", str(warehouse), "--config", str(config)]) == 0
    assert "0 new" in capsys.readouterr().out
    assert len((warehouse.parent / "alerts.jsonl").read_text(encoding="utf-8").splitlines()) == 7


def test_generate_help_is_the_generators_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["generate", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "usage: budget-warehouse generate" in out and "--faults" in out and "--years" in out


# -- alerts under faults --------------------------------------------------------------------


@pytest.fixture
def own_warehouse(warehouse, tmp_path):
    """A copy of the built warehouse, with its own alert state and JSON lines."""
    path = tmp_path / "wh" / "budget.duckdb"
    path.parent.mkdir()
    shutil.copy(warehouse, path)
    return path


def test_an_alert_config_typo_is_one_error_line_and_marks_nothing(own_warehouse, tmp_path, capsys, monkeypatch):
    (tmp_path / "alerts.toml").write_text('[[channels]]\ntype = "jsonl"\n', encoding="utf-8")
    rc = main(["alerts", "--warehouse", str(own_warehouse), "--config", str(tmp_path / "alerts.tom")])
    err = capsys.readouterr().err
    assert rc == 1 and err.strip().endswith("alerts.tom does not exist") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (own_warehouse.parent / "alert_state.json").exists() and not (own_warehouse.parent / "alerts.jsonl").exists()
    # the variable too: a file it names must exist
    monkeypatch.setenv("BUDGET_ALERTS_CONFIG", str(tmp_path / "nope.toml"))
    assert main(["alerts", "--warehouse", str(own_warehouse)]) == 1
    assert "nope.toml does not exist" in capsys.readouterr().err
    # an invalid file: one line naming the key, nothing marked
    (tmp_path / "bad.toml").write_text('[[channels]]\ntype = "webhook"\nurl_env = "NOT_SET_ANYWHERE_42"\n', encoding="utf-8")
    assert main(["alerts", "--warehouse", str(own_warehouse), "--config", str(tmp_path / "bad.toml")]) == 1
    err = capsys.readouterr().err
    assert "NOT_SET_ANYWHERE_42" in err and len(err.strip().splitlines()) == 1
    assert not (own_warehouse.parent / "alert_state.json").exists()


def test_the_alert_config_resolves_the_same_from_any_folder(own_warehouse, tmp_path, capsys, monkeypatch):
    config = tmp_path / "conf" / "alerts.toml"
    config.parent.mkdir()
    config.write_text('[[channels]]\ntype = "jsonl"\npath = "sent.jsonl"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # cron starts jobs in another folder
    monkeypatch.setenv("BUDGET_ALERTS_CONFIG", str(config))
    assert main(["alerts", "--warehouse", str(own_warehouse)]) == 0
    assert f"config {config}" in capsys.readouterr().out
    assert len((config.parent / "sent.jsonl").read_text(encoding="utf-8").splitlines()) == 7


def test_a_webhook_that_was_down_gets_its_alerts_when_it_is_back_and_no_channel_gets_them_twice(
    own_warehouse, tmp_path, capsys, monkeypatch, http_server
):
    server = http_server(statuses=[503])  # down for the first run (no retries), then up
    monkeypatch.setenv("TEST_OPS_WEBHOOK_URL", server.url)
    config = tmp_path / "alerts.toml"
    config.write_text('retries = 0\n[[channels]]\ntype = "webhook"\nname = "ops"\nurl_env = "TEST_OPS_WEBHOOK_URL"\n'
                      '[[channels]]\ntype = "jsonl"\n', encoding="utf-8")
    alerts = ["alerts", "--warehouse", str(own_warehouse), "--config", str(config)]
    jsonl = own_warehouse.parent / "alerts.jsonl"

    assert main(alerts) == 1  # a channel failed: cron sees it
    assert "FAILED ops" in capsys.readouterr().out
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 7 and len(server.requests) == 1

    assert main(alerts) == 0  # the webhook is back: it gets the 7 it missed, the jsonl channel nothing again
    assert "delivered to ops (7)" in capsys.readouterr().out
    body = server.requests[1]["body"]
    assert sorted(e["kind"] for e in body["events"]) == ["new"] * 7
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 7

    assert main(alerts) == 0  # nothing new anywhere
    assert len(server.requests) == 2 and len(jsonl.read_text(encoding="utf-8").splitlines()) == 7
