"""``make docs``: dbt's documentation of the warehouse as one static page (``dbt docs generate --static``).

dbt reads the catalog (tables, columns, types) from a database it opens for
writing, so it runs on a copy of the published warehouse: readers and the next
build are never blocked. The page is written to ``<report folder>/dbt-docs/``,
where the report's index links to it.

    python -m budget_warehouse.report.dbt_docs [WAREHOUSE] [OUT_DIR]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from budget_warehouse.dbt_runner import DBT_PROJECT_DIR, close_duckdb, environment
from budget_warehouse.pipeline import Layout
from budget_warehouse.report.site import DBT_DOCS, default_report_dir


class DocsError(RuntimeError):
    pass


def generate_dbt_docs(warehouse: Path, out_dir: Path) -> Path:
    """Write dbt's static documentation page of ``warehouse`` to ``out_dir/index.html``; returns its path."""
    from dbt.cli.main import dbtRunner  # slow to import

    warehouse = Path(warehouse).resolve()
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse}: no warehouse here yet; run `budget-warehouse ingest` (or `make run`) first")
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as tmp:
        copy = Path(tmp) / warehouse.name
        shutil.copyfile(warehouse, copy)
        target = Path(tmp) / "target"
        with environment(BUDGET_WAREHOUSE_DB=str(copy), BUDGET_STAGING_DIR=str(Layout(warehouse).staging)):
            try:
                outcome = dbtRunner().invoke(
                    ["docs", "generate", "--static", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                     str(DBT_PROJECT_DIR), "--target-path", str(target), "--log-path", str(Path(tmp) / "logs"),
                     "--log-level", "warn"]
                )
            finally:
                close_duckdb()
        page = target / "static_index.html"
        if outcome.exception is not None or not outcome.success or not page.exists():
            raise DocsError(f"dbt docs generate failed: {outcome.exception or 'see the messages above'}")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, out_dir / "index.html")
    return out_dir / "index.html"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    warehouse = Path(args[0]) if args else Path("data/warehouse/budget.duckdb")
    out_dir = Path(args[1]) if len(args) > 1 else (default_report_dir(warehouse) / DBT_DOCS).parent
    try:
        page = generate_dbt_docs(warehouse, out_dir)
    except (FileNotFoundError, DocsError) as exc:
        print(f"make docs: {exc}", file=sys.stderr)
        return 1
    print(f"dbt docs: {page.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
