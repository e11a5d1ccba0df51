"""The Dagster layer, for real: definitions, one end-to-end build of the sample, sensors, alerts.

One dbt build (about 30 s with the quality suites) is shared by the module:
the raw-folder sensor's first tick on a folder holding the sample, then the
``ingest_job`` run it requests, executed in-process against an ephemeral
instance. Everything else (sensor ticks, single partitions, quarantine,
alerts) costs well under a second each.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetCheckKey,
    AssetKey,
    DagsterInstance,
    DynamicPartitionsDefinition,
    build_sensor_context,
    materialize,
)

from budget_warehouse.pipeline import quarantine_copy
from budget_warehouse.staging import read_manifest
from pipelines import definitions as location
from pipelines.assets import DOCUMENTS, staged_document
from pipelines.checks import QUALITY_ASSET, check_name, read_findings
from pipelines.resources import BudgetWarehouseResource, file_partition_key
from pipelines.sensors import alert_sensor, raw_folder_sensor

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "000_7ecefe3468064f3a.txt"
SAMPLE_ID = "doc-df0fb4c327ffb4a6"  # 晋江市 | 工信部门 | 2019 | 预算
FAMILIES = ("within_table", "cross_table", "prose", "sanity", "presence", "year_over_year", "text")


def _budget(tmp: Path, **kwargs) -> BudgetWarehouseResource:
    return BudgetWarehouseResource(
        raw_dir=str(tmp / "raw"), warehouse=str(tmp / "warehouse" / "budget.duckdb"), workers=1,
        alerts_config=str(tmp / "alerts.toml"), **kwargs,
    )


def _other_department(text: str) -> str:
    """The sample as another department's document (a new title gives a new document id)."""
    return text.replace("工信", "农业")


def _tick(budget: BudgetWarehouseResource, instance: DagsterInstance, cursor: str | None = None):
    context = build_sensor_context(instance=instance, cursor=cursor, resources={"budget": budget})
    return raw_folder_sensor(context)


def _apply(result, instance: DagsterInstance) -> None:
    """What the sensor daemon does with a tick's partition requests."""
    for request in result.dynamic_partitions_requests:
        if hasattr(request, "partition_keys") and type(request).__name__.startswith("Add"):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)


def _added(result) -> list[str]:
    return [k for r in result.dynamic_partitions_requests if type(r).__name__.startswith("Add") for k in r.partition_keys]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample ingested the way the sensor does it: one tick, then the run it requests."""
    tmp = tmp_path_factory.mktemp("dagster_e2e")
    (tmp / "raw").mkdir()
    shutil.copy(SAMPLE, tmp / "raw" / SAMPLE.name)
    budget = _budget(tmp)
    instance = DagsterInstance.ephemeral()
    tick = _tick(budget, instance)
    _apply(tick, instance)
    [request] = tick.run_requests
    defs = location.build_definitions(budget)
    result = defs.resolve_job_def("ingest_job").execute_in_process(
        run_config=request.run_config, tags=request.tags, instance=instance, raise_on_error=False
    )
    return {"tmp": tmp, "budget": budget, "instance": instance, "tick": tick, "result": result, "defs": defs}


# -- definitions ------------------------------------------------------------------


def test_definitions_load_with_the_whole_graph():
    defs = location.defs
    defs.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw_documents", "staged_document", "stg_documents", "stg_cells", "dim_document", "dim_unit",
            "dim_subject", "fct_expenditure", "fct_revenue", "fct_project", "dq_rule_instance"} <= keys
    assert QUALITY_ASSET == AssetKey("dq_rule_instance")
    # the dbt staging models read what the staging assets write
    assert {AssetKey("staged_document"), AssetKey("raw_documents")} <= set(graph.get(AssetKey("stg_cells")).parent_keys)
    checks = set(graph.asset_check_keys)
    assert {AssetCheckKey(QUALITY_ASSET, check_name(f)) for f in FAMILIES} <= checks
    assert any(c.asset_key == AssetKey("dim_document") for c in checks)  # dbt tests are asset checks too
    assert isinstance(graph.get(AssetKey("staged_document")).partitions_def, DynamicPartitionsDefinition)
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"ingest_job", "warehouse_job", "documents_job"}
    assert {s.name for s in defs.sensors} == {"raw_folder_sensor", "alert_sensor"}
    assert [s.name for s in defs.schedules] == ["daily_ingest_schedule"]
    assert defs.resolve_schedule_def("daily_ingest_schedule").job_name == "ingest_job"


# -- end to end -------------------------------------------------------------------


def test_sensor_run_builds_and_publishes_the_warehouse(built):
    result, budget = built["result"], built["budget"]
    assert result.success
    warehouse = budget.layout.warehouse
    assert warehouse.exists()
    assert not list(warehouse.parent.glob("*.next*"))  # the build file was renamed into place
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select document_id, title from dim_document").fetchall() == [(SAMPLE_ID, "晋江市工信部门预算")]
        assert con.execute("select count(*) from fct_expenditure").fetchone()[0] > 0
        assert con.execute("select count(*) from dq_check_result").fetchone()[0] > 0
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"raw_documents", "staged_document", "dim_document", "fct_expenditure", "dq_rule_instance",
            "report_site"} <= materialized
    # the report, written after the publish, shows the published document
    assert (warehouse.parent / "report" / "documents" / f"{SAMPLE_ID}.html").exists()
    assert "晋江市工信部门预算" in (warehouse.parent / "report" / "index.html").read_text(encoding="utf-8")
    # the document's partition exists and is materialized, with its own metadata
    instance = built["instance"]
    assert instance.get_dynamic_partitions(DOCUMENTS) == [SAMPLE_ID]
    assert SAMPLE_ID in instance.get_materialized_partitions(AssetKey("staged_document"))
    [staged] = [e for e in result.get_asset_materialization_events() if e.asset_key == AssetKey("staged_document")]
    meta = staged.materialization.metadata
    assert staged.partition == SAMPLE_ID
    assert meta["document_id"].value == SAMPLE_ID and meta["status"].value == "new"
    assert meta["document"].value == "晋江市工信部门 2019 预算 (000_7ecefe3468064f3a.txt)"  # named as in the summary and alerts
    assert meta["tables"].value > 0 and meta["cells"].value > 0 and meta["numbers_in_text"].value > 0


def test_family_checks_report_the_samples_breaks(built):
    evaluations = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
        for e in built["result"].all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.asset_check_evaluation_data.asset_key == QUALITY_ASSET
    }
    assert {check_name(f) for f in FAMILIES} <= set(evaluations)
    prose = evaluations[check_name("prose")]
    assert not prose.passed and prose.severity.value == "ERROR"
    rows = [r.data for r in prose.metadata["failing_instances"].value.records]
    # the listed projects (7845) against the tables' project expenditure
    listed = [r for r in rows if r["rule"] == "pr_project_list_vs_tables"]
    assert listed and listed[0]["left"].endswith("= 7845.00")
    assert listed[0]["document"].startswith("晋江市工信部门 2019 预算 (000_7ecefe3468064f3a.txt)") and listed[0]["lines"]
    assert Decimal(listed[0]["difference"]) != 0
    assert "pr_project_list_vs_tables" in prose.metadata["evidence"].value
    sanity = evaluations[check_name("sanity")]  # the impossible stated decrease is a WARN rule
    assert not sanity.passed and sanity.severity.value == "WARN"
    assert evaluations[check_name("presence")].passed


def test_one_partition_from_the_cli_path(built):
    """What `dagster asset materialize --select staged_document --partition <id>` runs."""
    result = materialize(
        [staged_document], partition_key=SAMPLE_ID, instance=built["instance"], resources={"budget": built["budget"]}
    )
    [event] = result.get_asset_materialization_events()
    meta = event.materialization.metadata
    assert meta["status"].value == "unchanged" and meta["title"].value == "晋江市工信部门预算"
    assert meta["coverage_pct"].value > 0


def test_a_dagster_staging_step_waits_for_the_cli_writer(tmp_path):
    """One writer at a time across paths: a staging step waits while another process holds the lock."""
    import subprocess
    import sys
    import threading
    import time

    from pipelines.assets import raw_documents
    from test_operations import HOLD

    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE, tmp_path / "raw" / "a.txt")
    budget = _budget(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(budget.layout.warehouse)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        done = {}
        step = threading.Thread(target=lambda: done.setdefault("result", materialize(
            [raw_documents], instance=DagsterInstance.ephemeral(), resources={"budget": budget})))
        step.start()
        time.sleep(3)
        assert step.is_alive() and not budget.layout.staging.exists()  # waiting, nothing written
    finally:
        holder.kill()
        holder.wait()
    step.join(600)
    assert done["result"].success and SAMPLE_ID in read_manifest(budget.layout.staging)


def test_a_rejected_file_fails_its_partition_with_the_reason(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "empty.txt").write_bytes(b"")
    budget = _budget(tmp_path)
    instance = DagsterInstance.ephemeral()
    tick = _tick(budget, instance)
    key = file_partition_key("empty.txt")
    assert _added(tick) == [key]
    _apply(tick, instance)
    result = materialize(
        [staged_document], partition_key=key, instance=instance, resources={"budget": budget}, raise_on_error=False
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.step_failure_data.user_failure_data.description
    assert "empty.txt" in message and "quarantined (empty)" in message and "file is empty" in message
    assert quarantine_copy(budget.raw_path / "empty.txt", budget.layout).exists()


def test_a_sensor_run_whose_every_file_is_refused_runs_no_dbt_build(tmp_path):
    """As the CLI: nothing can be new in the warehouse, so the run stages (quarantines) and stops:
    no dbt build, no report, the refusal recorded on the raw_documents step."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "empty.txt").write_bytes(b"")
    (tmp_path / "raw" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    budget = _budget(tmp_path)
    instance = DagsterInstance.ephemeral()
    tick = _tick(budget, instance)
    _apply(tick, instance)
    [request] = tick.run_requests
    result = location.build_definitions(budget).resolve_job_def("ingest_job").execute_in_process(
        run_config=request.run_config, tags=request.tags, instance=instance, raise_on_error=False
    )
    assert result.success
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    skipped = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"}
    assert started == {"raw_documents"} and any("budget_dbt" in k for k in skipped)
    assert not result.get_asset_materialization_events()
    [observed] = [e for e in result.all_events if e.event_type_value == "ASSET_OBSERVATION"]
    assert "every file was refused" in observed.event_specific_data.asset_observation.description
    assert not budget.layout.warehouse.exists()
    assert quarantine_copy(budget.raw_path / "empty.txt", budget.layout).exists()


# -- raw folder sensor --------------------------------------------------------------


def test_raw_folder_sensor_registers_new_and_changed_documents(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / "a.txt")
    budget = _budget(tmp_path)
    instance = DagsterInstance.ephemeral()

    first = _tick(budget, instance)
    assert _added(first) == [SAMPLE_ID]
    [run] = first.run_requests
    assert run.job_name in (None, "ingest_job")
    assert run.run_config["ops"]["raw_documents"]["config"]["files"] == ["a.txt"]
    assert json.loads(first.cursor) == {"a.txt": hashlib.sha256(SAMPLE.read_bytes()).hexdigest()}
    _apply(first, instance)

    second = _tick(budget, instance, first.cursor)
    assert not second.run_requests and not second.dynamic_partitions_requests

    (raw / "a.txt").write_bytes(SAMPLE.read_bytes() + "\n附注：本文件已更正。\n".encode())  # a new version
    third = _tick(budget, instance, second.cursor)
    assert _added(third) == [SAMPLE_ID]  # same document, same partition: requested again
    assert third.run_requests[0].run_config["ops"]["raw_documents"]["config"]["files"] == ["a.txt"]
    _apply(third, instance)

    (raw / "b.txt").write_text(_other_department(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    fourth = _tick(budget, instance, third.cursor)
    [new_key] = _added(fourth)
    assert new_key != SAMPLE_ID and new_key.startswith("doc-")
    assert fourth.run_requests[0].run_config["ops"]["raw_documents"]["config"]["files"] == ["b.txt"]
    _apply(fourth, instance)
    assert instance.get_dynamic_partitions(DOCUMENTS) == [SAMPLE_ID, new_key]

    # a renamed file is the same document: its partition is not new
    (raw / "b.txt").rename(raw / "c.txt")
    fifth = _tick(budget, instance, fourth.cursor)
    assert _added(fifth) == [new_key]
    assert "b.txt" not in json.loads(fifth.cursor)


def test_a_backfill_of_many_partitions_is_one_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / "a.txt")
    (raw / "b.txt").write_text(_other_department(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    budget = _budget(tmp_path)
    instance = DagsterInstance.ephemeral()
    _apply(_tick(budget, instance), instance)
    keys = instance.get_dynamic_partitions(DOCUMENTS)
    defs = location.build_definitions(budget)
    result = defs.resolve_job_def("documents_job").execute_in_process(
        instance=instance,
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
    )
    assert result.success
    events = result.get_asset_materialization_events()
    assert sorted(e.partition for e in events) == sorted(keys)
    assert set(read_manifest(budget.layout.staging)) == set(keys)


# -- alerts -------------------------------------------------------------------------


def _alert_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_alert_sensor_sends_each_new_failure_once(built):
    budget = built["budget"]
    Path(budget.alerts_config).write_text('[[channels]]\ntype = "log"\n[[channels]]\ntype = "jsonl"\n', encoding="utf-8")
    jsonl = budget.alerts_jsonl_path
    findings = read_findings(budget.layout.warehouse).findings
    assert findings

    first = build_sensor_context(instance=built["instance"], resources={"budget": budget})
    alert_sensor(first)
    sent = _alert_lines(jsonl)
    assert sorted(a["instance_key"] for a in sent) == sorted(f.instance_key for f in findings)
    assert {a["kind"] for a in sent} == {"new"}
    listed = [a["finding"] for a in sent if a["finding"]["rule_id"] == "pr_project_list_vs_tables"]
    assert listed and listed[0]["left"] == "7845.00" and listed[0]["line_texts"]  # evidence with the source text

    # the same build again: the cursor says nothing changed
    second = build_sensor_context(instance=built["instance"], cursor=first.cursor, resources={"budget": budget})
    alert_sensor(second)
    # and even without the cursor, the state file keeps the same failures from being sent twice
    third = build_sensor_context(instance=built["instance"], resources={"budget": budget})
    alert_sensor(third)
    assert len(_alert_lines(jsonl)) == len(sent)


def test_a_channel_that_is_down_never_fails_the_alert_sensor(built, tmp_path, monkeypatch):
    budget = _budget(tmp_path)
    budget.layout.root.mkdir(parents=True)
    shutil.copy(built["budget"].layout.warehouse, budget.layout.warehouse)
    (tmp_path / "alerts.toml").write_text(
        'retries = 0\n'
        '[[channels]]\ntype = "webhook"\nurl_env = "TEST_DOWN_WEBHOOK"\ntimeout = 2\n'
        '[[channels]]\ntype = "jsonl"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_DOWN_WEBHOOK", "http://127.0.0.1:9/nobody-listens")
    context = build_sensor_context(instance=built["instance"], resources={"budget": budget})
    alert_sensor(context)  # does not raise
    assert _alert_lines(budget.alerts_jsonl_path)  # the other channel got the alerts
    assert not context.cursor  # the webhook has a backlog: the next tick sends it (and only it) again
    state = json.loads(budget.alert_state_path.read_text(encoding="utf-8"))
    assert state["channels"]["webhook:generic"] == [] and len(state["channels"]["jsonl:alerts.jsonl"]) == len(state["failing"])


def test_an_alert_config_typo_is_one_error_line_and_nothing_is_marked(built, tmp_path):
    budget = _budget(tmp_path)  # names tmp_path/alerts.toml, which does not exist
    budget.layout.root.mkdir(parents=True)
    shutil.copy(built["budget"].layout.warehouse, budget.layout.warehouse)
    context = build_sensor_context(instance=built["instance"], resources={"budget": budget})
    result = alert_sensor(context)  # does not raise
    assert "alerts not sent" in result.skip_message and "does not exist" in result.skip_message
    assert not budget.alert_state_path.exists() and not context.cursor


def test_the_sensor_takes_a_pdf_and_a_scan_is_rejected_with_its_reason(tmp_path):
    import pymupdf

    from budget_warehouse.extract.document import extract_file

    real = Path(__file__).parent / "fixtures" / "real" / "shanghai-putuo-justice-2026-department-budget.pdf"
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(real, raw / "budget.pdf")
    scan = pymupdf.open()
    scan.new_page().draw_rect(pymupdf.Rect(20, 20, 200, 200))
    (raw / "scan.pdf").write_bytes(scan.tobytes())
    tick = _tick(_budget(tmp_path), DagsterInstance.ephemeral())
    assert _added(tick) == [extract_file(real).meta.document_id, file_partition_key("scan.pdf")]
    assert tick.run_requests[0].run_config["ops"]["raw_documents"]["config"]["files"] == ["budget.pdf", "scan.pdf"]
