"""Sensors: new and changed raw files → partitions + one ingest run; new quality findings → alerts.

``raw_folder_sensor`` hashes every file of the raw folder each tick. Its cursor
is JSON ``{file name: sha256 of its bytes}``. A file that is new or whose hash
changed is identified (its document id, extracting it only if its content was
never seen), registered as a ``documents`` partition
(``dynamic_partitions_requests``), and the tick requests one ``ingest_job``
run for those files: they are staged (each partition's ``staged_document``
materialization is recorded), then dbt and the quality suites run once over
the whole staging folder and the warehouse is published. A file the extractor
rejects gets the partition ``file:<name>``; its run quarantines it and the
rest loads. When such a file is fixed, that partition is deleted. At most
``MAX_FILES_PER_TICK`` files are taken per tick (the rest on the next ticks),
so a tick stays well inside Dagster's sensor time limit.

``alert_sensor`` watches the published warehouse. When the file changed since
its last tick it reads the latest quality run's failing instances
(``dq_check_result``, read-only) and calls ``budget_warehouse.alerts.run_alerts``:
one alert per newly failing instance, one "resolved" per instance that stopped
failing; the state (``<warehouse folder>/alert_state.json``, per channel) makes
a re-run's same failures silent. A channel that is down is retried, logged and
never fails the tick; while any channel has a backlog the cursor stays, so the
next tick sends that channel (only) what it missed. A wrong alert config is
one error line in the tick's log; nothing is sent or marked.
"""


import hashlib
import json

from dagster import (
    DefaultSensorStatus,
    RunConfig,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from budget_warehouse.alerts import AlertConfigError
from budget_warehouse.quality.published import read_findings
from pipelines.assets import DOCUMENTS, RawDocumentsConfig, documents_partitions
from pipelines.jobs import ingest_job
from pipelines.resources import BudgetWarehouseResource, file_partition_key

MAX_FILES_PER_TICK = 200
# A sensor tick must finish within Dagster's time limit (60 s by default): bound the retries of a
# channel that is down. The state file keeps unsent events for the next tick.
MAX_ALERT_RETRIES = 2
MAX_ALERT_BACKOFF_SECONDS = 2.0


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@sensor(
    job=ingest_job,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Registers new and changed documents of the raw folder as partitions and ingests them.",
)
def raw_folder_sensor(context: SensorEvaluationContext, budget: BudgetWarehouseResource):
    previous: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    files = {budget.relative_name(path): path for path in budget.raw_files()}
    hashes = {name: _sha256(path) for name, path in files.items()}
    cursor = {name: sha for name, sha in previous.items() if name in files}  # removed files drop out
    changed = [name for name in files if previous.get(name) != hashes[name]]
    if not changed:
        return SensorResult(
            skip_reason=SkipReason(f"no new or changed file in {budget.raw_path}"),
            cursor=json.dumps(cursor, sort_keys=True, ensure_ascii=False),
        )

    batch = changed[:MAX_FILES_PER_TICK]
    raw = budget.identify([files[name] for name in batch])
    keys = list(dict.fromkeys(r.key for r in raw))
    partition_requests = [documents_partitions.build_add_request(keys)]
    fixed = [file_partition_key(r.name) for r in raw if r.is_document]
    stale = [k for k in fixed if k not in keys and context.instance.has_dynamic_partition(DOCUMENTS, k)]
    if stale:
        partition_requests.append(documents_partitions.build_delete_request(stale))
    for r in raw:
        context.log.info(f"{r.name}: {'new' if r.name not in previous else 'changed'} → partition {r.key}"
                         + (f" (will be quarantined: {r.error})" if r.error else ""))

    run_key = hashlib.sha1(
        json.dumps([sorted(previous.items()), sorted((r.name, r.sha256) for r in raw)], ensure_ascii=False).encode()
    ).hexdigest()
    shown = ",".join(keys)
    run = RunRequest(
        run_key=run_key,
        run_config=RunConfig(ops={"raw_documents": RawDocumentsConfig(files=[r.name for r in raw])}),
        tags={
            "budget_warehouse/trigger": "raw_folder_sensor",
            "budget_warehouse/files": str(len(raw)),
            "budget_warehouse/documents": shown if len(shown) <= 1000 else shown[:1000] + "…",
        },
    )
    cursor.update({r.name: r.sha256 for r in raw})
    return SensorResult(
        run_requests=[run],
        dynamic_partitions_requests=partition_requests,
        cursor=json.dumps(cursor, sort_keys=True, ensure_ascii=False),
    )


@sensor(
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Sends one alert per newly failing rule instance (and one per resolved) after each published build.",
)
def alert_sensor(context: SensorEvaluationContext, budget: BudgetWarehouseResource):
    from budget_warehouse.alerts import run_alerts

    warehouse = budget.layout.warehouse
    if not warehouse.exists():
        return SkipReason(f"no warehouse at {warehouse} yet")
    stat = warehouse.stat()
    stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
    if context.cursor == stamp:
        return SkipReason("no new build since the last alerts")

    results = read_findings(warehouse)
    if results is None:
        context.update_cursor(stamp)
        return SkipReason(f"{warehouse} holds no quality results (dq_check_result)")

    try:
        settings = budget.alert_settings()
    except AlertConfigError as exc:  # nothing sent, nothing marked; the next tick tries again
        context.log.error(f"alerts not sent: {exc}")
        return SkipReason(f"alerts not sent: {exc}")
    retries = min(settings.retries, MAX_ALERT_RETRIES)
    backoff = min(settings.backoff_seconds, MAX_ALERT_BACKOFF_SECONDS)
    if (retries, backoff) != (settings.retries, settings.backoff_seconds):
        context.log.debug(f"alert retries bounded to {retries} × {backoff:g} s inside a sensor tick")
    run = run_alerts(
        results.findings,
        state_path=budget.alert_state_path,
        channels=settings.channels,
        retries=retries,
        backoff_seconds=backoff,
    )
    for failure in run.report.failed:
        context.log.error(f"alert channel {failure.channel} is down after {failure.attempts} attempt(s): {failure.error}")
    summary = (
        f"quality run {results.run_id}: {len(results.findings)} failing instance(s); "
        f"{len(run.diff.new)} new, {len(run.diff.resolved)} resolved; {run.report.summary()}"
    )
    context.log.info(summary)
    if run.report.ok:
        context.update_cursor(stamp)
    else:  # each channel's state says what it missed: the next tick sends it just that
        context.log.error("a channel did not take its events; it gets them again on the next tick")
    return SkipReason(summary)
