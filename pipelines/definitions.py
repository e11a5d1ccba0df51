"""The Dagster code location of budget-warehouse (``dagster dev -m pipelines.definitions``).

Graph: ``raw_documents`` / ``staged_document`` (partitioned by document id) →
the dbt project (``budget_dbt``: staging views, marts, rule-instance models;
dbt tests as asset checks) → ``accounting_identities`` (one GX-backed check per
rule family on ``dq_rule_instance``) → ``report_site`` (the static report). Jobs: ``ingest_job`` (everything, one
run), ``warehouse_job`` (dbt + quality + publish), ``documents_job``
(partitioned staging, for backfills). ``daily_ingest_schedule`` runs
``ingest_job``; ``raw_folder_sensor`` ingests new and changed files;
``alert_sensor`` sends the new findings. See ``pipelines.assets`` for the design.

Paths come from the environment when set, else the defaults of ``make run``
(relative to the current directory, the repository root):
``BUDGET_RAW_DIR`` (data/raw), ``BUDGET_WAREHOUSE`` (data/warehouse/budget.duckdb),
``BUDGET_ALERTS_CONFIG`` (must exist when set; unset: the repository's alerts.toml when it
exists, else log + JSON lines; see ``budget_warehouse.alerts.config.resolve_config``).
"""

from __future__ import annotations

import os

from dagster import Definitions
from dagster_dbt import DbtCliResource

from pipelines.assets import budget_dbt, dbt_project, raw_documents, staged_document
from pipelines.checks import accounting_identities
from pipelines.report import report_site
from pipelines.jobs import daily_ingest_schedule, documents_job, ingest_job, warehouse_job
from pipelines.resources import BudgetWarehouseResource, dbt_executable
from pipelines.sensors import alert_sensor, raw_folder_sensor

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def default_budget_resource() -> BudgetWarehouseResource:
    return BudgetWarehouseResource(
        raw_dir=os.environ.get("BUDGET_RAW_DIR", "data/raw"),
        warehouse=os.environ.get("BUDGET_WAREHOUSE", "data/warehouse/budget.duckdb"),
        alerts_config=os.environ.get("BUDGET_ALERTS_CONFIG", ""),
    )


def build_definitions(budget: BudgetWarehouseResource | None = None) -> Definitions:
    """The code location; tests pass a resource pointing at temporary folders."""
    return Definitions(
        assets=[raw_documents, staged_document, budget_dbt, report_site],
        asset_checks=[accounting_identities],
        jobs=[ingest_job, warehouse_job, documents_job],
        schedules=[daily_ingest_schedule],
        sensors=[raw_folder_sensor, alert_sensor],
        resources={
            "budget": budget or default_budget_resource(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
    )


defs = build_definitions()
