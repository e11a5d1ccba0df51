"""Command line: `budget-warehouse ingest | query | generate`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_WAREHOUSE = Path("data/warehouse/budget.duckdb")


def _ingest(args) -> int:
    from budget_warehouse.pipeline import PipelineError, run_ingest
    from budget_warehouse.summary import render_summary

    validate = None
    if not args.no_quality:
        from budget_warehouse.quality.run import validate_warehouse as validate
    try:
        report = run_ingest(args.paths, args.warehouse, max_bytes=args.max_bytes, workers=args.workers, validate=validate)
    except (PipelineError, FileNotFoundError) as exc:
        print(f"budget-warehouse ingest: {exc}", file=sys.stderr)
        return 1
    print(render_summary(report))
    return 0


def _query(args) -> int:
    from budget_warehouse.warehouse import query, render

    try:
        columns, rows = query(args.warehouse, args.sql)
    except Exception as exc:  # duckdb errors are user input errors here: say them plainly
        print(f"budget-warehouse query: {exc}", file=sys.stderr)
        return 1
    print(render(columns, rows, args.format))
    return 0


def _generate(args) -> int:
    from budget_warehouse.corpus.cli import main as generate_main

    return generate_main(args.rest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="budget-warehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="extract documents, rebuild the warehouse, run the quality suites, print a summary")
    ingest.add_argument("paths", nargs="+", type=Path, help="files or folders of budget documents")
    ingest.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file (default: %(default)s)")
    ingest.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024, help="larger files are quarantined")
    ingest.add_argument("--workers", type=int, default=None, help="extraction processes (default: one per core)")
    ingest.add_argument("--no-quality", action="store_true", help="skip the Great Expectations suites")
    ingest.set_defaults(func=_ingest)

    q = sub.add_parser("query", help="run one SQL statement against the warehouse (read-only)")
    q.add_argument("sql")
    q.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.set_defaults(func=_query)

    gen = sub.add_parser("generate", help="write synthetic budget documents with their truth (see corpus)", add_help=False)
    gen.add_argument("rest", nargs=argparse.REMAINDER)
    gen.set_defaults(func=_generate)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
