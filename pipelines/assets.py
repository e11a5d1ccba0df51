"""Assets: raw files → staging Parquet → dbt models in one DuckDB file, published atomically.

The graph::

    raw_documents ──────┐
                        ├─> stg_* (dbt) ─> int_* ─> dim_* / fct_* ─> chk_* ─> dq_rule_instance
    staged_document ────┘       (every dbt model and seed is one asset of ``budget_dbt``)
    [documents: one partition per document id]

Why two staging assets. ``staged_document`` is the per-document asset: one
dynamic partition per document id (region + department + year + phase, never
the file name), for the sensor's partitions, the UI's partition view and
backfills of chosen documents. But a Dagster run targets partitions that exist
when the run starts, and a document's id is only known after extracting it; a
job that must take *every* file of ``data/raw`` (new ones included) in one run
and then run dbt once cannot be a run over ``staged_document``'s partitions.
So ``ingest_job`` starts with ``raw_documents``, an unpartitioned asset over
the folder: it stages every file (or the files its config names), registers
each document's partition, and records a ``staged_document`` materialization
per document (so the partition view stays true), then dbt and the checks run
once, in the same run. Both assets call the same ``budget_warehouse.pipeline.stage``.

dbt. ``budget_dbt`` runs one ``dbt build`` over all staged documents into a
new file next to the warehouse (``budget.next-<run>.duckdb``: dbt is its only
writer while it runs), then the Great Expectations suites
(``budget_warehouse.quality.run.validate_warehouse``, which writes
``dq_check_result`` into that file), then swaps it in with ``os.replace``.
A run that fails or is killed before the swap leaves the published warehouse
as it was; readers open it read-only. Every write (staging, build) holds the
warehouse's writer lock (``budget_warehouse.writer_lock``), shared with the command
line, waiting for its turn. dbt's events are yielded after the swap, so "materialized"
in the UI means "published". A subset of the dbt models (e.g. one model picked
in the UI) is built on a copy of the published warehouse, so the other tables
stay. A build file left by a killed run is removed by the next build.

The sensor (``pipelines.sensors``) registers the new and changed documents'
partitions and requests one ``ingest_job`` run naming their files: staging of
those documents, then one dbt build and the checks, in order, in one run
(separate per-partition runs could not be followed by exactly one dbt run
without a backfill). The UI's backfill of ``staged_document`` (with its
downstream dbt assets) does the same through the backfill daemon: one run
for all partitions (``BackfillPolicy.single_run``), then one dbt run.
"""

import fcntl
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AllPartitionMapping,
    AssetCheckResult,
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetObservation,
    AssetSpec,
    BackfillPolicy,
    Config,
    DynamicPartitionsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from pydantic import Field

from budget_warehouse.dbt_runner import environment, failing_contracts
from budget_warehouse.quality.published import QUALITY_TABLE
from budget_warehouse.pipeline import IngestReport, Loaded, build_skip_reason, stage
from budget_warehouse.staging import write_empty_templates
from budget_warehouse.writer_lock import writer_lock
from pipelines.resources import DBT_PROJECT_DIR, BudgetWarehouseResource, dbt_executable, file_partition_key

DOCUMENTS = "documents"
documents_partitions = DynamicPartitionsDefinition(name=DOCUMENTS)

INGEST_GROUP = "ingest"

# -- staging -------------------------------------------------------------------


def document_metadata(loaded: Loaded) -> dict[str, Any]:
    """What one staged document shows in the UI."""
    cov = loaded.coverage
    accounted = cov["loaded"] + cov["explained"]
    return {
        "document_id": loaded.document_id,
        "document": loaded.name,
        "title": loaded.title,
        "source_file": MetadataValue.path(str(loaded.path)),
        "status": loaded.status,  # new | changed | unchanged
        "tables": loaded.tables,
        "cells": loaded.cells,
        "numbers_in_text": cov["tokens"],
        "numbers_loaded": cov["loaded"],
        "numbers_not_loaded_with_reason": cov["explained"],
        "numbers_unexplained": cov["unexplained"],
        "coverage_pct": MetadataValue.float(round(100.0 * accounted / cov["tokens"], 2) if cov["tokens"] else 100.0),
        "warnings": MetadataValue.md("\n".join(f"- {w}" for w in loaded.warnings) or "none"),
    }


def documents_table(report: IngestReport) -> str:
    lines = ["| document id | document | status | tables | cells | numbers | unexplained |", "|---|---|---|---|---|---|---|"]
    for d in report.loaded:
        cov = d.coverage
        lines.append(
            f"| {d.document_id} | {d.name} | {d.status} | {d.tables} | {d.cells} "
            f"| {cov['tokens']} | {cov['unexplained']} |"
        )
    return "\n".join(lines)


def quarantine_table(report: IngestReport) -> str:
    if not report.quarantined:
        return "none"
    lines = ["| file | reason | message |", "|---|---|---|"]
    lines += [f"| {q.path} | {q.reason} | {q.message.replace('|', '/')} |" for q in report.quarantined]
    return "\n".join(lines)


def _stage(files: list[Path], budget: BudgetWarehouseResource) -> IngestReport:
    layout = budget.layout
    layout.root.mkdir(parents=True, exist_ok=True)
    report = IngestReport(warehouse=layout.warehouse)
    with writer_lock(layout.warehouse, wait=True):
        stage(files, layout, max_bytes=budget.max_bytes, workers=budget.worker_count, report=report)
    return report


class RawDocumentsConfig(Config):
    files: list[str] = Field(
        default_factory=list,
        description="Files to stage, relative to the raw folder (or absolute). Empty: every file of the raw folder.",
    )


@asset(group_name=INGEST_GROUP, kinds={"python", "parquet"}, output_required=False)
def raw_documents(
    context: AssetExecutionContext, config: RawDocumentsConfig, budget: BudgetWarehouseResource
) -> Iterator[MaterializeResult]:
    """Every file of the raw folder (or the files the config names), extracted into the staging folder.

    Registers each document as a ``documents`` partition and records a
    ``staged_document`` materialization for it. Files the extractor rejects
    are quarantined (folder + ``dq_quarantine`` table) and the rest load.
    When every file is refused (``pipeline.build_skip_reason``) nothing is
    materialized, so the run's dbt build and report are skipped, as the CLI
    skips them; the staging step's counts are recorded as an observation.
    """
    files = budget.resolve_files(config.files) if config.files else budget.raw_files()
    report = _stage(files, budget)

    instance = context.instance
    loaded_keys = list(dict.fromkeys(d.document_id for d in report.loaded))
    rejected_keys = [file_partition_key(budget.relative_name(q.path)) for q in report.quarantined]
    new_keys = [k for k in loaded_keys + rejected_keys if not instance.has_dynamic_partition(DOCUMENTS, k)]
    if new_keys:
        instance.add_dynamic_partitions(DOCUMENTS, new_keys)
    for d in report.loaded:  # a file that loads now is no longer a rejected file
        stale = file_partition_key(budget.relative_name(d.path))
        if instance.has_dynamic_partition(DOCUMENTS, stale):
            instance.delete_dynamic_partition(DOCUMENTS, stale)
    for d in report.loaded:
        context.log_event(
            AssetMaterialization(
                asset_key=staged_document.key,
                partition=d.document_id,
                description=f"staged by {context.asset_key.to_user_string()} in run {context.run.run_id}",
                metadata=document_metadata(d),
            )
        )
    for q in report.quarantined:
        context.log.warning(f"quarantined {q.path.name}: [{q.reason}] {q.message}")

    metadata = {
        "raw_dir": MetadataValue.path(str(budget.raw_path)),
        "files": len(files),
        "documents": len(report.loaded),
        "new": sum(d.status == "new" for d in report.loaded),
        "changed": sum(d.status == "changed" for d in report.loaded),
        "unchanged": sum(d.status == "unchanged" for d in report.loaded),
        "quarantined": len(report.quarantined),
        "document_list": MetadataValue.md(documents_table(report)),
        "quarantine_list": MetadataValue.md(quarantine_table(report)),
    }
    if skipped := build_skip_reason(report, budget.layout):
        context.log.warning(f"{len(report.quarantined)} file(s) refused: {skipped}")
        context.log_event(AssetObservation(asset_key=context.asset_key, description=skipped, metadata=metadata))
        return
    yield MaterializeResult(metadata=metadata)


@asset(
    partitions_def=documents_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    group_name=INGEST_GROUP,
    kinds={"python", "parquet"},
)
def staged_document(context: AssetExecutionContext, budget: BudgetWarehouseResource) -> Iterator[Any]:
    """One budget document, extracted into a staging batch named in the manifest
    (``<warehouse folder>/staging/<record type>/<batch>.parquet``, ``staging/_manifest.parquet``).

    The partition key is the document id; the file is found by content (see
    ``BudgetWarehouseResource.locate``). A file the extractor rejects is
    quarantined and its partition fails with the extractor's message. A
    backfill stages all its partitions in one run (one pass over the folder).
    """
    keys = list(context.partition_keys)
    found, missing = budget.locate(keys)
    report = _stage(list(dict.fromkeys(found.values())), budget)

    problems = [
        f"{key}: no file in {budget.raw_path} holds this document any more (removed, or changed into another "
        "document); its staged rows stay as they were"
        for key in missing
    ]
    problems += [
        f"{q.path.name}: quarantined ({q.reason}): {q.message} — copied to {budget.layout.quarantine} and "
        "listed in the warehouse table dq_quarantine"
        for q in report.quarantined
    ]
    loaded = {d.document_id: d for d in report.loaded}
    quarantined = {q.path for q in report.quarantined}
    problems += [
        f"{key}: {found[key].name} no longer holds this document (it changed into another one); "
        "the sensor registers the new one"
        for key in found
        if key not in loaded and found[key] not in quarantined
    ]
    if not problems:
        if len(keys) == 1:
            yield MaterializeResult(metadata=document_metadata(loaded[keys[0]]))
        else:  # one run for many partitions: every partition gets the run's summary
            yield MaterializeResult(
                metadata={
                    "documents": len(loaded),
                    "new": sum(d.status == "new" for d in loaded.values()),
                    "changed": sum(d.status == "changed" for d in loaded.values()),
                    "unchanged": sum(d.status == "unchanged" for d in loaded.values()),
                    "document_list": MetadataValue.md(documents_table(report)),
                }
            )
        return
    for d in report.loaded:  # the documents that did load are recorded, then the run fails
        yield AssetMaterialization(asset_key=context.asset_key, partition=d.document_id, metadata=document_metadata(d))
    raise Failure(
        description="\n".join(problems),
        metadata={"quarantined": MetadataValue.md(quarantine_table(report)), "missing": MetadataValue.json(missing)},
    )


# -- dbt -----------------------------------------------------------------------

# dbt's profile reads these; parsing needs values, not real files (a build sets both per run).
os.environ.setdefault("BUDGET_WAREHOUSE_DB", str(BudgetWarehouseResource().layout.warehouse))
os.environ.setdefault("BUDGET_STAGING_DIR", str(BudgetWarehouseResource().layout.staging))

# `dagster dev` re-parses at load (prepare_if_dev); the dbt it calls must be found without an
# activated virtualenv.
_bin = str(Path(dbt_executable()).parent)
if shutil.which("dbt") is None and _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def _manifest_is_stale(project: DbtProject) -> bool:
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    folders = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
    files = [project.project_dir / "dbt_project.yml"]
    for folder in folders:
        root = project.project_dir / folder
        if root.is_dir():
            files += [p for p in root.rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in files)


def _prepare_once(project: DbtProject) -> None:
    """Parse the project when its manifest is stale (a fresh clone, or models edited since the last
    parse); processes loading this module at once (test workers, a daemon beside the UI) take turns."""
    project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    with open(project.manifest_path.parent / ".prepare.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _manifest_is_stale(project):
            project.preparer.prepare(project)


_prepare_once(dbt_project)


class BudgetDbtTranslator(DagsterDbtTranslator):
    """dbt's staging models read the staging folder: they depend on both staging assets."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props.get("resource_type") == "model" and props.get("fqn", [])[1:2] == ["staging"]:
            spec = spec.merge_attributes(
                deps=[
                    AssetDep(staged_document, partition_mapping=AllPartitionMapping()),
                    AssetDep(raw_documents),
                ]
            )
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return "dbt_seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


translator = BudgetDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _remove_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _dbt_errors(run_results: Mapping[str, Any]) -> list[str]:
    return [
        f"{r.get('unique_id')}: {r.get('message') or 'error'}"
        for r in run_results.get("results", [])
        if r.get("status") in ("error", "runtime error")
    ]


def _quality_metadata(report: Any) -> dict[str, Any]:
    rows = ["| suite | expectations | passed | failed | ERROR | WARN | rule instances | failing |", "|---|---|---|---|---|---|---|---|"]
    for s in report.suites.values():
        rows.append(
            f"| {s.name} | {s.evaluated} | {s.passed} | {s.failed} | {s.errors} | {s.warnings} | {s.instances} | {s.failed_instances} |"
        )
    out: dict[str, Any] = {
        "quality_passed": report.passed,
        "quality_failing_instances": report.failing_instances,
        "quality_suites": MetadataValue.md("\n".join(rows)),
    }
    if report.problems:
        out["quality_problems"] = MetadataValue.md("\n".join(f"- {p}" for p in report.problems))
    if report.docs_index:
        out["data_docs"] = MetadataValue.path(str(report.docs_index))
    return out


class BuildConfig(Config):
    full_refresh: bool = Field(
        default=False,
        description="rebuild every table from staging; by default only the documents whose staging changed are recomputed",
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    backfill_policy=BackfillPolicy.single_run(),
    name="budget_dbt",
)
def budget_dbt(
    context: AssetExecutionContext, config: BuildConfig, dbt: DbtCliResource, budget: BudgetWarehouseResource
) -> Iterator[Any]:
    """``dbt build`` into a copy of the published warehouse, by document (``increment.plan``: a full build
    when asked, or when the project, seeds or extractor changed), quality suites, then one rename."""
    from budget_warehouse import increment

    layout = budget.layout
    layout.root.mkdir(parents=True, exist_ok=True)
    write_empty_templates(layout.staging)
    warehouse = layout.warehouse
    target = warehouse.with_name(f"{warehouse.stem}.next-{context.run.run_id[:8]}{warehouse.suffix}")
    subset = context.is_subset

    with writer_lock(warehouse, wait=True):  # runs launched close together (or a CLI ingest) wait their turn
        for stale in warehouse.parent.glob(f"{warehouse.stem}.next-*{warehouse.suffix}"):
            _remove_database(stale)  # left by a run that was killed (we hold the lock: no build is running)
        invocation = None
        try:
            with environment(BUDGET_WAREHOUSE_DB=str(target), BUDGET_STAGING_DIR=str(layout.staging)):
                current = increment.fingerprint()
                plan = increment.plan(warehouse, layout.staging, full_refresh=config.full_refresh, current=current)
                # A subset may leave out document_scope: its models are rebuilt whole from staging.
                full = plan.full or subset
                if subset or not plan.full:  # unselected models (and unchanged documents) come from the published file
                    if warehouse.exists():
                        shutil.copyfile(warehouse, target)
                    else:  # nothing published yet: the seeds at least (the rest is downstream of staging)
                        seeded = dbt.cli(["seed"]).wait()
                        shutil.rmtree(seeded.target_path, ignore_errors=True)
                context.log.info(f"dbt build: {'full' if full else 'by document'} ({plan.reason})")
                invocation = dbt.cli(["build", *(["--full-refresh"] if full else [])], context=context, raise_on_error=False)
                events = list(invocation.stream())
            try:
                run_results = invocation.get_artifact("run_results.json")
            except FileNotFoundError:
                run_results = None
            errors = _dbt_errors(run_results) if run_results else ["dbt produced no run_results.json"]
            if errors:
                raise Failure(
                    description=f"dbt build failed; {warehouse} is unchanged.\n" + "\n".join(errors),
                    metadata={"dbt_target": MetadataValue.path(str(invocation.target_path))},
                )
            skipped = [r.get("unique_id") for r in run_results.get("results", []) if r.get("status") == "skipped"]
            if skipped:  # as pipeline.build_and_publish: an incomplete warehouse is never published
                raise Failure(f"dbt skipped {len(skipped)} node(s): {', '.join(skipped[:20])}; the warehouse is unchanged")
            # After a subset, which documents each table holds is no longer one state: the next build is full.
            increment.record_build(target, None if subset else current, full)
            contracts = failing_contracts(target, run_results)  # the checks a failing table_contract found
            quality = None
            if budget.run_quality:
                from budget_warehouse.quality.run import validate_warehouse

                quality = validate_warehouse(target, run_id=context.run.run_id, published=warehouse)
                context.log.info(quality.summary())
            os.replace(target, warehouse)
        except BaseException:
            if invocation is not None and invocation.process.poll() is None:
                invocation.process.terminate()  # never leave a dbt writing to a file we delete
                invocation.process.wait()
            _remove_database(target)
            raise
    shutil.rmtree(invocation.target_path, ignore_errors=True)  # compiled SQL and logs of a good build
    context.log.info(f"published {warehouse}")

    keys_by_output = context.assets_def.keys_by_output_name
    for event in events:
        if quality is not None and isinstance(event, Output) and keys_by_output.get(event.output_name) == AssetKey([QUALITY_TABLE]):
            event = event.with_metadata({**event.metadata, **_quality_metadata(quality)})
        if isinstance(event, AssetCheckResult) and contracts.get(event.check_name):
            event = event.with_metadata({**event.metadata, "violated_checks": MetadataValue.md(
                "\n".join(f"- `{check}`: {rows}" for check, rows in contracts[event.check_name]))})
        yield event
