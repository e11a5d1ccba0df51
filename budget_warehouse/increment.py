"""Whether a build may update the published warehouse by document, or must rebuild it whole.

An incremental build (dbt's ``document_incremental`` models, ``dbt_project/macros/``)
recomputes only the documents whose staging batch changed since the warehouse was
built. That is only right when everything else that shapes the tables is what it was:
the dbt project (models, macros, seeds with the rule catalogue, tests, settings), the
extractor (``EXTRACTOR_VERSION``: what a staged row means) and this package's version.
Their fingerprint is stored in the warehouse (``warehouse_build``); a build whose
fingerprint differs, or asked for (``--full-refresh``), rebuilds everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb

from budget_warehouse.dbt_runner import DBT_PROJECT_DIR
from budget_warehouse.extract.document import EXTRACTOR_VERSION
from budget_warehouse.staging import read_manifest

BUILD_TABLE = "warehouse_build"  # one row: the fingerprint the warehouse was built with
LOADED_TABLE = "loaded_documents"  # dbt model: each document's batch when the warehouse was built
# The dbt project's parts that shape the tables (target/ and logs/ are dbt's own output).
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")
# Above this share of the warehouse's documents changed, a full build is cheaper than by document.
FULL_BUILD_SHARE = 0.5


def fingerprint() -> str:
    """sha256 over the dbt project's files (paths and bytes), the extractor and package versions."""
    digest = hashlib.sha256()
    try:
        package = version("budget-warehouse")
    except PackageNotFoundError:
        package = "unknown"
    digest.update(f"extractor {EXTRACTOR_VERSION}\npackage {package}\n".encode())
    for part in PROJECT_PARTS:
        path = DBT_PROJECT_DIR / part
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class BuildPlan:
    full: bool
    reason: str  # why full, or what the increment is
    changed: int = 0  # documents whose staged batch differs from the loaded one (new, changed, removed)


def plan(warehouse: Path, staging: Path, *, full_refresh: bool = False, current: str | None = None) -> BuildPlan:
    """Full or incremental for a build that starts from the published ``warehouse``."""
    if full_refresh:
        return BuildPlan(True, "full refresh asked for")
    if not Path(warehouse).exists():
        return BuildPlan(True, "no warehouse yet")
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
            if BUILD_TABLE not in tables or LOADED_TABLE not in tables:
                return BuildPlan(True, "the warehouse has no build record (built by an older version)")
            stored = con.execute(f"select fingerprint from {BUILD_TABLE}").fetchone()
            loaded = dict(con.execute(f"select document_id, batch from {LOADED_TABLE}").fetchall())
    except duckdb.Error as exc:
        return BuildPlan(True, f"the warehouse could not be read ({exc})")
    if not stored or stored[0] != (current or fingerprint()):
        return BuildPlan(True, "the dbt project, seeds, extractor or package changed since the warehouse was built")
    staged = {doc: batch for doc, (batch, _) in read_manifest(staging).items()}
    changed = sum(1 for doc in staged.keys() | loaded.keys() if staged.get(doc) != loaded.get(doc))
    if changed > FULL_BUILD_SHARE * max(len(staged), 1):
        return BuildPlan(True, f"{changed} of {len(staged)} documents changed", changed)
    return BuildPlan(False, f"{changed} document(s) new, changed or removed", changed)


def record_build(db_path: Path, current: str | None, full: bool) -> None:
    """Store the fingerprint the warehouse was built with (after a successful dbt build); None: forget it,
    so that the next build is a full one."""
    with duckdb.connect(str(db_path)) as con:
        if current is None:
            con.execute(f"drop table if exists {BUILD_TABLE}")
            return
        con.execute(f"create or replace table {BUILD_TABLE} (fingerprint varchar, built_at timestamptz, full_build boolean)")
        con.execute(f"insert into {BUILD_TABLE} values (?, ?, ?)", [current, datetime.now(timezone.utc), full])


# Tables that hold a build's or a run's own facts (its scope, time, id, the files' paths), not the data.
RUN_TABLES = (BUILD_TABLE, "document_scope", "dq_check_result", "dq_check_rule", "dq_expectation_result", "dq_quarantine")


def table_digests(db_path: Path) -> dict[str, tuple[int, int]]:
    """Per table: its row count and an order-free hash of its rows (timestamps and RUN_TABLES left
    out): two warehouses with equal digests hold the same rows."""
    out = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE'").fetchall()
            if t not in RUN_TABLES]
        for table in tables:
            columns = [c for c, kind in con.execute(
                "select column_name, data_type from information_schema.columns where table_name = ?", [table]
            ).fetchall() if not kind.startswith("TIMESTAMP")]
            cols = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(
                f'select count(*), coalesce(sum(hash(struct_pack({cols}))::hugeint), 0) from "{table}"').fetchone()
    return out
