"""Jobs and the daily schedule.

- ``ingest_job``: every document of the raw folder → staging → dbt build →
  quality suites → publish → family checks, in one run (``raw_documents``
  stages the folder and registers the partitions; see ``pipelines.assets``) →
  the report (``report_site``).
  Its ``raw_documents`` config may name files (the sensor's runs do);
  without it the whole folder is taken.
- ``warehouse_job``: dbt build + quality + publish + checks over what is
  staged already (e.g. after a backfill of ``staged_document``).
- ``documents_job``: ``staged_document`` alone, partitioned by document id,
  for ``dagster job backfill -j documents_job --all``.
"""

from __future__ import annotations

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

from pipelines.assets import budget_dbt, documents_partitions, raw_documents, staged_document
from pipelines.report import report_site

publish_selection = AssetSelection.assets(budget_dbt) | AssetSelection.assets(report_site)  # the report after each publish

ingest_job = define_asset_job(
    "ingest_job",
    selection=AssetSelection.assets(raw_documents) | publish_selection,
    description="Ingest every document of the raw folder (or the files the config names), rebuild, check and "
    "publish the warehouse, in one run.",
)

warehouse_job = define_asset_job(
    "warehouse_job",
    selection=publish_selection,
    description="Rebuild, check and publish the warehouse from the staging folder as it is.",
)

documents_job = define_asset_job(
    "documents_job",
    selection=AssetSelection.assets(staged_document),
    partitions_def=documents_partitions,
    description="Stage documents by partition (document id); run warehouse_job afterwards.",
)

daily_ingest_schedule = ScheduleDefinition(
    name="daily_ingest_schedule",
    job=ingest_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every day at 02:00 (Beijing time): ingest the whole raw folder, in case a change slipped past the sensor.",
)
