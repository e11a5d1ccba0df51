"""Build the DuckDB warehouse from the staging folder with one in-process `dbt build`.

dbt runs seeds, models and tests over all staged documents at once (its start-up
costs seconds: never run it once per document). dbt is the only writer of the
``.duckdb`` file; open it read-only afterwards.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from budget_warehouse.staging import EMPTY_BATCH, SCHEMAS, write_empty_templates

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
# One target folder for every warehouse this checkout builds, and in it a link
# through which dbt opens the warehouse: dbt reuses its parse (partial
# parsing) only when the target folder and the profile, whose path it hashes,
# are those of the previous build, so a warehouse of the same file name in any
# folder (every pipeline build is "<name>.next.duckdb") skips the full parse.
# The link keeps the file's name: DuckDB names the database after the file.
# BUDGET_DBT_TARGET_DIR gives concurrent builders (parallel test workers) a
# folder each, so they do not take turns.
def _target_dir() -> Path:
    return Path(os.environ.get("BUDGET_DBT_TARGET_DIR") or DBT_PROJECT_DIR / "target" / "in_process")


# Every table_contract test (macros/generic_tests.sql) is named table_contract_<model> in the YAML
# (tests/test_dbt_models.py asserts it): a failing one's rows name the checks it found violated.
CONTRACT_PREFIX = "table_contract_"


class DbtBuildError(RuntimeError):
    """dbt could not run, or a seed, model or test errored (not a failing test)."""


@dataclass(frozen=True, slots=True)
class DbtTestFailure:
    name: str  # the dbt test's name, e.g. table_contract_fct_revenue_…
    unique_id: str  # test.budget_warehouse.<name>.<hash>
    message: str  # e.g. "Got 6 results, configured to warn if != 0; unique_combination(document_id, …): 6"
    failures: int | None  # number of offending rows (a table_contract: summed over its violated checks)
    checks: tuple[tuple[str, int], ...] = ()  # a table_contract's violated checks and their failing rows


@dataclass(frozen=True, slots=True)
class DbtBuildResult:
    passed: bool  # every node succeeded and no test failed or warned
    failed_tests: tuple[DbtTestFailure, ...]
    warned_tests: tuple[DbtTestFailure, ...]
    skipped: tuple[str, ...]  # unique_ids dbt skipped because an upstream test failed
    node_count: int


def build_warehouse(
    staging_dir: Path, db_path: Path, *, select: str | None = None, full_refresh: bool = False
) -> DbtBuildResult:
    """Run ``dbt build`` into ``db_path`` over every document staged in ``staging_dir``.

    A file that already holds a build is updated by document (the ``document_incremental``
    models recompute the documents whose staging changed); ``full_refresh`` rebuilds every table.

    ``select`` is a dbt selection (e.g. ``"+fct_expenditure"``); its tests run
    when all their parents are in the selection or upstream of it.

    Returns pass/fail and the failing tests; raises DbtBuildError when dbt itself
    fails (parse or compile error, SQL error in a model, seed or test).
    dbt's target folder is ``_target_dir()`` (shared: builds take turns, a file
    lock), its log folder ``<db_path without suffix>.dbt/logs``.
    One call at a time per process: it sets os.environ for the call, and dbt's
    in-process runner is not thread-safe.
    """
    from dbt.cli.main import dbtRunner  # imported here: dbt is slow to import

    staging_dir = Path(staging_dir).resolve()
    db_path = Path(db_path).resolve()
    if not all((staging_dir / stem / f"{EMPTY_BATCH}.parquet").exists() for stem in SCHEMAS):
        write_empty_templates(staging_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    work_dir = db_path.with_suffix(".dbt")

    args = [
        "build",
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(_target_dir()),
        "--log-path", str(work_dir / "logs"),
        "--log-level", "warn",
        "--log-level-file", "debug",
    ]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        # Run a test only when every model it reads is built or upstream of the
        # selection: a partial build into a fresh file must not test missing tables.
        args += ["--select", select, "--indirect-selection", "buildable"]

    with _warehouse_link(db_path) as link, environment(BUDGET_WAREHOUSE_DB=str(link), BUDGET_STAGING_DIR=str(staging_dir)):
        try:
            outcome = dbtRunner().invoke(args)
        finally:
            close_duckdb()

    if outcome.exception is not None:
        raise DbtBuildError(f"dbt build could not run: {outcome.exception}") from outcome.exception
    if outcome.result is None:
        raise DbtBuildError("dbt build returned no results")

    failed, warned, skipped, errors = [], [], [], []
    for result in outcome.result.results:
        status = str(result.status)
        node = result.node
        if status == "error":
            errors.append(f"{node.resource_type} {node.name}: {result.message}")
        elif status in ("fail", "warn"):
            checks = contract_violations(db_path, node.compiled_code) if node.name.startswith(CONTRACT_PREFIX) else ()
            message = (result.message or "") + "".join(f"; {check}: {rows}" for check, rows in checks)
            entry = DbtTestFailure(node.name, node.unique_id, message, result.failures, checks)
            (failed if status == "fail" else warned).append(entry)
        elif status == "skipped":
            skipped.append(node.unique_id)
    if errors:
        raise DbtBuildError("dbt build errored:\n" + "\n".join(errors))
    return DbtBuildResult(
        passed=not failed and not warned and not skipped,
        failed_tests=tuple(failed),
        warned_tests=tuple(warned),
        skipped=tuple(skipped),
        node_count=len(outcome.result.results),
    )


def contract_violations(db_path: Path, compiled_sql: str) -> tuple[tuple[str, int], ...]:
    """The rows of a ``table_contract`` test (macros/generic_tests.sql: each violated check and its
    failing rows), from its compiled SQL run again on the built file: dbt reports only their count."""
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        return tuple(con.execute(f"select check_name, failing_rows from ({compiled_sql}) order by 1").fetchall())


def failing_contracts(db_path: Path, run_results: dict) -> dict[str, tuple[tuple[str, int], ...]]:
    """From a ``run_results.json`` (a dbt CLI build: Dagster's), each failing or warning
    ``table_contract_<model>`` test's violated checks, by test name."""
    out = {}
    for result in run_results.get("results", []):
        name = result["unique_id"].split(".")[2]
        if result.get("status") in ("fail", "warn") and name.startswith(CONTRACT_PREFIX):
            out[name] = contract_violations(db_path, result["compiled_code"])
    return out


def close_duckdb() -> None:
    """Close the database dbt-duckdb kept open for the whole invocation (``keep_open: true`` in
    ``profiles.yml``: one open of the file per build, not one per node). dbt-duckdb keeps it in a
    class attribute that outlives an in-process invocation: call this after each one, so that the
    file is free for readers, the quality step and the next build."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
        if env is not None:
            env.close()


@contextmanager
def _warehouse_link(db_path: Path) -> Iterator[Path]:
    """``<target dir>/<file name>`` pointing at ``db_path`` for one build (builds of this checkout take turns)."""
    target_dir = _target_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    link = target_dir / db_path.name
    with open(target_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            # DuckDB names its write-ahead log after the path it opened: a killed build's log is not this file's.
            link.with_name(link.name + ".wal").unlink(missing_ok=True)
            link.unlink(missing_ok=True)
            link.symlink_to(db_path)
            yield link
        finally:
            link.unlink(missing_ok=True)
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a block (dbt reads its settings from them)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
